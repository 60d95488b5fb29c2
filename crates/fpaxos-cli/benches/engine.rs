//! `cargo bench -p fpaxos-cli`: the reference workload at a smaller size (set
//! `FPAXOS_BENCH_COMMITS` to change it), printing the same numbers as `fpaxos bench`.

fn main() {
    let commits = std::env::var("FPAXOS_BENCH_COMMITS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(200_000u64);
    match fpaxos_cli::bench::run(commits) {
        Ok(r) => {
            println!("{}", fpaxos_cli::bench::describe(&r));
            println!(
                "{}",
                serde_json::to_string(&r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
            );
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
