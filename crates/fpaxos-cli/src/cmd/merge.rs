//! `fpaxos merge`: joins the `--json` outputs of `check --shard` or `sweep --shard` into the JSON
//! the unsharded run prints.
//!
//! The shards must be every shard (`0/N` to `N-1/N`) of one run: same kind, same arguments
//! (their fingerprint), same fpaxos version, each exactly once. Anything else is a usage error
//! (exit 2) that names the files and the shards at fault. A merged check exits like the check:
//! 1 for a safety violation, 3 for a liveness failure alone, 0 otherwise.
//!
//! The merged JSON is byte for byte the unsharded run's, except a check's two wall-clock fields:
//! `wall_ms` is the sum of the shards' `wall_ms` (the time one machine would have taken for the
//! shards one after another, whatever ran in parallel), and `events_per_sec` is `events` over
//! that time (the throughput of one such machine, comparable with an unsharded check on it).

use super::check::CheckSummary;
use super::coverage::CoverageSummary;
use super::shard::{ShardHeader, VERSION};
use super::sweep::{availability_rows, plan_availability, replan, RowsShard, RunsShard, UnitRun};
use super::{out, to_pretty, usage, verdict, CmdResult, Failure};
use clap::Args;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::io::Read;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub(crate) struct MergeArgs {
    /// The shards' --json outputs, in any order (`-` for stdin). A file may hold several
    /// outputs one after another, e.g. `cat shard-*.json | fpaxos merge -`.
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<String>,
}

/// One shard's output, as read.
struct Doc {
    /// The file, and which document in it when it holds several.
    name: String,
    value: Value,
    header: ShardHeader,
}

pub(crate) fn cmd_merge(a: MergeArgs) -> CmdResult {
    let docs = read_docs(&a.files)?;
    let docs = check_headers(docs)?;
    let kind = docs[0].header.kind.clone();
    match kind.as_str() {
        "check" => merge_check(docs),
        "sweep" => merge_rows(docs),
        "availability" => merge_runs(docs),
        other => usage(vec![format!(
            "{} is a shard of `{other}`, which this fpaxos cannot merge",
            docs[0].name
        )]),
    }
}

/// Every JSON document of every file, each with its shard header.
fn read_docs(files: &[String]) -> Result<Vec<Doc>, Failure> {
    let mut errs = Vec::new();
    let mut docs = Vec::new();
    let mut stdin_read = false;
    for f in files {
        let text = if f == "-" {
            if stdin_read {
                errs.push("`-` (stdin) is given more than once".into());
                continue;
            }
            stdin_read = true;
            let mut s = String::new();
            match std::io::stdin().read_to_string(&mut s) {
                Ok(_) => s,
                Err(e) => {
                    errs.push(format!("cannot read stdin: {e}"));
                    continue;
                }
            }
        } else {
            match std::fs::read_to_string(f) {
                Ok(s) => s,
                Err(e) => {
                    errs.push(format!("cannot read {f}: {e}"));
                    continue;
                }
            }
        };
        let file = if f == "-" { "stdin" } else { f.as_str() };
        let values: Result<Vec<Value>, _> = serde_json::Deserializer::from_str(&text)
            .into_iter::<Value>()
            .collect();
        let values = match values {
            Ok(v) if v.is_empty() => {
                errs.push(format!("{file} is empty: expected a shard's --json output"));
                continue;
            }
            Ok(v) => v,
            Err(e) => {
                errs.push(format!("{file} is not valid JSON: {e}"));
                continue;
            }
        };
        let several = values.len() > 1;
        for (k, value) in values.into_iter().enumerate() {
            let name = if several {
                format!("{file} (output {} in it)", k + 1)
            } else {
                file.to_string()
            };
            match header(&name, &value) {
                Ok(header) => docs.push(Doc {
                    name,
                    value,
                    header,
                }),
                Err(e) => errs.push(e),
            }
        }
    }
    if errs.is_empty() {
        Ok(docs)
    } else {
        usage(errs)
    }
}

fn header(name: &str, v: &Value) -> Result<ShardHeader, String> {
    let Some(h) = v.get("shard") else {
        return Err(format!(
            "{name} is not a shard's output (it has no \"shard\" field): merge reads what \
             `fpaxos check --shard I/N --json` or `fpaxos sweep --shard I/N --json` print"
        ));
    };
    let h: ShardHeader = serde_json::from_value(h.clone())
        .map_err(|e| format!("{name}: its \"shard\" field is not a shard header: {e}"))?;
    if h.version != VERSION {
        return Err(format!(
            "{name} was made by fpaxos {}, this is fpaxos {VERSION}: merge with the version that ran the shards",
            h.version
        ));
    }
    if !h.fingerprint_holds() {
        return Err(format!(
            "{name}: its fingerprint does not match its arguments (was the file edited?)"
        ));
    }
    let want = h.expected_range();
    if h.count == 0 || h.index >= h.count || (h.from, h.to) != (want.start, want.end) {
        return Err(format!(
            "{name}: shard {} should cover units {}..{}, not {}..{}",
            h.spec(),
            want.start,
            want.end,
            h.from,
            h.to
        ));
    }
    Ok(h)
}

/// Refuses shards of different runs, shards given twice and missing shards; returns the shards
/// in index order.
fn check_headers(mut docs: Vec<Doc>) -> Result<Vec<Doc>, Failure> {
    let Some(first) = docs.first() else {
        return usage(vec!["no shard outputs to merge".into()]);
    };
    let mut errs: Vec<String> = docs
        .iter()
        .skip(1)
        .filter_map(|d| differs(first, d))
        .collect();
    if !errs.is_empty() {
        return usage(errs);
    }
    docs.sort_by_key(|d| d.header.index);
    for w in docs.windows(2) {
        if w[0].header.index == w[1].header.index {
            errs.push(format!(
                "shard {} is given twice: {} and {}",
                w[0].header.spec(),
                w[0].name,
                w[1].name
            ));
        }
    }
    let n = docs[0].header.count;
    let missing: Vec<String> = (0..n)
        .filter(|i| docs.binary_search_by_key(i, |d| d.header.index).is_err())
        .map(|i| format!("{i}/{n}"))
        .collect();
    if !missing.is_empty() {
        errs.push(format!(
            "missing {} of {n} shards: {}; merge needs every shard from 0/{n} to {}/{n}",
            missing.len(),
            missing.join(", "),
            n - 1
        ));
    }
    if errs.is_empty() {
        Ok(docs)
    } else {
        usage(errs)
    }
}

/// Why `b` is not a shard of the run `a` is a shard of, if it is not.
fn differs(a: &Doc, b: &Doc) -> Option<String> {
    let (x, y) = (&a.header, &b.header);
    let why = if x.kind != y.kind {
        format!(
            "one is a `{}` shard, the other a `{}` shard",
            x.kind, y.kind
        )
    } else if x.count != y.count {
        format!(
            "one is shard {} and the other {}: split into {} and {} shards",
            x.spec(),
            y.spec(),
            x.count,
            y.count
        )
    } else if x.fingerprint != y.fingerprint {
        let mut diff = Vec::new();
        diffs("", &x.args, &y.args, &mut diff);
        if diff.is_empty() {
            "their arguments differ".to_string()
        } else {
            format!("their arguments differ ({})", diff.join("; "))
        }
    } else {
        return None;
    };
    Some(format!(
        "{} and {} are shards of different runs: {why}",
        a.name, b.name
    ))
}

/// The first few paths where `a` and `b` differ, each with both values: `seeds: 8 vs 9`,
/// `scenario.cluster.nodes: 5 vs 7`.
fn diffs(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    if a == b || out.len() >= 3 {
        return;
    }
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let at = |m: &serde_json::Map<String, Value>| m.get(k).cloned().unwrap_or_default();
                diffs(&join(k), &at(x), &at(y), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                diffs(&join(&i.to_string()), p, q, out);
            }
        }
        _ => out.push(format!("{path}: {} vs {}", short(a), short(b))),
    }
}

/// Compact JSON cut to a readable length.
fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s,
    }
}

/// Reads a shard's body as `T`.
fn body<T: DeserializeOwned>(d: &Doc, what: &str) -> Result<T, String> {
    serde_json::from_value(d.value.clone())
        .map_err(|e| format!("{} is not a valid {what} shard: {e}", d.name))
}

fn merge_check(docs: Vec<Doc>) -> CmdResult {
    let start_seed = docs[0].header.args["start_seed"].as_u64().unwrap_or(0);
    let mut parts = Vec::new();
    let mut errs = Vec::new();
    for d in &docs {
        let h = &d.header;
        match body::<CheckSummary<Value>>(d, "check") {
            Ok(s) if (s.start_seed, s.seeds) != (start_seed + h.from, h.to - h.from) => {
                errs.push(format!(
                    "{}: shard {} should hold seeds {}..={}, not {} seeds from {}",
                    d.name,
                    h.spec(),
                    start_seed + h.from,
                    start_seed + h.to - 1,
                    s.seeds,
                    s.start_seed
                ))
            }
            Ok(s) => parts.push(s),
            Err(e) => errs.push(e),
        }
    }
    if !errs.is_empty() {
        return usage(errs);
    }
    let mut failing: Vec<Value> = parts
        .iter_mut()
        .flat_map(|p| std::mem::take(&mut p.failing))
        .collect();
    failing.sort_by_key(|f| f["seed"].as_u64());
    let events: u64 = parts.iter().map(|p| p.events).sum();
    let wall_ms: f64 = parts.iter().map(|p| p.wall_ms).sum();
    let summary = CheckSummary {
        shard: None,
        seeds: docs[0].header.units,
        start_seed,
        violations: parts.iter().map(|p| p.violations).sum(),
        liveness_failures: parts.iter().map(|p| p.liveness_failures).sum(),
        failing,
        events,
        committed: parts.iter().map(|p| p.committed).sum(),
        wall_ms,
        events_per_sec: events as f64 / (wall_ms / 1e3).max(1e-9),
        coverage: parts
            .iter()
            .fold(CoverageSummary::default(), |a, p| a.plus(&p.coverage)),
        liveness_judged: parts.iter().map(|p| p.liveness_judged).sum(),
        shrunk: None,
    };
    out(&(to_pretty(&summary) + "\n"));
    Ok(verdict(
        summary.violations == 0,
        summary.liveness_failures == 0,
    ))
}

fn merge_rows(docs: Vec<Doc>) -> CmdResult {
    let mut rows = Vec::new();
    let mut errs = Vec::new();
    for d in &docs {
        let h = &d.header;
        match body::<RowsShard>(d, "sweep") {
            Ok(s) if s.rows.len() as u64 != h.to - h.from => errs.push(format!(
                "{}: shard {} should hold {} rows, not {}",
                d.name,
                h.spec(),
                h.to - h.from,
                s.rows.len()
            )),
            Ok(s) => rows.extend(s.rows),
            Err(e) => errs.push(e),
        }
    }
    if !errs.is_empty() {
        return usage(errs);
    }
    out(&(to_pretty(&rows) + "\n"));
    Ok(ExitCode::SUCCESS)
}

fn merge_runs(docs: Vec<Doc>) -> CmdResult {
    let first = &docs[0];
    let (knob, pts, exp) = match replan(&first.header.args) {
        Ok((k, p, Some(e))) => (k, p, e),
        Ok((_, _, None)) => {
            return usage(vec![format!(
                "{}: an availability shard without an experiment",
                first.name
            )])
        }
        Err(e) => return usage(vec![format!("{}: {e}", first.name)]),
    };
    let plan = plan_availability(knob, &pts, &exp)?;
    if plan.units.len() as u64 != first.header.units {
        return usage(vec![format!(
            "{}: the sweep has {} runs, but its shards split {}",
            first.name,
            plan.units.len(),
            first.header.units
        )]);
    }
    let mut runs: Vec<UnitRun> = Vec::with_capacity(plan.units.len());
    let mut errs = Vec::new();
    for d in &docs {
        let h = &d.header;
        let want = &plan.units[h.from as usize..h.to as usize];
        match body::<RunsShard>(d, "availability") {
            Ok(s)
                if s.runs
                    .iter()
                    .map(|r| (r.point, r.seed_index))
                    .ne(want.iter().copied()) =>
            {
                errs.push(format!(
                    "{}: shard {} does not hold the runs {}..{} of the sweep",
                    d.name,
                    h.spec(),
                    h.from,
                    h.to
                ))
            }
            Ok(s) => runs.extend(s.runs),
            Err(e) => errs.push(e),
        }
    }
    if !errs.is_empty() {
        return usage(errs);
    }
    let rows = availability_rows(&plan, &pts, &exp, &runs);
    out(&(to_pretty(&rows) + "\n"));
    Ok(ExitCode::SUCCESS)
}
