//! The `quorum=` knob: a list of quorum systems in the `--quorum` text form, so one sweep can
//! set majority against counting 4/2 side by side (`quorum=majority,4/2`).

use super::KnobValue;
use fpaxos::quorum::QuorumSpec;

/// Reads `majority,4/2,grid:2x3` (also `;`-separated). The `Q1,Q2` form has a comma of its
/// own, so a comma piece that is not a quorum alone joins the next one: `majority,4,2` is
/// majority and 4/2.
pub(super) fn parse(vals: &str) -> Result<Vec<KnobValue>, String> {
    let mut out = Vec::new();
    for group in vals.split(';') {
        let mut pending: Option<String> = None;
        for piece in group.split(',') {
            let text = match pending.take() {
                Some(prev) => format!("{prev},{piece}"),
                None => piece.to_string(),
            };
            match QuorumSpec::parse_cli(&text) {
                Ok(q) => out.push(KnobValue::Quorum(q)),
                Err(_) if !text.contains(',') && text.trim().parse::<u32>().is_ok() => {
                    pending = Some(text)
                }
                Err(e) => return Err(e),
            }
        }
        if let Some(p) = pending {
            return Err(format!(
                "quorum `{}` is a lone number: counting quorums are Q1/Q2, e.g. 4/2",
                p.trim()
            ));
        }
    }
    Ok(out)
}

/// The `value` column: the CLI form with `/` (no comma to quote in CSV).
pub(super) fn label(q: &QuorumSpec) -> String {
    match q.to_cli() {
        Some(t) => t.replace(',', "/"),
        None => q.label(0),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Knob, SweepSpec};

    #[test]
    fn quorum_lists_read_both_counting_forms() {
        let s = SweepSpec::parse("quorum=majority,4/2,3,3;grid:2x3").unwrap();
        assert_eq!(s.knob, Knob::Quorum);
        let labels: Vec<String> = s.values.iter().map(|v| v.label()).collect();
        assert_eq!(labels, ["majority", "4/2", "3/3", "grid:2x3"]);
        for bad in ["quorum=majority,4", "quorum=fast", "quorum=4/x"] {
            let e = SweepSpec::parse(bad).unwrap_err();
            assert!(!e.is_empty() && !e.contains('\n'), "{bad}: {e}");
        }
    }
}
