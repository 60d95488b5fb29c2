//! Small formatting helpers for human-readable output.

use fpaxos_sim::Report;

pub use fpaxos_sim::number::grouped as thousands;

/// A rate with a unit suffix: `1.23M`, `45.6k`, `789`.
pub fn si(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.2}G", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 1e4 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// The readable summary of a run, as printed by `fpaxos run`; `wall_ms` is how long the run
/// took on the caller's clock.
pub fn summary(r: &Report, wall_ms: f64) -> String {
    let s = &r.scenario;
    let c = &s.cluster;
    let n = c.nodes as usize;
    let mut out = String::new();
    let mut line = |k: &str, v: String| {
        out.push_str(&format!("{k:<14}{v}\n"));
    };
    if !s.name.is_empty() {
        line("scenario", s.name.clone());
    }
    let workload = match s.workload.rate {
        Some(rate) => format!("open loop {rate} req/s over {} clients", s.workload.clients),
        None => format!(
            "{} closed-loop clients x {} outstanding",
            s.workload.clients, s.workload.outstanding
        ),
    };
    line(
        "cluster",
        format!(
            "{n} nodes, {}{}",
            c.label(),
            if c.allow_unsafe {
                ", unsafe quorums allowed"
            } else {
                ""
            },
        ),
    );
    line("workload", workload);
    line(
        "run",
        format!(
            "{} simulated (warmup {}), seed {}, {} faults",
            s.duration,
            s.warmup,
            s.seed,
            s.faults.len()
        ),
    );
    line(
        "committed",
        format!(
            "{} requests, {:.1} req/s",
            thousands(r.committed),
            r.throughput
        ),
    );
    let l = &r.latency_ms;
    line(
        "latency ms",
        format!(
            "mean {:.3}  p50 {:.3}  p90 {:.3}  p99 {:.3}  max {:.3}",
            l.mean, l.p50, l.p90, l.p99, l.max
        ),
    );
    line(
        "messages",
        format!(
            "{} total, {:.2} per commit",
            thousands(r.messages.total),
            r.messages.per_commit
        ),
    );
    line(
        "leadership",
        format!(
            "{} leader changes, {:.1} ms without a leader",
            r.leader_changes, r.leaderless_ms
        ),
    );
    line(
        "safety",
        if r.safety.ok {
            if r.scenario.cluster.sessions {
                "ok (agreement, validity, log prefix, replies, sessions)".to_string()
            } else {
                "ok (agreement, validity, log prefix, replies)".to_string()
            }
        } else {
            format!("VIOLATED ({} violations)", r.safety.violations.len())
        },
    );
    if let Some(sch) = &s.schedule {
        line(
            "schedule",
            match &r.schedule_error {
                None => format!("{} steps replayed", sch.steps.len()),
                Some(e) => format!("STOPPED: {e}"),
            },
        );
    }
    line(
        "executions",
        format!(
            "{} commands executed twice ({})",
            thousands(r.executed_twice),
            if r.scenario.cluster.sessions {
                "client sessions on: a command chosen twice is applied once, and a resend of an executed one is answered at once"
            } else {
                "at-least-once: a resent request can run again"
            }
        ),
    );
    for (k, v) in liveness_lines(&r.liveness) {
        line(k, v);
    }
    line("trace hash", r.trace_hash.clone());
    line(
        "simulator",
        format!(
            "{} events in {:.0} ms ({} events/s)",
            thousands(r.sim.events),
            wall_ms,
            si(r.sim.events as f64 / (wall_ms / 1e3).max(1e-9))
        ),
    );
    out.push('\n');
    out.push_str(&format!(
        "{:<6}{:>12}{:>12}{:>8}\n",
        "node", "sent", "received", "busy"
    ));
    for (i, nl) in r.messages.by_node.iter().enumerate() {
        out.push_str(&format!(
            "{:<6}{:>12}{:>12}{:>7.1}%\n",
            i,
            thousands(nl.sent),
            thousands(nl.received),
            nl.busy * 100.0
        ));
    }
    out.push_str(&failures(r));
    out
}

/// The safety violations and liveness stalls, the first ten of each.
fn failures(r: &Report) -> String {
    let mut out = String::new();
    if !r.safety.ok {
        out.push('\n');
        for v in r.safety.violations.iter().take(10) {
            out.push_str(&format!("violation: {}\n", v.message));
        }
        if r.safety.violations.len() > 10 {
            out.push_str(&format!(
                "... and {} more\n",
                r.safety.violations.len() - 10
            ));
        }
    }
    for st in r.liveness.stalls.iter().take(10) {
        out.push_str(&format!(
            "stall: {:.1} ms to {:.1} ms (ended by {}): {}\n",
            st.from_ms, st.to_ms, st.ended_by, st.why
        ));
        if !st.during.is_empty() {
            out.push_str(&format!("  during it: {}\n", st.during));
        }
        for cause in &st.causes {
            out.push_str(&format!("  - {cause}\n"));
        }
    }
    if r.liveness.stalls.len() > 10 {
        out.push_str(&format!(
            "... and {} more stalls\n",
            r.liveness.stalls.len() - 10
        ));
    }
    out
}

/// The summary's liveness and availability lines.
pub fn liveness_lines(l: &fpaxos_sim::liveness::Liveness) -> Vec<(&'static str, String)> {
    let verdict = if !l.ok {
        let st = &l.stalls[0];
        format!(
            "STALLED ({} stall{}; first from {:.1} ms to {:.1} ms, bound {:.1} ms)",
            l.stalls.len(),
            if l.stalls.len() == 1 { "" } else { "s" },
            st.from_ms,
            st.to_ms,
            st.bound_ms
        )
    } else if l.judged_ms == 0.0 {
        match l.describe_not_judged() {
            why if why.is_empty() => "not judged: the rule never applied".to_string(),
            why => format!("not judged: the rule never applied ({why})"),
        }
    } else {
        let rest = l.describe_not_judged();
        format!(
            "ok (the rule applied for {:.1} ms; bound {:.1} ms){}",
            l.judged_ms,
            l.bound_ms,
            if rest.is_empty() {
                String::new()
            } else {
                format!("; not judged: {rest}")
            }
        )
    };
    let elected: Vec<f64> = l
        .elections
        .iter()
        .filter_map(|e| e.elected_ms.map(|t| t - e.lost_ms))
        .collect();
    let never = l.elections.len() - elected.len();
    let elect = if l.elections.is_empty() {
        "no leader lost".to_string()
    } else {
        format!(
            "{} leader loss{}, elected after max {:.1} ms{}",
            l.elections.len(),
            if l.elections.len() == 1 { "" } else { "es" },
            elected.iter().copied().fold(0.0, f64::max),
            if never > 0 {
                format!(", {never} never replaced")
            } else {
                String::new()
            }
        )
    };
    let firsts: Vec<f64> = l
        .after_faults
        .iter()
        .filter_map(|f| f.first_commit_ms.map(|t| t - f.at_ms))
        .collect();
    let faults = if l.after_faults.is_empty() {
        String::new()
    } else {
        format!(
            "; first commit after a fault within max {:.1} ms ({} of {} faults followed by a commit)",
            firsts.iter().copied().fold(0.0, f64::max),
            firsts.len(),
            l.after_faults.len()
        )
    };
    vec![
        ("liveness", verdict),
        (
            "availability",
            format!("{:.1} ms unavailable; {elect}{faults}", l.unavailable_ms),
        ),
    ]
}

/// The `fpaxos analyze` table.
pub fn analysis(s: &fpaxos_sim::Scenario, a: &fpaxos_analysis::Analysis) -> String {
    use std::fmt::Write;
    let ids = |v: &[u8]| {
        let inner: Vec<String> = v.iter().map(|i| i.to_string()).collect();
        format!("{{{}}}", inner.join(","))
    };
    let sets = |v: &Option<Vec<Vec<u8>>>| match v {
        None => "(not listed above 9 nodes)".to_string(),
        Some(v) if v.len() > 12 => format!(
            "{} sets, e.g. {}",
            v.len(),
            v.iter()
                .take(6)
                .map(|x| ids(x))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Some(v) => v.iter().map(|x| ids(x)).collect::<Vec<_>>().join(" "),
    };
    let mut o = String::new();
    let q = s.cluster.quorum.label(a.n);
    let _ = writeln!(o, "quorum system        {q} on {} nodes", a.n);
    match &a.counterexample {
        None => {
            let _ = writeln!(o, "intersection         safe: every Q1 meets every Q2");
        }
        Some((q1, q2)) => {
            let _ = writeln!(
                o,
                "intersection         UNSAFE: Q1 {} and Q2 {} share no node",
                ids(q1),
                ids(q2)
            );
        }
    }
    let _ = writeln!(
        o,
        "fault tolerance      elections survive {}, replication survives {} failures",
        a.fault_tolerance_elect, a.fault_tolerance_replicate
    );
    if let Some(w) = &a.window {
        let _ = writeln!(o, "window               {w}");
    }
    let _ = writeln!(
        o,
        "load / capacity      phase 2: {:.3} / {:.2}   mixed ({:.0}% phase 1): {:.3} / {:.2}",
        a.load_phase2,
        a.capacity_phase2,
        a.phase1_fraction * 100.0,
        a.load_mixed,
        a.capacity_mixed
    );
    let _ = writeln!(
        o,
        "network load         expected quorum size: phase 1 {:.2}, phase 2 {:.2}",
        a.network_load_phase1, a.network_load_phase2
    );
    let _ = writeln!(
        o,
        "quorum latency       leader round trip: phase 1 {:.3} ms, phase 2 {:.3} ms",
        a.quorum_latency_ms_phase1, a.quorum_latency_ms_phase2
    );
    let _ = writeln!(
        o,
        "availability (p={})  elect {:.6}, replicate {:.6}",
        a.failure_prob, a.availability_elect, a.availability_replicate
    );
    let _ = writeln!(o, "blocks elections     {}", sets(&a.blocking_elect));
    let _ = writeln!(o, "blocks replication   {}", sets(&a.blocking_replicate));
    for n in &a.notes {
        let _ = writeln!(o, "note: {n}");
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(si(1_500_000.0), "1.50M");
        assert_eq!(si(12_345.0), "12.3k");
    }
}
