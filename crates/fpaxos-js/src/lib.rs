//! # fpaxos-js — the engine as a JavaScript module
//!
//! For notebooks, Node scripts and other pages: `run`, `analyze` and `url` take a scenario (a JS
//! object, JSON text, or nothing for every default) and return what `fpaxos run --json`,
//! `fpaxos analyze --json` and `fpaxos url` print, computed by the same library calls
//! ([`engine`]). `runJson`/`analyzeJson` return the CLI's exact bytes; `run`/`analyze` return
//! `JSON.parse` of those bytes, so an object from here and one parsed from the CLI's output are
//! deeply equal. An invalid scenario throws an `Error` whose message is the engine's validation
//! sentences, one a line (also in its `problems` array); nothing a caller passes can panic.
//!
//! Built by `scripts/build-js.sh` (wasm-bindgen `--target nodejs` and `--target web`); usage in
//! `docs/js-module.md`.
#![deny(missing_docs)]

pub mod engine;

use engine::AnalyzeOptions;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A scenario as `fpaxos run` reads it (every field optional: missing ones take their defaults).
 * The full format is in the repository's docs/scenario.md and scenarios/. */
export interface Scenario {
  version?: number;
  name?: string;
  notes?: string;
  seed?: number;
  /** A duration text such as "10s" or "500ms". */
  duration?: string;
  warmup?: string;
  cluster?: { nodes?: number; quorum?: any; allow_unsafe?: boolean; thrifty?: boolean; [k: string]: any };
  network?: any;
  cpu?: any;
  workload?: any;
  faults?: any[];
  metrics?: any;
  /** An explicit schedule to replay instead of drawn latencies, losses and timers (for
   * example a counterexample from `fpaxos explore`); the steps are in docs/explore.md. */
  schedule?: any;
}

/** The report exactly as `fpaxos run --json` prints it, parsed. */
export interface Report {
  /** The normalised scenario that ran (every default filled in). */
  scenario: Scenario;
  /** Requests completed after the warmup. */
  committed: number;
  /** Completed requests per simulated second after the warmup. */
  throughput: number;
  latency_ms: { mean: number; p50: number; p90: number; p99: number; p999: number; max: number; [k: string]: number };
  messages: { total: number; per_commit: number; by_kind: Record<string, number>; [k: string]: any };
  leader_changes: number;
  /** The latest elected leader, null before the first election. */
  leader: number | null;
  leaderless_ms: number;
  leaderless_intervals: [number, number][];
  slots: number;
  safety: { ok: boolean; violations: any[] };
  liveness?: { ok: boolean; [k: string]: any };
  executed_twice?: number;
  /** 16 hex digits: equal hashes mean equal runs, across the CLI, this module and the page. */
  trace_hash: string;
  sim: { events: number; message_events: number; simulated_ms: number };
  timeline: any;
  latency_cdf: [number, number][];
}

/** The knobs of `fpaxos analyze` that are not part of the scenario (CLI defaults: 0 and 0.01). */
export interface AnalyzeOptions {
  phase1Fraction?: number;
  failureProb?: number;
}

/** The analysis exactly as `fpaxos analyze --json` prints it, parsed. */
export interface Analysis {
  n: number;
  /** Whether every phase-1 quorum intersects every phase-2 quorum. */
  safe: boolean;
  counterexample: [number[], number[]] | null;
  fault_tolerance_elect: number;
  fault_tolerance_replicate: number;
  load_phase2: number;
  capacity_phase2: number;
  availability_elect: number;
  availability_replicate: number;
  notes: string[];
  [k: string]: any;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A scenario object or its JSON text.
    #[wasm_bindgen(typescript_type = "Scenario | string")]
    pub type ScenarioInput;
    /// A parsed report.
    #[wasm_bindgen(typescript_type = "Report")]
    pub type ReportObject;
    /// A parsed analysis.
    #[wasm_bindgen(typescript_type = "Analysis")]
    pub type AnalysisObject;
    /// Options of `analyze`.
    #[wasm_bindgen(typescript_type = "AnalyzeOptions")]
    pub type AnalyzeOptionsInput;
}

/// Runs a scenario to its end; returns the report as `fpaxos run --json` prints it, parsed.
/// Throws an `Error` listing every problem of an invalid scenario.
#[wasm_bindgen]
pub fn run(scenario: Option<ScenarioInput>) -> Result<ReportObject, JsValue> {
    parsed(engine::run_json(&scenario_text(scenario.as_deref())?))
}

/// Like `run`, but the JSON text itself: byte for byte what `fpaxos run --json` writes to
/// stdout, final newline included.
#[wasm_bindgen(js_name = runJson)]
pub fn run_json(scenario: Option<ScenarioInput>) -> Result<String, JsValue> {
    engine::run_json(&scenario_text(scenario.as_deref())?).map_err(problems)
}

/// The analytic metrics of the scenario's quorum system, as `fpaxos analyze --json` prints
/// them, parsed. `options` are the CLI's `--phase1-fraction` and `--failure-prob`.
#[wasm_bindgen]
pub fn analyze(
    scenario: Option<ScenarioInput>,
    options: Option<AnalyzeOptionsInput>,
) -> Result<AnalysisObject, JsValue> {
    parsed(engine::analyze_json(
        &scenario_text(scenario.as_deref())?,
        analyze_options(options.as_deref())?,
    ))
}

/// Like `analyze`, but the JSON text: the bytes `fpaxos analyze --json` writes.
#[wasm_bindgen(js_name = analyzeJson)]
pub fn analyze_json(
    scenario: Option<ScenarioInput>,
    options: Option<AnalyzeOptionsInput>,
) -> Result<String, JsValue> {
    engine::analyze_json(
        &scenario_text(scenario.as_deref())?,
        analyze_options(options.as_deref())?,
    )
    .map_err(problems)
}

/// The scenario's share link, as `fpaxos url` prints it (without the final newline). `base`
/// is where the playground is served (default, like the CLI's: `http://127.0.0.1:8080/`).
#[wasm_bindgen]
pub fn url(scenario: Option<ScenarioInput>, base: Option<String>) -> Result<String, JsValue> {
    let base = base.unwrap_or_else(|| engine::DEFAULT_BASE.to_string());
    engine::url(&scenario_text(scenario.as_deref())?, &base).map_err(problems)
}

/// JSON text of a scenario argument: a string as it is, undefined or null as every default,
/// anything else through `JSON.stringify` (which writes every number so it parses back to the
/// same bits, as the CLI reads a file).
fn scenario_text(v: Option<&JsValue>) -> Result<String, JsValue> {
    let Some(v) = v.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(String::new());
    };
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    let text = js_sys::JSON::stringify(v).map_err(|e| {
        problems(vec![format!(
            "the scenario cannot be written as JSON: {}",
            describe(&e)
        )])
    })?;
    text.as_string()
        .ok_or_else(|| problems(vec!["the scenario must be an object or JSON text".into()]))
}

fn analyze_options(v: Option<&JsValue>) -> Result<AnalyzeOptions, JsValue> {
    let mut o = AnalyzeOptions::default();
    let Some(v) = v.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(o);
    };
    if !v.is_object() {
        return Err(problems(vec![
            "analyze options must be an object such as {phase1Fraction: 0.1, failureProb: 0.01}"
                .into(),
        ]));
    }
    let mut errs = Vec::new();
    for (key, slot) in [
        ("phase1Fraction", &mut o.phase1_fraction),
        ("failureProb", &mut o.failure_prob),
    ] {
        let x = js_sys::Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED);
        if x.is_undefined() {
            continue;
        }
        match x.as_f64() {
            Some(f) => *slot = f,
            None => errs.push(format!("{key} must be a number")),
        }
    }
    if errs.is_empty() {
        Ok(o)
    } else {
        Err(problems(errs))
    }
}

/// `JSON.parse` of the engine's text, or the thrown problems.
fn parsed<T: JsCast>(text: Result<String, Vec<String>>) -> Result<T, JsValue> {
    let text = text.map_err(problems)?;
    js_sys::JSON::parse(&text).map(JsCast::unchecked_into)
}

/// A JS `Error` whose message is the problems, one a line, with the list in `problems`.
fn problems(lines: Vec<String>) -> JsValue {
    let err = js_sys::Error::new(&lines.join("\n"));
    let list: js_sys::Array = lines.iter().map(|l| JsValue::from_str(l)).collect();
    js_sys::Reflect::set(&err, &"problems".into(), &list).ok();
    err.into()
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
