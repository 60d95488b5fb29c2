//! Coverage counts: each situation is reached by some swarm seed, none by a calm run, and
//! counting changes nothing about the run.

use fpaxos_sim::coverage::Coverage;
use fpaxos_sim::{run, swarm, Scenario};

fn coverage(s: &Scenario) -> Coverage {
    run(s).expect("valid").coverage
}

#[test]
fn a_calm_run_reaches_only_the_minimum_q2() {
    let c = coverage(&Scenario::default());
    assert_eq!(
        c,
        Coverage {
            q2_at_minimum: c.q2_at_minimum,
            ..Coverage::default()
        }
    );
    assert!(
        c.q2_at_minimum > 0,
        "the default run chooses slots by minimal Q2s"
    );
}

#[test]
fn the_first_40_swarm_seeds_reach_every_situation() {
    let mut reached = Coverage::default();
    for seed in 1..=40 {
        reached = reached.plus(&coverage(&swarm::scenario_for_seed(seed)).reached());
    }
    for (i, (key, _)) in Coverage::SITUATIONS.iter().enumerate() {
        assert!(reached.counts()[i] > 0, "no seed in 1..=40 reached {key}");
    }
}

#[test]
fn each_count_follows_its_cause() {
    // Seed 3 (thrifty) falls back beyond its Q2; the same run without thrift cannot.
    let s = swarm::scenario_for_seed(3);
    assert!(s.cluster.thrifty);
    assert!(coverage(&s).thrifty_fallback > 0);
    let mut plain = s.clone();
    plain.cluster.thrifty = false;
    assert_eq!(coverage(&plain).thrifty_fallback, 0);
    // Seed 4 transfers state, elects through lagging acceptors and changes leaders with
    // proposals pending; without its faults and message loss it does none of the last two
    // (state transfer stays: with its short retained log, slow followers catch up by snapshot).
    let s = swarm::scenario_for_seed(4);
    let c = coverage(&s);
    assert!(c.state_transfer > 0 && c.q1_through_lagging > 0, "{c:?}");
    let mut calm = s.clone();
    calm.faults.clear();
    calm.network.loss = 0.0;
    let c = coverage(&calm);
    assert_eq!(
        (c.q1_through_lagging, c.leader_change_in_flight),
        (0, 0),
        "{c:?}"
    );
}
