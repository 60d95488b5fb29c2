//! The "Run" section: the seed and the simulated duration.

use super::field::{num, NumberField};
use super::SectionProps;
use fpaxos_sim::scenario::limits;
use fpaxos_sim::Dur;
use yew::prelude::*;

/// Shortest run the editor offers, in seconds (the engine accepts down to 1 ns).
const MIN_DURATION_S: f64 = 0.001;

/// The run fieldset.
pub fn run_fields(p: &SectionProps) -> Html {
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
                <NumberField num={num::<u64>(0, u64::MAX, s.seed, on_seed)} label="Seed" testid="seed-input" />
                <NumberField num={num::<f64>(lo, hi, s.duration.as_secs(), on_duration)} label="Duration s" name="Duration (s)" step="any"
                    testid="duration-input" />
            </div>
        </fieldset>
    }
}
