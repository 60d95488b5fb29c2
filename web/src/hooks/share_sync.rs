//! The address bar and storage follow the page: the opening link's time cursor is applied,
//! links pasted into the address bar are followed (`hashchange`), and after each edit (debounced,
//! so no history spam) the fragment and the stored last scenario are rewritten.

use crate::browser::{self, Listener, On};
use crate::share::{self, STORAGE_KEY};
use crate::state::{Action, AppCtx};
use fpaxos_share::{encode_fragment, ViewState};
use fpaxos_sim::Scenario;
use yew::prelude::*;

/// Wall milliseconds the address bar waits after the last edit before it follows.
const SYNC_DEBOUNCE_MS: u32 = 300;

/// Keeps the address bar and storage in step with the scenario (see the module docs). Returns
/// the link error to show, and a setter for it.
#[hook]
pub(crate) fn use_share_sync(app: AppCtx) -> UseStateHandle<Option<String>> {
    let error = use_state(share::take_link_error);
    // The opening link's time cursor.
    {
        let app = app.clone();
        use_effect_with((), move |_| {
            if let Some(ms) = share::initial_view()
                .time_ms
                .filter(|m| m.is_finite() && *m > 0.0)
            {
                app.dispatch(Action::Seek((ms * 1e6) as u64));
            }
        });
    }
    // Links pasted into the address bar of the open page.
    {
        let app = app.clone();
        let error = error.clone();
        use_effect_with((), move |_| {
            let listener = Listener::new(On::Window, "hashchange", move |e: Event| {
                if !share::enabled() {
                    return;
                }
                match share::decode_link(&browser::hash_of_change(&e)) {
                    None => {}
                    Some(Ok(shared)) => {
                        error.set(None);
                        app.dispatch(Action::SetScenario(Box::new(shared.scenario)));
                        if let Some(ms) = shared.view.time_ms.filter(|m| m.is_finite() && *m > 0.0)
                        {
                            app.dispatch(Action::Seek((ms * 1e6) as u64));
                        }
                    }
                    Some(Err(e)) => error.set(Some(e)),
                }
            });
            move || drop(listener)
        });
    }
    // The tab's title (and the social preview title) names the scenario.
    use_effect_with(app.scenario.clone(), |s| browser::set_title(&page_title(s)));
    // Debounced: address bar and storage follow the scenario and the (paused) time cursor.
    let timer = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);
    let view = share::view_of(&app);
    use_effect_with((app.scenario.clone(), view), move |(scenario, view)| {
        if !share::enabled() {
            return;
        }
        // Encoded when the timer fires, so a burst of edits (or the first drawing) deflates
        // the scenario once, in a task of its own.
        let (scenario, view) = (scenario.clone(), view.clone());
        *timer.borrow_mut() = Some(gloo_timers::callback::Timeout::new(
            SYNC_DEBOUNCE_MS,
            move || {
                browser::replace_fragment(&encode_fragment(&scenario, &view));
                browser::store(
                    STORAGE_KEY,
                    &encode_fragment(&scenario, &ViewState::default()),
                );
            },
        ));
    });
    error
}

/// The page title for `s`: its name, or its cluster when it has none, then the site name.
pub(crate) fn page_title(s: &Scenario) -> String {
    let name = s.name.trim();
    let what = if name.is_empty() {
        format!("{} nodes, {}", s.cluster.nodes, s.cluster.label())
    } else {
        name.chars().take(80).collect()
    };
    format!("{what} — FPaxos Playground")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_names_the_scenario() {
        let mut s = Scenario::default();
        assert_eq!(
            page_title(&s),
            "5 nodes, majority (3/3) — FPaxos Playground"
        );
        s.name = "  Split brain  ".into();
        assert_eq!(page_title(&s), "Split brain — FPaxos Playground");
        s.name = "x".repeat(500);
        let tail = " — FPaxos Playground".chars().count();
        assert_eq!(page_title(&s).chars().count(), 80 + tail);
    }
}
