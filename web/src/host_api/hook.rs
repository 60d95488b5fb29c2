//! The embed's end of the host API: listens to the parent window, turns commands into the
//! page's existing [`Action`]s, and posts `ready`, `tick`, `elected`, `violation`, `ended` and
//! `error` events. The `web_sys` calls are in `browser.rs`.

use super::{
    error, parse, ready, tick, unreadable, Command, HostOrigin, Now, Parsed, Throttle, Watch,
};
use crate::browser;
use crate::state::{Action, AppCtx};
use gloo_timers::callback::Timeout;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Posts one event to the parent.
fn post(v: &Value, to: &HostOrigin) {
    browser::post_to_parent(&v.to_string(), to.target());
}

/// Carries out a checked command with the page's own actions. `app` is the latest state.
fn apply(cmd: Command, app: &AppCtx) {
    match cmd {
        Command::Load(s) => app.dispatch(Action::SetScenario(s)),
        Command::Play => {
            if !app.run.playing || app.run.done {
                app.dispatch(Action::TogglePlay);
            }
        }
        Command::Pause => app.dispatch(Action::Pause),
        Command::Seek(t) => app.dispatch(Action::Seek(t)),
        Command::Step => app.dispatch(Action::Step),
        Command::RunToEnd => app.dispatch(Action::RunToEnd),
        Command::Fault(a) => app.dispatch(Action::Inject(a)),
        Command::Speed(s) => {
            app.dispatch(Action::SetMaxSpeed(false));
            app.dispatch(Action::SetSpeed(s));
        }
    }
}

/// Reads and answers one message from the parent.
fn receive(msg: Result<Value, (String, Value)>, app: &AppCtx, to: &HostOrigin) {
    let parsed = match msg {
        Ok(v) => parse(
            &v,
            &Now {
                scenario: &app.scenario,
                errors: &app.errors,
                now: app.run.now,
                end: app.run.end,
                done: app.run.done,
            },
        ),
        Err((why, head)) => unreadable(&why, &head),
    };
    match parsed {
        Parsed::Ignored => {}
        Parsed::Command(c) => apply(c, app),
        Parsed::Rejected(r) => post(&error(&r), to),
    }
}

/// The host API of an embed in a frame. Returns the problem with its `?host=` parameter, if
/// any (the API is then off, and the embed says so).
#[hook]
pub(crate) fn use_host_api(app: AppCtx) -> Option<String> {
    let origin = use_memo((), |_| {
        HostOrigin::from_param(browser::query_param("host").as_deref())
    });
    // The listener outlives renders: it reads the latest state from here.
    let latest = use_mut_ref(|| app.clone());
    *latest.borrow_mut() = app.clone();
    let on = (*origin).is_ok() && browser::framed();
    {
        let latest = Rc::clone(&latest);
        let origin = origin.clone();
        use_effect_with((), move |_| {
            let listener = match (&*origin, on) {
                (Ok(target), true) => {
                    let (to, accept) = (target.clone(), target.clone());
                    let heard = Rc::clone(&latest);
                    let listener = browser::listen_to_parent(
                        move |o| accept.accepts(o),
                        move |msg| {
                            let app = heard.borrow().clone();
                            receive(msg, &app, &to);
                        },
                    );
                    let app = latest.borrow().clone();
                    post(&ready(&app.scenario, app.run.end), target);
                    listener
                }
                _ => None,
            };
            move || drop(listener)
        });
    }
    let res: &Result<HostOrigin, String> = &origin;
    use_events(app, res.as_ref().ok().filter(|_| on).cloned());
    res.as_ref().err().cloned()
}

/// Posts the events the run calls for (none when `to` is `None`).
#[hook]
fn use_events(app: AppCtx, to: Option<HostOrigin>) {
    let watch = use_mut_ref(Watch::default);
    let throttle = use_mut_ref(Throttle::default);
    // The tick waiting for the throttle, and its timer (kept apart: the timer's callback takes
    // the tick but never drops its own timer while it runs).
    let waiting: Rc<RefCell<Option<Value>>> = use_mut_ref(|| None);
    let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let status = app.status().as_str();
    let deps = (
        app.run.now,
        app.run.report.as_ref().map(|r| r.version),
        status,
    );
    use_effect_with(deps, move |_| {
        let Some(to) = to else { return };
        let report = app.run.report.as_ref().map(|r| &*r.report);
        let t = tick(app.run.now, status, report);
        match throttle.borrow_mut().offer(browser::now_ms()) {
            None => {
                waiting.borrow_mut().take();
                post(&t, &to);
            }
            Some(wait) => {
                // A tick already waiting means its timer runs: it will send this newer one.
                let running = waiting.borrow_mut().replace(t).is_some();
                if !running {
                    let (waiting, throttle, to) =
                        (Rc::clone(&waiting), Rc::clone(&throttle), to.clone());
                    *timer.borrow_mut() = Some(Timeout::new(wait.ceil() as u32, move || {
                        let v = waiting.borrow_mut().take();
                        if let Some(v) = v {
                            post(&v, &to);
                            throttle.borrow_mut().sent(browser::now_ms());
                        }
                    }));
                }
            }
        }
        for e in watch
            .borrow_mut()
            .observe(app.run.now, app.run.done, report)
        {
            post(&e, &to);
        }
    });
}
