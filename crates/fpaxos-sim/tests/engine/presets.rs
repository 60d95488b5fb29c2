//! The availability presets (issue 9) tell the story their notes tell. Each test runs the preset
//! as shipped and, where the story is a contrast ("untick check-quorum to see..."), the other
//! side too, and asserts both with report fields.

use fpaxos::QuorumSpec;
use fpaxos_sim::presets::preset;
use fpaxos_sim::{run, Report, Scenario};

fn scenario(id: &str) -> Scenario {
    preset(id)
        .unwrap_or_else(|| panic!("no preset {id}"))
        .scenario()
}

fn run_ok(s: &Scenario) -> Report {
    let r = run(s).unwrap_or_else(|e| panic!("{}: {e}", s.name));
    assert!(r.safety.ok, "{}: {:?}", s.name, r.safety.violations);
    r
}

/// Requests completed between `from_ms` and `to_ms` (whole timeline buckets).
fn committed_between(r: &Report, from_ms: u64, to_ms: u64) -> f64 {
    let b = r.timeline.bucket_ms;
    let (first, last) = ((from_ms as f64 / b) as usize, (to_ms as f64 / b) as usize);
    r.timeline.throughput[first..last.min(r.timeline.throughput.len())]
        .iter()
        .map(|per_s| per_s * b / 1000.0)
        .sum()
}

/// Every bucket between `from_ms` and `to_ms` completed something.
fn commits_throughout(r: &Report, from_ms: u64, to_ms: u64) -> bool {
    let b = r.timeline.bucket_ms;
    let (first, last) = ((from_ms as f64 / b) as usize, (to_ms as f64 / b) as usize);
    let last = last.min(r.timeline.throughput.len());
    first < last && r.timeline.throughput[first..last].iter().all(|t| *t > 0.0)
}

#[test]
fn pre_vote_keeps_a_returning_node_from_deposing_the_leader() {
    let mut s = scenario("pre-vote");
    assert!(!s.cluster.pre_vote, "the preset shows the problem");
    let without = run_ok(&s);
    s.cluster.pre_vote = true;
    let with = run_ok(&s);
    assert!(
        without.leader_changes >= 1 && without.leader == Some(4),
        "without pre-vote the returning node 4 takes over: {} changes, leader {:?}",
        without.leader_changes,
        without.leader
    );
    assert_eq!(with.leader_changes, 0, "with pre-vote the leader stays");
    assert_eq!(with.leader, Some(0));
    assert!(with.leader_changes != without.leader_changes);
}

#[test]
fn client_sessions_keep_resends_near_capacity_from_running_twice() {
    let mut s = scenario("client-sessions");
    assert!(!s.cluster.sessions, "the preset shows the problem");
    let without = run_ok(&s);
    s.cluster.sessions = true;
    let with = run_ok(&s);
    // The notes' numbers: about 300 ms mean and 125 commands executed twice without sessions;
    // near 35 ms and none with them.
    assert!(
        without.latency_ms.mean > 250.0 && without.executed_twice >= 100,
        "without sessions: {} ms mean, {} executed twice",
        without.latency_ms.mean,
        without.executed_twice
    );
    assert!(
        with.latency_ms.mean < 50.0 && with.executed_twice == 0,
        "with sessions: {} ms mean, {} executed twice",
        with.latency_ms.mean,
        with.executed_twice
    );
    assert!(with.committed > without.committed);
    assert!(without.liveness.ok && with.liveness.ok);
}

/// Under loss with a short client timeout, resends arrive while their first copy is still in
/// flight, and both copies are chosen. Client sessions apply such a command once: 2,785
/// commands ran twice before they did (docs/liveness.md, "Applied once"), and none now, with
/// the same run otherwise (same trace hash, same commits) and the session check satisfied.
#[test]
fn client_sessions_apply_a_command_chosen_twice_once() {
    let mut s = fpaxos_sim::Scenario::default();
    s.network.loss = 0.1;
    s.workload.timeout = fpaxos_sim::dur::Dur::ms(20);
    let without = run_ok(&s);
    s.cluster.sessions = true;
    let with = run_ok(&s);
    assert!(
        without.executed_twice > 1_000,
        "{} executed twice without sessions",
        without.executed_twice
    );
    assert_eq!(with.executed_twice, 0);
    assert!(with.safety.ok, "{:?}", with.safety.violations);
    assert_eq!(with.committed, 3_227);
}

/// A leader that records a command in its sessions when it proposes it (planted) answers
/// resends of commands not yet chosen, and skips its own commands as repeats when it executes
/// them: the reply and session checks catch it on the same preset. Without sessions the
/// planted bug changes nothing.
#[test]
fn sessions_that_record_before_chosen_are_caught_by_the_reply_and_session_checks() {
    use fpaxos_sim::checker::ViolationKind;
    let mut s = scenario("client-sessions");
    let plant = Some(fpaxos::PlantedBug::SessionsBeforeChosen);
    let off = fpaxos_sim::Sim::with_planted(s.check().expect("valid"), plant).run_to_end();
    assert!(off.safety.ok, "inert without sessions");
    s.cluster.sessions = true;
    let on = fpaxos_sim::Sim::with_planted(s.check().expect("valid"), plant).run_to_end();
    assert!(!on.safety.ok, "the planted bug must be caught");
    let v = &on.safety.violations;
    assert!(
        v.iter()
            .all(|v| matches!(v.kind, ViolationKind::Reply | ViolationKind::Session)),
        "{v:?}"
    );
    // First the leader's skip of its own command, which no earlier slot holds.
    assert_eq!(v[0].kind, ViolationKind::Session, "{:?}", v[0]);
    assert!(
        v[0].message
            .contains("no earlier slot of the agreed log holds it"),
        "{}",
        v[0].message
    );
    assert!(v.iter().any(|v| v.kind == ViolationKind::Reply), "{v:?}");
}

/// A node that never skips a command chosen twice (planted) applies it again: the session
/// check holds each first execution to the record of the agreed log, so the simulator reports
/// it (it used to count such commands only as executed twice). Same run as the test above,
/// so the same 2,785 commands; without sessions the planted bug changes nothing.
#[test]
fn a_node_that_applies_a_repeat_again_is_caught_by_the_session_check() {
    use fpaxos_sim::checker::ViolationKind;
    let mut s = fpaxos_sim::Scenario::default();
    s.network.loss = 0.1;
    s.workload.timeout = fpaxos_sim::dur::Dur::ms(20);
    let plant = Some(fpaxos::PlantedBug::SessionsNoSkip);
    let off = fpaxos_sim::Sim::with_planted(s.check().expect("valid"), plant).run_to_end();
    assert!(off.safety.ok, "inert without sessions");
    s.cluster.sessions = true;
    let on = fpaxos_sim::Sim::with_planted(s.check().expect("valid"), plant).run_to_end();
    assert_eq!(on.executed_twice, 2_785);
    let v = &on.safety.violations;
    assert!(!v.is_empty(), "the planted bug must be caught");
    assert!(v.iter().all(|v| v.kind == ViolationKind::Session), "{v:?}");
    assert!(
        v[0].message.contains("applied c2#3 again in slot 26")
            && v[0].message.contains("so the node must skip it"),
        "{}",
        v[0].message
    );
}

#[test]
fn one_way_cut_check_quorum_replaces_the_deaf_leader() {
    let s = scenario("one-way-cut");
    let r = run_ok(&s);
    assert!(r.leader_changes >= 1, "node 0 steps down");
    assert!(r.leader.is_some_and(|l| l != 0), "leader {:?}", r.leader);
    assert!(
        commits_throughout(&r, 1500, 6000),
        "commits resume within 0.5 s"
    );
    let mut off = s.clone();
    off.cluster.check_quorum = false;
    let off = run_ok(&off);
    assert_eq!(off.leader_changes, 0);
    assert_eq!(
        committed_between(&off, 1100, 6000),
        0.0,
        "the stall of issue 9"
    );
    // The liveness monitor: fine with check-quorum; without it, a stall of the four followers
    // (mutually connected, a majority) lasting to the end, though a leader was alive throughout.
    assert!(r.liveness.ok, "{:?}", r.liveness.stalls);
    assert!(!off.liveness.ok, "the stall must be reported");
    let stall = &off.liveness.stalls[0];
    assert_eq!(stall.nodes, vec![1, 2, 3, 4]);
    assert_eq!(stall.ended_by, "end of run");
    assert!(off.leaderless_ms < 10.0, "a leader was alive all along");
    assert!(
        off.liveness.unavailable_ms > 4_500.0,
        "but nothing committed"
    );
    // Its report says who: node 0, in office from outside the set, heard by the followers.
    assert!(
        stall.causes.iter().any(|c| c.starts_with(
            "Node 0 led throughout, from outside the healthy set (it is not connected both \
             ways to all of it). Nodes that hear its heartbeats do not campaign, and without \
             check-quorum"
        )),
        "{:#?}",
        stall.causes
    );
}

#[test]
fn quorum_loss_check_quorum_lets_the_hub_lead() {
    let s = scenario("quorum-loss");
    let r = run_ok(&s);
    assert!(
        committed_between(&r, 1100, 1200) == 0.0,
        "the cut stops commits"
    );
    assert_eq!(r.leader, Some(2), "only node 2 reaches a Q1");
    assert!(
        commits_throughout(&r, 2000, 6000),
        "node 2 leads from 2 s on"
    );
    // Without check-quorum but with pre-vote: the known deadlock, nothing ever commits again.
    let mut stuck = s.clone();
    stuck.cluster.check_quorum = false;
    stuck.cluster.pre_vote = true;
    let stuck = run_ok(&stuck);
    assert_eq!(stuck.leader_changes, 0);
    assert_eq!(committed_between(&stuck, 1100, 6000), 0.0);
}

#[test]
fn constrained_election_elects_the_node_that_is_behind() {
    let r = run_ok(&scenario("constrained-election"));
    assert!(
        commits_throughout(&r, 1000, 2000),
        "four nodes commit without node 2"
    );
    assert_eq!(
        committed_between(&r, 2100, 2500),
        0.0,
        "nobody reaches a Q2"
    );
    assert_eq!(r.leader, Some(2), "the recovered, stale node 2 leads");
    assert!(commits_throughout(&r, 3000, 6000), "and commits resume");
}

#[test]
fn chained_check_quorum_stops_the_ping_pong() {
    let s = scenario("chained");
    let r = run_ok(&s);
    assert_eq!(r.leader_changes, 0);
    assert_eq!(r.leader, Some(0));
    let before = committed_between(&r, 500, 1000);
    assert!(committed_between(&r, 5500, 6000) > 0.8 * before);
    let mut off = s.clone();
    off.cluster.check_quorum = false;
    let off = run_ok(&off);
    assert!(off.leader_changes >= 5, "ping-pong: {}", off.leader_changes);
}

#[test]
fn replicate_only_window_replicates_but_cannot_elect() {
    let s = scenario("replicate-only");
    let r = run_ok(&s);
    assert!(
        commits_throughout(&r, 1000, 3000),
        "Q2 = 2 replicates with 3 down"
    );
    assert_eq!(
        committed_between(&r, 3000, 5000),
        0.0,
        "3 live nodes cannot elect"
    );
    assert!(commits_throughout(&r, 5500, 6000), "a Q1 of four elects");
    assert!(r.leader_changes >= 1 && r.leader != Some(0));
    // The other side of the trade: majorities cannot replicate with three down, but elect
    // with three up.
    let mut maj = s.clone();
    maj.cluster.quorum = QuorumSpec::Majority;
    let maj = run_ok(&maj);
    assert_eq!(committed_between(&maj, 1100, 4000), 0.0);
    assert!(commits_throughout(&maj, 4500, 6000));
}
