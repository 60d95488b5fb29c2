//! Command-line overrides of a scenario: typed flags (`--nodes 5`, `--quorum 4,2`, ...) and the
//! generic `--set path=value`. They are applied to the scenario's JSON value, before it is parsed
//! and validated, so an override goes through exactly the checks a scenario file does.

use clap::builder::BoolishValueParser;
use clap::Args;
use fpaxos::QuorumSpec;
use fpaxos_sim::swarm::Pins;
use fpaxos_sim::{Dur, Latency, Scenario};
use serde_json::{json, Value};

/// Flags that change a scenario. Shared by `run`, `sweep` and `check`. Serialised, they are
/// part of what a `check --shard` records as the run it is a shard of.
#[derive(Args, Clone, Debug, Default, serde::Serialize)]
pub struct Overrides {
    /// Number of nodes.
    #[arg(long, value_name = "N", help_heading = "Scenario overrides")]
    pub nodes: Option<u32>,
    /// Quorum system: `majority`, `Q1,Q2` (e.g. 4,2) or `grid:RxC` (`grid:RxC:col` for Q1 = a column).
    #[arg(long, value_name = "Q", value_parser = QuorumSpec::parse_cli, help_heading = "Scenario overrides")]
    pub quorum: Option<QuorumSpec>,
    /// Thrifty messaging: phase-1/phase-2 messages only to a chosen quorum (`--thrifty=false` turns it off).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", require_equals = true, help_heading = "Scenario overrides")]
    pub thrifty: Option<bool>,
    /// Check-quorum: a leader that hears from no Q2 within an election timeout steps down (on by default; `--check-quorum=off` turns it off).
    #[arg(long, value_name = "on|off", num_args = 0..=1, default_missing_value = "on", require_equals = true, value_parser = BoolishValueParser::new(), hide_possible_values = true, help_heading = "Scenario overrides")]
    pub check_quorum: Option<bool>,
    /// Pre-vote: a would-be candidate first asks whether a Q1 would vote for it (off by default; `--pre-vote` or `--pre-vote=on` turns it on).
    #[arg(long, value_name = "on|off", num_args = 0..=1, default_missing_value = "on", require_equals = true, value_parser = BoolishValueParser::new(), hide_possible_values = true, help_heading = "Scenario overrides")]
    pub pre_vote: Option<bool>,
    /// Client sessions: a leader answers a resend of an executed command at once instead of proposing it again (off by default; `--sessions` or `--sessions=on` turns them on).
    #[arg(long, value_name = "on|off", num_args = 0..=1, default_missing_value = "on", require_equals = true, value_parser = BoolishValueParser::new(), hide_possible_values = true, help_heading = "Scenario overrides")]
    pub sessions: Option<bool>,
    /// Node-to-node latency: `const:10ms`, `uniform:5ms..15ms`, `normal:10ms,2ms`, `lognormal:10ms,0.5`, `exp:1ms`.
    #[arg(long, value_name = "DIST", value_parser = Latency::parse_cli, help_heading = "Scenario overrides")]
    pub latency: Option<Latency>,
    /// Number of clients.
    #[arg(long, value_name = "K", help_heading = "Scenario overrides")]
    pub clients: Option<u32>,
    /// Requests each closed-loop client keeps outstanding.
    #[arg(long, value_name = "W", help_heading = "Scenario overrides")]
    pub outstanding: Option<u32>,
    /// Open loop: total Poisson arrival rate in requests per second.
    #[arg(long, value_name = "R", help_heading = "Scenario overrides")]
    pub rate: Option<f64>,
    /// Simulated time to run, e.g. 10s.
    #[arg(long, value_name = "DUR", value_parser = Dur::parse, help_heading = "Scenario overrides")]
    pub duration: Option<Dur>,
    /// Completions before this time are not measured, e.g. 500ms.
    #[arg(long, value_name = "DUR", value_parser = Dur::parse, help_heading = "Scenario overrides")]
    pub warmup: Option<Dur>,
    /// Simulator seed.
    #[arg(long, value_name = "S", help_heading = "Scenario overrides")]
    pub seed: Option<u64>,
    /// CPU cost per message, for receiving and for sending alike, e.g. 20us.
    #[arg(long, value_name = "DUR", value_parser = Dur::parse, help_heading = "Scenario overrides")]
    pub cpu: Option<Dur>,
    /// Probability a node-to-node message is lost, e.g. 0.01.
    #[arg(long, value_name = "P", help_heading = "Scenario overrides")]
    pub loss: Option<f64>,
    /// Most slots in flight at the leader.
    #[arg(long, value_name = "N", help_heading = "Scenario overrides")]
    pub window: Option<u32>,
    /// Most client commands per slot.
    #[arg(long, value_name = "N", help_heading = "Scenario overrides")]
    pub batch: Option<u32>,
    /// Run even if some Q1 and some Q2 share no node (teaching mode).
    #[arg(long, help_heading = "Scenario overrides")]
    pub allow_unsafe: bool,
    /// Set any scenario field: `--set network.loss=0.01`,
    /// `--set cluster.quorum={"kind":"grid","rows":2,"cols":3}`. The value is JSON if it parses
    /// as JSON, else a string (`--set duration=5s`). Repeatable; applied after the other flags.
    #[arg(
        long = "set",
        value_name = "PATH=VALUE",
        help_heading = "Scenario overrides"
    )]
    pub set: Vec<String>,
}

fn dur(d: Dur) -> Value {
    Value::String(d.to_string())
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

impl Overrides {
    /// Applies every override to a scenario's JSON value. Returns one message per problem.
    pub fn apply(&self, v: &mut Value) -> Result<(), Vec<String>> {
        let mut errs = Vec::new();
        if !v.is_object() {
            return Err(vec![
                "a scenario must be a JSON object, e.g. {} or {\"cluster\": {\"nodes\": 5}}".into(),
            ]);
        }
        let mut typed: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = self.nodes {
            typed.extend(set_nodes(v, n));
        }
        if let Some(q) = &self.quorum {
            typed.push(("cluster.quorum", to_json(q)));
        }
        if let Some(t) = self.thrifty {
            typed.push(("cluster.thrifty", json!(t)));
        }
        if let Some(on) = self.check_quorum {
            typed.push(("cluster.check_quorum", json!(on)));
        }
        if let Some(on) = self.pre_vote {
            typed.push(("cluster.pre_vote", json!(on)));
        }
        if let Some(on) = self.sessions {
            typed.push(("cluster.sessions", json!(on)));
        }
        if let Some(l) = &self.latency {
            typed.push(("network.latency", to_json(l)));
        }
        if let Some(c) = self.clients {
            typed.push(("workload.clients", json!(c)));
        }
        if let Some(o) = self.outstanding {
            typed.push(("workload.outstanding", json!(o)));
        }
        if let Some(r) = self.rate {
            if r.is_finite() {
                typed.push(("workload.rate", json!(r)));
            } else {
                errs.push(format!("--rate must be a finite number, got {r}"));
            }
        }
        if let Some(d) = self.duration {
            typed.push(("duration", dur(d)));
            // A default warmup must not outlast a short run: scale it down instead of failing.
            let default_warmup = Scenario::default().warmup;
            if self.warmup.is_none() && v.get("warmup").is_none() && d <= default_warmup {
                typed.push(("warmup", dur(Dur(d.0 / 10))));
            }
        }
        if let Some(d) = self.warmup {
            typed.push(("warmup", dur(d)));
        }
        if let Some(s) = self.seed {
            typed.push(("seed", json!(s)));
        }
        if let Some(c) = self.cpu {
            typed.push(("cpu.per_recv", dur(c)));
            typed.push(("cpu.per_send", dur(c)));
        }
        if let Some(p) = self.loss {
            if p.is_finite() {
                typed.push(("network.loss", json!(p)));
            } else {
                errs.push(format!("--loss must be a probability in [0, 1], got {p}"));
            }
        }
        if let Some(w) = self.window {
            typed.push(("cluster.window", json!(w)));
        }
        if let Some(b) = self.batch {
            typed.push(("cluster.batch", json!(b)));
        }
        if self.allow_unsafe {
            typed.push(("cluster.allow_unsafe", json!(true)));
        }
        for (path, value) in typed {
            if let Err(e) = set_path(v, path, value) {
                errs.push(e);
            }
        }
        for s in &self.set {
            match parse_set(s) {
                Ok((path, value)) => {
                    if let Err(e) = set_path(v, &path, value) {
                        errs.push(format!("--set {s}: {e}"));
                    }
                }
                Err(e) => errs.push(e),
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }

    /// The settings a swarm generator must honour while drawing a scenario: cluster size, quorum
    /// system, thrift and `allow_unsafe`, whether given as flags or with `--set`.
    pub fn pins(&self) -> Result<Pins, Vec<String>> {
        let mut v = to_json(&Scenario::default());
        self.apply(&mut v)?;
        let s = Scenario::from_value(v).map_err(|e| e.0)?;
        let paths: Vec<String> = self
            .set
            .iter()
            .filter_map(|s| parse_set(s).ok().map(|(p, _)| p))
            .collect();
        let touched = |field: &str| {
            paths.iter().any(|p| {
                p == "cluster"
                    || p == &format!("cluster.{field}")
                    || p.starts_with(&format!("cluster.{field}."))
            })
        };
        Ok(Pins {
            nodes: (self.nodes.is_some() || touched("nodes")).then_some(s.cluster.nodes),
            quorum: (self.quorum.is_some() || touched("quorum")).then(|| s.cluster.quorum.clone()),
            thrifty: (self.thrifty.is_some() || touched("thrifty")).then_some(s.cluster.thrifty),
            allow_unsafe: s.cluster.allow_unsafe,
            // `--loss` is set by the overrides after generating, which is what this pin does.
            loss: None,
        })
    }
}

/// What `--nodes n` writes: the size, and whatever [`Scenario::set_nodes`] changes with it (the
/// quorum sizes, regions, initial leader), as paths into the scenario's JSON. Explicit flags such
/// as `--quorum` are applied after it and win. A scenario that does not parse yet gets only
/// the size (its parse error is reported later, like a file's).
fn set_nodes(v: &Value, n: u32) -> Vec<(&'static str, Value)> {
    let mut out = vec![("cluster.nodes", json!(n))];
    let Ok(before) = Scenario::from_value(v.clone()) else {
        return out;
    };
    let mut after = before.clone();
    after.set_nodes(n);
    if after.cluster.quorum != before.cluster.quorum {
        out.push(("cluster.quorum", to_json(&after.cluster.quorum)));
    }
    if after.cluster.initial_leader != before.cluster.initial_leader {
        out.push((
            "cluster.initial_leader",
            to_json(&after.cluster.initial_leader),
        ));
    }
    if after.network.regions != before.network.regions {
        out.push(("network.regions", to_json(&after.network.regions)));
    }
    out
}

/// Splits `path=value`; the value is JSON if it parses, else a string.
pub fn parse_set(s: &str) -> Result<(String, Value), String> {
    let (path, raw) = s
        .split_once('=')
        .ok_or_else(|| format!("--set {s}: expected PATH=VALUE, e.g. --set network.loss=0.01"))?;
    let path = path.trim();
    if path.is_empty() || path == "/" {
        return Err(format!("--set {s}: the path is empty"));
    }
    let value = serde_json::from_str(raw.trim()).unwrap_or_else(|_| Value::String(raw.to_string()));
    Ok((path.to_string(), value))
}

/// Path segments: `a.b.0.c`, or a JSON pointer `/a/b/0/c` (`~1` is `/`, `~0` is `~`).
fn segments(path: &str) -> Vec<String> {
    if let Some(p) = path.strip_prefix('/') {
        p.split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    } else {
        path.split('.').map(str::to_string).collect()
    }
}

/// Sets `path` in `root`, creating objects along the way (a `null` becomes an object).
pub fn set_path(root: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let segs = segments(path);
    let mut cur = root;
    let mut walked = String::new();
    for (i, seg) in segs.iter().enumerate() {
        if seg.is_empty() {
            return Err(format!("path `{path}` has an empty segment"));
        }
        let last = i + 1 == segs.len();
        if cur.is_null() {
            *cur = Value::Object(Default::default());
        }
        let here = if walked.is_empty() {
            "the scenario".to_string()
        } else {
            format!("`{walked}`")
        };
        cur = match cur {
            Value::Object(map) => {
                if last {
                    map.insert(seg.clone(), value);
                    return Ok(());
                }
                map.entry(seg.clone()).or_insert(Value::Null)
            }
            Value::Array(list) => {
                let idx: usize = seg.parse().map_err(|_| {
                    format!(
                        "{here} is a list: `{seg}` must be an index (0..{})",
                        list.len()
                    )
                })?;
                let len = list.len();
                if idx > len {
                    return Err(format!(
                        "{here} has {len} entries: index {idx} is out of range"
                    ));
                }
                if idx == len {
                    list.push(Value::Null);
                }
                if last {
                    list[idx] = value;
                    return Ok(());
                }
                &mut list[idx]
            }
            _ => {
                return Err(format!(
                    "{here} is not an object, so it has no field `{seg}`"
                ))
            }
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(seg);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_paths() {
        let mut v = json!({});
        set_path(&mut v, "network.loss", json!(0.01)).unwrap();
        set_path(
            &mut v,
            "/cluster/quorum",
            json!({"kind": "grid", "rows": 2, "cols": 3}),
        )
        .unwrap();
        assert_eq!(v["network"]["loss"], json!(0.01));
        assert_eq!(v["cluster"]["quorum"]["rows"], json!(2));
        let mut v = json!({"faults": [{"at": "1s", "action": "heal"}]});
        set_path(&mut v, "faults.0.at", json!("2s")).unwrap();
        set_path(&mut v, "faults.1", json!({"at": "3s", "action": "heal"})).unwrap();
        assert_eq!(v["faults"][1]["at"], json!("3s"));
        assert!(set_path(&mut v, "faults.x", json!(1)).is_err());
        assert!(set_path(&mut v, "faults.5", json!(1)).is_err());
        let mut v = json!({"seed": 3});
        assert!(set_path(&mut v, "seed.x", json!(1)).is_err());
    }

    #[test]
    fn set_values_are_json_or_strings() {
        assert_eq!(parse_set("duration=5s").unwrap().1, json!("5s"));
        assert_eq!(parse_set("seed=5").unwrap().1, json!(5));
        assert_eq!(parse_set("cluster.thrifty=true").unwrap().1, json!(true));
        assert!(parse_set("nothing").is_err());
    }

    #[test]
    fn nodes_flag_changes_what_depends_on_the_size() {
        let o = Overrides {
            nodes: Some(7),
            ..Overrides::default()
        };
        let mut v = json!({"cluster": {"nodes": 5, "quorum": {"kind": "counting", "q1": 4, "q2": 2}, "initial_leader": 4}});
        o.apply(&mut v).unwrap();
        assert_eq!(v["cluster"]["nodes"], json!(7));
        assert_eq!(v["cluster"]["quorum"]["q1"], json!(6));
        assert_eq!(v["cluster"]["initial_leader"], json!(4));
        // An explicit quorum wins over the resized one.
        let o = Overrides {
            nodes: Some(3),
            quorum: Some(QuorumSpec::Counting { q1: 3, q2: 1 }),
            ..Overrides::default()
        };
        o.apply(&mut v).unwrap();
        assert_eq!(v["cluster"]["quorum"]["q1"], json!(3));
        assert_eq!(v["cluster"]["initial_leader"], json!(0));
        // Unparsable input still gets the size; its error comes from parsing.
        let mut bad = json!({"cluster": {"bogus": 1}});
        o.apply(&mut bad).unwrap();
        assert_eq!(bad["cluster"]["nodes"], json!(3));
    }

    #[test]
    fn pins_from_flags_and_set() {
        let o = Overrides {
            set: vec!["cluster.nodes=7".into()],
            quorum: Some(QuorumSpec::Counting { q1: 5, q2: 3 }),
            ..Overrides::default()
        };
        let p = o.pins().unwrap();
        assert_eq!(p.nodes, Some(7));
        assert_eq!(p.quorum, Some(QuorumSpec::Counting { q1: 5, q2: 3 }));
        assert_eq!(p.thrifty, None);
        assert!(!p.allow_unsafe);
    }

    #[test]
    fn liveness_switches_take_on_and_off() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            o: Overrides,
        }
        let parse = |args: &[&str]| {
            let cli = Cli::try_parse_from(std::iter::once("fpaxos").chain(args.iter().copied()))
                .map_err(|e| e.to_string())?;
            let mut v = json!({});
            cli.o.apply(&mut v).map_err(|e| e.join("; "))?;
            Ok::<_, String>(Scenario::from_value(v).map_err(|e| e.to_string())?.cluster)
        };
        let c = parse(&[]).unwrap();
        assert!(c.check_quorum && !c.pre_vote);
        let c = parse(&["--check-quorum=off", "--pre-vote"]).unwrap();
        assert!(!c.check_quorum && c.pre_vote);
        let c = parse(&["--check-quorum=on", "--pre-vote=false"]).unwrap();
        assert!(c.check_quorum && !c.pre_vote);
        assert!(parse(&["--pre-vote=maybe"]).is_err());
        assert!(!parse(&[]).unwrap().sessions);
        assert!(parse(&["--sessions"]).unwrap().sessions);
        assert!(!parse(&["--sessions=off"]).unwrap().sessions);
    }
}
