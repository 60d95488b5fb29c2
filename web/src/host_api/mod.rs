//! The script API for host pages: a versioned `postMessage` protocol between a page and the
//! playground embedded in its `<iframe>` (`?embed`). The host sends commands
//! (`{"fpaxos": 1, "cmd": "play"}`); the embed answers with events (`{"fpaxos": 1, "event":
//! "ended", ...}`). `docs/embed-api.md` is the reference; this module is its one implementation.
//!
//! Split so that everything but the wiring runs in native tests:
//! - this file: the protocol's types, [`parse`] (a message, already converted from JS by
//!   serde-wasm-bindgen into a `serde_json::Value`, becomes a [`Command`] or a [`Rejection`]
//!   that says why) and the event builders;
//! - `watch.rs`: which events the engine's latest report calls for ([`Watch`]) and the tick
//!   throttle;
//! - `hook.rs`: the embed's hook, which turns commands into the page's existing [`Action`]s
//!   and posts events (the `web_sys` calls themselves are in `browser.rs`).
//!
//! The embed decides nothing about the protocol's behaviour: a loaded scenario is validated by
//! the engine (`Scenario::from_value`, `Scenario::validate`), a fault by the engine's validation
//! of the scenario with the fault added, and every number in an event comes from the engine's
//! report.
//!
//! [`Action`]: crate::state::Action

#[cfg(test)]
mod fuzz_tests;
mod hook;
#[cfg(test)]
mod tests;
mod watch;

pub(crate) use hook::use_host_api;
pub(crate) use watch::{Throttle, Watch};

use crate::state::{SPEED_MAX, SPEED_MIN};
use fpaxos::{NodeId, Time};
use fpaxos_sim::{Dur, Fault, FaultAction, Report, Scenario};
use serde_json::{json, Map, Value};

/// The protocol version this embed speaks: the value of every message's `"fpaxos"` field.
pub(crate) const VERSION: u64 = 1;

/// The commands, by name, as `docs/embed-api.md` lists them.
pub(crate) const COMMANDS: [&str; 8] = [
    "load",
    "play",
    "pause",
    "seek",
    "step",
    "run_to_end",
    "fault",
    "speed",
];

/// The longest `id` string a command may carry (it is echoed back in error events).
const MAX_ID_CHARS: usize = 200;

/// A command from the host, checked and ready to become page actions.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Command {
    /// Replace the scenario (validated by the engine) and start again at time 0.
    Load(Box<Scenario>),
    /// Play (from the start again if the run is over).
    Play,
    /// Pause.
    Pause,
    /// Move the time cursor to this simulated time (ns).
    Seek(Time),
    /// Process the next event.
    Step,
    /// Run to the end as fast as possible.
    RunToEnd,
    /// Inject a fault now (the simulator records it in the scenario).
    Fault(FaultAction),
    /// Play at this speed: log10 of simulated time per real time.
    Speed(f64),
}

/// A message that was meant for the embed but cannot be obeyed, and why.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Rejection {
    /// The command's name, if the message had one.
    pub(crate) cmd: Option<String>,
    /// The command's `id`, echoed so a host can match answers to commands.
    pub(crate) id: Option<Value>,
    /// What was wrong, as a sentence that says what to send instead.
    pub(crate) message: String,
}

/// What a received message is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Parsed {
    /// Not a protocol message (no `"fpaxos"` field): ignored, as the protocol promises.
    Ignored,
    /// A command to carry out.
    Command(Command),
    /// A protocol message that cannot be carried out: answered with an `error` event.
    Rejected(Rejection),
}

/// What the parser needs to know about the embed now, to check a command against it.
pub(crate) struct Now<'a> {
    /// The scenario (faults are checked against it).
    pub(crate) scenario: &'a Scenario,
    /// The scenario's validation messages (non-empty: it does not run).
    pub(crate) errors: &'a [String],
    /// Simulated time now.
    pub(crate) now: Time,
    /// End of the run.
    pub(crate) end: Time,
    /// The run reached its end.
    pub(crate) done: bool,
}

/// Reads one message from the host. Messages without `"fpaxos"` are [`Parsed::Ignored`]; every
/// other problem is a [`Parsed::Rejected`] with a sentence.
pub(crate) fn parse(msg: &Value, at: &Now) -> Parsed {
    let Some(obj) = msg.as_object() else {
        return Parsed::Ignored;
    };
    let Some(version) = obj.get("fpaxos") else {
        return Parsed::Ignored;
    };
    let cmd = obj.get("cmd").and_then(Value::as_str).map(str::to_string);
    let id = obj.get("id").cloned();
    let reject = |message: String| {
        Parsed::Rejected(Rejection {
            cmd: cmd.clone(),
            id: id.clone().filter(id_ok),
            message,
        })
    };
    if version.as_u64() != Some(VERSION) {
        return reject(format!(
            "this embed speaks version {VERSION} of the FPaxos host API: send \"fpaxos\": {VERSION} (got {})",
            short(version)
        ));
    }
    if let Some(bad) = id.as_ref().filter(|v| !id_ok(v)) {
        return reject(format!(
            "`id` must be a number or a string of at most {MAX_ID_CHARS} characters (got {})",
            short(bad)
        ));
    }
    let Some(name) = cmd.as_deref() else {
        return reject(match obj.get("cmd") {
            None => format!("a command needs `cmd`, one of: {}", COMMANDS.join(", ")),
            Some(v) => format!(
                "`cmd` must be a string, one of: {} (got {})",
                COMMANDS.join(", "),
                short(v)
            ),
        });
    };
    match command(name, obj, at) {
        Ok(c) => Parsed::Command(c),
        Err(why) => reject(why),
    }
}

/// A protocol message that could not be read as JSON values, for the reason `why`: rejected,
/// naming the `cmd` and echoing the `id` of `head` (what could be read of the message alone).
pub(crate) fn unreadable(why: &str, head: &Value) -> Parsed {
    Parsed::Rejected(Rejection {
        cmd: head.get("cmd").and_then(Value::as_str).map(str::to_string),
        id: head.get("id").filter(|v| id_ok(v)).cloned(),
        message: format!("the message could not be read as JSON values ({why})"),
    })
}

/// An `id` the embed echoes: a number, or a short string.
fn id_ok(v: &Value) -> bool {
    v.is_number()
        || v.as_str()
            .is_some_and(|s| s.chars().count() <= MAX_ID_CHARS)
}

/// A value, shown in an error message at most 60 characters long.
fn short(v: &Value) -> String {
    let t = v.to_string();
    if t.chars().count() <= 60 {
        t
    } else {
        let cut: String = t.chars().take(57).collect();
        format!("{cut}...")
    }
}

/// The command `name` with its fields, checked against the embed's state.
fn command(name: &str, obj: &Map<String, Value>, at: &Now) -> Result<Command, String> {
    let runs = || {
        if at.errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "the current scenario does not run ({}): load a valid one first",
                at.errors.join("; ")
            ))
        }
    };
    match name {
        "load" => load(obj.get("scenario")),
        "play" => runs().map(|_| Command::Play),
        "pause" => Ok(Command::Pause),
        "step" => runs().map(|_| Command::Step),
        "run_to_end" => runs().map(|_| Command::RunToEnd),
        "seek" => {
            runs()?;
            seek(obj.get("ms"), at.end)
        }
        "fault" => {
            runs()?;
            fault(obj.get("fault"), at)
        }
        "speed" => speed(obj.get("value")),
        other => Err(format!(
            "unknown command {}: use one of {}",
            short(&Value::from(other)),
            COMMANDS.join(", ")
        )),
    }
}

fn load(v: Option<&Value>) -> Result<Command, String> {
    let Some(v) = v else {
        return Err("`load` needs `scenario`, a scenario object as `fpaxos run` reads it, e.g. {\"cluster\": {\"nodes\": 5}}".into());
    };
    let s = Scenario::from_value(v.clone()).map_err(|e| scenario_problem(&e.0))?;
    s.validate().map_err(|e| scenario_problem(&e.0))?;
    Ok(Command::Load(Box::new(s)))
}

fn scenario_problem(errs: &[String]) -> String {
    format!("the scenario was not loaded: {}", errs.join("; "))
}

fn seek(v: Option<&Value>, end: Time) -> Result<Command, String> {
    let end_ms = end as f64 / 1e6;
    let range = format!("a number of milliseconds from 0 to the run's end, {end_ms}");
    let Some(v) = v else {
        return Err(format!("`seek` needs `ms`, {range}"));
    };
    match v.as_f64() {
        Some(ms) if ms.is_finite() && (0.0..=end_ms).contains(&ms) => {
            Ok(Command::Seek(((ms * 1e6).round() as Time).min(end)))
        }
        _ => Err(format!("`ms` must be {range} (got {})", short(v))),
    }
}

fn fault(v: Option<&Value>, at: &Now) -> Result<Command, String> {
    let example = r#"e.g. {"action": "crash", "node": 0}"#;
    let Some(v) = v else {
        return Err(format!(
            "`fault` needs `fault`, a fault action object, {example}"
        ));
    };
    let action: FaultAction = serde_json::from_value(v.clone())
        .map_err(|e| format!("`fault` is not a fault action ({e}), {example}"))?;
    if at.done {
        return Err(
            "the run is over: seek back (or load a scenario) before injecting a fault".into(),
        );
    }
    // The engine's own rules: the scenario with this fault added must validate.
    let mut with = at.scenario.clone();
    with.faults.push(Fault {
        at: Dur(at.now),
        action: action.clone(),
    });
    with.validate()
        .map_err(|e| format!("the fault was not injected: {}", e.0.join("; ")))?;
    Ok(Command::Fault(action))
}

fn speed(v: Option<&Value>) -> Result<Command, String> {
    let (lo, hi) = (10f64.powf(SPEED_MIN), 10f64.powf(SPEED_MAX));
    let range = format!("simulated time per real time, from {lo} to {hi}");
    let Some(v) = v else {
        return Err(format!("`speed` needs `value`, {range}"));
    };
    match v.as_f64() {
        Some(x) if x.is_finite() && x >= lo * (1.0 - 1e-9) && x <= hi * (1.0 + 1e-9) => {
            Ok(Command::Speed(x.log10().clamp(SPEED_MIN, SPEED_MAX)))
        }
        _ => Err(format!("`value` must be {range} (got {})", short(v))),
    }
}

/// A protocol message: `{"fpaxos": 1, "event": kind, ...fields}`.
fn event(kind: &str, fields: Value) -> Value {
    let mut m = Map::new();
    m.insert("fpaxos".into(), VERSION.into());
    m.insert("event".into(), kind.into());
    if let Value::Object(f) = fields {
        m.extend(f);
    }
    Value::Object(m)
}

/// Simulated ns as the ms the protocol speaks.
fn ms(t: Time) -> f64 {
    t as f64 / 1e6
}

/// `ready`: the embed listens. Names the scenario and the commands it understands.
pub(crate) fn ready(scenario: &Scenario, end: Time) -> Value {
    event(
        "ready",
        json!({ "name": scenario.name, "end_ms": ms(end), "commands": COMMANDS }),
    )
}

/// `tick`: where the run is (sent at most every `watch::TICK_EVERY_MS` of wall time).
pub(crate) fn tick(now: Time, status: &str, report: Option<&Report>) -> Value {
    event(
        "tick",
        json!({
            "time_ms": ms(now),
            "status": status,
            "committed": report.map(|r| r.committed),
            "leader": report.and_then(|r| r.leader),
        }),
    )
}

/// `elected`: the engine's report names a new leader (or a new election of the same one).
pub(crate) fn elected(now: Time, leader: NodeId, leader_changes: u64) -> Value {
    event(
        "elected",
        json!({ "time_ms": ms(now), "leader": leader, "leader_changes": leader_changes }),
    )
}

/// `violation`: the safety checker found a violation.
pub(crate) fn violation(now: Time, report: &Report) -> Value {
    event(
        "violation",
        json!({ "time_ms": ms(now), "violations": report.safety.violations }),
    )
}

/// `ended`: the run reached its end. `json` is the report exactly as `fpaxos run --json`
/// prints it (without the final newline), `report` the same JSON as an object.
pub(crate) fn ended(report: &Report) -> Value {
    let text = fpaxos_sim::json::pretty_json(report);
    let object = serde_json::to_value(report).unwrap_or(Value::Null);
    event(
        "ended",
        json!({ "trace_hash": report.trace_hash, "report": object, "json": text }),
    )
}

/// `error`: the answer to a [`Rejection`].
pub(crate) fn error(r: &Rejection) -> Value {
    event(
        "error",
        json!({ "cmd": r.cmd, "id": r.id, "message": r.message }),
    )
}

/// Where events go and whose commands count: `?host=ORIGIN` in the embed's address pins both to
/// one origin; without it events go to any parent (`"*"`) and commands are taken from the
/// parent window whatever its origin.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum HostOrigin {
    /// No `?host`: post to `"*"`, accept the parent at any origin.
    Any,
    /// `?host=https://example.org`: post to it only, accept only it.
    Only(String),
}

impl HostOrigin {
    /// Reads the `host` query parameter: an origin, `scheme://host[:port]`, nothing more.
    pub(crate) fn from_param(p: Option<&str>) -> Result<HostOrigin, String> {
        let Some(p) = p else {
            return Ok(HostOrigin::Any);
        };
        let bad = || {
            format!(
                "host API off: `?host=` must be an origin like https://example.org (scheme, host and optional port, no path); got {:?}",
                p.chars().take(80).collect::<String>()
            )
        };
        let (scheme, rest) = p.split_once("://").ok_or_else(bad)?;
        let scheme_ok = !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        let rest_ok = !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
        if scheme_ok && rest_ok {
            Ok(HostOrigin::Only(p.to_ascii_lowercase()))
        } else {
            Err(bad())
        }
    }

    /// The `targetOrigin` for `postMessage`.
    pub(crate) fn target(&self) -> &str {
        match self {
            HostOrigin::Any => "*",
            HostOrigin::Only(o) => o,
        }
    }

    /// Whether a message from a parent at `origin` is taken.
    pub(crate) fn accepts(&self, origin: &str) -> bool {
        match self {
            HostOrigin::Any => true,
            HostOrigin::Only(o) => o.eq_ignore_ascii_case(origin),
        }
    }
}
