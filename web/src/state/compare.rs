//! Compare mode's slice of the state: the variants (what a link carries in
//! [`fpaxos_share::ViewState::compare`]) and which one the main editor edits.
//!
//! **Invariant**: a variant is only a [`Scenario`]; its numbers are the engine's report for that
//! scenario (`fpaxos run` gives the same), and all variants share the seed and workload unless
//! the user edits them apart.

use crate::presets::MenuPreset;
use fpaxos::quorum::QuorumSpec;
use fpaxos_share::{Variant, MAX_VARIANTS};
use fpaxos_sim::Scenario;
use std::rc::Rc;

/// Everything that changes compare mode.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CompareAction {
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
}

/// Compare mode's variants (empty: compare mode is off).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct CompareState {
    /// The variants, shared with every copy of the state until one changes.
    pub(crate) variants: Rc<Vec<Variant>>,
    /// Which variant the main editor edits (its edits go to that variant).
    pub(crate) editing: Option<usize>,
}

impl CompareState {
    /// The variants a link or preset opens with; the editor edits the one equal to `current`.
    pub(crate) fn opened_with(variants: Vec<Variant>, current: &Scenario) -> CompareState {
        CompareState {
            editing: variants.iter().position(|v| v.scenario == *current),
            variants: Rc::new(variants),
        }
    }

    /// A preset's variants (none: compare mode closes).
    pub(crate) fn for_preset(p: &MenuPreset) -> CompareState {
        let variants = p
            .compare
            .iter()
            .map(|(label, scenario)| Variant {
                label: label.clone(),
                scenario: scenario.clone(),
            })
            .collect();
        CompareState::opened_with(variants, &p.scenario)
    }

    /// Compare mode is on.
    pub(crate) fn is_open(&self) -> bool {
        !self.variants.is_empty()
    }

    /// Applies a compare action; `current` is the scenario in the editor. Returns a scenario
    /// the main editor must now show (and run).
    pub(crate) fn reduce(&mut self, a: CompareAction, current: &Scenario) -> Option<Scenario> {
        let mut load = None;
        let editing = self.editing;
        let vs = Rc::make_mut(&mut self.variants);
        match a {
            CompareAction::Open => {
                if vs.is_empty() {
                    *vs = vec![
                        Variant {
                            label: current.cluster.label(),
                            scenario: current.clone(),
                        },
                        Variant {
                            label: format!("{} (copy)", current.cluster.label()),
                            scenario: current.clone(),
                        },
                    ];
                    self.editing = Some(1);
                }
            }
            CompareAction::Close => {
                vs.clear();
                self.editing = None;
            }
            CompareAction::Add => {
                if vs.is_empty() {
                    return self.reduce(CompareAction::Open, current);
                }
                if vs.len() < MAX_VARIANTS {
                    vs.push(Variant {
                        label: format!("Variant {}", vs.len() + 1),
                        scenario: current.clone(),
                    });
                    self.editing = Some(vs.len() - 1);
                }
            }
            CompareAction::Remove(i) => {
                if i < vs.len() {
                    vs.remove(i);
                    self.editing = match editing {
                        Some(e) if e == i => None,
                        Some(e) if e > i => Some(e - 1),
                        e => e,
                    };
                }
            }
            CompareAction::SetLabel(i, l) => {
                if let Some(v) = vs.get_mut(i) {
                    v.label = l.chars().take(60).collect();
                }
            }
            CompareAction::SetQuorum(i, q) => {
                if let Some(v) = vs.get_mut(i) {
                    if let QuorumSpec::Grid { rows, cols, .. } = q {
                        v.scenario.cluster.nodes = rows * cols;
                    }
                    v.scenario.cluster.quorum = q;
                    if editing == Some(i) {
                        load = Some(v.scenario.clone());
                    }
                }
            }
            CompareAction::SetThrifty(i, t) => {
                if let Some(v) = vs.get_mut(i) {
                    v.scenario.cluster.thrifty = t;
                    if editing == Some(i) {
                        load = Some(v.scenario.clone());
                    }
                }
            }
            CompareAction::Edit(i) => {
                if let Some(v) = vs.get(i) {
                    self.editing = Some(i);
                    load = Some(v.scenario.clone());
                }
            }
        }
        load
    }

    /// The main editor changed the scenario: the variant it edits follows.
    pub(crate) fn scenario_edited(&mut self, current: &Scenario) {
        if let Some(i) = self.editing.filter(|i| *i < self.variants.len()) {
            Rc::make_mut(&mut self.variants)[i].scenario = current.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edited_variant_follows_the_editor() {
        let mut c = CompareState::default();
        let base = Scenario::default();
        assert_eq!(c.reduce(CompareAction::Open, &base), None);
        assert_eq!((c.variants.len(), c.editing), (2, Some(1)));
        let mut edited = base.clone();
        edited.seed = 9;
        c.scenario_edited(&edited);
        assert_eq!(c.variants[1].scenario.seed, 9);
        assert_eq!(c.variants[0].scenario.seed, base.seed);
        let load = c.reduce(CompareAction::Edit(0), &edited);
        assert_eq!(load, Some(base.clone()));
        c.reduce(CompareAction::Remove(0), &base);
        assert_eq!((c.variants.len(), c.editing), (1, None));
    }
}
