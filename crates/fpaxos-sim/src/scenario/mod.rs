//! The scenario: one versioned, serde-serializable description of a run. It is the single source
//! of truth for the CLI, the web page, shared links and presets. `{}` is a valid scenario.
//!
//! - this file: the types and their JSON form;
//! - [`limits`]: every bound, named once;
//! - `validate`: one check per section, and [`Scenario::check`], the only way to a [`Checked`]
//!   scenario (what the simulator runs);
//! - [`edit`]: what an edit means (changing N, presets, labels, link-latency precedence), shared
//!   by the page's editor, the CLI's overrides, sweeps, the swarm and the analysis;
//! - `latency`: [`Latency`] and its text form.

use crate::dur::Dur;
use fpaxos::quorum::QuorumSpec;
use serde::{Deserialize, Serialize};

mod blame;
pub mod edit;
mod latency;
pub mod limits;
mod schedule;
mod validate;

pub use edit::{NetworkPreset, QuorumKind};
pub use latency::Latency;
pub use schedule::{MsgRef, Schedule, Step, TimerName};
pub use validate::Checked;

/// The scenario format version this build writes. Older versions are upgraded on load.
pub const SCENARIO_VERSION: u32 = 1;

/// Largest cluster a scenario may describe.
pub const MAX_SCENARIO_NODES: u32 = limits::NODES.max;

/// A complete, reproducible description of one simulated run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Format version (currently 1).
    pub version: u32,
    /// Short title.
    pub name: String,
    /// Free text shown with the scenario (rendered as text, never markup).
    pub notes: String,
    /// Seed of the simulator's random number generator.
    pub seed: u64,
    /// Simulated time to run.
    pub duration: Dur,
    /// Metrics ignore completions before this time.
    pub warmup: Dur,
    /// Cluster and protocol settings.
    pub cluster: Cluster,
    /// Network model.
    pub network: Network,
    /// CPU cost model.
    pub cpu: Cpu,
    /// Client workload.
    pub workload: Workload,
    /// Scheduled faults.
    pub faults: Vec<Fault>,
    /// Metrics and trace settings.
    pub metrics: MetricsCfg,
    /// An explicit schedule the simulator replays instead of drawing latencies, losses and
    /// timer deadlines (a counterexample of `fpaxos explore`, for example). Absent from JSON
    /// when there is none, so scenarios without one read and hash as before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            version: SCENARIO_VERSION,
            name: String::new(),
            notes: String::new(),
            seed: 1,
            duration: Dur::secs(10),
            warmup: Dur::ms(500),
            cluster: Cluster::default(),
            network: Network::default(),
            cpu: Cpu::default(),
            workload: Workload::default(),
            faults: Vec::new(),
            metrics: MetricsCfg::default(),
            schedule: None,
        }
    }
}

/// Cluster size, quorums and protocol knobs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cluster {
    /// Number of nodes.
    pub nodes: u32,
    /// Quorum system.
    pub quorum: QuorumSpec,
    /// Run even if some Q1 and some Q2 do not intersect (teaching mode).
    pub allow_unsafe: bool,
    /// Send phase-1/phase-2 messages only to a chosen quorum.
    pub thrifty: bool,
    /// Most slots in flight at the leader.
    pub window: u32,
    /// Most client commands per slot.
    pub batch: u32,
    /// Leader heartbeat interval.
    pub heartbeat: Dur,
    /// Follower election timeout (plus up to the same again of random jitter).
    pub election_timeout: Dur,
    /// Resend unanswered accepts/prepares to every node after this long.
    pub retransmit: Dur,
    /// Chosen entries a thrifty leader buffers before telling nodes outside its quorum.
    pub commit_batch: u32,
    /// Executed entries each node keeps for lagging peers.
    pub log_retain: u32,
    /// Node that campaigns at time 0 (`null`: wait for election timeouts).
    pub initial_leader: Option<u32>,
    /// Check-quorum (on by default): a leader that has not heard from a Q2 (itself included)
    /// within an election timeout steps down, and a node that heard from a live leader within
    /// an election timeout ignores prepares. Off, a leader that can send but not hear keeps the
    /// followers quiet with heartbeats and the cluster stalls for good. Written to JSON only
    /// when off, so older scenarios and links read the same.
    #[serde(skip_serializing_if = "is_true")]
    pub check_quorum: bool,
    /// Pre-vote (off by default, as in etcd): a follower whose election timer fires first asks
    /// whether a Q1 would vote for it, and raises its ballot only then, so a node that was cut
    /// off alone cannot depose a healthy leader when it comes back. Written to JSON only when
    /// on.
    #[serde(skip_serializing_if = "is_false")]
    pub pre_vote: bool,
    /// Client sessions (off by default): nodes record the client commands they execute, and a
    /// leader answers a resend of an executed command at once instead of proposing it again;
    /// snapshots carry the record. Off, execution is at-least-once and a leader can fill its
    /// slots with resends of executed requests (`docs/liveness.md`). Written to JSON only when
    /// on, so older scenarios and links read the same.
    #[serde(skip_serializing_if = "is_false")]
    pub sessions: bool,
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster {
            nodes: 5,
            quorum: QuorumSpec::Majority,
            allow_unsafe: false,
            thrifty: false,
            window: 64,
            batch: 1,
            heartbeat: Dur::ms(20),
            election_timeout: Dur::ms(150),
            retransmit: Dur::ms(60),
            commit_batch: 16,
            log_retain: 1024,
            initial_leader: Some(0),
            check_quorum: true,
            pre_vote: false,
            sessions: false,
        }
    }
}

/// A one-way latency override for one directed link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkLatency {
    /// Sender.
    pub from: u32,
    /// Receiver.
    pub to: u32,
    /// Latency on this link.
    pub latency: Latency,
    /// Also apply to the reverse direction.
    #[serde(default = "yes")]
    pub both: bool,
}

fn yes() -> bool {
    true
}

/// Nodes placed in regions: one latency inside a region, one between regions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    /// Region of each node.
    pub of_node: Vec<u32>,
    /// Latency between nodes of the same region.
    pub local: Latency,
    /// Latency between nodes of different regions.
    pub remote: Latency,
}

/// The network model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Network {
    /// Default one-way latency between nodes.
    pub latency: Latency,
    /// One-way latency between a client and a node.
    pub client_latency: Latency,
    /// Region layout (overrides `latency` between nodes).
    pub regions: Option<Regions>,
    /// Constant one-way latency matrix `[from][to]` (overrides regions).
    pub matrix: Option<Vec<Vec<Dur>>>,
    /// Per-link overrides (win over everything else).
    pub links: Vec<LinkLatency>,
    /// Probability a node-to-node message is lost.
    pub loss: f64,
    /// Probability a node-to-node message is delivered twice.
    pub duplicate: f64,
    /// Link bandwidth in Mbit/s (`null`: unlimited).
    pub bandwidth_mbps: Option<f64>,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            latency: Latency::default(),
            client_latency: Latency::Const {
                value: Dur::us(100),
            },
            regions: None,
            matrix: None,
            links: Vec::new(),
            loss: 0.0,
            duplicate: 0.0,
            bandwidth_mbps: None,
        }
    }
}

/// CPU cost of handling messages. A node handles one message at a time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cpu {
    /// Cost of receiving (handling) one message.
    pub per_recv: Dur,
    /// Cost of sending one message.
    pub per_send: Dur,
}

impl Default for Cpu {
    fn default() -> Self {
        Cpu {
            per_recv: Dur::us(10),
            per_send: Dur::us(5),
        }
    }
}

/// The client workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Workload {
    /// Number of clients.
    pub clients: u32,
    /// Requests each client keeps outstanding (closed loop).
    pub outstanding: u32,
    /// Pause between a reply and the next request (closed loop).
    pub think: Dur,
    /// Open loop: total Poisson arrival rate in requests per second (`null`: closed loop).
    pub rate: Option<f64>,
    /// A client resends a request it has no answer for after this long.
    pub timeout: Dur,
    /// Size of a command in bytes (for bandwidth).
    pub command_bytes: u32,
    /// Stop issuing new requests after this many (`null`: until the end).
    pub requests: Option<u64>,
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            clients: 8,
            outstanding: 1,
            think: Dur(0),
            rate: None,
            timeout: Dur::ms(500),
            command_bytes: 64,
            requests: None,
        }
    }
}

/// A fault at a point in simulated time. In JSON the action's fields sit beside `at`:
/// `{"at": "1s", "action": "crash", "node": 0}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fault {
    /// When it happens.
    pub at: Dur,
    /// What happens.
    #[serde(flatten)]
    pub action: FaultAction,
}

impl<'de> Deserialize<'de> for Fault {
    // By hand rather than `#[serde(flatten)]`: flatten buffers every fault and deserializes the
    // action a second way, which doubles that code in the wasm bundle; this also lets a fault
    // reject unknown fields.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut v = serde_json::Value::deserialize(d)?;
        let obj = v.as_object_mut().ok_or_else(|| {
            D::Error::custom(
                r#"a fault must be an object like {"at": "1s", "action": "crash", "node": 0}"#,
            )
        })?;
        let at = obj
            .remove("at")
            .ok_or_else(|| D::Error::custom("a fault needs `at` (when it happens, e.g. \"1s\")"))?;
        let at = Dur::deserialize(at).map_err(D::Error::custom)?;
        let action = FaultAction::deserialize(v).map_err(D::Error::custom)?;
        Ok(Fault { at, action })
    }
}

/// What a fault does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultAction {
    /// The node stops; it keeps its durable state.
    Crash {
        /// Node id.
        node: u32,
    },
    /// The node restarts from its durable state.
    Recover {
        /// Node id.
        node: u32,
    },
    /// Nodes in different groups cannot reach each other; nodes in no group are isolated.
    Partition {
        /// The groups.
        groups: Vec<Vec<u32>>,
    },
    /// Ends every partition and restores every cut link.
    Heal,
    /// Messages from `from` to `to` (and back, if `both`) are lost.
    CutLink {
        /// Sender.
        from: u32,
        /// Receiver.
        to: u32,
        /// Also cut the reverse direction.
        #[serde(default = "yes")]
        both: bool,
    },
    /// Restores a cut link.
    RestoreLink {
        /// Sender.
        from: u32,
        /// Receiver.
        to: u32,
        /// Also restore the reverse direction.
        #[serde(default = "yes")]
        both: bool,
    },
    /// The node's CPU costs are multiplied by `factor` (1 = normal speed).
    Slow {
        /// Node id.
        node: u32,
        /// Cost multiplier.
        factor: f64,
    },
    /// The message with this id is lost if still in flight.
    DropMessage {
        /// Message id (from the trace).
        id: u64,
    },
    /// From now on, a node-to-node message is lost with this probability (replacing
    /// `network.loss`): a lossy stretch, or the end of one.
    Loss {
        /// Loss probability, 0 to 1.
        probability: f64,
    },
}

impl FaultAction {
    /// One-line description.
    pub fn describe(&self) -> String {
        match self {
            FaultAction::Crash { node } => format!("crash node {node}"),
            FaultAction::Recover { node } => format!("recover node {node}"),
            FaultAction::Partition { groups } => format!("partition {groups:?}"),
            FaultAction::Heal => "heal network".into(),
            FaultAction::CutLink { from, to, both } => {
                format!("cut link {from}{}{to}", if *both { "<->" } else { "->" })
            }
            FaultAction::RestoreLink { from, to, both } => {
                format!(
                    "restore link {from}{}{to}",
                    if *both { "<->" } else { "->" }
                )
            }
            FaultAction::Slow { node, factor } => format!("slow node {node} x{factor}"),
            FaultAction::DropMessage { id } => format!("drop message #{id}"),
            FaultAction::Loss { probability } => format!("message loss {}%", probability * 100.0),
        }
    }
}

/// Metrics and trace settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsCfg {
    /// Width of a bucket in the time series.
    pub bucket: Dur,
    /// Trace events kept in memory (the trace hash covers all of them regardless).
    pub trace_capacity: u32,
}

impl Default for MetricsCfg {
    fn default() -> Self {
        MetricsCfg {
            bucket: Dur::ms(100),
            trace_capacity: 200_000,
        }
    }
}

/// Every problem found in a scenario, one sentence each that names the field and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<String>);

impl ScenarioErrors {
    /// The problems, one sentence each.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// The problems as owned lines (for callers that print or join them).
    pub fn into_lines(self) -> Vec<String> {
        self.0
    }
}

impl From<String> for ScenarioErrors {
    fn from(problem: String) -> Self {
        ScenarioErrors(vec![problem])
    }
}

impl From<Vec<String>> for ScenarioErrors {
    fn from(problems: Vec<String>) -> Self {
        ScenarioErrors(problems)
    }
}

/// One problem per line.
impl std::fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for ScenarioErrors {}

impl Scenario {
    /// Parses scenario JSON (any supported version), upgrading it to the current version.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioErrors> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ScenarioErrors(vec![format!("not valid JSON: {e}")]))?;
        Scenario::from_value(value)
    }

    /// Like [`Scenario::from_json`], from an already parsed JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<Scenario, ScenarioErrors> {
        if !value.is_object() {
            return Err(ScenarioErrors(vec![
                "a scenario must be a JSON object, e.g. {} or {\"cluster\": {\"nodes\": 5}}".into(),
            ]));
        }
        match value.get("version") {
            None => {}
            Some(v) => match v.as_u64() {
                Some(1) => {}
                Some(k) if k > SCENARIO_VERSION as u64 => {
                    return Err(ScenarioErrors(vec![format!(
                        "scenario version {k} is newer than this build understands (up to {SCENARIO_VERSION}); update FPaxos Playground"
                    )]))
                }
                _ => {
                    return Err(ScenarioErrors(vec![format!(
                        "unsupported scenario version {v}"
                    )]))
                }
            },
        }
        // A copy is decoded, so that the document is still there to blame after a failure.
        // Decoding through serde_json's `&Value` deserializer instead would spare the copy (a
        // few microseconds) but put a second copy of the scenario's deserialising code in the
        // page: 12,947 bytes more of gzipped wasm, measured.
        match serde_json::from_value(value.clone()) {
            Ok(s) => Ok(s),
            Err(e) => Err(ScenarioErrors(vec![match blame::culprit(&value) {
                Some(at) => format!("invalid scenario at {at}: {e}"),
                None => format!("invalid scenario: {e}"),
            }])),
        }
    }

    /// Pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        crate::json::pretty_json(self)
    }
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod tests;
