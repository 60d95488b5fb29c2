//! The two stalls of issue 9, end to end through the simulator: each used to leave a live,
//! connected majority without progress for the rest of the run.

use fpaxos_sim::{run, Scenario};

fn committed_after_faults(json: &str) -> fpaxos_sim::Report {
    let s = Scenario::from_json(json).expect("the stall scenario is valid");
    run(&s).expect("it runs")
}

/// Five nodes, majority, thrifty, and an election timeout well under the retransmit timer: with
/// nodes 0 and 2 crashed, every ring-ordered Q1 held a dead node and a thrifty candidate never
/// widened its Prepare, so no leader was ever elected (868 commits in 10 s, all before the crash).
#[test]
fn a_thrifty_candidate_elects_past_two_dead_nodes() {
    let r = committed_after_faults(
        r#"{ "cluster": { "nodes": 5, "thrifty": true, "heartbeat": "5ms",
                          "election_timeout": "20ms", "retransmit": "50ms" },
             "faults": [ { "at": "1s", "action": "crash", "node": 0 },
                         { "at": "1s", "action": "crash", "node": 2 } ] }"#,
    );
    assert!(r.leader_changes >= 1, "a new leader is elected");
    assert!(r.committed > 10_000, "commits resume: {}", r.committed);
}

/// The default scenario with every follower-to-leader link cut one way at 1 s: the leader kept
/// sending heartbeats, so nobody campaigned, and it never heard an Accepted again. Check-quorum
/// makes it step down when no Q2 has answered for an election timeout.
#[test]
fn a_leader_that_cannot_hear_a_q2_steps_down_and_the_cluster_recovers() {
    let cut = |from: u32| {
        format!(r#"{{ "at": "1s", "action": "cut_link", "from": {from}, "to": 0, "both": false }}"#)
    };
    let faults: Vec<String> = (1..5).map(cut).collect();
    let r = committed_after_faults(&format!(r#"{{ "faults": [{}] }}"#, faults.join(",")));
    assert!(r.leader_changes >= 1, "the deaf leader is replaced");
    assert!(r.committed > 10_000, "commits resume: {}", r.committed);
}
