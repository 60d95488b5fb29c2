//! The scenario: one versioned, serde-serializable description of a run. It is the single source
//! of truth for the CLI, the web page, shared links and presets. `{}` is a valid scenario.

use crate::dur::{Dur, MAX_DUR};
use fpaxos::quorum::{QuorumSpec, QuorumSystem};
use fpaxos::MAX_NODES;
use serde::{Deserialize, Serialize};

/// The scenario format version this build writes. Older versions are upgraded on load.
pub const SCENARIO_VERSION: u32 = 1;

/// Largest cluster a scenario may describe.
pub const MAX_SCENARIO_NODES: u32 = MAX_NODES as u32;

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
        }
    }
}

/// A latency distribution (one-way).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Latency {
    /// Always `value`.
    Const {
        /// The latency.
        value: Dur,
    },
    /// Uniform in `[min, max]`.
    Uniform {
        /// Lower bound.
        min: Dur,
        /// Upper bound.
        max: Dur,
    },
    /// Normal, truncated at zero.
    Normal {
        /// Mean.
        mean: Dur,
        /// Standard deviation.
        stddev: Dur,
    },
    /// Log-normal: `median * exp(sigma * Z)`.
    Lognormal {
        /// Median.
        median: Dur,
        /// Shape (standard deviation of the log).
        sigma: f64,
    },
    /// `min` plus an exponential with mean `mean`.
    Exponential {
        /// Fixed part.
        #[serde(default)]
        min: Dur,
        /// Mean of the exponential part.
        mean: Dur,
    },
}

impl Default for Latency {
    fn default() -> Self {
        Latency::Normal {
            mean: Dur::ms(2),
            stddev: Dur::us(300),
        }
    }
}

impl Latency {
    /// Parses the CLI form: `const:10ms`, `uniform:5ms..15ms`, `normal:10ms,2ms`,
    /// `lognormal:10ms,0.5`, `exp:1ms` or `exp:5ms+1ms` (min + mean).
    pub fn parse_cli(s: &str) -> Result<Latency, String> {
        let (kind, rest) = s.split_once(':').unwrap_or(("const", s));
        let err = || {
            format!("bad latency `{s}`: use const:10ms, uniform:5ms..15ms, normal:10ms,2ms, lognormal:10ms,0.5 or exp:1ms")
        };
        match kind {
            "const" | "constant" => Ok(Latency::Const {
                value: Dur::parse(rest)?,
            }),
            "uniform" => {
                let (a, b) = rest.split_once("..").ok_or_else(err)?;
                Ok(Latency::Uniform {
                    min: Dur::parse(a)?,
                    max: Dur::parse(b)?,
                })
            }
            "normal" => {
                let (a, b) = rest.split_once(',').ok_or_else(err)?;
                Ok(Latency::Normal {
                    mean: Dur::parse(a)?,
                    stddev: Dur::parse(b)?,
                })
            }
            "lognormal" => {
                let (a, b) = rest.split_once(',').ok_or_else(err)?;
                Ok(Latency::Lognormal {
                    median: Dur::parse(a)?,
                    sigma: b.trim().parse().map_err(|_| err())?,
                })
            }
            "exp" | "exponential" => match rest.split_once('+') {
                Some((a, b)) => Ok(Latency::Exponential {
                    min: Dur::parse(a)?,
                    mean: Dur::parse(b)?,
                }),
                None => Ok(Latency::Exponential {
                    min: Dur(0),
                    mean: Dur::parse(rest)?,
                }),
            },
            _ => Err(err()),
        }
    }

    /// The mean of the distribution (for analytic estimates).
    pub fn mean(&self) -> Dur {
        match *self {
            Latency::Const { value } => value,
            Latency::Uniform { min, max } => Dur((min.0 + max.0) / 2),
            Latency::Normal { mean, .. } => mean,
            Latency::Lognormal { median, sigma } => {
                Dur((median.0 as f64 * libm::exp(sigma * sigma / 2.0)) as u64)
            }
            Latency::Exponential { min, mean } => Dur(min.0 + mean.0),
        }
    }

    fn validate(&self, what: &str, errs: &mut Vec<String>) {
        match self {
            Latency::Uniform { min, max } if min > max => {
                errs.push(format!("{what}: uniform min {min} is above max {max}"))
            }
            Latency::Lognormal { sigma, .. }
                if !(sigma.is_finite() && (0.0..=5.0).contains(sigma)) =>
            {
                errs.push(format!(
                    "{what}: lognormal sigma must be between 0 and 5, got {sigma}"
                ))
            }
            _ => {}
        }
        if self.mean() > Dur::secs(60) {
            errs.push(format!(
                "{what}: mean latency {} is above the 60 s limit",
                self.mean()
            ));
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

/// Every problem found in a scenario, one readable line each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<String>);

impl std::fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
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
        serde_json::from_value(value)
            .map_err(|e| ScenarioErrors(vec![format!("invalid scenario: {e}")]))
    }

    /// Pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        crate::report::pretty_json(self)
    }

    /// Checks everything; returns all problems, never panics.
    pub fn validate(&self) -> Result<(), ScenarioErrors> {
        let mut errs = Vec::new();
        let n = self.cluster.nodes;
        if self.version != SCENARIO_VERSION {
            errs.push(format!("scenario version must be {SCENARIO_VERSION}"));
        }
        if n == 0 || n > MAX_SCENARIO_NODES {
            errs.push(format!(
                "cluster.nodes must be between 1 and {MAX_SCENARIO_NODES}, got {n}"
            ));
        }
        if self.name.len() > 200 {
            errs.push("name is longer than 200 characters".into());
        }
        if self.notes.len() > 4000 {
            errs.push("notes are longer than 4000 characters".into());
        }
        if self.duration == Dur(0) {
            errs.push("duration must be above 0 (e.g. \"10s\")".into());
        }
        if self.duration > Dur::secs(3600) {
            errs.push(format!(
                "duration {} is above the 1 hour limit",
                self.duration
            ));
        }
        if self.warmup >= self.duration && self.duration > Dur(0) {
            errs.push(format!(
                "warmup {} must be shorter than the duration {}",
                self.warmup, self.duration
            ));
        }
        let valid_n = (1..=MAX_SCENARIO_NODES).contains(&n);
        if valid_n {
            match QuorumSystem::new(&self.cluster.quorum, n as usize) {
                Err(e) => errs.extend(e.into_iter().map(|m| format!("cluster.quorum: {m}"))),
                Ok(q) => {
                    if let Err(ce) = q.check_intersection() {
                        if !self.cluster.allow_unsafe {
                            errs.push(format!(
                                "unsafe quorums: Q1 {} and Q2 {} share no node, so two leaders could choose different values; set cluster.allow_unsafe (CLI: --allow-unsafe) to run it anyway",
                                ce.q1, ce.q2
                            ));
                        }
                    }
                }
            }
        }
        let c = &self.cluster;
        if let Some(l) = c.initial_leader {
            if l >= n {
                errs.push(format!("cluster.initial_leader {l} is not a node (0..{n})"));
            }
        }
        if c.window == 0 || c.window > 100_000 {
            errs.push(format!(
                "cluster.window must be 1..=100000, got {}",
                c.window
            ));
        }
        if c.batch == 0 || c.batch > 10_000 {
            errs.push(format!("cluster.batch must be 1..=10000, got {}", c.batch));
        }
        if c.commit_batch == 0 || c.commit_batch > 100_000 {
            errs.push("cluster.commit_batch must be 1..=100000".into());
        }
        if c.log_retain == 0 || c.log_retain > 10_000_000 {
            errs.push("cluster.log_retain must be 1..=10000000".into());
        }
        for (name, d, min) in [
            ("cluster.heartbeat", c.heartbeat, Dur::us(100)),
            ("cluster.election_timeout", c.election_timeout, Dur::ms(1)),
            ("cluster.retransmit", c.retransmit, Dur::us(100)),
        ] {
            if d < min || d > Dur::secs(600) {
                errs.push(format!("{name} must be between {min} and 600s, got {d}"));
            }
        }
        if c.election_timeout <= c.heartbeat {
            errs.push(format!(
                "cluster.election_timeout ({}) must be longer than the heartbeat ({})",
                c.election_timeout, c.heartbeat
            ));
        }
        let net = &self.network;
        net.latency.validate("network.latency", &mut errs);
        net.client_latency
            .validate("network.client_latency", &mut errs);
        for (name, p) in [
            ("network.loss", net.loss),
            ("network.duplicate", net.duplicate),
        ] {
            if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
                errs.push(format!("{name} must be a probability in [0, 1], got {p}"));
            }
        }
        if net.loss >= 1.0 {
            errs.push("network.loss of 1 loses every message: nothing could ever commit".into());
        }
        if let Some(b) = net.bandwidth_mbps {
            if !(b.is_finite() && (0.001..=1e6).contains(&b)) {
                errs.push(format!(
                    "network.bandwidth_mbps must be between 0.001 and 1000000, got {b}"
                ));
            }
        }
        if let Some(m) = &net.matrix {
            if m.len() != n as usize || m.iter().any(|r| r.len() != n as usize) {
                errs.push(format!("network.matrix must be {n} x {n}"));
            }
            if m.iter().flatten().any(|d| *d > Dur::secs(60)) {
                errs.push("network.matrix latencies must be at most 60s".into());
            }
        }
        if let Some(r) = &net.regions {
            if r.of_node.len() != n as usize {
                errs.push(format!(
                    "network.regions.of_node needs one region per node ({n}), got {}",
                    r.of_node.len()
                ));
            }
            r.local.validate("network.regions.local", &mut errs);
            r.remote.validate("network.regions.remote", &mut errs);
        }
        for l in &net.links {
            if l.from >= n || l.to >= n {
                errs.push(format!(
                    "network.links: link {}->{} names a node outside 0..{n}",
                    l.from, l.to
                ));
            }
            l.latency.validate("network.links latency", &mut errs);
        }
        if self.cpu.per_recv > Dur::secs(1) || self.cpu.per_send > Dur::secs(1) {
            errs.push("cpu costs must be at most 1s per message".into());
        }
        let w = &self.workload;
        if w.clients > 10_000 {
            errs.push(format!(
                "workload.clients must be at most 10000, got {}",
                w.clients
            ));
        }
        if w.outstanding == 0 || w.outstanding > 1000 {
            errs.push(format!(
                "workload.outstanding must be 1..=1000, got {}",
                w.outstanding
            ));
        }
        if w.rate.is_none() && (w.clients as u64) * (w.outstanding as u64) > 100_000 {
            errs.push(format!(
                "workload: {} clients x {} outstanding is over the limit of 100000 requests in flight",
                w.clients, w.outstanding
            ));
        }
        if w.timeout < Dur::ms(1) || w.timeout > Dur::secs(600) {
            errs.push(format!(
                "workload.timeout must be between 1ms and 600s, got {}",
                w.timeout
            ));
        }
        if w.command_bytes > 1 << 20 {
            errs.push("workload.command_bytes must be at most 1 MiB".into());
        }
        if let Some(r) = w.rate {
            if !(r.is_finite() && r > 0.0 && r <= 1e7) {
                errs.push(format!(
                    "workload.rate must be between 0 and 10000000 requests/s, got {r}"
                ));
            }
        }
        if self.faults.len() > 10_000 {
            errs.push("at most 10000 faults".into());
        }
        for f in &self.faults {
            if f.at > MAX_DUR {
                errs.push(format!("fault at {} is too late", f.at));
            }
            let check = |node: u32, errs: &mut Vec<String>| {
                if node >= n {
                    errs.push(format!(
                        "fault `{}` at {} names node {node}, but nodes are 0..{n}",
                        f.action.describe(),
                        f.at
                    ));
                }
            };
            match &f.action {
                FaultAction::Crash { node } | FaultAction::Recover { node } => {
                    check(*node, &mut errs)
                }
                FaultAction::Slow { node, factor } => {
                    check(*node, &mut errs);
                    if !(factor.is_finite() && (0.0..=10_000.0).contains(factor)) {
                        errs.push(format!(
                            "slow factor must be between 0 and 10000, got {factor}"
                        ));
                    }
                }
                FaultAction::CutLink { from, to, .. }
                | FaultAction::RestoreLink { from, to, .. } => {
                    check(*from, &mut errs);
                    check(*to, &mut errs);
                }
                FaultAction::Partition { groups } => {
                    for g in groups {
                        for node in g {
                            check(*node, &mut errs);
                        }
                    }
                }
                FaultAction::Heal | FaultAction::DropMessage { .. } => {}
            }
        }
        if self.metrics.bucket < Dur::ms(1) {
            errs.push("metrics.bucket must be at least 1ms".into());
        } else if self.duration.0 / self.metrics.bucket.0 > 100_000 {
            errs.push(
                "metrics.bucket is too small for this duration (at most 100000 buckets)".into(),
            );
        }
        if self.metrics.trace_capacity > 1_000_000 {
            errs.push("metrics.trace_capacity must be at most 1000000".into());
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ScenarioErrors(errs))
        }
    }

    /// The validated quorum system (validation errors if the scenario is invalid).
    pub fn quorum_system(&self) -> Result<QuorumSystem, ScenarioErrors> {
        QuorumSystem::new(&self.cluster.quorum, self.cluster.nodes as usize).map_err(ScenarioErrors)
    }
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;

    #[test]
    fn empty_object_is_valid_default() {
        let s = Scenario::from_json("{}").unwrap();
        assert_eq!(s, Scenario::default());
        s.validate().unwrap();
        let round = Scenario::from_json(&s.to_json_pretty()).unwrap();
        assert_eq!(round, s);
    }

    #[test]
    fn garbage_is_rejected_readably() {
        for bad in [
            "",
            "[]",
            "42",
            "{\"cluster\":{\"nodes\":-1}}",
            "{\"version\":99}",
            "{\"bogus\":1}",
        ] {
            let e = Scenario::from_json(bad).unwrap_err();
            assert!(!e.0.is_empty(), "{bad}");
        }
        let mut s = Scenario::default();
        s.cluster.nodes = 10_000;
        assert!(s.validate().is_err());
        s.cluster.nodes = 0;
        assert!(s.validate().is_err());
        let mut s = Scenario::default();
        s.duration = Dur(0);
        s.cluster.quorum = QuorumSpec::Counting { q1: 2, q2: 2 };
        let e = s.validate().unwrap_err();
        assert!(e.0.len() >= 2, "{e}");
        assert!(e.to_string().contains("unsafe"));
    }

    #[test]
    fn latency_cli() {
        assert_eq!(
            Latency::parse_cli("const:10ms"),
            Ok(Latency::Const { value: Dur::ms(10) })
        );
        assert_eq!(
            Latency::parse_cli("uniform:5ms..15ms"),
            Ok(Latency::Uniform {
                min: Dur::ms(5),
                max: Dur::ms(15)
            })
        );
        assert!(Latency::parse_cli("uniform:5ms").is_err());
    }
}
