//! The root component: owns the reducer, provides it by context, runs the frame loop and lays
//! out the panels.

use crate::components::{
    analysis_panel::AnalysisPanel, ballot_board::BallotBoard, chart::ChartsPanel,
    cluster_view::ClusterPanel, compare_panel::ComparePanel, explore_panel::ExplorePanel,
    header::Header, link_error::link_error_banner, liveness::LivenessBanner, safety::safety_banner,
    scenario::ScenarioPanel, share_dialog::ShareBar, spacetime::SpaceTime, summary::Summary,
    sweep_panel::SweepPanel, time_controls::time_controls,
};
use crate::hooks::{
    use_animation_frames, use_keyboard, use_metrics, use_parts_after_paint, use_share_sync,
    use_warm_up,
};
use crate::state::{use_app, Action, AppCtx, OPTIONAL_PANELS};
use yew::prelude::*;

/// The whole page (or, with `?embed`, the compact embed view).
#[component]
pub fn App() -> Html {
    let app = use_reducer(crate::share::initial_state);
    {
        // The main run's worker wakes the reducer when its news arrive.
        let dispatcher = app.dispatcher();
        use_effect_with((), move |_| {
            crate::run::Link::shared().set_waker(std::rc::Rc::new(move || {
                dispatcher.dispatch(Action::RunNews)
            }));
        });
    }
    html! {
        <ContextProvider<AppCtx> context={app.clone()}>
            if let Some(n) = crate::share::tour_param() {
                <crate::components::tour::TourPage chapter={n} single={crate::share::is_embed()} />
            } else if crate::share::is_embed() {
                <crate::embed::EmbedPage />
            } else {
                <Page />
            }
        </ContextProvider<AppCtx>>
    }
}

#[component]
fn Page() -> Html {
    let app = use_app();
    use_animation_frames(app.animating(), app.clone());
    use_keyboard(app.clone());
    let link_error = use_share_sync(app.clone());
    // The top of the page paints first; the rest mounts after it, a part per frame: the cluster
    // and the summary, then the scenario editor and the space-time diagram, then the ballot
    // board and the charts, then the extras. Each part is a task of its own: the first drawing
    // with the cluster in it was a task of 50-66 ms in about one load in five (see "The page
    // mounts in five short tasks" in docs/performance.md).
    let below = use_parts_after_paint(4);
    let mounted = below >= 4;
    use_metrics(app.clone(), mounted);
    use_warm_up(app.scenario.clone(), mounted && !app.animating());
    let report = app.run.report.clone();
    let view = &app.view;
    html! {
        // `data-mounted` tells tests that every part has mounted.
        <div class="page" data-testid="page" data-mounted={mounted.to_string()}>
            <Header />
            <ShareBar />
            {link_error_banner(&app, &link_error)}
            <div class="banners">
                {safety_banner(&app, report.as_ref())}
                <LivenessBanner report={report.clone()} />
            </div>
            <main class="layout">
                <aside class="side" aria-label="Scenario">
                    if below >= 2 {
                        <ScenarioPanel scenario={app.scenario.clone()} errors={app.errors.clone()} dispatch={app.dispatcher()} />
                    }
                </aside>
                <section class="stage" aria-label="Run">
                    {time_controls(&app)}
                    <div class="row">
                        if below >= 1 {
                            <ClusterPanel />
                            <Summary report={report.clone()} />
                        }
                    </div>
                    {panel_toggles(&app)}
                    if below >= 2 && view.is_open("spacetime") { <SpaceTime /> }
                    if below >= 3 {
                        if view.is_open("ballots") { <BallotBoard /> }
                        if view.is_open("charts") { <ChartsPanel report={report} /> }
                    }
                </section>
            </main>
            <section class="extras" aria-label="Compare, sweep and analysis">
                if below >= 4 {
                    <ComparePanel />
                    if view.is_open("sweep") { <SweepPanel /> }
                    if view.is_open("analysis") {
                        <AnalysisPanel scenario={app.scenario.clone()} report={app.run.report.clone()} />
                    }
                    <ExplorePanel />
                }
            </section>
            <footer class="foot">
                {"Deterministic: one scenario (seed included) gives one run, here and in "}
                <code>{"fpaxos run"}</code>
                {". Keys: space play/pause, → next event, ← back 10 ms, Shift+←/→ 100 ms."}
            </footer>
            <div id="fpaxos-metrics" data-testid="metrics" hidden=true></div>
        </div>
    }
}

/// Checkboxes that open and close the optional panels (the choice travels in shared links).
fn panel_toggles(app: &AppCtx) -> Html {
    html! {
        <fieldset class="panel-toggles" data-testid="panel-toggles">
            <legend>{"Panels"}</legend>
            { for OPTIONAL_PANELS.iter().map(|(id, label)| {
                let id: &'static str = id;
                let checked = !app.view.closed_panels.contains(&id);
                let app = app.clone();
                let onchange = Callback::from(move |_: Event| app.dispatch(Action::TogglePanel(id)));
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
