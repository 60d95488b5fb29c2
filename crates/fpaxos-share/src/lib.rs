//! # fpaxos-share — scenario links
//!
//! A shared link carries a whole [`Scenario`] plus the view around it (open panels, time cursor,
//! embed options, compare variants, a sweep) in the URL fragment, so nothing is stored on a
//! server and a link made today opens the same run years from now:
//!
//! ```text
//! https://example.org/playground/#s=1.<payload>
//! payload = base64url-no-pad( raw-DEFLATE( {"s": <scenario diff>, "v": <view>} ) )
//! ```
//!
//! **Why a diff.** Most scenarios change a handful of fields, so the scenario is stored as a
//! JSON diff against a *frozen* copy of the version-1 default scenario ([`DEFAULTS_V1`]): object
//! fields equal to the frozen default are dropped, an object that switches to another variant
//! (for example a latency that changes from `normal` to `const`) is stored whole as `{"=": ...}`,
//! arrays are stored whole. The default scenario with a few changes fits in well under 200
//! characters.
//!
//! **Why frozen.** [`DEFAULTS_V1`] never changes, even if `Scenario::default()` does: a link
//! means what it meant the day it was made. If the defaults must change, a new link version gets
//! new frozen defaults and the version-1 decoder stays as it is.
//!
//! **Versions.** Version 2 (`s=2.`) is version 1 plus the scenario's explicit schedule
//! (`Scenario::schedule`, a counterexample replayed step by step), diffed against the same
//! frozen defaults. A link is written in the oldest version that can carry it: without a
//! schedule it is still `s=1.`, byte for byte as before, so it also opens in builds that predate
//! version 2. Version 3 (`s=3.`) is version 2 plus schedule steps that resend a command
//! (`Step::Resend`, from counterexamples of `fpaxos explore --resends`); a link is written as
//! version 3 only when a schedule has one. Every version decodes here; a version-1 link that
//! carries a schedule, or an older one that carries a resend step, is refused.
//!
//! **Newer fields raise the version too.** A build refuses a field it does not know (scenarios
//! deny unknown fields), so a link that uses one must carry a version number that build does not
//! read, or its reader is told the link is damaged instead of newer. Builds gained check-quorum
//! (off), pre-vote and the `loss` fault the day before version 2, and client sessions the day of
//! version 3; so a link that uses the first three is written as at least version 2, and one with
//! sessions as at least version 3 ([`scenario_version`]). Links written as version 1 with these
//! fields before this rule existed still decode. A new scenario field or variant gets the same
//! treatment: the oldest version whose builds all read it, or a new [`LINK_VERSION`].
//!
//! **Decoding is hostile-input safe.** [`decode_fragment`] never panics, caps the inflated size
//! at [`MAX_DECODED_BYTES`], validates the scenario, and says what went wrong in one sentence
//! ([`ShareError`]).
#![deny(missing_docs)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use fpaxos_sim::{FaultAction, Scenario};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The newest link format version, which this build writes for a scenario whose schedule
/// resends a command or that has client sessions on (`s=3.`); other links are written in the
/// oldest version whose builds read them, 2 or 1 ([`scenario_version`], and the crate docs).
pub const LINK_VERSION: u32 = 3;

/// Largest inflated link document the decoder accepts (256 KiB).
pub const MAX_DECODED_BYTES: usize = 256 * 1024;

/// Most compare variants a link may carry.
pub const MAX_VARIANTS: usize = 4;

/// The version-1 default scenario, frozen: link version 1 diffs against exactly this JSON.
///
/// Generated once from `serde_json::to_value(Scenario::default())`. **Never edit it**: when
/// `Scenario::default()` changes, bump [`LINK_VERSION`] and add new frozen defaults instead.
pub const DEFAULTS_V1: &str = r#"{"version":1,"name":"","notes":"","seed":1,"duration":"10s","warmup":"500ms","cluster":{"nodes":5,"quorum":{"kind":"majority"},"allow_unsafe":false,"thrifty":false,"window":64,"batch":1,"heartbeat":"20ms","election_timeout":"150ms","retransmit":"60ms","commit_batch":16,"log_retain":1024,"initial_leader":0},"network":{"latency":{"dist":"normal","mean":"2ms","stddev":"300us"},"client_latency":{"dist":"const","value":"100us"},"regions":null,"matrix":null,"links":[],"loss":0.0,"duplicate":0.0,"bandwidth_mbps":null},"cpu":{"per_recv":"10us","per_send":"5us"},"workload":{"clients":8,"outstanding":1,"think":"0","rate":null,"timeout":"500ms","command_bytes":64,"requests":null},"faults":[],"metrics":{"bucket":"100ms","trace_capacity":200000}}"#;

/// Key marking a whole-value replacement inside a diff.
const REPLACE: &str = "=";

/// Everything a link carries besides the scenario: view state, embed options, compare variants,
/// sweep.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewState {
    /// Open panels, e.g. `["cluster", "spacetime", "charts"]`.
    pub panels: Vec<String>,
    /// Time cursor in milliseconds of simulated time.
    pub time_ms: Option<f64>,
    /// Embed options (present when the link is meant for an `<iframe>`).
    pub embed: Option<EmbedOptions>,
    /// Up to [`MAX_VARIANTS`] variants for compare mode (links carry only the first four).
    pub compare: Vec<Variant>,
    /// Sweep spec text, e.g. `q2=1..5`.
    pub sweep: Option<String>,
}

/// How an embedded playground looks and behaves.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmbedOptions {
    /// Panels to show.
    pub panels: Vec<String>,
    /// Start playing on load.
    pub autoplay: bool,
    /// Restart at the end.
    pub looped: bool,
    /// Where playback starts, in milliseconds.
    pub start_ms: Option<f64>,
    /// Playback speed multiplier.
    pub speed: Option<f64>,
    /// Whether the reader may edit the scenario.
    pub editable: bool,
    /// `"light"` or `"dark"`.
    pub theme: Option<String>,
}

/// One labelled scenario in compare mode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// Short label shown in the compare table.
    pub label: String,
    /// The variant's scenario.
    pub scenario: Scenario,
}

/// A decoded link.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// The scenario (validated).
    pub scenario: Scenario,
    /// The view state.
    pub view: ViewState,
}

/// Why a link could not be opened. `Display` gives one sentence for the user.
#[derive(Clone, Debug, PartialEq)]
pub enum ShareError {
    /// The text holds no `s=` parameter.
    NotALink,
    /// The link's format version is not one this build reads.
    UnsupportedVersion {
        /// The version text found in the link.
        found: String,
        /// Whether it is a version number above [`LINK_VERSION`].
        newer: bool,
    },
    /// The payload holds characters that base64url never uses.
    BadBase64,
    /// The payload is cut off, or is not valid DEFLATE data.
    BadCompressed,
    /// The payload inflates to more than [`MAX_DECODED_BYTES`].
    TooLarge,
    /// The inflated document is not the expected JSON.
    BadJson(String),
    /// The scenario (or a compare variant) is not valid; one message per problem.
    InvalidScenario(Vec<String>),
}

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShareError::NotALink => write!(
                f,
                "This is not a scenario link: it has no `#s=` part; copy the whole link from the Share button."
            ),
            ShareError::UnsupportedVersion { found, newer: true } => write!(
                f,
                "This link (format {found}) was made by a newer version of FPaxos Playground; open it with the latest version."
            ),
            ShareError::UnsupportedVersion { found, newer: false } => write!(
                f,
                "This link has an unknown format `{found}`; check that it was copied completely."
            ),
            ShareError::BadBase64 => write!(
                f,
                "This link is damaged (its data contains characters a link never has); copy it again."
            ),
            ShareError::BadCompressed => write!(
                f,
                "This link is damaged or cut off (its compressed data is incomplete); copy the whole link again."
            ),
            ShareError::TooLarge => write!(
                f,
                "This link unpacks to more than {} KiB, which no scenario needs; it was not opened.",
                MAX_DECODED_BYTES / 1024
            ),
            ShareError::BadJson(e) => write!(
                f,
                "This link's contents are not a scenario ({e}); it may be damaged, so copy it again."
            ),
            ShareError::InvalidScenario(errs) => write!(
                f,
                "This link holds a scenario that cannot run: {}; fix these in the editor or ask for a new link.",
                errs.join("; ")
            ),
        }
    }
}

impl std::error::Error for ShareError {}

fn defaults_v1() -> Value {
    // DEFAULTS_V1 is a constant tested to parse; fall back to `{}` rather than panic.
    serde_json::from_str(DEFAULTS_V1).unwrap_or_else(|_| Value::Object(Map::new()))
}

/// The diff of `value` against `base`: `None` when equal. Objects holding every key of `base`
/// become patches (equal fields dropped); other differing values are stored whole, objects
/// wrapped as `{"=": value}` so that decoding never mixes them with the base.
fn diff(value: &Value, base: &Value) -> Option<Value> {
    if value == base {
        return None;
    }
    match (value, base) {
        (Value::Object(v), Value::Object(b)) if b.keys().all(|k| v.contains_key(k)) => {
            let mut out = Map::new();
            for (k, x) in v {
                match b.get(k) {
                    Some(y) => {
                        if let Some(d) = diff(x, y) {
                            out.insert(k.clone(), d);
                        }
                    }
                    None => {
                        out.insert(k.clone(), wrap(x));
                    }
                }
            }
            Some(Value::Object(out))
        }
        _ => Some(wrap(value)),
    }
}

/// Stores a value whole: objects are wrapped so the decoder replaces rather than merges.
fn wrap(v: &Value) -> Value {
    if v.is_object() {
        let mut m = Map::new();
        m.insert(REPLACE.into(), v.clone());
        Value::Object(m)
    } else {
        v.clone()
    }
}

/// Applies a diff made by [`diff`] to `base`.
fn merge(base: &Value, patch: &Value) -> Value {
    match patch {
        Value::Object(p) => {
            if let Some(whole) = p.get(REPLACE) {
                return whole.clone();
            }
            let mut out = match base {
                Value::Object(b) => b.clone(),
                _ => Map::new(),
            };
            for (k, x) in p {
                let merged = merge(out.get(k).unwrap_or(&Value::Null), x);
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn scenario_diff(s: &Scenario, base: &Value) -> Value {
    let v = serde_json::to_value(s).unwrap_or(Value::Null);
    diff(&v, base).unwrap_or_else(|| Value::Object(Map::new()))
}

/// Drops fields of a JSON object that equal the serialized default (`null`, `[]`, `false`).
fn compact<T: Serialize + Default>(x: &T) -> Value {
    let v = serde_json::to_value(x).unwrap_or(Value::Null);
    let d = serde_json::to_value(T::default()).unwrap_or(Value::Null);
    match (v, d) {
        (Value::Object(mut v), Value::Object(d)) => {
            v.retain(|k, x| d.get(k) != Some(x));
            Value::Object(v)
        }
        (v, _) => v,
    }
}

fn view_json(view: &ViewState, base: &Value) -> Option<Value> {
    if *view == ViewState::default() {
        return None;
    }
    let mut m = Map::new();
    if !view.panels.is_empty() {
        m.insert("panels".into(), serde_json::to_value(&view.panels).ok()?);
    }
    if let Some(t) = view.time_ms {
        m.insert("time_ms".into(), serde_json::to_value(t).ok()?);
    }
    if let Some(e) = &view.embed {
        m.insert("embed".into(), compact(e));
    }
    if !view.compare.is_empty() {
        let vs = view
            .compare
            .iter()
            .take(MAX_VARIANTS)
            .map(|v| {
                let mut o = Map::new();
                o.insert("label".into(), Value::String(v.label.clone()));
                o.insert("s".into(), scenario_diff(&v.scenario, base));
                Value::Object(o)
            })
            .collect();
        m.insert("compare".into(), Value::Array(vs));
    }
    if let Some(s) = &view.sweep {
        m.insert("sweep".into(), Value::String(s.clone()));
    }
    Some(Value::Object(m))
}

/// The highest `version` of the scenario and of the compare variants a link written for them
/// carries (1 at least).
fn highest(scenario: &Scenario, view: &ViewState, version: fn(&Scenario) -> u32) -> u32 {
    let variants = view.compare.iter().take(MAX_VARIANTS);
    std::iter::once(scenario)
        .chain(variants.map(|v| &v.scenario))
        .map(version)
        .fold(1, u32::max)
}

/// The oldest link version that may carry `scenario`'s schedule: 3 with a step that resends a
/// command, 2 with another schedule, else 1. A link of an older version that carries one is
/// refused, as no build ever wrote it.
fn schedule_version(scenario: &Scenario) -> u32 {
    match &scenario.schedule {
        Some(s) if s.has_resends() => 3,
        Some(_) => 2,
        None => 1,
    }
}

/// The oldest link version every build of which reads `scenario`: its schedule's version, at
/// least 2 when it turns check-quorum off, pre-vote on or has a `loss` fault (builds read these
/// from the day before version 2), and at least 3 with client sessions (from the day of version
/// 3). Unlike a schedule's, these fields are not refused in an older link: builds wrote them as
/// version 1 before this rule.
pub fn scenario_version(scenario: &Scenario) -> u32 {
    let c = &scenario.cluster;
    let loss_fault = scenario
        .faults
        .iter()
        .any(|f| matches!(f.action, FaultAction::Loss { .. }));
    let liveness = if c.sessions {
        3
    } else if !c.check_quorum || c.pre_vote || loss_fault {
        2
    } else {
        1
    };
    schedule_version(scenario).max(liveness)
}

/// Encodes a scenario and view as a URL fragment: `s=1.<payload>` (no leading `#`), or a later
/// version when a scenario uses what builds of version 1 do not read ([`scenario_version`]).
///
/// Only the first [`MAX_VARIANTS`] compare variants are written.
pub fn encode_fragment(scenario: &Scenario, view: &ViewState) -> String {
    let base = defaults_v1();
    let mut doc = Map::new();
    doc.insert("s".into(), scenario_diff(scenario, &base));
    if let Some(v) = view_json(view, &base) {
        doc.insert("v".into(), v);
    }
    let json = serde_json::to_vec(&Value::Object(doc)).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 10);
    // The oldest version that every build able to open the link reads.
    let version = highest(scenario, view, scenario_version);
    format!("s={version}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// `base` without its fragment, then `#` and the fragment from [`encode_fragment`].
pub fn share_url(base: &str, scenario: &Scenario, view: &ViewState) -> String {
    let base = base.split('#').next().unwrap_or("");
    format!("{base}#{}", encode_fragment(scenario, view))
}

/// The value of parameter `key` in the fragment of `input`, which may be a full URL
/// (`http://x/?embed#a=1&s=...`), a fragment with `#`, or bare `a=1&s=...`.
pub fn fragment_param<'a>(input: &'a str, key: &str) -> Option<&'a str> {
    let input = input.trim();
    let frag = match input.split_once('#') {
        Some((_, f)) => f,
        None if input.contains("://") => return None,
        None => input,
    };
    frag.split('&').find_map(|kv| match kv.split_once('=') {
        Some((k, v)) if k == key => Some(v),
        _ => None,
    })
}

/// Decodes a link made by [`encode_fragment`] or [`share_url`]. Accepts a full URL, `#s=1...`
/// or `s=1...`; other `&`-separated fragment parameters are ignored. Never panics.
pub fn decode_fragment(input: &str) -> Result<Shared, ShareError> {
    let param = fragment_param(input, "s").ok_or(ShareError::NotALink)?;
    let (version, payload) = param.split_once('.').unwrap_or((param, ""));
    let version = match version.parse::<u64>() {
        Ok(v @ 1..=3) => v as u32,
        Ok(v) if v > LINK_VERSION as u64 => {
            return Err(ShareError::UnsupportedVersion {
                found: version.into(),
                newer: true,
            })
        }
        _ => {
            return Err(ShareError::UnsupportedVersion {
                found: version.chars().take(20).collect(),
                newer: false,
            })
        }
    };
    // Base64 grows data by 4/3 and DEFLATE never shrinks below ~1/1032: anything longer than
    // this cannot inflate to an acceptable size without being rejected anyway; refuse early.
    if payload.len() > MAX_DECODED_BYTES * 2 {
        return Err(ShareError::TooLarge);
    }
    let packed = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| match e {
            // A character no link has: pasted text, not a link.
            base64::DecodeError::InvalidByte(..) => ShareError::BadBase64,
            // A length or last symbol that cannot end a payload: the link was cut off.
            _ => ShareError::BadCompressed,
        })?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_DECODED_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
            _ => ShareError::BadCompressed,
        })?;
    // Through `&str` like every other parse in the page, so the wasm carries one JSON parser
    // (`from_slice` would add a second copy for byte input).
    let json = std::str::from_utf8(&json)
        .map_err(|_| ShareError::BadJson("the data is not UTF-8 text".into()))?;
    let doc: Value = serde_json::from_str(json).map_err(|e| ShareError::BadJson(e.to_string()))?;
    let shared = decode_doc(doc)?;
    let needs = highest(&shared.scenario, &shared.view, schedule_version);
    if needs > version {
        return Err(ShareError::BadJson(if needs == 2 {
            "a version-1 link cannot carry a schedule (schedules came with version 2)".into()
        } else {
            format!(
                "a version-{version} link cannot carry a schedule step that resends a command (those came with version 3)"
            )
        }));
    }
    Ok(shared)
}

fn decode_doc(doc: Value) -> Result<Shared, ShareError> {
    let Value::Object(mut doc) = doc else {
        return Err(ShareError::BadJson("expected a JSON object".into()));
    };
    let base = defaults_v1();
    let s = doc
        .remove("s")
        .ok_or_else(|| ShareError::BadJson("no scenario".into()))?;
    let scenario = scenario_from_diff(&base, &s, None)?;
    let view = match doc.remove("v") {
        None | Some(Value::Null) => ViewState::default(),
        Some(v) => view_from_json(&base, v)?,
    };
    Ok(Shared { scenario, view })
}

fn scenario_from_diff(
    base: &Value,
    s: &Value,
    label: Option<&str>,
) -> Result<Scenario, ShareError> {
    if !s.is_object() {
        return Err(ShareError::BadJson(
            "the scenario is not a JSON object".into(),
        ));
    }
    let prefix = |e: String| match label {
        Some(l) => format!("compare variant `{l}`: {e}"),
        None => e,
    };
    let scenario = Scenario::from_value(merge(base, s))
        .map_err(|e| ShareError::InvalidScenario(e.0.into_iter().map(prefix).collect()))?;
    scenario
        .validate()
        .map_err(|e| ShareError::InvalidScenario(e.0.into_iter().map(prefix).collect()))?;
    Ok(scenario)
}

fn view_from_json(base: &Value, v: Value) -> Result<ViewState, ShareError> {
    let Value::Object(mut v) = v else {
        return Err(ShareError::BadJson("the view is not a JSON object".into()));
    };
    let compare = match v.remove("compare") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            if items.len() > MAX_VARIANTS {
                return Err(ShareError::InvalidScenario(vec![format!(
                    "compare mode holds at most {MAX_VARIANTS} variants, the link has {}",
                    items.len()
                )]));
            }
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let label = item
                    .get("label")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let s = item.get("s").ok_or_else(|| {
                    ShareError::BadJson("a compare variant has no scenario".into())
                })?;
                let scenario = scenario_from_diff(base, s, Some(&label))?;
                out.push(Variant { label, scenario });
            }
            out
        }
        Some(_) => return Err(ShareError::BadJson("compare is not a list".into())),
    };
    let mut view: ViewState = serde_json::from_value(Value::Object(v))
        .map_err(|e| ShareError::BadJson(format!("bad view state: {e}")))?;
    view.compare = compare;
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Today's default scenario still equals the frozen one. If this fails because
    /// `Scenario::default()` changed on purpose, do NOT edit DEFAULTS_V1: version-1 links must
    /// keep their meaning. Add a new link version with new frozen defaults instead (and make
    /// this test compare against those).
    #[test]
    fn defaults_v1_is_todays_default() {
        let frozen: Value = serde_json::from_str(DEFAULTS_V1).expect("DEFAULTS_V1 parses");
        assert_eq!(frozen, serde_json::to_value(Scenario::default()).unwrap());
        assert_eq!(Scenario::from_value(frozen).unwrap(), Scenario::default());
    }

    #[test]
    fn diff_and_merge_round_trip() {
        let base: Value =
            serde_json::json!({"a": 1, "b": {"x": 1, "y": 2}, "c": {"k": "p", "m": 1}});
        for v in [
            serde_json::json!({"a": 1, "b": {"x": 1, "y": 3}, "c": {"k": "p", "m": 1}}),
            serde_json::json!({"a": 2, "b": {"x": 1, "y": 2, "z": 5}, "c": {"k": "q"}}),
            serde_json::json!({"a": null, "b": [], "c": {}}),
        ] {
            let d = diff(&v, &base).unwrap();
            assert_eq!(merge(&base, &d), v, "diff {d}");
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_bad_json() {
        let packed = miniz_oxide::deflate::compress_to_vec(b"{\"s\":\"\xff\"}", 6);
        let link = format!("s=1.{}", URL_SAFE_NO_PAD.encode(packed));
        assert!(matches!(
            decode_fragment(&link),
            Err(ShareError::BadJson(_))
        ));
    }

    #[test]
    fn params() {
        assert_eq!(
            fragment_param("http://x/y/?embed#a=1&s=1.abc", "s"),
            Some("1.abc")
        );
        assert_eq!(fragment_param("#s=1.abc&t=2", "t"), Some("2"));
        assert_eq!(fragment_param("s=1.abc", "s"), Some("1.abc"));
        assert_eq!(fragment_param("http://x/y/?s=1", "s"), None);
    }
}
