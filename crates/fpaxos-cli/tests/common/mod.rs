//! Running the `fpaxos` binary, shared by the CLI's test files (`mod common;` in each; each test
//! file is its own binary and uses only some of these).
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// A command line as its words, so a long one stays on one line.
pub fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Runs `fpaxos` with `args`.
pub fn fpaxos(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fpaxos"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run fpaxos")
}

/// Runs `fpaxos` with `args` and `input` on its standard input.
pub fn fpaxos_stdin(args: &[&str], input: impl AsRef<[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fpaxos"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn fpaxos");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_ref())
        .expect("write stdin");
    child.wait_with_output().expect("wait fpaxos")
}
