//! The page's simulation worker (loaded by `web/src/run/pool.rs`; see `web/src/run/worker.rs`).

fn main() {
    fpaxos_web::serve_worker();
}
