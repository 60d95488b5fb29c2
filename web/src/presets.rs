//! The Scenarios menu. The scenarios themselves come from [`fpaxos_sim::presets`] (the JSON
//! files in `scenarios/`, shared with the CLI: `fpaxos run scenarios/ID.json` runs the same
//! thing). This module only adds what is page-specific, keyed by preset id: compare variants
//! (compare mode opens with them) and a sweep (the sweep panel opens with it).

use fpaxos::quorum::QuorumSpec;
use fpaxos_sim::{presets::PRESETS, Scenario};

/// A Scenarios menu entry: a named scenario with a short explanation shown on the page, and the
/// page-only extras it opens with. (Not [`fpaxos_sim::presets::Preset`], the engine's file list.)
#[derive(Clone, Debug, PartialEq)]
pub struct MenuPreset {
    /// Stable identifier (used in `?preset=ID`): the file name in `scenarios/` without `.json`.
    pub id: &'static str,
    /// Menu title (the scenario's `name`).
    pub title: &'static str,
    /// What to look at (the scenario's `notes`).
    pub explain: &'static str,
    /// The scenario.
    pub scenario: Scenario,
    /// Compare variants the preset opens with (empty: compare mode stays closed).
    pub compare: Vec<(String, Scenario)>,
    /// A sweep spec in `fpaxos sweep --vary` syntax the preset opens with.
    pub sweep: Option<&'static str>,
}

/// Scenario files the page's menu shows beyond the engine's preset list; they live in
/// `scenarios/` too, so the CLI runs them by path.
const PAGE_ONLY: &[(&str, &str)] = &[("fig4-n5", include_str!("../../scenarios/fig4-n5.json"))];

/// Old page ids (before the menu came from `scenarios/`), so old links keep working.
const ALIASES: &[(&str, &str)] = &[
    ("basics-majority", "basics"),
    ("basics-fpaxos", "basics"),
    ("paper-s6", "paper-n8"),
    ("paper-s6-majority", "paper-n8"),
    ("zk-6", "zookeeper-6"),
    ("zk-7", "zookeeper-7"),
    ("trap-6", "zookeeper-trap"),
];

fn with_quorum(s: &Scenario, q: QuorumSpec, thrifty: bool) -> Scenario {
    let mut s = s.clone();
    s.cluster.quorum = q;
    s.cluster.thrifty = thrifty;
    s
}

/// Classic Paxos (majority, not thrifty) first, then the preset's own quorums.
fn vs_classic(s: &Scenario) -> Vec<(String, Scenario)> {
    let classic = with_quorum(s, QuorumSpec::Majority, false);
    vec![
        (format!("Paxos {}", classic.cluster.label()), classic),
        (format!("FPaxos {}", s.cluster.label()), s.clone()),
    ]
}

/// Majority with the preset's own messaging first, then the preset's quorums.
fn vs_majority(s: &Scenario) -> Vec<(String, Scenario)> {
    let maj = with_quorum(s, QuorumSpec::Majority, s.cluster.thrifty);
    vec![(maj.cluster.label(), maj), (s.cluster.label(), s.clone())]
}

/// The preset as it is, then with one protocol switch flipped (check-quorum, pre-vote or
/// client sessions):
/// the availability presets tell their story side by side.
fn vs_switch(s: &Scenario, flip: fn(&mut Scenario)) -> Vec<(String, Scenario)> {
    let mut other = s.clone();
    flip(&mut other);
    vec![
        (s.cluster.label(), s.clone()),
        (other.cluster.label(), other),
    ]
}

/// Page-only extras of a preset: compare variants and a sweep.
fn extras(id: &str, s: &Scenario) -> (Vec<(String, Scenario)>, Option<&'static str>) {
    match id {
        "basics" => (vs_classic(s), None),
        "paper-n8" => (vs_classic(s), Some("q2=1..5")),
        "fig4-n5" => (vs_classic(s), Some("q2=1..3")),
        "zookeeper-6" | "zookeeper-7" => (vs_majority(s), None),
        "grid-5x4" => (vs_majority(s), None),
        "leader-failure" | "replicate-only" => (vs_majority(s), None),
        "one-way-cut" | "quorum-loss" | "chained" => (
            vs_switch(s, |o| o.cluster.check_quorum = !o.cluster.check_quorum),
            None,
        ),
        "pre-vote" => (
            vs_switch(s, |o| o.cluster.pre_vote = !o.cluster.pre_vote),
            None,
        ),
        "client-sessions" => (
            vs_switch(s, |o| o.cluster.sessions = !o.cluster.sessions),
            None,
        ),
        _ => (Vec::new(), None),
    }
}

const DEFAULT_TITLE: &str = "Default scenario";
const DEFAULT_EXPLAIN: &str = "The engine's default: 5 nodes, majority quorums (3/3), 2 ms one-way latency, 8 closed-loop clients, 10 s. Identical to `fpaxos run` with no options.";

/// The scenario files of the menu after the default, in menu order: `(id, JSON)`.
fn files() -> impl Iterator<Item = (&'static str, &'static str)> {
    PRESETS
        .iter()
        .map(|p| (p.id, p.json))
        .chain(PAGE_ONLY.iter().copied())
}

/// A Scenarios menu line. The menu is drawn with the page's first frame, so it reads each
/// file's `name` and `notes` alone; a whole scenario is parsed when it is picked ([`by_id`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MenuItem {
    /// As [`MenuPreset::id`].
    pub id: &'static str,
    /// As [`MenuPreset::title`].
    pub title: &'static str,
    /// As [`MenuPreset::explain`].
    pub explain: &'static str,
}

fn build_menu() -> Vec<MenuItem> {
    let default = MenuItem {
        id: "default",
        title: DEFAULT_TITLE,
        explain: DEFAULT_EXPLAIN,
    };
    std::iter::once(default)
        .chain(files().map(|(id, json)| {
            // The JSON value alone: no scenario is built, checked or defaulted.
            let value = serde_json::from_str::<serde_json::Value>(json).ok();
            let text = |key: &str| -> &'static str {
                let v = value.as_ref().and_then(|v| v.get(key)?.as_str());
                // Built once per page (see `menu`), so the text can be `&'static`.
                Box::leak(v.unwrap_or_default().to_string().into_boxed_str())
            };
            MenuItem {
                id,
                title: text("name"),
                explain: text("notes"),
            }
        }))
        .collect()
}

thread_local! {
    static MENU: &'static [MenuItem] = Box::leak(build_menu().into_boxed_slice());
}

/// The Scenarios menu, in order: the engine default, then `fpaxos_sim::presets::PRESETS`, then
/// the page-only scenario files.
pub fn menu() -> &'static [MenuItem] {
    MENU.with(|m| *m)
}

fn preset(item: MenuItem) -> MenuPreset {
    let scenario = files()
        .find(|(id, _)| *id == item.id)
        .map_or_else(Scenario::default, |(_, json)| {
            Scenario::from_json(json).unwrap_or_default()
        });
    let (compare, sweep) = extras(item.id, &scenario);
    MenuPreset {
        id: item.id,
        title: item.title,
        explain: item.explain,
        scenario,
        compare,
        sweep,
    }
}

/// Every preset, in menu order, each scenario parsed.
pub fn all() -> Vec<MenuPreset> {
    menu().iter().copied().map(preset).collect()
}

/// The preset with this id (old page ids are accepted too).
pub fn by_id(id: &str) -> Option<MenuPreset> {
    let id = ALIASES
        .iter()
        .find(|(old, _)| *old == id)
        .map_or(id, |(_, new)| new);
    menu().iter().copied().find(|p| p.id == id).map(preset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_and_variant_runs() {
        for p in all() {
            let r = fpaxos_sim::run(&p.scenario).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            assert!(
                r.committed > 0 || p.id == "leader-failure",
                "{} committed nothing",
                p.id
            );
            let unsafe_preset = p.id == "split-brain" || p.id == "zookeeper-trap";
            assert_eq!(r.safety.ok, !unsafe_preset, "{}", p.id);
            assert!(p.compare.len() <= fpaxos_share::MAX_VARIANTS, "{}", p.id);
            for (label, v) in &p.compare {
                v.validate()
                    .unwrap_or_else(|e| panic!("{} / {label}: {e}", p.id));
            }
            if let Some(spec) = p.sweep {
                fpaxos_sim::sweep::SweepSpec::parse(spec).expect("sweep spec parses");
            }
        }
    }

    #[test]
    fn menu_is_the_engine_presets() {
        let ids: Vec<&str> = all().iter().map(|p| p.id).collect();
        for p in PRESETS {
            assert!(ids.contains(&p.id), "{} missing", p.id);
            assert_eq!(by_id(p.id).expect("exists").scenario, p.scenario());
        }
        assert_eq!(all()[0].scenario, Scenario::default());
        for (i, a) in ids.iter().enumerate() {
            assert!(!ids[i + 1..].contains(a), "duplicate {a}");
        }
    }

    #[test]
    fn the_menu_shows_each_scenarios_name_and_notes() {
        let menu = menu();
        assert_eq!(menu.len(), PRESETS.len() + PAGE_ONLY.len() + 1);
        for (item, p) in menu.iter().zip(all()).skip(1) {
            assert_eq!(
                (item.id, item.title, item.explain),
                (p.id, p.title, p.explain)
            );
            assert_eq!(item.title, p.scenario.name);
            assert_eq!(item.explain, p.scenario.notes);
            assert!(
                !item.title.is_empty() && !item.explain.is_empty(),
                "{}",
                item.id
            );
        }
    }

    #[test]
    fn old_ids_still_load() {
        for (old, new) in ALIASES {
            assert_eq!(by_id(old).expect(old).id, *new);
        }
    }

    #[test]
    fn paper_preset_shows_the_gain() {
        let p = by_id("paper-n8").expect("preset");
        let a = fpaxos_sim::run(&p.compare[0].1).expect("paxos");
        let b = fpaxos_sim::run(&p.compare[1].1).expect("fpaxos");
        assert!(
            b.throughput > 1.15 * a.throughput,
            "{} vs {}",
            b.throughput,
            a.throughput
        );
        assert!(b.latency_ms.p50 < a.latency_ms.p50);
    }
}
