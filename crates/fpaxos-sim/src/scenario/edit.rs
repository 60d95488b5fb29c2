//! What an edit of a scenario means, written once. The page's editor, the CLI's `--nodes`, the
//! sweep's knobs, the swarm generator and the analysis call these instead of keeping their own
//! copies, so "change N" or "which latency does link a->b have" has one answer everywhere.

use super::{Cluster, Latency, Network, Regions, Scenario};
use crate::dur::Dur;
use fpaxos::quorum::{GridAxis, QuorumSpec};
use fpaxos::NodeSet;

impl Scenario {
    /// Changes the cluster size to `n` and adapts what depends on it; setting the current size
    /// changes nothing. The rule:
    /// - counting quorums keep Q2 (capped at `n`) and take the smallest safe Q1, `n - Q2 + 1`;
    /// - weighted quorums drop the weights of removed nodes, give new nodes weight 1, and, like
    ///   counting quorums, keep the Q2 threshold (capped at the total weight) and take the
    ///   smallest safe Q1 threshold, `total - Q2 + 1`;
    /// - majorities, grids and explicit lists are left as they are (a grid fixes its own size);
    /// - nodes keep their region modulo the number of regions in use;
    /// - an initial leader that is no longer a node becomes node 0.
    ///
    /// A latency matrix, per-link overrides and faults that name removed nodes are left for
    /// [`Scenario::check`] to report.
    pub fn set_nodes(&mut self, n: u32) {
        if n == self.cluster.nodes {
            return;
        }
        self.cluster.nodes = n;
        self.cluster.quorum = resize_quorum(&self.cluster.quorum, n);
        if let Some(r) = &mut self.network.regions {
            let k = r.of_node.iter().max().map_or(1, |m| m + 1);
            r.of_node = (0..n).map(|i| i % k).collect();
        }
        if self.cluster.initial_leader.is_some_and(|l| l >= n) {
            self.cluster.initial_leader = Some(0);
        }
    }

    /// Switches to the default system of `kind` for the current size (a grid picks its own
    /// size, and the cluster follows it through [`Scenario::set_nodes`]).
    pub fn set_quorum_kind(&mut self, kind: QuorumKind) {
        let (spec, nodes) = kind.default_spec(self.cluster.nodes);
        self.set_nodes(nodes);
        self.cluster.quorum = spec;
    }

    /// Applies a network preset to this scenario's cluster (see [`Network::apply_preset`]).
    pub fn set_network_preset(&mut self, preset: NetworkPreset) {
        self.network.apply_preset(preset, self.cluster.nodes);
    }
}

/// The quorum spec `spec` adapted to `n` nodes, by the rule of [`Scenario::set_nodes`].
pub fn resize_quorum(spec: &QuorumSpec, n: u32) -> QuorumSpec {
    match spec {
        QuorumSpec::Counting { q2, .. } => {
            let q2 = (*q2).min(n).max(1);
            QuorumSpec::Counting {
                q1: (n + 1).saturating_sub(q2).max(1),
                q2,
            }
        }
        QuorumSpec::Weighted { weights, q2, .. } => {
            let mut weights = weights.clone();
            weights.resize(n as usize, 1);
            let total = weights.iter().fold(0u32, |a, w| a.saturating_add(*w));
            let q2 = (*q2).min(total).max(1);
            QuorumSpec::Weighted {
                q1: (total + 1).saturating_sub(q2).max(1),
                q2,
                weights,
            }
        }
        other => other.clone(),
    }
}

impl Cluster {
    /// The quorum choice in words, e.g. `Q1=4 Q2=2, thrifty`: the label of compare variants,
    /// presets and the CLI summary. The liveness switches appear only when not at their
    /// defaults (`no check-quorum`, `pre-vote`, `sessions`), so the usual labels stay short.
    pub fn label(&self) -> String {
        let mut label = self.quorum.label(self.nodes as usize);
        for (on, word) in [
            (self.thrifty, "thrifty"),
            (!self.check_quorum, "no check-quorum"),
            (self.pre_vote, "pre-vote"),
            (self.sessions, "sessions"),
        ] {
            if on {
                label.push_str(", ");
                label.push_str(word);
            }
        }
        label
    }
}

/// The kinds of quorum system, as the editor offers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuorumKind {
    /// Strict majorities.
    Majority,
    /// Q1 and Q2 sizes.
    Counting,
    /// Rows and columns.
    Grid,
    /// Weighted votes.
    Weighted,
    /// Explicit lists.
    Explicit,
}

impl QuorumKind {
    /// Every kind, in menu order.
    pub const ALL: [QuorumKind; 5] = [
        QuorumKind::Majority,
        QuorumKind::Counting,
        QuorumKind::Grid,
        QuorumKind::Weighted,
        QuorumKind::Explicit,
    ];

    /// The name used in the editor and in JSON's `kind` field.
    pub fn name(self) -> &'static str {
        match self {
            QuorumKind::Majority => "majority",
            QuorumKind::Counting => "counting",
            QuorumKind::Grid => "grid",
            QuorumKind::Weighted => "weighted",
            QuorumKind::Explicit => "explicit",
        }
    }

    /// The kind named `name` (as [`QuorumKind::name`] writes it).
    pub fn from_name(name: &str) -> Option<QuorumKind> {
        QuorumKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The kind of a spec.
    pub fn of(spec: &QuorumSpec) -> QuorumKind {
        match spec {
            QuorumSpec::Majority => QuorumKind::Majority,
            QuorumSpec::Counting { .. } => QuorumKind::Counting,
            QuorumSpec::Grid { .. } => QuorumKind::Grid,
            QuorumSpec::Weighted { .. } => QuorumKind::Weighted,
            QuorumSpec::Explicit { .. } => QuorumKind::Explicit,
        }
    }

    /// A safe starting system of this kind for about `n` nodes, and the cluster size it needs
    /// (a grid rounds `n` to a nearby rectangle, up to 4 x 4).
    pub fn default_spec(self, n: u32) -> (QuorumSpec, u32) {
        let n = n.max(1);
        let maj = n / 2 + 1;
        match self {
            QuorumKind::Majority => (QuorumSpec::Majority, n),
            QuorumKind::Counting => (
                QuorumSpec::Counting {
                    q1: maj,
                    q2: n + 1 - maj,
                },
                n,
            ),
            QuorumKind::Grid => {
                let (rows, cols) = match n {
                    0..=4 => (2, 2),
                    5..=6 => (2, 3),
                    7..=9 => (3, 3),
                    10..=12 => (3, 4),
                    _ => (4, 4),
                };
                let q1 = GridAxis::Row;
                (QuorumSpec::Grid { rows, cols, q1 }, rows * cols)
            }
            QuorumKind::Weighted => (
                QuorumSpec::Weighted {
                    weights: vec![1; n as usize],
                    q1: maj,
                    q2: maj,
                },
                n,
            ),
            QuorumKind::Explicit => {
                let first = NodeSet::from_ids((0..maj).map(|i| i as u8));
                let last = NodeSet::from_ids((n - maj..n).map(|i| i as u8));
                let sets = vec![first, last];
                (
                    QuorumSpec::Explicit {
                        q1: sets.clone(),
                        q2: sets,
                    },
                    n,
                )
            }
        }
    }
}

/// Ready-made networks: a LAN, a datacenter, the FPaxos paper's constant 10 ms, and two or
/// three wide-area regions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NetworkPreset {
    /// Normal 2 ms +- 300 us.
    Lan,
    /// Normal 250 us +- 50 us.
    Dc,
    /// Constant 10 ms, as in the paper's experiments.
    Paper,
    /// Two regions (first half, second half): 1 ms inside, 35 ms between.
    Wan2,
    /// Three regions (node `i` in region `i % 3`): 1 ms inside, 40 ms between.
    Wan3,
}

impl NetworkPreset {
    /// Every preset, in menu order.
    pub const ALL: [NetworkPreset; 5] = [
        NetworkPreset::Lan,
        NetworkPreset::Dc,
        NetworkPreset::Paper,
        NetworkPreset::Wan2,
        NetworkPreset::Wan3,
    ];

    /// The preset's short name (`lan`, `dc`, `paper`, `wan2`, `wan3`).
    pub fn name(self) -> &'static str {
        match self {
            NetworkPreset::Lan => "lan",
            NetworkPreset::Dc => "dc",
            NetworkPreset::Paper => "paper",
            NetworkPreset::Wan2 => "wan2",
            NetworkPreset::Wan3 => "wan3",
        }
    }

    /// The preset named `name`.
    pub fn from_name(name: &str) -> Option<NetworkPreset> {
        NetworkPreset::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Which preset `net` looks like: any region layout counts as `wan2` or `wan3` (by its
    /// number of regions); without regions, the preset with the same default latency.
    pub fn of(net: &Network) -> Option<NetworkPreset> {
        match &net.regions {
            Some(r) if r.of_node.iter().max().is_some_and(|m| *m >= 2) => Some(NetworkPreset::Wan3),
            Some(_) => Some(NetworkPreset::Wan2),
            None => [NetworkPreset::Lan, NetworkPreset::Dc, NetworkPreset::Paper]
                .into_iter()
                .find(|p| p.flat_latency().as_ref() == Some(&net.latency)),
        }
    }

    /// The default latency of a preset without regions.
    fn flat_latency(self) -> Option<Latency> {
        let normal = |mean, stddev| Latency::Normal { mean, stddev };
        match self {
            NetworkPreset::Lan => Some(normal(Dur::ms(2), Dur::us(300))),
            NetworkPreset::Dc => Some(normal(Dur::us(250), Dur::us(50))),
            NetworkPreset::Paper => Some(Latency::Const { value: Dur::ms(10) }),
            NetworkPreset::Wan2 | NetworkPreset::Wan3 => None,
        }
    }
}

impl Network {
    /// Applies `preset` to a network of `n` nodes. A flat preset sets the default latency and
    /// clears regions; a wide-area preset sets regions and keeps the default latency.
    pub fn apply_preset(&mut self, preset: NetworkPreset, n: u32) {
        if let Some(l) = preset.flat_latency() {
            self.regions = None;
            self.latency = l;
            return;
        }
        let local = Latency::Normal {
            mean: Dur::ms(1),
            stddev: Dur::us(200),
        };
        self.regions = Some(match preset {
            NetworkPreset::Wan2 => Regions {
                of_node: (0..n).map(|i| u32::from(i >= n.div_ceil(2))).collect(),
                local,
                remote: Latency::Normal {
                    mean: Dur::ms(35),
                    stddev: Dur::ms(3),
                },
            },
            _ => Regions {
                of_node: (0..n).map(|i| i % 3).collect(),
                local,
                remote: Latency::Normal {
                    mean: Dur::ms(40),
                    stddev: Dur::ms(4),
                },
            },
        });
    }

    /// The one-way latency of every link `a -> b` of an `n`-node cluster, row-major
    /// (`[a * n + b]`). Later rules win: the default latency, then regions, then the constant
    /// matrix, then per-link overrides. Parts that do not fit `n` nodes (which
    /// [`Scenario::check`] rejects) are skipped, so this never panics.
    pub fn link_latencies(&self, n: usize) -> Vec<Latency> {
        let mut t = vec![self.latency.clone(); n * n];
        if let Some(r) = self.regions.as_ref().filter(|r| r.of_node.len() == n) {
            for (a, ra) in r.of_node.iter().enumerate() {
                for (b, rb) in r.of_node.iter().enumerate() {
                    t[a * n + b] = if ra == rb {
                        r.local.clone()
                    } else {
                        r.remote.clone()
                    };
                }
            }
        }
        if let Some(m) = self
            .matrix
            .as_ref()
            .filter(|m| m.len() == n && m.iter().all(|r| r.len() == n))
        {
            for (a, row) in m.iter().enumerate() {
                for (b, d) in row.iter().enumerate() {
                    t[a * n + b] = Latency::Const { value: *d };
                }
            }
        }
        for l in &self.links {
            let (a, b) = (l.from as usize, l.to as usize);
            if a < n && b < n {
                t[a * n + b] = l.latency.clone();
                if l.both {
                    t[b * n + a] = l.latency.clone();
                }
            }
        }
        t
    }

    /// The quickest round trip between two distinct nodes of `n` that the network can draw
    /// (`a -> b` then `b -> a`, each at its link's [`Latency::min`]); `None` for one node.
    /// CPU costs and queueing only add to it, so no reply can ever come back sooner.
    pub fn min_round_trip(&self, n: usize) -> Option<Dur> {
        let t = self.link_latencies(n);
        let min = |a: usize, b: usize| t[a * n + b].min().0;
        (0..n)
            .flat_map(|a| (0..n).filter(move |b| *b != a).map(move |b| (a, b)))
            .map(|(a, b)| Dur(min(a, b).saturating_add(min(b, a))))
            .min()
    }
}
