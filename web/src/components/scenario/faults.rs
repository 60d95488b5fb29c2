//! The fault list: the scheduled and injected faults of the scenario.

use crate::state::{Action, AppState};
use fpaxos_sim::Scenario;
use std::rc::Rc;
use yew::prelude::*;

/// How many faults the list shows before it summarises the rest.
const SHOWN: usize = 50;

/// Props of [`FaultList`].
#[derive(Properties, PartialEq)]
pub struct FaultListProps {
    /// The scenario whose faults are listed.
    pub faults: Rc<Scenario>,
    /// Sends actions to the reducer.
    pub dispatch: UseReducerDispatcher<AppState>,
}

/// The scheduled and injected faults, with a button to clear them.
#[component]
pub fn FaultList(props: &FaultListProps) -> Html {
    let faults = &props.faults.faults;
    let clear = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.dispatch(Action::ClearFaults))
    };
    html! {
        <fieldset data-testid="fault-list">
            <legend>{format!("Faults ({})", faults.len())}</legend>
            if faults.is_empty() {
                <p class="muted">{"None. Click nodes, links or messages in the cluster view to add some."}</p>
            } else {
                <ol class="faults">
                    { for faults.iter().take(SHOWN).map(|f| html! {
                        <li><time>{crate::format::time(f.at.0)}</time>{" "}{f.action.describe()}</li>
                    }) }
                </ol>
                if faults.len() > SHOWN { <p class="muted">{format!("… and {} more", faults.len() - SHOWN)}</p> }
                <button type="button" onclick={clear}>{"Clear faults"}</button>
            }
        </fieldset>
    }
}
