//! Running the `fpaxos` binary, shared by the CLI's test files (`mod common;` in each; each test
//! file is its own binary and uses only some of these).
#![allow(dead_code)]

use serde_json::Value;
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

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Standard output as JSON (a test failure, with both outputs, if it is not).
pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// Exit code 2, nothing on stdout, and every stderr line is a readable `error:` line.
pub fn assert_usage_error(o: &Output, needle: &str) {
    assert_eq!(
        o.status.code(),
        Some(2),
        "stdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
    let err = stderr(o);
    assert!(err.contains(needle), "`{needle}` not in stderr:\n{err}");
    assert!(
        err.lines().next().unwrap_or("").starts_with("error:"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}
