//! A `requestAnimationFrame` loop that runs while `active` is true and dispatches one
//! [`Action::Frame`] per frame. Dropping the closure (on cleanup) stops the loop.

use crate::state::{Action, AppCtx};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

type FrameCb = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Drives the simulation one frame at a time while `active`.
#[hook]
pub fn use_animation_frames(active: bool, app: AppCtx) {
    let dispatcher = app.dispatcher();
    use_effect_with(active, move |active| {
        let cb: FrameCb = Rc::new(RefCell::new(None));
        let handle: Rc<RefCell<Option<i32>>> = Rc::new(RefCell::new(None));
        if *active {
            let cb2 = Rc::clone(&cb);
            let handle2 = Rc::clone(&handle);
            *cb.borrow_mut() = Some(Closure::new(move |t: f64| {
                dispatcher.dispatch(Action::Frame(t));
                if let (Some(w), Some(f)) = (web_sys::window(), cb2.borrow().as_ref()) {
                    *handle2.borrow_mut() =
                        w.request_animation_frame(f.as_ref().unchecked_ref()).ok();
                }
            }));
            if let (Some(w), Some(f)) = (web_sys::window(), cb.borrow().as_ref()) {
                *handle.borrow_mut() = w.request_animation_frame(f.as_ref().unchecked_ref()).ok();
            }
        }
        move || {
            if let (Some(w), Some(h)) = (web_sys::window(), handle.borrow_mut().take()) {
                let _ = w.cancel_animation_frame(h);
            }
            cb.borrow_mut().take();
        }
    });
}
