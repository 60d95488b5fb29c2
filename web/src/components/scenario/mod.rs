//! The scenario editor: cluster and quorum system ([`quorum`]), network ([`network`]), CPU and
//! workload ([`workload`]), run settings ([`run`]) and the fault list ([`faults`]). Every edit
//! builds a new [`Scenario`] and restarts the run; a value that does not parse shows its message
//! above the fields instead.
//!
//! What an edit means (resizing the quorums when N changes, the network presets, the latency's
//! text) and the bounds of the fields come from the engine (`fpaxos_sim::scenario::edit` and
//! `limits`); the editor only adds the page's own, tighter bounds where it has them.

pub mod faults;
pub mod field;
pub mod network;
pub mod quorum;
pub mod run;
pub mod workload;

use super::quorum_badge::intersection_badge;
use crate::state::{Action, AppState};
use fpaxos_sim::Scenario;
use std::rc::Rc;
use yew::prelude::*;

/// Largest cluster in the editor (the animated views stay readable up to here; grids may be
/// larger).
pub const MAX_EDIT_NODES: u32 = 15;

/// One scenario edit that may fail with a readable message.
pub type Edit = Box<dyn FnOnce(&mut Scenario) -> Result<(), String>>;

/// Hands edits to the panel, which applies each to a copy of the scenario and sends it to the
/// reducer, or shows why it failed.
#[derive(Clone, PartialEq)]
pub struct Editor(Callback<Edit>);

impl Editor {
    /// Applies an edit that may fail.
    pub fn try_edit(&self, f: impl FnOnce(&mut Scenario) -> Result<(), String> + 'static) {
        self.0.emit(Box::new(f));
    }

    /// Applies an edit that cannot fail.
    pub fn edit(&self, f: impl FnOnce(&mut Scenario) + 'static) {
        self.try_edit(|sc| {
            f(sc);
            Ok(())
        });
    }

    /// An `on_commit` callback for a field: a valid value is written with `set`, a message is
    /// shown. `set` is a plain function, not a closure type, so the editor's two dozen fields
    /// share one copy of this code per value type instead of one each (bundle size).
    pub fn commit<T: 'static>(&self, set: fn(&mut Scenario, T)) -> Callback<Result<T, String>> {
        let ed = self.clone();
        Callback::from(move |v: Result<T, String>| {
            ed.try_edit(move |sc| v.map(|v| set(sc, v)));
        })
    }

    /// An `on_commit` callback for a text field whose text `parse` turns into an edit.
    pub fn parse(&self, parse: fn(&mut Scenario, &str) -> Result<(), String>) -> Callback<String> {
        let ed = self.clone();
        Callback::from(move |text: String| {
            ed.try_edit(move |sc| parse(sc, &text));
        })
    }
}

/// Props of every section of the editor.
#[derive(Properties, PartialEq)]
pub struct SectionProps {
    /// The page's scenario.
    pub scenario: Rc<Scenario>,
    /// Where edits go.
    pub editor: Editor,
}

/// Props of [`ScenarioPanel`]: only what it shows, so it does not redraw on every frame.
#[derive(Properties, PartialEq)]
pub struct ScenarioPanelProps {
    /// The page's scenario.
    pub scenario: Rc<Scenario>,
    /// Validation messages.
    pub errors: Rc<Vec<String>>,
    /// Sends actions to the reducer.
    pub dispatch: UseReducerDispatcher<AppState>,
}

/// The scenario editor panel.
#[component]
pub fn ScenarioPanel(props: &ScenarioPanelProps) -> Html {
    let field_err = use_state(|| None::<String>);
    {
        // A new scenario (preset, reset) clears a stale input error.
        let field_err = field_err.clone();
        use_effect_with(Rc::clone(&props.scenario), move |_| {
            field_err.set(None);
            || ()
        });
    }
    let editor = {
        let base = Rc::clone(&props.scenario);
        let dispatch = props.dispatch.clone();
        let field_err = field_err.clone();
        Editor(Callback::from(move |f: Edit| {
            let mut sc = (*base).clone();
            match f(&mut sc) {
                Ok(()) => {
                    field_err.set(None);
                    dispatch.dispatch(Action::SetScenario(Box::new(sc)));
                }
                Err(e) => field_err.set(Some(e)),
            }
        }))
    };
    let s = Rc::clone(&props.scenario);
    let errors = &props.errors;
    // The sections without state of their own are plain functions, not components (bundle size).
    let section = SectionProps {
        scenario: Rc::clone(&s),
        editor: editor.clone(),
    };
    html! {
        <div class="panel scenario-panel">
            <h2>{"Scenario"}</h2>
            {intersection_badge(&s)}
            if let Some(sch) = &s.schedule {
                <p class="note" data-testid="schedule-note">{format!(
                    "This scenario replays an explicit schedule of {} steps (a counterexample, one step every {}): the simulator draws no latency, loss or timer of its own, so the network, timing and workload settings below are not used.",
                    sch.steps.len(),
                    sch.every
                )}</p>
            }
            if let Some(e) = &*field_err {
                <p class="field-error" role="alert" data-testid="field-error">{e.clone()}</p>
            }
            if !errors.is_empty() {
                <div class="errors" role="alert" data-testid="validation-errors">
                    <strong>{"This scenario cannot run:"}</strong>
                    <ul>{ for errors.iter().map(|e| html! { <li>{e.clone()}</li> }) }</ul>
                    if errors.iter().any(|e| e.contains("unsafe")) {
                        <p>{"Tick “Allow unsafe quorums” to run it anyway (teaching mode)."}</p>
                    }
                </div>
            }
            <quorum::ClusterFields scenario={Rc::clone(&s)} editor={editor.clone()} />
            <network::NetworkFields scenario={Rc::clone(&s)} editor={editor.clone()} />
            {workload::cpu_fields(&section)}
            {workload::workload_fields(&section)}
            {run::run_fields(&section)}
            {faults::fault_list(&s, &props.dispatch)}
        </div>
    }
}
