//! The Export menu's Animation section: the cluster view or the space-time diagram over a chosen
//! stretch of simulated time, recorded as a WebM video.
//!
//! Frames are deterministic: the recording replays the page's scenario (clicked faults
//! included) in a run of its own, sought to each frame's time, and paints that run as SVG (the
//! same painters as the figure exports), so the page's run and time cursor never move. The run
//! is a [`RemoteRun`] on a link of its own ([`Link::own`]): a worker of its own simulates it
//! (or, where none starts, the page in short slices), and the page paints from its news. Each
//! frame is rasterised and handed to the recorder ([`crate::browser::Recorder`]) at the chosen
//! frame rate, with the page free between frames.

mod plan;

use super::cluster_frame::cluster_svg;
use super::quorum_badge::counterexample;
use super::spacetime::FrameView;
use crate::browser::{load_svg, now_ms, webm_type, Frame, Recorder};
use crate::export;
use crate::run::{Link, RemoteRun};
use crate::state::{use_app, AppState};
use crate::svg::figure_svg;
use fpaxos::quorum::Counterexample;
use fpaxos::Time;
use gloo_timers::callback::Timeout;
use plan::{plan, AnimView, Plan, MAX_FPS, MAX_SPEED_MS, MIN_SPEED_MS};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// Wall ms of simulation per slice while catching the recording's run up to a frame, where
/// the page hosts it (no worker).
const SLICE_MS: f64 = 10.0;
/// Wall ms between two looks at the run while its worker catches it up to a frame.
const POLL_MS: u32 = 2;

/// What the section shows about the recording.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    Idle,
    /// Frames shown so far, of how many.
    Recording(u32, u32),
    /// All frames shown; the recorder is writing the file.
    Saving,
    Saved(String, f64),
    Cancelled,
    Failed(String),
}

/// The view's painter state, fixed when the recording starts.
enum Painter {
    Cluster(Option<Counterexample>),
    SpaceTime(FrameView),
}

/// A recording in progress, driven by timers.
struct Job {
    plan: Plan,
    run: RemoteRun,
    painter: Painter,
    /// Frame size before scaling (the figure, with title and caption).
    size: (f64, f64),
    caption: String,
    name: String,
    rec: Option<Recorder>,
    /// Frames shown.
    shown: u32,
    /// Wall time the next frame is due.
    due: f64,
    cancel: Rc<Cell<bool>>,
    status: Callback<Status>,
}

type JobRef = Rc<RefCell<Job>>;

impl Job {
    /// The figure for simulated time `t` (the run has reached it).
    fn frame_svg(&self, t: Time) -> Option<String> {
        let (w, h) = self.size;
        let at = crate::format::time(t);
        Some(match &self.painter {
            Painter::Cluster(ce) => {
                let snap = self.run.cluster()?;
                let inner = cluster_svg(&snap, self.run.scenario(), t, ce.as_ref());
                figure_svg(
                    &inner,
                    w,
                    h - 46.0,
                    &format!("Cluster at {at}"),
                    "",
                    &self.caption,
                )
            }
            Painter::SpaceTime(v) => {
                let (vw, vh) = v.size();
                let inner = v.svg(self.run.diagram()?, t);
                let title = format!("Space-time diagram at {at}");
                figure_svg(&inner, vw, vh, &title, "", &self.caption)
            }
        })
    }
}

/// Stops the job with `s`, discarding the recorder unless it finished.
fn stop(job: &JobRef, s: Status) {
    let (rec, status) = {
        let mut j = job.borrow_mut();
        (j.rec.take(), j.status.clone())
    };
    if let Some(r) = rec {
        r.cancel();
    }
    status.emit(s);
}

/// Catches the run up to the next frame's time (its worker works meanwhile; where the page
/// hosts the run, in slices between which the page is free), paints and rasterises the frame,
/// then shows it when it is due.
fn prepare(job: JobRef) {
    if job.borrow().cancel.get() {
        return stop(&job, Status::Cancelled);
    }
    let (t, reached, wait) = {
        let mut j = job.borrow_mut();
        let t = j.plan.time_of(j.shown);
        let goal = t.min(j.run.end());
        if j.run.now() < goal && j.run.target() != Some(goal) {
            j.run.seek(goal, &now_ms);
        }
        j.run.pump(SLICE_MS, &now_ms);
        let reached = j.run.now() == goal && j.run.target().is_none();
        (t, reached, if j.run.in_worker() { POLL_MS } else { 0 })
    };
    if !reached {
        Timeout::new(wait, move || prepare(job)).forget();
        return;
    }
    let Some(svg) = job.borrow().frame_svg(t) else {
        return stop(&job, Status::Failed("The scenario does not run.".into()));
    };
    let job2 = job.clone();
    load_svg(&svg, move |frame| match frame {
        None => stop(
            &job2,
            Status::Failed("The browser could not draw a frame.".into()),
        ),
        Some(f) => {
            let wait = (job2.borrow().due - now_ms()).max(0.0);
            Timeout::new(wait as u32, move || show(job2, f)).forget();
        }
    });
}

/// Shows a frame to the recorder, then prepares the next one or finishes.
fn show(job: JobRef, frame: Frame) {
    if job.borrow().cancel.get() {
        return stop(&job, Status::Cancelled);
    }
    let (done, n, interval, status) = {
        let mut j = job.borrow_mut();
        if let Some(r) = &j.rec {
            r.show(&frame);
        }
        j.shown += 1;
        let interval = j.plan.interval_ms();
        // A late frame pushes the schedule back, so no two frames come closer than the rate.
        j.due = j.due.max(now_ms()) + interval;
        (j.shown, j.plan.frames(), interval, j.status.clone())
    };
    status.emit(Status::Recording(done, n));
    if done < n {
        Timeout::new(0, move || prepare(job)).forget();
        return;
    }
    // The last frame stays on screen for one frame's time before the recorder stops.
    Timeout::new(interval as u32, move || {
        let (rec, name) = {
            let mut j = job.borrow_mut();
            (j.rec.take(), j.name.clone())
        };
        let Some(rec) = rec else { return };
        status.emit(Status::Saving);
        let n2 = name.clone();
        rec.finish(name, move |size| {
            status.emit(match size {
                Some(b) => Status::Saved(n2, b),
                None => Status::Failed("The browser recorded no video.".into()),
            })
        });
    })
    .forget();
}

/// Starts recording `plan` of the page's scenario. `Err`: why it could not start.
fn start(
    app: &AppState,
    plan: Plan,
    cancel: Rc<Cell<bool>>,
    status: Callback<Status>,
) -> Result<(), String> {
    let scenario = app.run.sim.with_main(|m| Rc::clone(m.scenario()));
    let run = RemoteRun::new(Link::own(), Rc::clone(&scenario), &now_ms);
    let end = run.end();
    let painter = match plan.view {
        AnimView::Cluster => Painter::Cluster(counterexample(&scenario)),
        AnimView::SpaceTime => {
            Painter::SpaceTime(FrameView::of(app, Rc::as_ptr(&scenario) as usize, end))
        }
    };
    let size = match &painter {
        Painter::Cluster(_) => (super::cluster_view::SIZE, super::cluster_view::SIZE + 46.0),
        Painter::SpaceTime(v) => (v.size().0, v.size().1 + 46.0),
    };
    // Recorded at twice the figure's size where that stays within 2000 pixels, for sharpness.
    let scale = if size.0 * 2.0 <= 2000.0 { 2.0 } else { 1.0 };
    let rec = Recorder::start((size.0 * scale) as u32, (size.1 * scale) as u32)
        .ok_or("The browser refused to start recording.")?;
    let job = Job {
        plan,
        name: format!(
            "{}-{}.webm",
            export::file_stem(&scenario),
            plan.view.short()
        ),
        caption: export::caption(&scenario, None),
        run,
        painter,
        size,
        rec: Some(rec),
        shown: 0,
        due: now_ms(),
        cancel,
        status: status.clone(),
    };
    status.emit(Status::Recording(0, plan.frames()));
    prepare(Rc::new(RefCell::new(job)));
    Ok(())
}

/// One labelled number field showing `value`; edits go to `set`.
fn field(
    label: &str,
    testid: &'static str,
    value: String,
    set: Callback<String>,
    hint: &str,
) -> Html {
    let oninput = Callback::from(move |e: InputEvent| {
        let i: crate::browser::HtmlInputElement = e.target_unchecked_into();
        set.emit(i.value());
    });
    html! {
        <label class="anim-field">
            <span>{label}</span>
            <input type="text" inputmode="decimal" {value} {oninput}
                data-testid={testid} title={hint.to_string()} />
        </label>
    }
}

/// A field's value and setter from a text state.
fn bound(s: &UseStateHandle<String>) -> (String, Callback<String>) {
    let h = s.clone();
    ((**s).clone(), Callback::from(move |v| h.set(v)))
}

/// What the section says under the fields: progress, the result, or the plan's check.
fn status_line(status: &Status, checked: &Result<Plan, String>) -> Html {
    let line = match (status, checked) {
        (Status::Recording(i, n), _) => html! {
            <p class="anim-progress" role="status" data-testid="anim-progress">
                <progress max={n.to_string()} value={i.to_string()} />
                {format!(" Frame {i} of {n}")}
            </p>
        },
        (Status::Saving, _) => {
            html! { <p role="status" data-testid="anim-progress">{"Saving the video…"}</p> }
        }
        (Status::Saved(name, b), _) => html! {
            <p role="status" data-testid="anim-status">{format!("Saved {name} ({:.0} KB).", b / 1024.0)}</p>
        },
        (Status::Cancelled, _) => {
            html! { <p role="status" data-testid="anim-status">{"Recording cancelled."}</p> }
        }
        (Status::Failed(why), _) => {
            html! { <p class="anim-error" role="alert" data-testid="anim-status">{why.clone()}</p> }
        }
        (Status::Idle, _) => html! {},
    };
    let summary = match (status, checked) {
        (Status::Recording(..) | Status::Saving, _) | (_, Err(_)) => html! {},
        (_, Ok(p)) => html! { <p class="muted" data-testid="anim-summary">{p.summary()}</p> },
    };
    html! { <>{summary}{line}</> }
}

/// The Animation section of the Export menu.
#[component]
pub(crate) fn AnimationExport() -> Html {
    let app = use_app();
    let support = use_memo((), |_| webm_type());
    let view = use_state(|| AnimView::Cluster);
    let now_ms = app.run.now as f64 / 1e6;
    let end_ms = app.run.end as f64 / 1e6;
    let default_to = if app.run.now > 0 {
        (now_ms * 10.0).round() / 10.0
    } else {
        end_ms.min(1000.0)
    };
    let from = use_state(|| "0".to_string());
    // Until edited, To follows the run: the time cursor (or the first second before a run).
    let to_edit = use_state(|| None::<String>);
    let to = (*to_edit)
        .clone()
        .unwrap_or_else(|| format!("{default_to}"));
    let fps = use_state(|| "10".to_string());
    let speed = use_state(|| "250".to_string());
    let status = use_state(|| Status::Idle);
    let cancel = use_mut_ref(|| Rc::new(Cell::new(false)));
    if let Err(why) = *support {
        return html! {
            <section class="export-anim" aria-label="Animation" data-testid="anim-section">
                <h3>{"Animation"}</h3>
                <p class="anim-error" data-testid="anim-unsupported">{why}</p>
            </section>
        };
    }
    let checked = plan(
        *view,
        (from.as_str(), to.as_str(), fps.as_str(), speed.as_str()),
        app.run.end,
    );
    let busy = matches!(*status, Status::Recording(..) | Status::Saving);
    let on_view = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let s: crate::browser::HtmlSelectElement = e.target_unchecked_into();
            view.set(if s.value() == "spacetime" {
                AnimView::SpaceTime
            } else {
                AnimView::Cluster
            });
        })
    };
    let whole = {
        let (from, to) = (from.clone(), to_edit.clone());
        Callback::from(move |_| {
            from.set("0".into());
            to.set(None);
        })
    };
    let on_record = {
        let (app, status, cancel) = (app.clone(), status.clone(), cancel.clone());
        let checked = checked.clone();
        Callback::from(move |_| {
            let Ok(p) = checked.clone() else { return };
            let flag = Rc::new(Cell::new(false));
            *cancel.borrow_mut() = flag.clone();
            let s = status.clone();
            let emit = Callback::from(move |v: Status| s.set(v));
            if let Err(why) = start(&app, p, flag, emit) {
                status.set(Status::Failed(why));
            }
        })
    };
    let on_cancel = Callback::from(move |_| cancel.borrow().set(true));
    html! {
        <section class="export-anim" aria-label="Animation" data-testid="anim-section">
            <h3>{"Animation (WebM)"}</h3>
            <div class="anim-fields">
                <label class="anim-field"><span>{"View"}</span>
                    <select onchange={on_view} data-testid="anim-view" disabled={busy}>
                        <option value="cluster" selected={*view == AnimView::Cluster}>{"Cluster view"}</option>
                        <option value="spacetime" selected={*view == AnimView::SpaceTime}>{"Space-time diagram"}</option>
                    </select></label>
                {{ let (v, s) = bound(&from); field("From (ms)", "anim-from", v, s, "First frame, in simulated ms") }}
                {{ let h = to_edit.clone(); field("To (ms)", "anim-to", to.clone(), Callback::from(move |v| h.set(Some(v))),
                    &format!("Last frame, in simulated ms (the run ends at {end_ms} ms)")) }}
                {{ let (v, s) = bound(&fps); field("Frames/s", "anim-fps", v, s, &format!("Frames per video second, 1 to {MAX_FPS}")) }}
                {{ let (v, s) = bound(&speed); field("Sim ms per video s", "anim-speed", v, s,
                    &format!("Simulated ms shown in one second of video, {MIN_SPEED_MS} to {MAX_SPEED_MS}")) }}
            </div>
            if let (Err(why), false) = (&checked, busy) {
                <p class="anim-error" role="alert" data-testid="anim-error">{why.clone()}</p>
            }
            { status_line(&status, &checked) }
            <div class="anim-buttons">
                <button type="button" onclick={whole} disabled={busy} data-testid="anim-whole">{"Whole run so far"}</button>
                if busy {
                    <button type="button" onclick={on_cancel} data-testid="anim-cancel">{"Cancel"}</button>
                } else {
                    <button type="button" class="primary" onclick={on_record} disabled={checked.is_err()}
                        data-testid="anim-record">{"Record WebM"}</button>
                }
            </div>
        </section>
    }
}
