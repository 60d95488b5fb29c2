//! The engine's reports and scenarios across the worker boundary, as JSON values: written by
//! the engine's `Serialize` derive into a `serde_json::Value` and read back by its
//! `Deserialize` derive from one, so a field added to the engine travels too. The page already
//! carries that serde code for its exports and links (`fpaxos_sim::json`,
//! `Scenario::from_value`); going through serde-wasm-bindgen directly would put a second copy of
//! every report and scenario type's serde code in the page's wasm.
//!
//! A JSON value carries every `f64` exactly; it has no NaN or infinity, which the engine's
//! reports never hold (a field that did would arrive as an error, not as a wrong number).

use fpaxos_sim::Report;
use serde::{Deserialize, Serialize};

/// A report on the wire between a worker and the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct WireReport(#[serde(with = "value")] pub(crate) Report);

/// `#[serde(with = "wire::value")]`: a field that holds a scenario (or a report), on the wire as
/// a JSON value of its whole type.
pub(crate) mod value {
    use serde::de::{DeserializeOwned, Error as _};
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<T: Serialize, S: Serializer>(v: &T, ser: S) -> Result<S::Ok, S::Error> {
        serde_json::to_value(v)
            .map_err(S::Error::custom)?
            .serialize(ser)
    }

    pub(crate) fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
        de: D,
    ) -> Result<T, D::Error> {
        let v = serde_json::Value::deserialize(de)?;
        serde_json::from_value(v).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fpaxos_sim::swarm::LivenessJudged;

    #[test]
    fn a_report_reads_back_equal() {
        // Split-brain has safety violations; leader-failure has stalls and elections.
        for id in ["split-brain", "leader-failure", "basics"] {
            let s = crate::presets::by_id(id).expect("preset").scenario;
            let r = fpaxos_sim::run(&s).expect("runs");
            // serde_json with `float_roundtrip` (dev-dependency): the page's serde-wasm-bindgen
            // carries f64 exactly too.
            let text = serde_json::to_string(&WireReport(r.clone())).expect("writes");
            let back: WireReport = serde_json::from_str(&text).expect("reads");
            assert_eq!(back.0, r, "{id}");
        }
    }

    /// Jobs and answers that carry scenarios read back equal (through JSON text here; the page
    /// and its workers go through JS values, by the same `Serialize` and `Deserialize`).
    #[test]
    fn scenarios_in_jobs_and_answers_read_back_equal() {
        use crate::run::job::{Answer, Job};
        let s = crate::presets::by_id("split-brain")
            .expect("preset")
            .scenario;
        let round = |j: &Job| -> Job {
            serde_json::from_str(&serde_json::to_string(j).expect("writes")).expect("reads")
        };
        for job in [
            Job::Variant {
                scenario: s.clone(),
            },
            Job::SweepPoint {
                knob: fpaxos_sim::sweep::Knob::Q2,
                label: "q2=2".into(),
                point: Ok(s.clone()),
            },
            Job::SweepPoint {
                knob: fpaxos_sim::sweep::Knob::Q2,
                label: "q2=9".into(),
                point: Err("no such quorum".into()),
            },
        ] {
            assert_eq!(round(&job), job);
        }
        for answer in [
            Answer::Hunt(
                7,
                LivenessJudged::default(),
                Some(crate::run::job::HuntFailure {
                    failure: "a safety violation".into(),
                    safety: true,
                    scenario: Box::new(s.clone()),
                }),
            ),
            Answer::Hunt(
                8,
                LivenessJudged {
                    seeds: 1,
                    judged_ms: 1_234,
                    simulated_ms: 5_678,
                    not_judged: fpaxos_sim::liveness::NotJudged {
                        loss_ms: 4_000.0,
                        idle_ms: 444.0,
                        ..Default::default()
                    },
                },
                None,
            ),
        ] {
            let text = serde_json::to_string(&answer).expect("writes");
            assert_eq!(
                serde_json::from_str::<Answer>(&text).expect("reads"),
                answer
            );
        }
        // A scenario that does not read is an error, not a default.
        let bad = r#"{"Variant":{"scenario":{"cluster":{"nodes":"five"}}}}"#;
        assert!(serde_json::from_str::<Job>(bad).is_err());
    }
}
