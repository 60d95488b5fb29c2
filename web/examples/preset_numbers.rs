//! Prints the headline numbers of every preset (native run): `cargo run -p fpaxos-web --example preset_numbers --release`.
fn main() {
    for p in fpaxos_web::presets::all() {
        match fpaxos_sim::run(&p.scenario) {
            Ok(r) => println!(
                "{:<20} committed {:>7} thr {:>9.1} req/s p50 {:>8.3} ms p99 {:>8.3} ms leader changes {:>2} msgs/commit {:>6.2} safe {} hash {}",
                p.id, r.committed, r.throughput, r.latency_ms.p50, r.latency_ms.p99, r.leader_changes, r.messages.per_commit, r.safety.ok, r.trace_hash
            ),
            Err(e) => println!("{:<20} invalid: {e}", p.id),
        }
    }
}
