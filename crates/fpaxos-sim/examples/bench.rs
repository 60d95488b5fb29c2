fn main() {
    let commits: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut s = fpaxos_sim::Scenario::default();
    s.cluster.quorum = fpaxos::QuorumSpec::Counting { q1: 4, q2: 2 };
    s.cluster.thrifty = std::env::var("THRIFTY").is_ok();
    s.workload.clients = 64;
    s.workload.requests = Some(commits);
    s.duration = fpaxos_sim::Dur::secs(3600);
    s.warmup = fpaxos_sim::Dur(0);
    s.metrics.trace_capacity = 0;
    s.metrics.bucket = fpaxos_sim::Dur::secs(10);
    let r = fpaxos_sim::run(&s).unwrap();
    println!("commits {} events {} msg_events {} wall {:.0}ms ev/s {:.2}M commits/s {:.0} simtime {:.1}s hash {}",
        r.committed, r.sim.events, r.sim.message_events, r.sim.wall_ms, r.sim.events_per_sec/1e6,
        r.committed as f64 / (r.sim.wall_ms/1e3), r.sim.simulated_ms/1e3, r.trace_hash);
}
