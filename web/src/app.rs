//! The root component: owns the reducer, provides it by context, runs the frame loop and lays
//! out the panels.

use crate::components::{
    chart::ChartsPanel, cluster_view::ClusterPanel, header::Header, safety::SafetyBanner,
    scenario::ScenarioPanel, spacetime::SpaceTime, summary::Summary, time_controls::TimeControls,
};
use crate::hooks::{use_animation_frames, use_keyboard, use_metrics};
use crate::state::{AppCtx, AppState};
use yew::prelude::*;

/// The whole page.
#[component]
pub fn App() -> Html {
    let app = use_reducer(AppState::initial);
    html! {
        <ContextProvider<AppCtx> context={app.clone()}>
            // --- share: `?embed` shows the compact embed view instead of the page ---
            if crate::share::is_embed() {
                <crate::embed::EmbedPage />
            } else {
                <Page />
            }
            // --- end share ---
        </ContextProvider<AppCtx>>
    }
}

#[component]
fn Page() -> Html {
    let app = crate::state::use_app();
    use_animation_frames(app.animating(), app.clone());
    use_keyboard(app.clone());
    use_metrics(app.clone());
    // --- share: address bar, storage, link errors ---
    let link_error = crate::share::use_share_sync(app.clone());
    // --- end share ---
    let report = app.report.clone();
    // Cheap to compare each frame; the editor redraws only when these change.
    let scenario = use_memo(app.scenario.clone(), |s| s.clone());
    let errors = use_memo(app.errors.clone(), |e| e.clone());
    let closed = app.closed_panels.clone();
    let open = move |id: &str| !closed.contains(&id);
    // --- compare, sweep, analysis ---
    let analysed = use_memo(app.scenario.clone(), |s| s.clone());
    // --- end compare, sweep, analysis ---
    html! {
        <div class="page">
            <Header />
            // --- share ---
            <crate::components::share_dialog::ShareBar />
            <crate::share::LinkErrorBanner error={link_error} />
            // --- end share ---
            <SafetyBanner report={report.clone()} />
            <main class="layout">
                <aside class="side" aria-label="Scenario">
                    <ScenarioPanel scenario={scenario} errors={errors} dispatch={app.dispatcher()} />
                </aside>
                <section class="stage" aria-label="Run">
                    <TimeControls />
                    <div class="row">
                        <ClusterPanel />
                        <Summary report={report.clone()} />
                    </div>
                    <PanelToggles closed={app.closed_panels.clone()} />
                    if open("spacetime") { <SpaceTime /> }
                    if open("charts") { <ChartsPanel report={report} /> }
                </section>
            </main>
            // --- compare, sweep, analysis ---
            <section class="extras" aria-label="Compare, sweep and analysis">
                <crate::components::compare_panel::ComparePanel />
                if open("sweep") { <crate::components::sweep_panel::SweepPanel /> }
                if open("analysis") {
                    <crate::components::analysis_panel::AnalysisPanel scenario={analysed} report={app.report.clone()} />
                }
            </section>
            // --- end compare, sweep, analysis ---
            <footer class="foot">
                {"Deterministic: one scenario (seed included) gives one run, here and in "}
                <code>{"fpaxos run"}</code>
                {". Keys: space play/pause, → next event, ← back 10 ms, Shift+←/→ 100 ms."}
            </footer>
            <div id="fpaxos-metrics" data-testid="metrics" hidden=true></div>
        </div>
    }
}

/// Props: which optional panels are closed.
#[derive(Properties, PartialEq)]
pub struct PanelTogglesProps {
    /// Closed panel ids.
    pub closed: Vec<&'static str>,
}

/// Checkboxes that open and close the optional panels (the choice travels in shared links).
#[component]
pub fn PanelToggles(props: &PanelTogglesProps) -> Html {
    let app = crate::state::use_app();
    html! {
        <fieldset class="panel-toggles" data-testid="panel-toggles">
            <legend>{"Panels"}</legend>
            { for crate::state::OPTIONAL_PANELS.iter().map(|(id, label)| {
                let id: &'static str = id;
                let checked = !props.closed.contains(&id);
                let app = app.clone();
                let onchange = Callback::from(move |_: Event| app.dispatch(crate::state::Action::TogglePanel(id)));
                html! {
                    <label class="check">
                        <input type="checkbox" checked={checked} onchange={onchange}
                            data-testid={format!("panel-toggle-{id}")} />
                        <span>{*label}</span>
                    </label>
                }
            }) }
        </fieldset>
    }
}
