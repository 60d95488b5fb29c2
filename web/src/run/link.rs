//! The page's channel to a run's host: a [`Link`] carries [`RunCmd`]s to a [`RunHost`] and
//! keeps its [`RunNews`] until a [`super::RemoteRun`] applies them. The host runs in a Web Worker
//! of the link's own, started with the first command that moves the run; where no worker
//! starts (or one fails), and natively in tests, the same host runs on the page and answers at
//! once. The page's main run has the shared link ([`Link::shared`]); a run beside it (the
//! animation export's) has one of its own ([`Link::own`]).
//!
//! **Invariant**: a link only carries commands and news, in order.

use super::host::{RunCmd, RunHost, RunNews};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

/// A main-run message between the page and its worker: `{run: RunCmd}` one way, `{run:
/// RunNews}` the other.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
#[derive(Serialize, Deserialize)]
pub(crate) struct RunMsg<T> {
    /// The command or news.
    pub(crate) run: T,
}

/// Where the commands go.
pub(super) enum Out {
    /// The host on the page (no worker, or natively).
    Local(Box<RunHost>),
    /// The host in a worker; commands wait in `queue` until it is ready. The worker starts
    /// with the first command that needs the run to move (or the page's idle warm-up), not at
    /// load: compiling its wasm beside the page's own would slow the page's first tasks.
    #[cfg(target_arch = "wasm32")]
    Worker {
        worker: Option<web_sys::Worker>,
        ready: bool,
        queue: Vec<RunCmd>,
    },
}

/// The page's one channel to its main run's host (shared by the runs that replace each other
/// on it: a news answers the command it counts, so a run ignores the news of older commands).
pub(crate) struct Link {
    pub(super) out: RefCell<Out>,
    /// Commands sent so far.
    pub(super) sent: Cell<u64>,
    /// News not yet applied.
    pub(super) inbox: RefCell<VecDeque<RunNews>>,
    /// Bumped when the host is replaced (a worker failed): runs send their state again.
    pub(super) restarts: Cell<u64>,
    /// Wall ms spent reading news from a worker (for the measurement hooks).
    pub(super) read_ms: Cell<f64>,
    /// The page's main run's link, which says where its host runs (`__fpaxos_main_run`).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
    main: bool,
    /// Called when news arrive from a worker (the page then applies them).
    waker: RefCell<Option<Rc<dyn Fn()>>>,
    /// This link, for the worker's callbacks.
    #[cfg(target_arch = "wasm32")]
    me: std::rc::Weak<Link>,
}

thread_local! {
    static LINK: RefCell<Option<Rc<Link>>> = const { RefCell::new(None) };
}

impl Link {
    pub(super) fn with_out(out: Out) -> Link {
        Link {
            out: RefCell::new(out),
            sent: Cell::new(0),
            inbox: RefCell::new(VecDeque::new()),
            restarts: Cell::new(0),
            read_ms: Cell::new(0.0),
            main: false,
            waker: RefCell::new(None),
            #[cfg(target_arch = "wasm32")]
            me: std::rc::Weak::new(),
        }
    }

    /// The page's link: a worker's where one can start, else the page's own host.
    pub(crate) fn shared() -> Rc<Link> {
        LINK.with(|l| Rc::clone(l.borrow_mut().get_or_insert_with(|| Link::start(true))))
    }

    /// A link of its own, for a run beside the page's main run (the animation export's): its
    /// own worker, started with its first command and stopped when the link is dropped.
    pub(crate) fn own() -> Rc<Link> {
        Link::start(false)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn start(main: bool) -> Rc<Link> {
        let mut l = Link::with_out(Out::Local(Box::default()));
        l.main = main;
        Rc::new(l)
    }

    #[cfg(target_arch = "wasm32")]
    fn start(main: bool) -> Rc<Link> {
        Rc::new_cyclic(|me| {
            let mut l = Link::with_out(Out::Worker {
                worker: None,
                ready: false,
                queue: Vec::new(),
            });
            l.me = me.clone();
            l.main = main;
            l
        })
    }

    /// Starts the worker if it is not started (a worker that cannot start leaves the run on
    /// the page).
    #[cfg(target_arch = "wasm32")]
    fn launch(&self) {
        if !matches!(*self.out.borrow(), Out::Worker { worker: None, .. }) {
            return;
        }
        let (weak, weak2) = (self.me.clone(), self.me.clone());
        let started = super::pool::start_worker(
            move |data| {
                if let Some(l) = weak.upgrade() {
                    l.on_message(data);
                }
            },
            move || {
                if let Some(l) = weak2.upgrade() {
                    l.on_failure();
                }
            },
        );
        match started {
            Ok(w) => {
                if let Out::Worker { worker, .. } = &mut *self.out.borrow_mut() {
                    *worker = Some(w);
                }
            }
            Err(_) => self.on_failure(),
        }
    }

    /// Asks to be called when news arrive from a worker.
    pub(crate) fn set_waker(&self, wake: Rc<dyn Fn()>) {
        *self.waker.borrow_mut() = Some(wake);
    }

    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
    fn wake(&self) {
        let w = self.waker.borrow().clone();
        if let Some(w) = w {
            w();
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // The worker's path.
    /// Puts a fresh host on the page in place of the current one (returned), numbering
    /// commands from 0 again as the new host counts them; runs send it their state again.
    pub(super) fn replace_host(&self) -> Out {
        let old = std::mem::replace(&mut *self.out.borrow_mut(), Out::Local(Box::default()));
        self.sent.set(0);
        self.inbox.borrow_mut().clear();
        self.restarts.set(self.restarts.get() + 1);
        old
    }

    /// Whether a worker hosts the run.
    pub(crate) fn in_worker(&self) -> bool {
        !matches!(*self.out.borrow(), Out::Local(_))
    }

    /// Asks the worker to warm its engine up while idle (see [`RunCmd::Warm`]).
    pub(crate) fn warm_up(&self, clock: &dyn Fn() -> f64) {
        self.post(RunCmd::Warm, clock);
    }

    /// Sends `cmd`; returns its number. The page's own host answers at once.
    pub(super) fn post(&self, cmd: RunCmd, clock: &dyn Fn() -> f64) -> u64 {
        #[cfg(target_arch = "wasm32")]
        if !matches!(cmd, RunCmd::Load(_)) {
            self.launch();
        }
        self.sent.set(self.sent.get() + 1);
        match &mut *self.out.borrow_mut() {
            Out::Local(h) => {
                let news = h.handle(cmd, clock);
                self.inbox.borrow_mut().push_back(news);
            }
            #[cfg(target_arch = "wasm32")]
            Out::Worker {
                worker,
                ready,
                queue,
            } => match worker {
                Some(w) if *ready => post_to(w, &cmd),
                // Every command is kept: the host numbers the news by the commands it got.
                _ => queue.push(cmd),
            },
        }
        self.sent.get()
    }

    /// One slice of the page's own host towards its target (nothing when a worker hosts the
    /// run: it works on its own). Returns whether the host has more to do.
    pub(super) fn pump(&self, budget_ms: f64, clock: &dyn Fn() -> f64) -> bool {
        match &mut *self.out.borrow_mut() {
            Out::Local(h) => {
                h.tick(budget_ms, clock, &mut |n| {
                    self.inbox.borrow_mut().push_back(n)
                });
                h.busy()
            }
            #[cfg(target_arch = "wasm32")]
            Out::Worker { .. } => false,
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn on_message(&self, data: wasm_bindgen::JsValue) {
        if data.as_string().as_deref() == Some(super::pool::READY) {
            if let Out::Worker {
                worker: Some(worker),
                ready,
                queue,
            } = &mut *self.out.borrow_mut()
            {
                *ready = true;
                for cmd in queue.drain(..) {
                    post_to(worker, &cmd);
                }
            }
            self.publish("worker");
            return;
        }
        let start = crate::browser::now_ms();
        let read = serde_wasm_bindgen::from_value::<RunMsg<RunNews>>(data);
        self.read_ms
            .set(self.read_ms.get() + crate::browser::now_ms() - start);
        match read {
            Ok(m) => self.inbox.borrow_mut().push_back(m.run),
            // The page and its worker come from one build, so this is a bug: run on the page.
            Err(_) => return self.on_failure(),
        }
        self.wake();
    }

    /// `window.__fpaxos_main_run`: where the main run is simulated, `"worker"` once its worker
    /// is ready or `"page"` after one failed (read by the e2e tests).
    #[cfg(target_arch = "wasm32")]
    fn publish(&self, host: &str) {
        if self.main {
            js_sys::Reflect::set(&js_sys::global(), &"__fpaxos_main_run".into(), &host.into()).ok();
        }
    }

    /// The worker failed: the page hosts its run from now on. A worker that never became ready
    /// got no command: they all wait in its queue, and the page's host carries them out in
    /// order (clicks made meanwhile are kept). One that failed later took commands with it:
    /// runs then send their state again ([`RemoteRun::poll`]).
    #[cfg(target_arch = "wasm32")]
    fn on_failure(&self) {
        let never_ready = matches!(*self.out.borrow(), Out::Worker { ready: false, .. });
        if never_ready {
            let old = std::mem::replace(&mut *self.out.borrow_mut(), Out::Local(Box::default()));
            if let Out::Worker { worker, queue, .. } = old {
                if let Some(w) = worker {
                    w.terminate();
                }
                let clock = crate::browser::now_ms;
                if let Out::Local(h) = &mut *self.out.borrow_mut() {
                    let mut inbox = self.inbox.borrow_mut();
                    for cmd in queue {
                        inbox.push_back(h.handle(cmd, &clock));
                    }
                }
            }
        } else if let Out::Worker {
            worker: Some(worker),
            ..
        } = self.replace_host()
        {
            worker.terminate();
        }
        self.publish("page");
        self.wake();
    }
}

/// A link's worker stops with the link (the page's own link lives as long as the page).
#[cfg(target_arch = "wasm32")]
impl Drop for Link {
    fn drop(&mut self) {
        if let Out::Worker {
            worker: Some(w), ..
        } = self.out.get_mut()
        {
            w.terminate();
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn post_to(worker: &web_sys::Worker, cmd: &RunCmd) {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true);
    if let Ok(v) = serde::Serialize::serialize(&RunMsg { run: cmd }, &ser) {
        worker.post_message(&v).ok();
    }
}
