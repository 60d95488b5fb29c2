//! The page's simulation workers: a pool of Web Workers, one per core but one (the core left is
//! the page's: `navigator.hardwareConcurrency - 1`, at least 1, at most 8), that run [`Job`]s,
//! shared by every runner through [`Batch`] handles.
//!
//! A runner owns a [`Batch`], submits jobs to it and takes the answers on its next tick. Dropping
//! the batch (a new compare or sweep replaced it) or [`Batch::cancel`]ling a job forgets it:
//! queued jobs are dropped, a worker busy with one is terminated (a new one starts when there is
//! work), and an answer that still arrives is ignored.
//!
//! Without workers (native tests; a browser where the worker cannot load, such as the component
//! tests or a host whose policy forbids it) the same jobs run inline, in frame-sized slices
//! ([`JobRun`]) inside [`Batch::take`], so the page still works, only more slowly. The first
//! worker error switches the page to inline.

use super::job::{Answer, Job, JobRun};
use super::slice::EVENT_CHUNK;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};

/// A submitted job's identity, unique for the page's life.
pub(crate) type Ticket = u64;

struct Task {
    batch: u64,
    ticket: Ticket,
    job: Job,
}

#[derive(Default)]
struct Pool {
    /// Last ticket or batch id handed out.
    next: u64,
    /// Jobs waiting for a worker, first first.
    queue: VecDeque<Task>,
    /// Answers not yet taken, per live batch (a batch is live while it has an entry).
    done: HashMap<u64, Vec<(Ticket, Answer)>>,
    /// Without workers: the job running inline, with its batch and ticket.
    inline_run: Option<(u64, Ticket, JobRun)>,
    #[cfg(target_arch = "wasm32")]
    web: web::Workers,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
}

fn with<R>(f: impl FnOnce(&mut Pool) -> R) -> R {
    POOL.with(|p| f(&mut p.borrow_mut()))
}

impl Pool {
    fn id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    /// Files an answer for its batch, if the batch still wants it.
    fn answer(&mut self, batch: u64, ticket: Ticket, answer: Answer) {
        if let Some(d) = self.done.get_mut(&batch) {
            d.push((ticket, answer));
        }
    }

    /// Whether jobs run inline rather than in workers.
    fn inline(&self) -> bool {
        #[cfg(target_arch = "wasm32")]
        return self.web.broken;
        #[cfg(not(target_arch = "wasm32"))]
        true
    }

    fn pump(&mut self) {
        #[cfg(target_arch = "wasm32")]
        web::pump(self);
    }

    fn cancel(&mut self, batch: u64, ticket: Option<Ticket>) {
        let hit = |b: u64, t: Ticket| b == batch && ticket.is_none_or(|x| x == t);
        self.queue.retain(|t| !hit(t.batch, t.ticket));
        if self.inline_run.as_ref().is_some_and(|r| hit(r.0, r.1)) {
            self.inline_run = None;
        }
        if let Some(d) = self.done.get_mut(&batch) {
            d.retain(|(t, _)| !hit(batch, *t));
        }
        #[cfg(target_arch = "wasm32")]
        web::cancel(self, &hit);
    }
}

/// One runner's jobs. Dropping it forgets every job it submitted.
pub(crate) struct Batch {
    id: u64,
}

impl Batch {
    /// A new, empty batch.
    pub(crate) fn new() -> Batch {
        with(|p| {
            let id = p.id();
            p.done.insert(id, Vec::new());
            Batch { id }
        })
    }

    /// Queues `job` (at the front if `urgent`: an interactive request such as a cursor move).
    pub(crate) fn submit(&self, job: Job, urgent: bool) -> Ticket {
        with(|p| {
            let ticket = p.id();
            let task = Task {
                batch: self.id,
                ticket,
                job,
            };
            if urgent {
                p.queue.push_front(task);
            } else {
                p.queue.push_back(task);
            }
            p.pump();
            ticket
        })
    }

    /// The answers that arrived since the last call. Without workers, first runs this batch's
    /// queued jobs inline for about `budget_ms` by `clock`.
    pub(crate) fn take(&self, budget_ms: f64, clock: &dyn Fn() -> f64) -> Vec<(Ticket, Answer)> {
        let start = clock();
        while clock() - start <= budget_ms {
            // Outside the pool's borrow while simulating.
            let run = with(|p| {
                if !p.inline() {
                    return None;
                }
                if p.inline_run.as_ref().is_some_and(|r| r.0 == self.id) {
                    return p.inline_run.take();
                }
                if p.inline_run.is_some() {
                    return None;
                }
                let i = p.queue.iter().position(|t| t.batch == self.id)?;
                let t = p.queue.remove(i)?;
                Some((t.batch, t.ticket, JobRun::new(t.job)))
            });
            let Some((batch, ticket, mut run)) = run else {
                break;
            };
            match run.step(EVENT_CHUNK) {
                Some(answer) => with(|p| p.answer(batch, ticket, answer)),
                None => with(|p| p.inline_run = Some((batch, ticket, run))),
            }
        }
        with(|p| p.done.get_mut(&self.id).map(std::mem::take)).unwrap_or_default()
    }

    /// Forgets one job.
    pub(crate) fn cancel(&self, ticket: Ticket) {
        with(|p| {
            p.cancel(self.id, Some(ticket));
            p.pump();
        });
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        with(|p| {
            p.cancel(self.id, None);
            p.done.remove(&self.id);
            p.pump();
        });
    }
}

#[cfg(target_arch = "wasm32")]
mod web {
    //! The browser side: starting workers, posting jobs, reading answers.

    use super::{with, Answer, Pool, Task, Ticket};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker};

    /// Most workers the page starts, whatever `navigator.hardwareConcurrency` says.
    const MAX_WORKERS: usize = 8;

    /// The worker's wasm-bindgen shim (Trunk's `data-type="worker"` output, next to the page).
    const SHIM: &str = "fpaxos-worker.js";

    /// What the worker posts once it listens.
    pub(crate) const READY: &str = "ready";

    #[derive(Default)]
    pub(super) struct Workers {
        slots: Vec<Slot>,
        /// A worker failed to load or crashed: jobs run inline from now on.
        pub(super) broken: bool,
        /// Counters for tests and measurement (`window.__fpaxos_workers`).
        started: u32,
        answered: u32,
    }

    struct Slot {
        id: u64,
        worker: Worker,
        ready: bool,
        running: Option<Task>,
    }

    /// One worker per core but one, which stays with the page's main thread (at least one).
    fn capacity() -> usize {
        let hc = web_sys::window()
            .map(|w| w.navigator().hardware_concurrency())
            .unwrap_or(1.0);
        (hc as usize).saturating_sub(1).clamp(1, MAX_WORKERS)
    }

    /// A pool worker: answers go to the pool, a failure switches the pool to inline.
    fn spawn(id: u64) -> Result<Worker, JsValue> {
        start_worker(
            move |data| with(|p| on_message(p, id, data)),
            || with(on_error),
        )
    }

    /// Starts a simulation worker, calling `on_msg` with each message it posts ([`READY`]
    /// first) and `on_err` if it fails to load or crashes. It `importScripts` the shim and
    /// starts its wasm from a `blob:` URL: this works in a sandboxed embed too, whose opaque
    /// origin may not start a worker from a URL of the server.
    pub(crate) fn start_worker(
        mut on_msg: impl FnMut(JsValue) + 'static,
        mut on_err: impl FnMut() + 'static,
    ) -> Result<Worker, JsValue> {
        let src = js_sys::Array::of1(&source()?.into());
        let opts = BlobPropertyBag::new();
        opts.set_type("text/javascript");
        let blob = Blob::new_with_str_sequence_and_options(&src, &opts)?;
        let url = Url::create_object_url_with_blob(&blob)?;
        let worker = Worker::new(&url);
        Url::revoke_object_url(&url).ok();
        let worker = worker?;
        let on_msg =
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| on_msg(e.data()));
        worker.set_onmessage(Some(on_msg.into_js_value().unchecked_ref()));
        let on_err = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_err());
        worker.set_onerror(Some(on_err.into_js_value().unchecked_ref()));
        Ok(worker)
    }

    /// The worker's script: the shim and wasm next to the page, or the whole worker that the
    /// single-file build (`scripts/build-single.py`) carries in `window.__fpaxos_worker_src`.
    fn source() -> Result<String, JsValue> {
        let inline = js_sys::Reflect::get(&js_sys::global(), &"__fpaxos_worker_src".into());
        if let Some(src) = inline.ok().and_then(|v| v.as_string()) {
            return Ok(src);
        }
        let href = web_sys::window().ok_or("no window")?.location().href()?;
        let shim = Url::new_with_base(SHIM, &href)?.href();
        let wasm = shim.replace(".js", "_bg.wasm");
        Ok(format!("importScripts({shim:?});wasm_bindgen({wasm:?});"))
    }

    fn on_message(p: &mut Pool, id: u64, data: JsValue) {
        let Some(slot) = p.web.slots.iter_mut().find(|s| s.id == id) else {
            return;
        };
        if data.as_string().as_deref() == Some(READY) {
            slot.ready = true;
        } else if let Some(task) = slot.running.take() {
            let answer = match serde_wasm_bindgen::from_value::<(Ticket, Answer)>(data) {
                Ok((t, a)) if t == task.ticket => a,
                Ok((t, _)) => Answer::Failed(format!("answer {t} for job {}", task.ticket)),
                Err(e) => Answer::Failed(format!("unreadable answer: {e}")),
            };
            p.web.answered += 1;
            p.answer(task.batch, task.ticket, answer);
        }
        pump(p);
    }

    /// A worker failed (it could not load, or it crashed): run everything inline from now on.
    fn on_error(p: &mut Pool) {
        p.web.broken = true;
        for s in std::mem::take(&mut p.web.slots) {
            s.worker.terminate();
            if let Some(t) = s.running {
                p.queue.push_front(t);
            }
        }
        publish(p);
    }

    fn post(slot: &Slot, task: &Task) -> Result<(), JsValue> {
        let ser =
            serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true);
        let msg = serde::Serialize::serialize(&(task.ticket, &task.job), &ser)?;
        slot.worker.post_message(&msg)
    }

    /// Hands queued jobs to idle workers and starts workers while jobs wait.
    pub(super) fn pump(p: &mut Pool) {
        if p.web.broken {
            return;
        }
        for slot in p
            .web
            .slots
            .iter_mut()
            .filter(|s| s.ready && s.running.is_none())
        {
            let Some(task) = p.queue.pop_front() else {
                break;
            };
            if let Err(e) = post(slot, &task) {
                let msg = format!("could not send the job: {e:?}");
                if let Some(d) = p.done.get_mut(&task.batch) {
                    d.push((task.ticket, Answer::Failed(msg)));
                }
                continue;
            }
            slot.running = Some(task);
        }
        let starting = p.web.slots.iter().filter(|s| !s.ready).count();
        let mut want = p.queue.len().saturating_sub(starting);
        let cap = capacity();
        while want > 0 && p.web.slots.len() < cap {
            p.next += 1;
            let id = p.next;
            match spawn(id) {
                Ok(worker) => p.web.slots.push(Slot {
                    id,
                    worker,
                    ready: false,
                    running: None,
                }),
                Err(_) => {
                    on_error(p);
                    return;
                }
            }
            p.web.started += 1;
            want -= 1;
        }
        publish(p);
    }

    /// Terminates workers busy with a forgotten job.
    pub(super) fn cancel(p: &mut Pool, hit: &dyn Fn(u64, Ticket) -> bool) {
        p.web.slots.retain(|s| {
            let busy = s.running.as_ref().is_some_and(|t| hit(t.batch, t.ticket));
            if busy {
                s.worker.terminate();
            }
            !busy
        });
    }

    /// `window.__fpaxos_workers`: `{started, answered, inline, running}` (read by the e2e tests).
    fn publish(p: &Pool) {
        let o = js_sys::Object::new();
        let set = |k: &str, v: JsValue| {
            js_sys::Reflect::set(&o, &k.into(), &v).ok();
        };
        set("started", p.web.started.into());
        set("answered", p.web.answered.into());
        set("inline", p.web.broken.into());
        set("live", (p.web.slots.len() as u32).into());
        js_sys::Reflect::set(&js_sys::global(), &"__fpaxos_workers".into(), &o).ok();
    }
}

#[cfg(target_arch = "wasm32")]
pub(crate) use web::{start_worker, READY};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::test_clock::ticking;
    use fpaxos_sim::Scenario;

    fn job(ms: u64) -> Job {
        Job::Variant {
            scenario: Scenario {
                duration: fpaxos_sim::Dur::ms(ms),
                ..Scenario::default()
            },
        }
    }

    /// Takes answers until `batch` has `n` of them (inline: each call runs a slice).
    fn answers(batch: &Batch, n: usize) -> Vec<Ticket> {
        let clock = ticking();
        let mut got = Vec::new();
        for _ in 0..100_000 {
            got.extend(batch.take(5.0, &clock).into_iter().map(|(t, _)| t));
            if got.len() >= n {
                break;
            }
        }
        got
    }

    #[test]
    fn cancelled_and_dropped_jobs_never_answer() {
        let a = Batch::new();
        let gone = a.submit(job(1000), false);
        let keep = a.submit(job(1000), false);
        let b = Batch::new();
        let other = b.submit(job(800), false);
        // Start `gone` inline, then cancel it mid-run: only `keep` answers.
        assert!(a.take(1.0, &ticking()).is_empty());
        assert!(with(|p| p.inline_run.as_ref().is_some_and(|r| r.1 == gone)));
        a.cancel(gone);
        assert_eq!(answers(&a, 1), vec![keep]);
        assert!(answers(&a, 1).is_empty(), "nothing more for a");
        // A batch dropped mid-run frees the inline runner for the others.
        let c = Batch::new();
        c.submit(job(2000), false);
        c.take(1.0, &ticking());
        drop(c);
        assert_eq!(answers(&b, 1), vec![other]);
        with(|p| {
            assert!(p.queue.is_empty() && p.inline_run.is_none());
            assert_eq!(p.done.len(), 2, "a and b are live");
        });
    }
}
