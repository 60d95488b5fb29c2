//! # fpaxos-cli — the `fpaxos` command
//!
//! A thin layer over the simulator: it reads a scenario (a file, stdin or nothing for the
//! defaults), applies command-line overrides to its JSON, validates it and runs it. Sweeps and
//! swarm checks run many scenarios on all cores; everything that decides *what* runs (knobs,
//! points, swarm generation) lives in `fpaxos-sim`, so the web page computes the same numbers.
//!
//! **Architecture invariant**: the CLI never invents a result format. `run --json` prints the
//! simulator's `Report`, `sweep` prints `fpaxos_sim::sweep::SweepRow`s.
#![deny(missing_docs)]

pub mod bench;
pub mod fmt;
pub mod overrides;

use fpaxos_sim::scenario::Checked;
use fpaxos_sim::swarm::Pins;
use fpaxos_sim::{Scenario, ScenarioErrors};
use serde_json::Value;
use std::io::Read;

/// Reads scenario JSON: `None` is `{}` (every default), `-` is stdin, anything else a file.
pub fn read_scenario_value(path: Option<&str>) -> Result<Value, Vec<String>> {
    let (text, name) = match path {
        None => return Ok(Value::Object(Default::default())),
        Some("-") => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| vec![format!("cannot read the scenario from stdin: {e}")])?;
            (s, "stdin".to_string())
        }
        Some(p) => (
            std::fs::read_to_string(p).map_err(|e| vec![format!("cannot read {p}: {e}")])?,
            p.to_string(),
        ),
    };
    serde_json::from_str(&text).map_err(|e| vec![format!("{name} is not valid JSON: {e}")])
}

/// Reads a scenario, applies overrides, parses and checks it: the one validation of every
/// command. Every problem is one line.
pub fn load_scenario(
    path: Option<&str>,
    overrides: &overrides::Overrides,
) -> Result<Checked, Vec<String>> {
    let mut v = read_scenario_value(path)?;
    overrides.apply(&mut v)?;
    check_value(v)
}

/// The swarm scenario for `seed` with `pins` honoured and the overrides applied on top, checked.
pub fn load_seed(
    seed: u64,
    pins: &Pins,
    overrides: &overrides::Overrides,
) -> Result<Checked, Vec<String>> {
    let s = fpaxos_sim::swarm::generate(seed, pins);
    let mut v = serde_json::to_value(&s).map_err(|e| vec![e.to_string()])?;
    overrides.apply(&mut v)?;
    check_value(v)
}

fn check_value(v: Value) -> Result<Checked, Vec<String>> {
    let s = Scenario::from_value(v).map_err(ScenarioErrors::into_lines)?;
    s.check().map_err(ScenarioErrors::into_lines)
}
