//! The ballot board: ballots × acceptors for one slot at the time cursor. Who promised which
//! ballot (the Q1s), who accepted which value in which ballot (the Q2s), the chosen value's Q2,
//! the next ballot's Q1 and their intersection; in an unsafe run, the empty intersection and the
//! two values chosen for one slot. The engine computes the board (`BallotLog::board`); this
//! panel only draws it, as a table here and as SVG in the export (`svg.rs`).

mod svg;

pub(crate) use svg::board_figure;

use crate::format;
use crate::state::{use_app, Action, AppState};
use fpaxos::{NodeSet, Slot};
use fpaxos_sim::trace::{Board, Cell};
use yew::prelude::*;

/// What the panel shows: the board of the chosen (or most interesting) slot at the cursor, the
/// slot range for the picker, and the automatic pick.
pub(crate) struct Shown {
    /// The board, when the run accepted anything by the cursor.
    pub(crate) board: Option<Board>,
    /// Lowest and highest slot with an acceptance by the cursor.
    pub(crate) range: Option<(Slot, Slot)>,
    /// The engine's most interesting slot.
    pub(crate) auto: Option<Slot>,
    /// The scenario keeps no trace (`metrics.trace_capacity` 0): nothing was recorded.
    pub(crate) no_trace: bool,
}

/// The board for the page's state (the export calls this too, so it draws what the panel shows).
pub(crate) fn shown(app: &AppState) -> Shown {
    let at = app.run.now;
    let n = app.scenario.cluster.nodes as usize;
    let picked = app.view.ballot_slot;
    let no_trace = app.scenario.metrics.trace_capacity == 0;
    app.with_ballots(|log| {
        let auto = log.interesting_slot(at);
        let range = log.slot_range(at);
        let slot = picked.or(auto);
        Shown {
            board: slot.map(|s| log.board(s, at, n)),
            range,
            auto,
            no_trace,
        }
    })
    .unwrap_or(Shown {
        board: None,
        range: None,
        auto: None,
        no_trace: false,
    })
}

/// `{0, 1}` for a node set.
pub(crate) fn set_text(s: NodeSet) -> String {
    let ids: Vec<String> = s.iter().map(|n| n.to_string()).collect();
    format!("{{{}}}", ids.join(", "))
}

/// The sentences under the board: what was chosen, by which Q2, which Q1 came next, and
/// whether they meet.
pub(crate) fn verdict(b: &Board) -> Vec<String> {
    let mut out = Vec::new();
    let label = |i: usize| b.values.get(i).map_or("?", |v| v.label.as_str());
    if b.chosen.is_empty() {
        out.push(format!("Slot {} is not chosen yet at the cursor.", b.slot));
    }
    if let Some((ballot, q2)) = b.chosen_q2 {
        let v = b
            .chosen
            .iter()
            .find(|c| c.ballot == ballot)
            .map_or("?", |c| label(c.value));
        out.push(format!(
            "Chosen: {v} in ballot {ballot} by the Q2 {}.",
            set_text(q2)
        ));
    }
    match (b.next_q1, b.intersection) {
        (Some((ballot, q1)), Some(i)) => {
            let how = if b.next_elected {
                "won its election with the Q1"
            } else {
                "is still campaigning; promises so far"
            };
            out.push(format!("Next ballot {ballot} {how} {}.", set_text(q1)));
            if i.is_empty() {
                out.push(
                    "Intersection of that Q2 and this Q1: EMPTY (∅). The next leader cannot learn the chosen value."
                        .into(),
                );
            } else {
                out.push(format!(
                    "Intersection: {} — through it the next leader learns the chosen value.",
                    set_text(i)
                ));
            }
        }
        _ if b.chosen_q2.is_some() => {
            out.push("No later ballot has promised for this slot yet.".into())
        }
        _ => {}
    }
    if b.conflicting.len() > 1 {
        let vals: Vec<String> = b
            .conflicting
            .iter()
            .map(|&i| {
                let ballots: Vec<String> = b
                    .chosen
                    .iter()
                    .filter(|c| c.value == i)
                    .map(|c| c.ballot.to_string())
                    .collect();
                format!("{} (ballot {})", label(i), ballots.join(", "))
            })
            .collect();
        out.push(format!(
            "CONFLICT: {} different values chosen for slot {}: {}. Agreement is violated.",
            b.conflicting.len(),
            b.slot,
            vals.join(" and ")
        ));
    }
    if let Some(t) = b.incomplete_before {
        out.push(format!(
            "The log discarded its oldest entries (up to {}): earlier ballots may be missing.",
            format::time(t)
        ));
    }
    out
}

/// The text of one cell (`P`, `A c1#4`, `P · A c1#4`) with its highlight markers.
pub(crate) fn cell_text(b: &Board, c: &Cell) -> (String, String) {
    let mut parts = Vec::new();
    if c.promised {
        parts.push("P".to_string());
    }
    if let Some(v) = c.accepted {
        let label = v
            .and_then(|i| b.values.get(i))
            .map_or("?", |v| v.label.as_str());
        parts.push(format!("A {label}"));
    }
    let mut marks = Vec::new();
    if c.in_q2 {
        marks.push("Q2");
    }
    if c.in_q1 {
        marks.push("Q1");
    }
    (parts.join(" · "), marks.join(" "))
}

fn is_conflict(b: &Board, c: &Cell) -> bool {
    matches!(c.accepted, Some(Some(i)) if b.conflicting.contains(&i))
}

/// The table: a header of nodes (∩ marks the intersection), a row per ballot.
fn table(b: &Board) -> Html {
    let inter = b.intersection.unwrap_or(NodeSet::EMPTY);
    let head = (0..b.nodes as fpaxos::NodeId).map(|n| {
        let i = inter.contains(n);
        html! {
            <th scope="col" class={classes!(i.then_some("bb-inter"))}>
                {format!("node {n}")}{ if i { " ∩" } else { "" } }
            </th>
        }
    });
    let rows = b.rows.iter().map(|r| {
        let cells = r.cells.iter().enumerate().map(|(n, c)| {
            let (text, marks) = cell_text(b, c);
            let inter_cell = (c.in_q1 || c.in_q2) && inter.contains(n as fpaxos::NodeId);
            let class = classes!(
                "bb-cell",
                c.in_q2.then_some("bb-q2"),
                c.in_q1.then_some("bb-q1"),
                inter_cell.then_some("bb-inter"),
                is_conflict(b, c).then_some("bb-conflict"),
            );
            html! {
                <td class={class}>
                    <span>{ if text.is_empty() { "·".to_string() } else { text } }</span>
                    if !marks.is_empty() { <small class="bb-mark">{marks}</small> }
                    if is_conflict(b, c) { <small class="bb-mark">{"≠"}</small> }
                </td>
            }
        });
        let owner = r.ballot.node();
        html! {
            <tr>
                <th scope="row" title={format!("round {}, owned by node {owner}", r.ballot.round())}>
                    {format!("ballot {}", r.ballot)}
                </th>
                { for cells }
            </tr>
        }
    });
    html! {
        <div class="bb-scroll">
            <table class="bb-table" data-testid="ballot-board-table">
                <caption class="visually-hidden">{format!("Ballots × acceptors for slot {}", b.slot)}</caption>
                <thead><tr><th scope="col">{"Ballot"}</th>{ for head }</tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

/// The slot picker: a number bounded by the slots seen, and the automatic pick.
fn picker(
    app: &crate::state::AppCtx,
    shown: &Shown,
    slot: Option<Slot>,
    error: UseStateHandle<Option<String>>,
) -> Html {
    let (lo, hi) = shown.range.unwrap_or((0, 0));
    let onchange = {
        let (app, error) = (app.clone(), error.clone());
        Callback::from(move |e: Event| {
            let input: crate::browser::HtmlInputElement = e.target_unchecked_into();
            match input.value().trim().parse::<Slot>() {
                Ok(s) => {
                    error.set(None);
                    app.dispatch(Action::SetBallotSlot(Some(s)));
                }
                Err(_) => error.set(Some(
                    "Type a slot number (0 or more); the board is unchanged.".into(),
                )),
            }
        })
    };
    let auto = {
        let (app, error) = (app.clone(), error.clone());
        Callback::from(move |_| {
            error.set(None);
            app.dispatch(Action::SetBallotSlot(None));
        })
    };
    let following = app.view.ballot_slot.is_none();
    html! {
        <div class="bb-tools">
            <label>{"Slot "}
                <input type="number" min="0" step="1" value={slot.map(|s| s.to_string()).unwrap_or_default()}
                    {onchange} data-testid="ballot-board-slot" aria-label="Slot shown on the ballot board" />
            </label>
            <button type="button" onclick={auto} aria-pressed={following.to_string()} data-testid="ballot-board-auto"
                title="A slot where different values were chosen, else the last chosen slot a later Q1 met">
                {"Most interesting"}
            </button>
            if shown.range.is_some() {
                <span class="muted">{format!("slots {lo}–{hi} seen so far")}</span>
            }
            if let Some(e) = &*error { <span class="bb-error" role="alert">{e.clone()}</span> }
        </div>
    }
}

/// The legend: colour and pattern, and the text marks that carry the same meaning.
fn legend() -> Html {
    html! {
        <p class="bb-legend" data-testid="ballot-board-legend">
            <span>{"P promised · A v accepted value v · "}</span>
            <span class="bb-key bb-q2">{"Q2"}</span>{" chosen value's Q2 (solid, striped) "}
            <span class="bb-key bb-q1">{"Q1"}</span>{" next ballot's Q1 (dashed) "}
            <span class="bb-key bb-inter">{"∩"}</span>{" in both (double border) "}
            <span class="bb-key bb-conflict">{"≠"}</span>{" a value in conflict"}
        </p>
    }
}

/// The ballot board panel.
#[component]
pub(crate) fn BallotBoard() -> Html {
    let app = use_app();
    let error = use_state(|| None::<String>);
    // One pass over the log per change of the run, the cursor or the slot, not per redraw.
    let key = (
        app.run.version,
        app.run.now,
        app.view.ballot_slot,
        std::rc::Rc::as_ptr(&app.scenario) as usize,
    );
    let shown = {
        let app = app.clone();
        use_memo(key, move |_| shown(&app))
    };
    let slot = app.view.ballot_slot.or(shown.auto);
    let body = match &shown.board {
        _ if shown.no_trace => html! {
            <p class="muted">{"This scenario keeps no trace (metrics.trace_capacity is 0): no ballots were recorded."}</p>
        },
        None => {
            html! { <p class="muted">{"Nothing accepted yet at the cursor: run or move the time cursor forward."}</p> }
        }
        Some(b) => html! {
            <>
            { table(b) }
            if b.hidden_rows > 0 {
                <p class="muted">{format!("{} older ballots not shown.", b.hidden_rows)}</p>
            }
            <ul class="bb-verdict" aria-live="polite" data-testid="ballot-board-verdict">
                { for verdict(b).into_iter().map(|l| html! { <li>{l}</li> }) }
            </ul>
            </>
        },
    };
    let (conflicts, inter) = shown.board.as_ref().map_or((0, "none".to_string()), |b| {
        (
            b.conflicting.len(),
            match b.intersection {
                None => "none".to_string(),
                Some(i) if i.is_empty() => "empty".to_string(),
                Some(i) => i
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            },
        )
    });
    html! {
        <section class="panel ballot-board" data-testid="ballot-board" aria-label="Ballot board"
            data-slot={slot.map(|s| s.to_string()).unwrap_or_default()}
            data-conflicts={conflicts.to_string()} data-intersection={inter}>
            <h2>{format!("Ballot board{}", slot.map(|s| format!(" — slot {s}")).unwrap_or_default())}</h2>
            <p class="muted">{format!("At the time cursor, {}. Rows: ballots; columns: acceptors.", format::time(app.run.now))}</p>
            { picker(&app, &shown, slot, error) }
            { legend() }
            { body }
        </section>
    }
}
