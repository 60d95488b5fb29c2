//! The tour page (`?tour`, `?tour=N`, `?embed&tour=N`): a chapter's narration beside the cluster
//! view and the space-time diagram, paused at the engine event each step names.
//!
//! Where each step pauses comes from the engine ([`fpaxos_sim::cue::find`]); the page only seeks
//! the main run there (deterministic: going back rebuilds and replays) and highlights the nodes
//! and messages the engine named: with a CSS rule on the cluster view's own elements, and in the
//! space-time diagram as tinted lanes and thick arrows ([`Highlight`]).

use super::chapter::{chapter, title_of, Chapter, CHAPTERS};
use crate::browser::{
    location_search, push_search, query_param, target_tag, HtmlSelectElement, Listener, On,
};
use crate::components::cluster_view::ClusterPanel;
use crate::components::spacetime::{Highlight, SpaceTime};
use crate::hooks::use_animation_frames;
use crate::state::{use_app, Action};
use fpaxos_share::ViewState;
use fpaxos_sim::cue::{find, Hit};
use std::rc::Rc;
use yew::prelude::*;

/// Where the reader is: chapter and step, 0-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Place {
    /// Chapter index.
    pub(crate) chapter: usize,
    /// Step index in the chapter.
    pub(crate) step: usize,
    /// Only this chapter (an embed): next and back stop at its ends.
    single: bool,
}

/// A move through the tour.
pub(crate) enum Move {
    /// One step forward (into the next chapter after the last step).
    Next,
    /// One step back (to the previous chapter's last step before the first).
    Prev,
    /// The first step of a chapter.
    Chapter(usize),
}

/// Steps in chapter `i` (1 for a chapter that does not parse: its error is one page).
fn steps_in(i: usize) -> usize {
    match chapter(i) {
        Some(Ok(c)) => c.steps.len().max(1),
        _ => 1,
    }
}

impl Place {
    /// The place after `m`; stays put at either end of the tour.
    pub(crate) fn after(self, m: Move) -> Place {
        let last = CHAPTERS.len().saturating_sub(1);
        let mut p = self;
        match m {
            Move::Next if p.step + 1 < steps_in(p.chapter) => p.step += 1,
            Move::Next if !p.single && p.chapter < last => {
                p.chapter += 1;
                p.step = 0;
            }
            Move::Prev if p.step > 0 => p.step -= 1,
            Move::Prev if !p.single && p.chapter > 0 => {
                p.chapter -= 1;
                p.step = steps_in(p.chapter) - 1;
            }
            Move::Chapter(i) if !p.single => {
                p.chapter = i.min(last);
                p.step = 0;
            }
            _ => {}
        }
        p
    }
}

impl Reducible for Place {
    type Action = Move;
    fn reduce(self: Rc<Self>, m: Move) -> Rc<Self> {
        Rc::new(self.after(m))
    }
}

/// A chapter and where its cues fall, or why it cannot be shown.
type Resolved = Result<(Chapter, Vec<Hit>), String>;

fn resolve(i: usize) -> Resolved {
    let c = match chapter(i) {
        None => return Err(format!("There is no chapter {}.", i + 1)),
        Some(Err(e)) => return Err(format!("This chapter's file does not parse: {e}")),
        Some(Ok(c)) => c,
    };
    let cues: Vec<_> = c.steps.iter().map(|s| s.cue.clone()).collect();
    match find(&c.scenario, &cues) {
        Ok(hits) => Ok((c, hits)),
        Err(m) => Err(format!(
            "This chapter's events are not in its run: {}",
            m.message
        )),
    }
}

/// The CSS that highlights a hit's nodes and messages in the cluster view.
fn highlight_css(h: &Hit) -> String {
    let mut css = String::new();
    for n in &h.nodes {
        css.push_str(&format!(
            ".tour-stage [data-testid=\"node-{n}\"] .body {{ stroke: var(--tour-hl); stroke-width: 5; }}\n"
        ));
    }
    for m in &h.messages {
        css.push_str(&format!(
            ".tour-stage [data-msg=\"{m}\"] .hit {{ fill: var(--tour-hl); opacity: .45; }}\n"
        ));
    }
    css
}

/// Props: the chapter to open (1-based, as in `?tour=N`) and whether only it is shown.
#[derive(Properties, PartialEq)]
pub(crate) struct TourProps {
    /// `?tour=N`'s N (out of range: the nearest chapter).
    pub(crate) chapter: usize,
    /// An embed: this chapter only, no chapter menu.
    pub(crate) single: bool,
}

/// Loads the chapter's scenario when the chapter changes, then seeks the run to the step's
/// event (`target`); going back replays from time 0, so each step always shows one instant.
#[hook]
fn use_seek_to_step(
    app: &crate::state::AppCtx,
    place: &UseReducerHandle<Place>,
    resolved: &Rc<Resolved>,
    target: Option<fpaxos::Time>,
) {
    let app = app.clone();
    let resolved = resolved.clone();
    let loaded = use_mut_ref(|| None::<usize>);
    use_effect_with((place.chapter, place.step), move |(ch, _)| {
        if let Ok((c, _)) = &*resolved {
            if *loaded.borrow() != Some(*ch) {
                *loaded.borrow_mut() = Some(*ch);
                app.dispatch(Action::SetScenario(Box::new(c.scenario.clone())));
            }
            if let Some(t) = target {
                app.dispatch(Action::Seek(t));
            }
        }
    });
}

/// Keeps the address bar on `?tour=N` for the chapter shown: a new chapter pushes a history
/// entry, and the browser's back and forward buttons (`popstate`) move the tour to the chapter
/// their address names. The first chapter shown replaces nothing (its address opened it).
#[hook]
fn use_chapter_in_address(place: &UseReducerHandle<Place>) {
    let chapter = place.chapter;
    let first = use_mut_ref(|| true);
    use_effect_with(chapter, move |ch| {
        let want = ch + 1;
        let shown = query_param("tour").map(|v| crate::share::tour_chapter(Some(&v)));
        if !std::mem::replace(&mut *first.borrow_mut(), false) && shown != Some(want) {
            push_search(&crate::share::with_tour(&location_search(), want));
        }
    });
    let d = place.dispatcher();
    use_effect_with((), move |_| {
        let l = Listener::new(On::Window, "popstate", move |_: Event| {
            if let Some(v) = query_param("tour") {
                d.dispatch(Move::Chapter(crate::share::tour_chapter(Some(&v)) - 1));
            }
        });
        move || drop(l)
    });
}

/// ←/→ step through the tour (not while typing in a field or on the diagram's canvas). The
/// playground's own shortcuts (`hooks::use_keyboard`) are not installed on the tour page, so
/// the two never both answer one key.
#[hook]
fn use_arrow_keys(place: UseReducerDispatcher<Place>) {
    use_effect_with((), move |_| {
        let l = Listener::new(On::Window, "keydown", move |e: KeyboardEvent| {
            if matches!(
                target_tag(&e).as_str(),
                "input" | "select" | "textarea" | "canvas"
            ) || e.ctrl_key()
                || e.meta_key()
                || e.alt_key()
                || e.shift_key()
            {
                return;
            }
            let m = match e.key().as_str() {
                "ArrowRight" => Move::Next,
                "ArrowLeft" => Move::Prev,
                _ => return,
            };
            e.prevent_default();
            place.dispatch(m);
        });
        move || drop(l)
    });
}

/// The guided tour.
#[component]
pub(crate) fn TourPage(props: &TourProps) -> Html {
    let app = use_app();
    use_animation_frames(app.animating(), app.clone());
    let first = props.chapter.clamp(1, CHAPTERS.len().max(1)) - 1;
    let single = props.single;
    let place = use_reducer(move || Place {
        chapter: first,
        step: 0,
        single,
    });
    let resolved = use_memo(place.chapter, |i| resolve(*i));
    let hit = match &*resolved {
        Ok((_, h)) => h.get(place.step).cloned(),
        Err(_) => None,
    };
    use_seek_to_step(&app, &place, &resolved, hit.as_ref().map(|h| h.t));
    use_arrow_keys(place.dispatcher());
    use_chapter_in_address(&place);
    let total = CHAPTERS.len();
    let (title, paragraphs, steps, error) = match &*resolved {
        Ok((c, _)) => (
            c.title.clone(),
            c.steps
                .get(place.step)
                .map(|s| s.paragraphs.clone())
                .unwrap_or_default(),
            c.steps.len(),
            None,
        ),
        Err(e) => (
            CHAPTERS
                .get(place.chapter)
                .map(title_of)
                .unwrap_or("Tour")
                .to_string(),
            Vec::new(),
            1,
            Some(e.clone()),
        ),
    };
    let at_event = hit
        .as_ref()
        .is_some_and(|h| h.t == app.run.now && app.run.target.is_none());
    let at_start = place.after(Move::Prev) == *place;
    let at_end = place.after(Move::Next) == *place;
    let go = |m: fn() -> Move| {
        let d = place.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(m()))
    };
    let on_chapter = {
        let d = place.dispatcher();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(i) = v.parse::<usize>() {
                d.dispatch(Move::Chapter(i));
            }
        })
    };
    let exit = crate::share::link_for(
        &app.scenario,
        &ViewState {
            time_ms: (app.run.now > 0).then(|| app.run.now as f64 / 1e6),
            ..ViewState::default()
        },
    );
    let tour_marks = Rc::new(hit.as_ref().map_or_else(Highlight::default, |h| Highlight {
        nodes: h.nodes.clone(),
        messages: h.messages.clone(),
    }));
    let progress = format!(
        "Chapter {} of {total} · step {} of {steps}",
        place.chapter + 1,
        place.step + 1
    );
    html! {
        <div class={classes!("tour-page", single.then_some("tour-single"))} data-testid="tour"
            data-chapter={(place.chapter + 1).to_string()} data-step={(place.step + 1).to_string()}>
            if let Some(h) = &hit { <style>{highlight_css(h)}</style> }
            <header class="tour-head">
                <a class="tour-brand" href={crate::share::base_url()}>{"FPaxos Playground"}</a>
                <span class="tour-kind">{"Guided tour"}</span>
                if single {
                    <span class="tour-chapter-title" data-testid="tour-chapter">{format!("{}. {title}", place.chapter + 1)}</span>
                } else {
                    <label class="tour-menu">
                        <span class="visually-hidden">{"Chapter"}</span>
                        <select data-testid="tour-chapter" onchange={on_chapter} aria-label="Chapter">
                            { for CHAPTERS.iter().enumerate().map(|(i, src)| html! {
                                <option value={i.to_string()} selected={i == place.chapter}>
                                    {format!("{}. {}", i + 1, title_of(src))}
                                </option>
                            }) }
                        </select>
                    </label>
                }
                <span class="tour-progress" data-testid="tour-progress">{progress}</span>
            </header>
            <main class="tour-main">
                <section class="tour-narration" aria-label="Narration">
                    <h1 class="tour-title">{title}</h1>
                    <div class="tour-live" aria-live="polite" aria-atomic="true">
                        <div class="tour-text" data-testid="tour-text">
                            { for paragraphs.iter().map(|p| html! { <p>{p.clone()}</p> }) }
                        </div>
                        if let Some(h) = &hit {
                            <p class="tour-event" data-testid="tour-event">
                                // Until the run has reached the step's moment (the worker's
                                // seek is under way), say where it is going, not that it is there.
                                {format!("{} {}: {}", if at_event { "Paused at" } else { "Simulating to" },
                                    crate::format::time(h.t), h.what)}
                            </p>
                        }
                    </div>
                    if let Some(e) = error { <p class="tour-error" role="alert" data-testid="tour-error">{e}</p> }
                    <nav class="tour-nav" aria-label="Tour steps">
                        <button type="button" data-testid="tour-prev" onclick={go(|| Move::Prev)} disabled={at_start}>{"← Back"}</button>
                        <button type="button" class="primary" data-testid="tour-next" onclick={go(|| Move::Next)} disabled={at_end}>{"Next →"}</button>
                    </nav>
                    <p class="tour-clock">
                        {"Simulated time "}
                        <output data-testid="tour-time" data-ns={app.run.now.to_string()}
                            data-ready={at_event.to_string()}>{crate::format::time_fixed(app.run.now)}</output>
                    </p>
                    <p class="tour-foot">
                        <a data-testid="tour-exit" href={exit}>{"Open this run in the full playground →"}</a>
                        <span class="muted">{" Keys: ← back, → next."}</span>
                    </p>
                </section>
                <section class="tour-stage" aria-label="The run">
                    <ClusterPanel />
                    if !single { <SpaceTime tour={tour_marks} /> }
                </section>
            </main>
        </div>
    }
}
