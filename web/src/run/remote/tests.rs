//! The page's side of the main run, natively: a `RemoteRun` over a link whose host runs on
//! the page and answers at once.

use super::*;
use crate::run::link::Out;
use crate::run::test_clock::ticking;

fn local() -> Rc<Link> {
    Rc::new(Link::with_out(Out::Local(Box::default())))
}

/// Pumps until the run is no longer heading anywhere.
fn settle(r: &mut RemoteRun, clock: &dyn Fn() -> f64) {
    while r.pump(5.0, clock) {}
}

#[test]
fn a_run_hosted_on_the_page_is_the_engines_run() {
    let clock = ticking();
    let mut r = RemoteRun::new(local(), Rc::new(Scenario::default()), &clock);
    assert_eq!(r.now(), 0);
    assert!(r.cluster().is_some() && r.report().is_some());
    r.seek(u64::MAX, &clock);
    settle(&mut r, &clock);
    assert!(r.done());
    let want = fpaxos_sim::run(&Scenario::default()).expect("runs");
    assert_eq!(r.report().expect("a report").trace_hash, want.trace_hash);
    let mut sim = Sim::new(Scenario::default().check().expect("valid"));
    sim.run_to_end();
    assert_eq!(
        r.diagram().expect("runs").msgs(),
        sim.trace().diagram().msgs()
    );
    assert_eq!(
        r.ballots().expect("runs").entries(),
        sim.trace().ballots().entries()
    );
}

#[test]
fn a_new_run_on_the_link_ignores_the_old_ones_news() {
    let clock = ticking();
    let link = local();
    let mut old = RemoteRun::new(Rc::clone(&link), Rc::new(Scenario::default()), &clock);
    old.seek(u64::MAX, &clock);
    // Unapplied news of the old run are left in the inbox.
    link.pump(5.0, &clock);
    let s = Scenario {
        seed: 7,
        ..Scenario::default()
    };
    let mut r = RemoteRun::new(Rc::clone(&link), Rc::new(s.clone()), &clock);
    assert_eq!(r.now(), 0, "the old run's news are not this run's");
    r.seek(300_000_000, &clock);
    settle(&mut r, &clock);
    assert_eq!(r.now(), 300_000_000);
    assert_eq!(r.scenario().seed, 7);
}

#[test]
fn clicks_arrive_with_the_news_and_replay() {
    let clock = ticking();
    let mut r = RemoteRun::new(local(), Rc::new(Scenario::default()), &clock);
    r.seek(200_000_000, &clock);
    settle(&mut r, &clock);
    r.inject(FaultAction::Crash { node: 1 }, &clock)
        .expect("runs");
    r.poll(&clock);
    let got = r.take_injected();
    let (f, s) = got[0].clone().expect("applied");
    assert_eq!(f.at.0, 200_000_001);
    assert_eq!(r.scenario().faults, s.faults);
    assert_eq!(s.faults.len(), 1);
    r.seek(u64::MAX, &clock);
    settle(&mut r, &clock);
    let want = fpaxos_sim::run(&s).expect("runs");
    assert_eq!(r.report().expect("report").trace_hash, want.trace_hash);
    assert!(r.inject(FaultAction::Heal, &clock).is_err(), "over");
}

#[test]
fn a_replaced_host_gets_the_run_again() {
    let clock = ticking();
    let link = local();
    let mut r = RemoteRun::new(Rc::clone(&link), Rc::new(Scenario::default()), &clock);
    r.seek(500_000_000, &clock);
    settle(&mut r, &clock);
    let before = r.report().expect("report").trace_hash.clone();
    // As when a worker fails: a fresh host that knows nothing of the run.
    link.replace_host();
    r.poll(&clock);
    settle(&mut r, &clock);
    let host_now = match &*link.out.borrow() {
        Out::Local(h) => h.run().now(),
        #[cfg(target_arch = "wasm32")]
        Out::Worker { .. } => unreachable!(),
    };
    assert_eq!(host_now, 500_000_000, "the new host has the run");
    assert_eq!(r.now(), 500_000_000);
    assert_eq!(r.report().expect("report").trace_hash, before);
    // The run goes on there.
    r.seek(600_000_000, &clock);
    settle(&mut r, &clock);
    assert_eq!(r.now(), 600_000_000);
}

#[test]
fn a_scenario_that_does_not_run_sends_nothing_more() {
    let clock = ticking();
    let mut s = Scenario::default();
    s.cluster.nodes = 0;
    let link = local();
    let mut r = RemoteRun::new(Rc::clone(&link), Rc::new(s), &clock);
    assert!(!r.errors().is_empty());
    assert!(r.diagram().is_none() && r.cluster().is_none());
    let sent = link.sent.get();
    r.seek(5, &clock);
    r.step(&clock);
    r.advance(5, 1.0, &clock);
    assert_eq!(link.sent.get(), sent);
    assert!(r.inject(FaultAction::Heal, &clock).is_err());
}

#[test]
fn a_run_on_its_own_link_leaves_the_main_run_alone_and_shows_each_frames_cluster() {
    let clock = ticking();
    let shared = Link::shared();
    let mut main = RemoteRun::new(Rc::clone(&shared), Rc::new(Scenario::default()), &clock);
    main.seek(400_000_000, &clock);
    settle(&mut main, &clock);
    // The animation export's run: its own link, sought frame by frame.
    let s = Scenario {
        seed: 11,
        ..Scenario::default()
    };
    let own = Link::own();
    assert!(!Rc::ptr_eq(&own, &shared));
    let mut frames = RemoteRun::new(own, Rc::new(s.clone()), &clock);
    let mut sim = Sim::new(s.check().expect("valid"));
    for k in 1..=8u64 {
        let t = k * 37_000_000;
        frames.seek(t, &clock);
        settle(&mut frames, &clock);
        while !sim.run_until_budget(t, u64::MAX).reached {}
        assert_eq!(frames.now(), t);
        assert_eq!(
            frames.cluster().as_deref(),
            Some(&SimAt::of(&sim, DRAWN_FLIGHTS)),
            "the cluster at {t}"
        );
    }
    // The main run did not move, and its news still reach it.
    main.poll(&clock);
    assert_eq!(main.now(), 400_000_000);
    main.seek(500_000_000, &clock);
    settle(&mut main, &clock);
    assert_eq!(main.now(), 500_000_000);
}
