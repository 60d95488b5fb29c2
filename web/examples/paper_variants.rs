//! Explores the section-6 preset: `cargo run -p fpaxos-web --example paper_variants --release`.
use fpaxos::quorum::QuorumSpec;
use fpaxos_sim::{Dur, Latency};
fn main() {
    let base = fpaxos_web::presets::by_id("paper-s6")
        .expect("preset")
        .scenario;
    for (lat_name, lat) in [
        (
            "normal 10ms+-1",
            Latency::Normal {
                mean: Dur::ms(10),
                stddev: Dur::ms(1),
            },
        ),
        (
            "lognormal 10ms,0.2",
            Latency::Lognormal {
                median: Dur::ms(10),
                sigma: 0.2,
            },
        ),
        (
            "exp 9ms+1ms",
            Latency::Exponential {
                min: Dur::ms(9),
                mean: Dur::ms(1),
            },
        ),
    ] {
        for (q, thrifty) in [
            (QuorumSpec::Majority, false),
            (QuorumSpec::Counting { q1: 5, q2: 4 }, false),
            (QuorumSpec::Counting { q1: 5, q2: 4 }, true),
            (QuorumSpec::Counting { q1: 7, q2: 2 }, false),
        ] {
            let mut s = base.clone();
            s.network.latency = lat.clone();
            s.cluster.quorum = q.clone();
            s.cluster.thrifty = thrifty;
            s.cpu.per_recv = Dur::us(
                std::env::var("RECV")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(300),
            );
            s.cpu.per_send = Dur::us(
                std::env::var("SEND")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(120),
            );
            let r = fpaxos_sim::run(&s).expect("runs");
            println!("{lat_name:<20} {:<22} thrifty {thrifty:<5} thr {:>7.1} p50 {:>7.3} p99 {:>7.3} msgs/commit {:>6.2} leader busy {:.2}",
                q.label(8), r.throughput, r.latency_ms.p50, r.latency_ms.p99, r.messages.per_commit, r.messages.by_node[0].busy);
        }
    }
}
