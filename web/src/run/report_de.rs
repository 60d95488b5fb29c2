//! A [`Report`] that crosses the worker boundary: written by the engine's `Serialize` derive and
//! read back by its `Deserialize` derive, so a field added to the engine's report travels too.

use fpaxos_sim::Report;
use serde::{Deserialize, Serialize};

/// A report on the wire between a worker and the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct WireReport(pub(crate) Report);

#[cfg(test)]
mod tests {
    use super::*;

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
}
