//! The one JSON serialiser for reports and scenarios: `fpaxos run --json`, the page's report
//! export and the share links all print through [`pretty_json`], so their bytes agree.

use serde::Serialize;

/// Pretty JSON through `serde_json::Value` (fields keep their declaration order). Going through
/// one `Value` serializer instead of a pretty serializer per type keeps the wasm bundle small.
/// Returns an empty string if `v` cannot be represented in JSON (a map with non-string keys).
pub fn pretty_json<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::{run, Dur, Scenario};

    #[test]
    fn the_value_route_prints_what_the_direct_serialiser_prints() {
        let s = Scenario {
            duration: Dur::ms(300),
            warmup: Dur::ms(100),
            ..Scenario::default()
        };
        let r = run(&s).expect("a short default scenario is valid");
        let direct = serde_json::to_string_pretty(&r).expect("a report serialises");
        assert_eq!(super::pretty_json(&r), direct);
        assert_eq!(super::pretty_json(&s), s.to_json_pretty());
    }
}
