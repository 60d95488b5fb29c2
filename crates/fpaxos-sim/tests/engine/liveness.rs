//! The two stalls of issue 9, end to end through the simulator: each used to leave a live,
//! connected majority without progress for the rest of the run. Also: the liveness monitor
//! reports a stall when a bug is planted, and reports recoveries when there is none.

use fpaxos::PlantedBug;
use fpaxos_sim::{run, Scenario, Sim};

const THRIFTY_TWO_DEAD: &str = r#"{ "cluster": { "nodes": 5, "thrifty": true, "heartbeat": "5ms",
                          "election_timeout": "20ms", "retransmit": "50ms" },
             "faults": [ { "at": "1s", "action": "crash", "node": 0 },
                         { "at": "1s", "action": "crash", "node": 2 } ] }"#;

fn committed_after_faults(json: &str) -> fpaxos_sim::Report {
    let s = Scenario::from_json(json).expect("the stall scenario is valid");
    run(&s).expect("it runs")
}

/// The stall scenario `json`, changed by `change`, runs without a stall.
fn no_stall_with(json: &str, change: impl FnOnce(&mut Scenario)) {
    let mut s = Scenario::from_json(json).expect("valid");
    change(&mut s);
    let r = run(&s).expect("it runs");
    assert!(r.liveness.ok, "{:?}", r.liveness.stalls);
}

/// The stall's cause that starts with `prefix`; the test fails with the causes if none does.
fn cause_starting_with<'a>(st: &'a fpaxos_sim::liveness::Stall, prefix: &str) -> &'a str {
    st.causes
        .iter()
        .find(|c| c.starts_with(prefix))
        .unwrap_or_else(|| panic!("no cause starts with {prefix:?}: {:#?}", st.causes))
}

/// Five nodes, majority, thrifty, and an election timeout well under the retransmit timer: with
/// nodes 0 and 2 crashed, every ring-ordered Q1 held a dead node and a thrifty candidate never
/// widened its Prepare, so no leader was ever elected (868 commits in 10 s, all before the crash).
#[test]
fn a_thrifty_candidate_elects_past_two_dead_nodes() {
    let r = committed_after_faults(THRIFTY_TWO_DEAD);
    assert!(r.leader_changes >= 1, "a new leader is elected");
    assert!(r.committed > 10_000, "commits resume: {}", r.committed);
    let l = &r.liveness;
    assert!(l.ok, "{:?}", l.stalls);
    assert!(
        l.judged_ms > 9_000.0,
        "the rule applied all along: {}",
        l.judged_ms
    );
    let e = l.elections.first().expect("one leader loss");
    assert!((e.lost_ms - 1000.0).abs() < 1.0, "{e:?}");
    assert!(
        e.elected_ms.is_some_and(|t| t - e.lost_ms < l.bound_ms),
        "{e:?}"
    );
    assert_eq!(l.after_faults.len(), 2);
    assert!(l.after_faults.iter().all(|f| f.first_commit_ms.is_some()));
}

/// The same scenario with a planted bug (a candidate never retries): the three live nodes hold
/// a Q1 and a Q2, yet nothing commits after the crash. The monitor reports the stall, which
/// names the healthy set and lasts to the end of the run; safety is untouched.
#[test]
fn a_candidate_that_never_retries_is_a_liveness_failure() {
    let s = Scenario::from_json(THRIFTY_TWO_DEAD).expect("valid");
    let checked = s.check().expect("valid");
    let r = Sim::with_planted(checked, Some(PlantedBug::NoElectionRetry)).run_to_end();
    assert!(r.safety.ok);
    let l = &r.liveness;
    assert!(!l.ok, "the planted bug must be caught");
    let stall = l.stalls.last().expect("a stall");
    assert_eq!(stall.nodes, vec![1, 3, 4]);
    assert_eq!(stall.ended_by, "end of run");
    assert!((stall.from_ms - 1000.0).abs() < 1.0, "{stall:?}");
    assert!(stall.why.contains("Q1 [1, 3, 4]"), "{}", stall.why);
    assert!(l.unavailable_ms > 8_000.0, "{}", l.unavailable_ms);
    assert!(l.elections[0].elected_ms.is_none());
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
    assert!(r.liveness.ok, "{:?}", r.liveness.stalls);
    let unavailable = r.liveness.unavailable_ms;
    assert!(
        unavailable > 100.0 && unavailable < r.liveness.bound_ms,
        "{unavailable}"
    );
}

/// Found by the liveness checker (swarm seed 7197 of `fpaxos check --seeds 10000`): two nodes,
/// Q1 = 1, Q2 = 2, `log_retain` 8. Node 0 elects itself (a Q1 alone, no phase 1 round) while
/// behind node 1, which has executed and trimmed the slots node 0 re-proposes. Node 1 cannot
/// answer Accepted for a slot it no longer stores, so node 0 retransmitted forever and nothing
/// committed for the last 1.6 s. Now the acceptor sends the leader its executed state.
#[test]
fn a_leader_behind_a_follower_that_trimmed_its_log_catches_up() {
    let json = include_str!("data/leader-behind-trimmed-follower.json");
    let r = committed_after_faults(json);
    assert!(r.liveness.ok, "{:?}", r.liveness.stalls);
    assert!(r.safety.ok);
    assert!(r.committed > 10_000, "commits resume: {}", r.committed);
}

/// Clients whose timeout is shorter than the wait in the leader's queue (window 1, round trips
/// of 20 ms, six clients resending every 30 ms): every resend used to join the queue as a new
/// command, so the queue grew faster than the leader proposed, the replies went to copies of
/// requests answered long before, and the clients' latest requests waited ever longer, until
/// none completed within the bound (a retry storm; the swarm found it at seeds 501146 and
/// 516786). The leader now queues a command once.
#[test]
fn resends_of_queued_commands_do_not_flood_the_leader() {
    let r = committed_after_faults(
        r#"{ "cluster": { "window": 1 }, "network": { "latency": "10ms" },
             "workload": { "clients": 6, "outstanding": 1, "timeout": "30ms" } }"#,
    );
    assert!(r.safety.ok);
    assert!(r.liveness.ok, "{:?}", r.liveness.stalls);
    assert!(r.committed > 250, "commits flow: {}", r.committed);
    // About 35 ms a slot, so a request waits for the six in the queue (about 200 ms), not for
    // a backlog that keeps growing.
    assert!(
        r.latency_ms.p99 < 500.0,
        "a request waits for the queue's six at most: {:?}",
        r.latency_ms
    );
}

/// Found by a long swarm (seed 609040 of `fpaxos check --seeds 50000 --start-seed 600000`):
/// three nodes, every Q1 one node and the Q2 all three, 5 % loss, open-loop arrivals at 2,148
/// requests a second. While leaders came and went, every request told "no leader known" was
/// retried on its own one heartbeat later, so the redirects grew with the thousands of requests
/// pending, kept every node's CPU busy, and held up the heartbeats and elections behind them:
/// 51 requests completed in 5.2 s, none in the last 2.3. A client now looks for a leader with
/// one request at a time; the others told so meanwhile wait for their timeout.
#[test]
fn clients_told_no_leader_is_known_look_for_one_with_one_request() {
    let r = committed_after_faults(include_str!("data/no-leader-flood.json"));
    assert!(r.safety.ok);
    assert!(r.liveness.ok, "{:?}", r.liveness.stalls);
    assert!(r.committed > 3_000, "commits flow: {}", r.committed);
    let per_commit = r.messages.total as f64 / r.committed as f64;
    assert!(
        per_commit < 100.0,
        "no flood of redirects: {per_commit:.1} messages a commit"
    );
}

/// Seed 841879 of `fpaxos check --nodes 9`: node 7, slowed 41 times until 1,861.5 ms, was
/// elected at 1,855 ms and took over 552 slots, sending to eight nodes at the slow rate until
/// about 2.76 s. The rule counted node 7 at normal speed from the fault's end and reported a
/// stall of 1,010 ms against a bound of 957. A node now counts as slowed until the work it
/// began while slowed is done.
#[test]
fn a_node_counts_as_slowed_until_the_work_it_began_slowed_is_done() {
    let r = committed_after_faults(include_str!("data/slow-work-after-slow-fault.json"));
    assert!(r.safety.ok);
    assert!(r.liveness.ok, "{:?}", r.liveness.stalls);
    assert!(
        r.liveness.judged_ms > 100.0,
        "the rule applies again after the slow work: {} ms",
        r.liveness.judged_ms
    );
}

/// Seed 812082 of `fpaxos check --thrifty` (docs/liveness.md, "Open"): an election timeout
/// under the slowest round trip, and thrifty Prepares that leave the nodes outside the Q1
/// unaware of the candidate, so each new leader is deposed. The stall stays (the rule judges
/// such timers), and the report says what happened during it.
#[test]
fn a_stall_says_what_happened_during_it() {
    let r = committed_after_faults(include_str!("data/thrifty-dueling-candidates.json"));
    let st = r.liveness.stalls.first().expect("the open stall");
    assert!(
        st.during
            .starts_with("22 leader elections won, 1717.6 ms without a leader"),
        "{}",
        st.during
    );
    // One cause, the churn, with its timers: an election timeout of 22.98 ms against links of
    // up to 19.832 ms one way. The CPU is not named.
    assert_eq!(st.causes.len(), 1, "{:#?}", st.causes);
    let churn = &st.causes[0];
    assert!(
        churn.starts_with("Leaders were deposed one after another.")
            && churn.ends_with(
                "Here the election timeout, 23.0 ms, is below the slowest link's round trip, \
                 about 39.7 ms (twice its one-in-a-million latency)."
            ),
        "{churn}"
    );
    assert_eq!(st.explained(), format!("{} {churn}", st.during));
}

/// Swarm seed 1603861 (`--loss 0 --check-quorum=off`): two nodes, and node 1 alone holds a Q1
/// and a Q2. Once its link to node 0 is cut one way, node 0 stops hearing it and campaigns over
/// and over: each Prepare makes node 1 promise and step down, and node 0 never hears the
/// Promise. The stall's report names the candidate; with check-quorum or pre-vote on, the same
/// run has no stall.
#[test]
fn a_stall_names_candidates_outside_the_healthy_set_that_kept_it_from_electing() {
    let json = include_str!("data/disruptive-candidate.json");
    let r = committed_after_faults(json);
    let st = r.liveness.stalls.first().expect("the stall");
    assert_eq!(st.nodes, vec![1], "{st:?}");
    let [cause] = st.causes.as_slice() else {
        panic!("one cause: {:#?}", st.causes)
    };
    assert!(
        cause.starts_with("Node 0, outside the healthy set, campaigned 18 times during it")
            && cause.contains("so the healthy set elected no one"),
        "{cause}"
    );
    no_stall_with(json, |s| s.cluster.check_quorum = true);
    no_stall_with(json, |s| s.cluster.pre_vote = true);
}

/// Swarm seed 5778985 (`--loss 0 --nodes 4 --quorum grid:2x2 --thrifty --check-quorum=off
/// --window 2`), shrunk: the link between nodes 0 and 2 cut both ways. Node 2, outside the
/// healthy set {0, 1, 3}, never hears node 0's heartbeats and wins with Q1 {2, 3}; node 0, which
/// never hears node 2, wins back with Q1 {0, 1}; nothing completes. The stall names node 2 as a
/// campaigner whose elections took turns with the set's; check-quorum or pre-vote ends it.
#[test]
fn a_stall_names_a_candidate_outside_the_healthy_set_whose_elections_took_turns_with_its_own() {
    let json = include_str!("data/disruptive-candidate-elected.json");
    let r = committed_after_faults(json);
    let st = r.liveness.stalls.first().expect("the stall");
    assert_eq!(st.nodes, vec![0, 1, 3], "{st:?}");
    let cause = cause_starting_with(
        st,
        "Node 2, outside the healthy set, campaigned 11 times during it",
    );
    assert!(cause.contains("while 22 elections were won"), "{cause}");
    no_stall_with(json, |s| s.cluster.check_quorum = true);
    no_stall_with(json, |s| s.cluster.pre_vote = true);
}

/// Swarm seed 1601905 (`--loss 0 --check-quorum=off`): eight nodes, window 1, an open loop
/// against a short client timeout. After a heal, the new leader spends its slots, one a round
/// trip, on resends of requests that had executed already, and no request completes for longer
/// than the bound. The stall's report says so; with a window of 2 the same run has no stall.
#[test]
fn a_stall_says_when_resends_of_executed_requests_filled_the_slots() {
    let json = include_str!("data/resends-window-1.json");
    let r = committed_after_faults(json);
    let st = r.liveness.stalls.first().expect("the stall");
    let again = cause_starting_with(
        st,
        "About 223 commands were executed a second time during it",
    );
    assert!(
        again.ends_with(
            "They filled slots but completed no pending request, and a leader proposes one slot \
             per round trip (window 1)."
        ),
        "{again}"
    );
    assert!(r.executed_twice >= 200, "{}", r.executed_twice);
    no_stall_with(json, |s| s.cluster.window = 2);
}

/// Client sessions end the stalls of resends (seeds 1601905, 4635320, 2712914 of the swarm):
/// a leader answers a resend of a command it has executed instead of proposing it again. In
/// seed 4635320 the leader had installed a snapshot over most of those commands, so the
/// sessions must travel with state transfer. Without sessions each run stalls, and more
/// requests complete with them.
#[test]
fn client_sessions_end_the_stalls_of_resends() {
    for json in [
        include_str!("data/resends-window-1.json"),
        include_str!("data/resends-after-snapshot.json"),
    ] {
        let off = committed_after_faults(json);
        assert!(!off.liveness.ok, "the stall without sessions");
        assert!(off.executed_twice > 200, "{}", off.executed_twice);
        let mut s = Scenario::from_json(json).expect("valid");
        s.cluster.sessions = true;
        let on = run(&s).expect("it runs");
        assert!(on.liveness.ok, "{:?}", on.liveness.stalls);
        assert!(on.safety.ok, "{:?}", on.safety.violations);
        assert!(
            on.committed > off.committed,
            "{} vs {}",
            on.committed,
            off.committed
        );
        assert!(
            on.executed_twice * 10 < off.executed_twice,
            "{} vs {}",
            on.executed_twice,
            off.executed_twice
        );
    }
}

/// A deaf leader outside the healthy set, with check-quorum off and pre-vote on (a swarm seed):
/// the stall's report names the leader and what kept it in office, and with check-quorum on the
/// same run has no stall.
#[test]
fn a_stall_names_a_leader_that_stayed_in_office_from_outside_the_healthy_set() {
    let json = include_str!("data/deaf-leader-pre-vote.json");
    let r = committed_after_faults(json);
    let st = r.liveness.stalls.first().expect("the stall");
    assert_eq!(st.nodes, vec![0, 1, 2], "{st:?}");
    assert!(
        st.during
            .starts_with("0 leader elections won, 0.0 ms without a leader"),
        "{}",
        st.during
    );
    let [cause] = st.causes.as_slice() else {
        panic!("one cause: {:#?}", st.causes)
    };
    assert!(
        cause.starts_with(
            "Node 3 led throughout, from outside the healthy set (it is not connected both \
             ways to all of it). Nodes that hear its heartbeats do not campaign and deny the \
             pre-votes of nodes that do not hear it, and without check-quorum a leader that \
             hears from no Q2 does not step down"
        ),
        "{cause}"
    );
    no_stall_with(json, |s| s.cluster.check_quorum = true);
}
