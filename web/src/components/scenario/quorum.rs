//! The "Cluster and quorums" section: the node count, the kind of quorum system with one small
//! editor per kind, and the thrifty, check-quorum, pre-vote and unsafe switches.

use super::field::{check, num, NumberField, TextField};
use super::{Editor, SectionProps, MAX_EDIT_NODES};
use crate::browser::{HtmlInputElement, HtmlSelectElement};
use fpaxos::quorum::{GridAxis, QuorumSpec, MAX_WEIGHT};
use fpaxos::NodeSet;
use fpaxos_sim::scenario::{limits, QuorumKind};
use yew::prelude::*;

/// Most rows or columns of a grid in the editor.
const MAX_GRID_SIDE: u32 = 8;
/// Largest weighted-quorum threshold the editor accepts.
const MAX_THRESHOLD: u32 = 1_000_000;

/// Node sets from text like `0,1,2; 2,3,4` (ids below `n`).
fn parse_sets(text: &str, n: u32) -> Result<Vec<NodeSet>, String> {
    let mut out = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let mut set = NodeSet::EMPTY;
        for id in part
            .split([',', ' '])
            .map(str::trim)
            .filter(|x| !x.is_empty())
        {
            let id = check::<u32>(id, "A node id", &0, &n.saturating_sub(1))?;
            set.insert(id as u8);
        }
        out.push(set);
    }
    if out.is_empty() {
        return Err("List at least one quorum, e.g. `0,1,2; 2,3,4`.".into());
    }
    Ok(out)
}

/// The text form [`parse_sets`] reads.
fn sets_text(sets: &[NodeSet]) -> String {
    sets.iter()
        .map(|s| {
            s.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A checkbox bound to one flag of the scenario.
fn check_box(
    on: bool,
    testid: &'static str,
    label: &'static str,
    ed: &Editor,
    set: fn(&mut fpaxos_sim::Scenario, bool),
) -> Html {
    let ed = ed.clone();
    let onchange = Callback::from(move |e: Event| {
        let on = e.target_unchecked_into::<HtmlInputElement>().checked();
        ed.edit(move |sc| set(sc, on));
    });
    html! {
        <label class="check"><input type="checkbox" checked={on} {onchange} data-testid={testid} />
            <span>{label}</span></label>
    }
}

/// The cluster fieldset.
#[component]
pub fn ClusterFields(p: &SectionProps) -> Html {
    let s = &p.scenario;
    let n = s.cluster.nodes;
    let kind = QuorumKind::of(&s.cluster.quorum).name();
    let kind_ref = crate::hooks::use_select_value(kind.to_string());
    let ed = &p.editor;
    let on_kind = {
        let ed = ed.clone();
        Callback::from(move |e: Event| {
            let k = e.target_unchecked_into::<HtmlSelectElement>().value();
            ed.edit(move |sc| {
                sc.set_quorum_kind(QuorumKind::from_name(&k).unwrap_or(QuorumKind::Majority))
            })
        })
    };
    let on_nodes = ed.commit(|sc, n| sc.set_nodes(n));
    let fields = match &s.cluster.quorum {
        QuorumSpec::Majority => html! {
            <p class="muted">{format!("Both phases need {} of {} nodes.", n / 2 + 1, n)}</p>
        },
        QuorumSpec::Counting { q1, q2 } => counting_fields(n, *q1, *q2, ed),
        QuorumSpec::Grid { rows, cols, q1 } => grid_fields(*rows, *cols, *q1, ed),
        QuorumSpec::Weighted { weights, q1, q2 } => weighted_fields(weights, *q1, *q2, ed),
        QuorumSpec::Explicit { q1, q2 } => explicit_fields(q1, q2, ed),
    };
    html! {
        <fieldset>
            <legend>{"Cluster and quorums"}</legend>
            <NumberField num={num::<u32>(limits::NODES.min, MAX_EDIT_NODES, n, on_nodes)} label="Nodes" slider=true
                disabled={kind == "grid"} testid="nodes-input" aria_label="Number of nodes" />
            <label class="field">
                <span>{"Quorum system"}</span>
                <select ref={kind_ref} data-testid="quorum-kind" onchange={on_kind} aria-label="Quorum system">
                    <option value="majority" selected={kind == "majority"}>{"Majority"}</option>
                    <option value="counting" selected={kind == "counting"}>{"Counting (Q1 / Q2 sizes)"}</option>
                    <option value="grid" selected={kind == "grid"}>{"Grid (rows x columns)"}</option>
                    <option value="weighted" selected={kind == "weighted"}>{"Weighted votes"}</option>
                    <option value="explicit" selected={kind == "explicit"}>{"Explicit quorum lists"}</option>
                </select>
            </label>
            {fields}
            {check_box(s.cluster.thrifty, "thrifty-input", "Thrifty: send phase 1/2 only to a chosen quorum", ed, |sc, on| sc.cluster.thrifty = on)}
            {check_box(s.cluster.check_quorum, "check-quorum-input", "Check-quorum: a leader that hears no Q2 steps down", ed, |sc, on| sc.cluster.check_quorum = on)}
            {check_box(s.cluster.pre_vote, "pre-vote-input", "Pre-vote: ask before campaigning", ed, |sc, on| sc.cluster.pre_vote = on)}
            {check_box(s.cluster.sessions, "sessions-input", "Client sessions: answer resends of executed commands", ed, |sc, on| sc.cluster.sessions = on)}
            {check_box(s.cluster.allow_unsafe, "allow-unsafe-input", "Allow unsafe quorums (teaching mode)", ed, |sc, on| sc.cluster.allow_unsafe = on)}
        </fieldset>
    }
}

/// Counting quorums of `q1` and `q2` of `n` nodes: two size sliders and whether they intersect.
fn counting_fields(n: u32, q1: u32, q2: u32, editor: &Editor) -> Html {
    let on_q1 = editor.commit(|sc, q1| {
        if let QuorumSpec::Counting { q2, .. } = sc.cluster.quorum {
            sc.cluster.quorum = QuorumSpec::Counting { q1, q2 };
        }
    });
    let on_q2 = editor.commit(|sc, q2| {
        if let QuorumSpec::Counting { q1, .. } = sc.cluster.quorum {
            sc.cluster.quorum = QuorumSpec::Counting { q1, q2 };
        }
    });
    let sum = q1 + q2;
    html! {
        <>
            <NumberField num={num::<u32>(1, n, q1, on_q1)} label="Q1 (election) size" name="Q1" slider=true
                testid="q1-input" aria_label="Phase-1 quorum size" />
            <NumberField num={num::<u32>(1, n, q2, on_q2)} label="Q2 (replication) size" name="Q2" slider=true
                testid="q2-input" aria_label="Phase-2 quorum size" />
            <p class="muted" data-testid="quorum-sum">{format!("|Q1| + |Q2| = {sum} {} N = {n}", if sum > n { ">" } else { "≤" })}</p>
        </>
    }
}

/// Grid quorums: rows, columns (the node count follows) and the phase-1 axis.
fn grid_fields(rows: u32, cols: u32, axis: GridAxis, editor: &Editor) -> Html {
    let (lo, hi) = (1, MAX_GRID_SIDE);
    // The cluster follows the grid's size.
    let on_rows = editor.commit(|sc, r| {
        if let QuorumSpec::Grid { cols, q1, .. } = sc.cluster.quorum {
            sc.cluster.quorum = QuorumSpec::Grid { rows: r, cols, q1 };
            sc.set_nodes(r * cols);
        }
    });
    let on_cols = editor.commit(|sc, c| {
        if let QuorumSpec::Grid { rows, q1, .. } = sc.cluster.quorum {
            sc.cluster.quorum = QuorumSpec::Grid { rows, cols: c, q1 };
            sc.set_nodes(rows * c);
        }
    });
    let on_axis = {
        let ed = editor.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            ed.edit(move |sc| {
                if let QuorumSpec::Grid { rows, cols, .. } = sc.cluster.quorum {
                    let q1 = if v == "column" {
                        GridAxis::Column
                    } else {
                        GridAxis::Row
                    };
                    sc.cluster.quorum = QuorumSpec::Grid { rows, cols, q1 };
                }
            })
        })
    };
    html! {
        <>
            <div class="pair">
                <NumberField num={num::<u32>(lo, hi, rows, on_rows)} label="Rows" testid="grid-rows" />
                <NumberField num={num::<u32>(lo, hi, cols, on_cols)} label="Columns" testid="grid-cols" />
            </div>
            <label class="field"><span>{"Phase 1 uses"}</span>
                <select key={format!("axis-{axis:?}")} onchange={on_axis}>
                    <option value="row" selected={axis == GridAxis::Row}>{"a full row (Q2 = a column)"}</option>
                    <option value="column" selected={axis == GridAxis::Column}>{"a full column (Q2 = a row)"}</option>
                </select>
            </label>
            <p class="muted">{format!("{} nodes, numbered row by row.", rows * cols)}</p>
        </>
    }
}

/// Weighted quorums: one weight per node and a threshold per phase (`q1`, `q2`).
fn weighted_fields(weights: &[u32], q1: u32, q2: u32, editor: &Editor) -> Html {
    let on_w = editor.parse(|sc, v| {
        let ws = v
            .split([',', ' '])
            .filter(|x| !x.trim().is_empty())
            .map(|x| check::<u32>(x, "A weight", &0, &MAX_WEIGHT))
            .collect::<Result<Vec<_>, _>>()?;
        if ws.len() != sc.cluster.nodes as usize {
            return Err(format!(
                "Give one weight per node ({}), got {}.",
                sc.cluster.nodes,
                ws.len()
            ));
        }
        if let QuorumSpec::Weighted { weights, .. } = &mut sc.cluster.quorum {
            *weights = ws;
        }
        Ok(())
    });
    let on_t1 = editor.commit(|sc, t| {
        if let QuorumSpec::Weighted { q1, .. } = &mut sc.cluster.quorum {
            *q1 = t;
        }
    });
    let on_t2 = editor.commit(|sc, t| {
        if let QuorumSpec::Weighted { q2, .. } = &mut sc.cluster.quorum {
            *q2 = t;
        }
    });
    let total: u32 = weights.iter().sum();
    let text = weights
        .iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let (lo, hi) = (1, MAX_THRESHOLD);
    html! {
        <>
            {TextField { label: "Weights (one per node)", value: text, on_commit: on_w, testid: "weights-input", title: None, disabled: false }.view()}
            <div class="pair">
                <NumberField num={num::<u32>(lo, hi, q1, on_t1)} label="Q1 weight ≥" name="Q1 threshold" testid="q1-input" />
                <NumberField num={num::<u32>(lo, hi, q2, on_t2)} label="Q2 weight ≥" name="Q2 threshold" testid="q2-input" />
            </div>
            <p class="muted">{format!("Total weight {total}; safe when Q1 + Q2 > {total}.")}</p>
        </>
    }
}

/// Explicit quorums: the listed node sets of each phase.
fn explicit_fields(q1: &[NodeSet], q2: &[NodeSet], editor: &Editor) -> Html {
    let on_s1 = editor.parse(|sc, v| {
        let sets = parse_sets(v, sc.cluster.nodes)?;
        if let QuorumSpec::Explicit { q1, .. } = &mut sc.cluster.quorum {
            *q1 = sets;
        }
        Ok(())
    });
    let on_s2 = editor.parse(|sc, v| {
        let sets = parse_sets(v, sc.cluster.nodes)?;
        if let QuorumSpec::Explicit { q2, .. } = &mut sc.cluster.quorum {
            *q2 = sets;
        }
        Ok(())
    });
    html! {
        <>
            {TextField { label: "Q1 sets (`;` between sets)", value: sets_text(q1), on_commit: on_s1, testid: "q1-input", title: None, disabled: false }.view()}
            {TextField { label: "Q2 sets", value: sets_text(q2), on_commit: on_s2, testid: "q2-input", title: None, disabled: false }.view()}
            <p class="muted">{"Any superset of a listed set is a quorum too."}</p>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_sets_round_trip_through_text() {
        let sets = parse_sets("0,1,2; 2 3 4;", 5).expect("valid");
        assert_eq!(sets_text(&sets), "0,1,2; 2,3,4");
        assert!(parse_sets("0,5", 5).is_err());
        assert!(parse_sets(" ; ", 5).is_err());
    }
}
