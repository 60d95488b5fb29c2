//! Compare mode and sweeps: the state that lives in [`AppState`] (variants, the sweep spec — the
//! parts a link carries in [`fpaxos_share::ViewState`]), the actions that change it, and the
//! runner that drives every variant's [`Sim`] in frame-sized slices.
//!
//! **Invariant**: a variant is only a [`Scenario`]; its numbers are the engine's report for that
//! scenario (`fpaxos run` gives the same), and all variants share the seed and workload unless
//! the user edits them apart.

use crate::presets::Preset;
use crate::state::AppState;
use fpaxos::quorum::QuorumSpec;
use fpaxos::Time;
use fpaxos_share::{Variant, MAX_VARIANTS};
use fpaxos_sim::{Report, Scenario, Sim};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Events between clock checks while running variants or sweep points.
pub const EVENT_CHUNK: u64 = 512;
/// Wall ms per frame the compare runner and the sweep may spend simulating.
pub const FRAME_BUDGET_MS: f64 = 14.0;

/// Line colour, dash pattern and marker name of variant `i` (colour is never the only carrier:
/// dash pattern and marker shape differ too, and every series is labelled).
pub fn variant_style(i: usize) -> (&'static str, &'static str, &'static str) {
    const S: [(&str, &str, &str); 4] = [
        ("#2563eb", "none", "circle"),
        ("#dc2626", "7 4", "square"),
        ("#16a34a", "2 3", "triangle"),
        ("#9333ea", "10 3 2 3", "diamond"),
    ];
    S[i % S.len()]
}

/// Everything that changes compare mode or the sweep.
#[derive(Clone, Debug, PartialEq)]
pub enum CompareAction {
    /// Open compare mode: the current scenario and a copy of it.
    Open,
    /// Close compare mode (the variants are dropped).
    Close,
    /// Add a copy of the current scenario; the editor then edits the copy.
    Add,
    /// Remove variant `i`.
    Remove(usize),
    /// Rename variant `i`.
    SetLabel(usize, String),
    /// Set variant `i`'s quorum system (quick edit).
    SetQuorum(usize, QuorumSpec),
    /// Turn thrifty messaging of variant `i` on or off.
    SetThrifty(usize, bool),
    /// Let the main editor edit variant `i` (loads its scenario into the editor).
    Edit(usize),
    /// Replace every variant (a shared link, a preset).
    SetVariants(Vec<Variant>),
    /// Open (`Some`) or close (`None`) the sweep panel with this spec text.
    SetSweep(Option<String>),
}

/// A label for a scenario's quorum choice, e.g. `Q1=4 Q2=2, thrifty`.
pub fn quorum_label(s: &Scenario) -> String {
    let n = s.cluster.nodes as usize;
    format!(
        "{}{}",
        s.cluster.quorum.label(n),
        if s.cluster.thrifty { ", thrifty" } else { "" }
    )
}

/// The quick-edit text of a quorum system (`majority`, `4,2`, `grid:5x4`), the syntax of
/// `fpaxos run --quorum`; `None` for systems it cannot express (weights, explicit lists).
pub fn quorum_text(q: &QuorumSpec) -> Option<String> {
    match q {
        QuorumSpec::Majority => Some("majority".into()),
        QuorumSpec::Counting { q1, q2 } => Some(format!("{q1},{q2}")),
        QuorumSpec::Grid { rows, cols, q1 } => Some(format!(
            "grid:{rows}x{cols}{}",
            if *q1 == fpaxos::quorum::GridAxis::Column {
                ":col"
            } else {
                ""
            }
        )),
        _ => None,
    }
}

/// Applies a compare action. Returns a scenario the main editor must now show (and run).
pub fn reduce(s: &mut AppState, a: CompareAction) -> Option<Scenario> {
    let mut load = None;
    match a {
        CompareAction::Open => {
            if s.compare.is_empty() {
                let sc = s.scenario.clone();
                s.compare = vec![
                    Variant {
                        label: quorum_label(&sc),
                        scenario: sc.clone(),
                    },
                    Variant {
                        label: format!("{} (copy)", quorum_label(&sc)),
                        scenario: sc,
                    },
                ];
                s.compare_edit = Some(1);
            }
        }
        CompareAction::Close => {
            s.compare.clear();
            s.compare_edit = None;
        }
        CompareAction::Add => {
            if s.compare.is_empty() {
                return reduce(s, CompareAction::Open);
            }
            if s.compare.len() < MAX_VARIANTS {
                let sc = s.scenario.clone();
                s.compare.push(Variant {
                    label: format!("Variant {}", s.compare.len() + 1),
                    scenario: sc,
                });
                s.compare_edit = Some(s.compare.len() - 1);
            }
        }
        CompareAction::Remove(i) => {
            if i < s.compare.len() {
                s.compare.remove(i);
                s.compare_edit = match s.compare_edit {
                    Some(e) if e == i => None,
                    Some(e) if e > i => Some(e - 1),
                    e => e,
                };
            }
        }
        CompareAction::SetLabel(i, l) => {
            if let Some(v) = s.compare.get_mut(i) {
                v.label = l.chars().take(60).collect();
            }
        }
        CompareAction::SetQuorum(i, q) => {
            if let Some(v) = s.compare.get_mut(i) {
                if let QuorumSpec::Grid { rows, cols, .. } = q {
                    v.scenario.cluster.nodes = rows * cols;
                }
                v.scenario.cluster.quorum = q;
                if s.compare_edit == Some(i) {
                    load = Some(v.scenario.clone());
                }
            }
        }
        CompareAction::SetThrifty(i, t) => {
            if let Some(v) = s.compare.get_mut(i) {
                v.scenario.cluster.thrifty = t;
                if s.compare_edit == Some(i) {
                    load = Some(v.scenario.clone());
                }
            }
        }
        CompareAction::Edit(i) => {
            if let Some(v) = s.compare.get(i) {
                s.compare_edit = Some(i);
                load = Some(v.scenario.clone());
            }
        }
        CompareAction::SetVariants(v) => {
            s.compare = v.into_iter().take(MAX_VARIANTS).collect();
            s.compare_edit = None;
        }
        CompareAction::SetSweep(spec) => s.sweep = spec,
    }
    s.compare_version += 1;
    load
}

/// The main editor changed the scenario: the variant it edits follows.
pub fn scenario_edited(s: &mut AppState) {
    if let Some(v) = s.compare_edit.and_then(|i| s.compare.get_mut(i)) {
        v.scenario = s.scenario.clone();
        s.compare_version += 1;
    }
}

/// A preset was loaded: take its compare variants and sweep (page-only extras).
pub fn preset_loaded(s: &mut AppState, p: &Preset) {
    s.compare = p
        .compare
        .iter()
        .map(|(label, scenario)| Variant {
            label: label.clone(),
            scenario: scenario.clone(),
        })
        .collect();
    s.compare_edit = s.compare.iter().position(|v| v.scenario == p.scenario);
    if let Some(sw) = p.sweep {
        s.sweep = Some(sw.to_string());
    }
    s.compare_version += 1;
}

/// The compare variants and sweep spec as a link carries them.
pub fn view_parts(s: &AppState) -> (Vec<Variant>, Option<String>) {
    (s.compare.clone(), s.sweep.clone())
}

/// Percentage change of `v` against `base`, `None` when `base` is 0 or either is not finite.
pub fn delta_pct(base: f64, v: f64) -> Option<f64> {
    (base != 0.0 && base.is_finite() && v.is_finite()).then(|| (v - base) / base * 100.0)
}

/// How a delta is shown: `+76.0%`, `-43.2%`, `±0.0%` (below 0.05 % either way), `—`.
pub fn fmt_delta(d: Option<f64>) -> String {
    match d {
        Some(x) if x.abs() < 0.05 => "±0.0%".into(),
        Some(x) => format!("{x:+.1}%"),
        None => "—".into(),
    }
}

/// One variant being run.
pub struct VariantRun {
    /// Label.
    pub label: String,
    /// Scenario.
    pub scenario: Scenario,
    /// The simulation at the cursor (or heading to the end on the first pass).
    pub sim: Option<Sim>,
    /// Validation messages (the variant does not run).
    pub errors: Vec<String>,
    /// The report at the end of the run, once reached.
    pub report: Option<Rc<Report>>,
}

impl VariantRun {
    fn new(v: &Variant) -> VariantRun {
        let (sim, errors) = match Sim::new(&v.scenario) {
            Ok(s) => (Some(s), Vec::new()),
            Err(e) => (None, e.0),
        };
        VariantRun {
            label: v.label.clone(),
            scenario: v.scenario.clone(),
            sim,
            errors,
            report: None,
        }
    }
}

/// All variants of compare mode, run on one time cursor.
pub struct CompareRun {
    /// Which `AppState::compare_version` this run was built from.
    pub key: u64,
    /// One per variant.
    pub variants: Vec<VariantRun>,
    /// The shared time cursor (simulated ns); every variant is shown at this time.
    pub cursor: Time,
    /// The longest variant's end.
    pub end: Time,
    /// Bumped on every change (redraws).
    pub version: u64,
}

impl CompareRun {
    /// Builds the runs (nothing is simulated yet).
    pub fn new(key: u64, variants: &[Variant]) -> CompareRun {
        let variants: Vec<VariantRun> = variants.iter().map(VariantRun::new).collect();
        let end = Self::end_of(&variants);
        CompareRun {
            key,
            variants,
            cursor: end,
            end,
            version: 0,
        }
    }

    fn end_of(variants: &[VariantRun]) -> Time {
        variants
            .iter()
            .filter_map(|v| v.sim.as_ref().map(|s| s.end_time()))
            .max()
            .unwrap_or(0)
    }

    /// Follows edits of the variant list: only variants whose scenario changed run again
    /// (labels change in place). Returns false when the list changed shape (rebuild instead).
    pub fn update(&mut self, variants: &[Variant]) -> bool {
        if variants.len() != self.variants.len() {
            return false;
        }
        for (run, v) in self.variants.iter_mut().zip(variants) {
            if run.scenario != v.scenario {
                *run = VariantRun::new(v);
                self.version += 1;
            } else if run.label != v.label {
                run.label = v.label.clone();
                self.version += 1;
            }
        }
        let end = Self::end_of(&self.variants);
        if end != self.end {
            self.end = end;
            self.cursor = end;
        }
        true
    }

    /// Whether every runnable variant has its final report.
    pub fn finished(&self) -> bool {
        self.variants
            .iter()
            .all(|v| v.sim.is_none() || v.report.is_some())
    }

    /// Fraction of the first pass done (0..=1).
    pub fn progress(&self) -> f64 {
        let (mut done, mut total) = (0.0, 0.0);
        for v in &self.variants {
            if let Some(s) = &v.sim {
                total += s.end_time() as f64;
                done += if v.report.is_some() {
                    s.end_time() as f64
                } else {
                    s.now() as f64
                };
            }
        }
        if total == 0.0 {
            1.0
        } else {
            done / total
        }
    }

    /// Whether a frame has work to do.
    pub fn busy(&self) -> bool {
        !self.finished() || self.variants.iter().any(|v| self.goal_of(v).is_some())
    }

    fn goal_of(&self, v: &VariantRun) -> Option<Time> {
        let sim = v.sim.as_ref()?;
        let goal = if v.report.is_none() {
            sim.end_time()
        } else {
            self.cursor.min(sim.end_time())
        };
        (sim.now() < goal && !sim.is_done()).then_some(goal)
    }

    /// Moves the shared cursor; variants past it are rebuilt and replayed up to it by `tick`.
    pub fn seek(&mut self, t: Time) {
        self.cursor = t.min(self.end);
        for v in &mut self.variants {
            let behind = v
                .sim
                .as_ref()
                .is_some_and(|s| s.now() > self.cursor.min(s.end_time()));
            if behind && v.report.is_some() {
                v.sim = Sim::new(&v.scenario).ok();
            }
        }
        self.version += 1;
    }

    /// Runs variants round-robin for about `budget_ms` (by `clock`). Returns whether more work
    /// remains.
    pub fn tick(&mut self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        let start = clock();
        loop {
            let mut any = false;
            for i in 0..self.variants.len() {
                let Some(goal) = self.goal_of(&self.variants[i]) else {
                    continue;
                };
                any = true;
                let v = &mut self.variants[i];
                if let Some(sim) = v.sim.as_mut() {
                    sim.run_until_budget(goal, EVENT_CHUNK);
                    if v.report.is_none() && sim.is_done() {
                        v.report = Some(Rc::new(sim.report()));
                    }
                }
            }
            if !any {
                break;
            }
            if clock() - start > budget_ms {
                break;
            }
        }
        self.version += 1;
        self.busy()
    }
}

/// Wall-clock milliseconds (`performance.now()`).
pub fn wall_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

type FrameCb = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `tick` once per animation frame while `active`; the loop stops when `tick` returns
/// false or `active` changes.
#[hook]
pub fn use_frames(active: bool, tick: Rc<dyn Fn() -> bool>) {
    use_effect_with(active, move |active| {
        let cb: FrameCb = Rc::new(RefCell::new(None));
        let handle: Rc<RefCell<Option<i32>>> = Rc::new(RefCell::new(None));
        if *active {
            let cb2 = Rc::clone(&cb);
            let handle2 = Rc::clone(&handle);
            *cb.borrow_mut() = Some(Closure::new(move |_t: f64| {
                if !tick() {
                    return;
                }
                if let (Some(w), Some(f)) = (web_sys::window(), cb2.borrow().as_ref()) {
                    *handle2.borrow_mut() =
                        w.request_animation_frame(f.as_ref().unchecked_ref()).ok();
                }
            }));
            if let (Some(w), Some(f)) = (web_sys::window(), cb.borrow().as_ref()) {
                *handle.borrow_mut() = w.request_animation_frame(f.as_ref().unchecked_ref()).ok();
            }
        }
        move || {
            if let (Some(w), Some(h)) = (web_sys::window(), handle.borrow_mut().take()) {
                let _ = w.cancel_animation_frame(h);
            }
            cb.borrow_mut().take();
        }
    });
}

/// Copies text to the clipboard (best effort; no permission prompt needed for a click).
pub fn copy_text(text: &str) {
    let Some(w) = web_sys::window() else { return };
    let Ok(nav) = js_sys::Reflect::get(&w, &"navigator".into()) else {
        return;
    };
    let Ok(clip) = js_sys::Reflect::get(&nav, &"clipboard".into()) else {
        return;
    };
    if clip.is_undefined() {
        return;
    }
    if let Ok(f) = js_sys::Reflect::get(&clip, &"writeText".into()) {
        if let Ok(f) = f.dyn_into::<js_sys::Function>() {
            let _ = f.call1(&clip, &text.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn clock() -> impl Fn() -> f64 {
        let t = Cell::new(0.0);
        move || {
            t.set(t.get() + 1.0);
            t.get()
        }
    }

    fn variants() -> Vec<Variant> {
        let p = crate::presets::by_id("basics").expect("preset");
        p.compare
            .into_iter()
            .map(|(label, scenario)| Variant { label, scenario })
            .collect()
    }

    #[test]
    fn runner_reports_equal_the_engine() {
        let vs = variants();
        let mut run = CompareRun::new(1, &vs);
        let c = clock();
        let mut frames = 0;
        while run.tick(20.0, &c) {
            frames += 1;
        }
        assert!(frames > 1, "the work is spread over frames");
        for (v, r) in vs.iter().zip(&run.variants) {
            let want = fpaxos_sim::run(&v.scenario).expect("runs");
            let got = r.report.as_ref().expect("finished");
            assert_eq!(got.trace_hash, want.trace_hash);
            assert_eq!(got.committed, want.committed);
        }
        // Moving the cursor back replays to it; the final reports stay.
        run.seek(1_000_000_000);
        while run.tick(20.0, &c) {}
        for r in &run.variants {
            assert_eq!(r.sim.as_ref().expect("sim").now(), 1_000_000_000);
        }
    }

    #[test]
    fn editing_one_variant_reruns_only_that_one() {
        let mut vs = variants();
        let mut run = CompareRun::new(1, &vs);
        let c = clock();
        while run.tick(1e9, &c) {}
        let first = run.variants[0].report.clone().expect("done");
        vs[1].scenario.cluster.quorum = QuorumSpec::Counting { q1: 5, q2: 1 };
        vs[0].label = "renamed".into();
        assert!(run.update(&vs));
        assert!(Rc::ptr_eq(
            run.variants[0].report.as_ref().expect("kept"),
            &first
        ));
        assert_eq!(run.variants[0].label, "renamed");
        assert!(run.variants[1].report.is_none());
        while run.tick(1e9, &c) {}
        let want = fpaxos_sim::run(&vs[1].scenario).expect("runs");
        assert_eq!(
            run.variants[1].report.as_ref().expect("done").trace_hash,
            want.trace_hash
        );
        assert!(!run.update(&vs[..1]), "a shorter list is rebuilt");
    }

    #[test]
    fn deltas_read_like_the_table() {
        assert_eq!(fmt_delta(delta_pct(100.0, 176.0)), "+76.0%");
        assert_eq!(fmt_delta(delta_pct(10.0, 5.7)), "-43.0%");
        assert_eq!(fmt_delta(delta_pct(0.0, 5.0)), "—");
        assert_eq!(fmt_delta(delta_pct(100.0, 99.99)), "±0.0%");
    }

    #[test]
    fn quorum_text_round_trips() {
        for q in [
            QuorumSpec::Majority,
            QuorumSpec::Counting { q1: 4, q2: 2 },
            QuorumSpec::Grid {
                rows: 5,
                cols: 4,
                q1: fpaxos::quorum::GridAxis::Column,
            },
        ] {
            let t = quorum_text(&q).expect("expressible");
            assert_eq!(QuorumSpec::parse_cli(&t).expect("parses"), q);
        }
    }
}
