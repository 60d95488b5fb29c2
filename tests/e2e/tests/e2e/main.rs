//! End-to-end tests: the built page (`dist/`, or `$FPAXOS_DIST`) in headless Chromium through
//! chromedriver, checked against the engine run natively on the same scenario. One binary, so
//! the page is served once and the helpers in `fpaxos_e2e` are compiled once.
//!
//! Run: `trunk build --release --offline && cargo test --release -p fpaxos-e2e`; one area with
//! a filter, e.g. `cargo test --release -p fpaxos-e2e -- share::`.

mod animation;
mod ballot_board;
mod compare;
mod explore;
mod host_api;
mod longtasks;
mod playground;
mod share;
mod single_file;
mod spacetime;
mod tour;
mod workers;
