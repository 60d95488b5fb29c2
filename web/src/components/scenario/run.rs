//! The "Run" section: the seed and the simulated duration.

use super::field::NumberField;
use super::SectionProps;
use fpaxos_sim::scenario::limits;
use fpaxos_sim::Dur;
use yew::prelude::*;

/// Shortest run the editor offers, in seconds (the engine accepts down to 1 ns).
const MIN_DURATION_S: f64 = 0.001;

/// The run fieldset.
#[component]
pub fn RunFields(p: &SectionProps) -> Html {
    let s = &p.scenario;
    let on_seed = p.editor.commit(|sc, v| sc.seed = v);
    let on_duration = p
        .editor
        .commit(|sc, secs: f64| sc.duration = Dur((secs * 1e9) as u64));
    let (lo, hi) = (MIN_DURATION_S, limits::DURATION.max.as_secs());
    html! {
        <fieldset>
            <legend>{"Run"}</legend>
            <div class="pair">
                <NumberField<u64> label="Seed" min={0} max={u64::MAX} value={s.seed} on_commit={on_seed} testid="seed-input" />
                <NumberField<f64> label="Duration s" name="Duration (s)" min={lo} max={hi} step="any"
                    value={s.duration.as_secs()} on_commit={on_duration} testid="duration-input" />
            </div>
        </fieldset>
    }
}
