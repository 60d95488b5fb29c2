//! The fault list: the scheduled and injected faults of the scenario.

use crate::state::{Action, AppState};
use fpaxos_sim::Scenario;
use yew::prelude::*;

/// How many faults the list shows before it summarises the rest.
const SHOWN: usize = 50;

/// The scheduled and injected faults of `scenario`, with a button to clear them.
pub fn fault_list(scenario: &Scenario, dispatch: &UseReducerDispatcher<AppState>) -> Html {
    let faults = &scenario.faults;
    let clear = {
        let d = dispatch.clone();
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
