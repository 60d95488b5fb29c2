//! Named example scenarios, shared by the web page's Scenarios menu and the CLI
//! (`fpaxos run scenarios/NAME.json` runs the same file). Each is plain scenario JSON in the
//! repository's `scenarios/` folder, embedded at build time.

use crate::scenario::Scenario;

/// A named scenario with an explanation.
#[derive(Clone, Debug)]
pub struct Preset {
    /// Stable identifier (the file name without `.json`), used in URLs (`?preset=ID`).
    pub id: &'static str,
    /// The scenario JSON.
    pub json: &'static str,
}

impl Preset {
    /// The scenario (presets are tested to parse and validate).
    pub fn scenario(&self) -> Scenario {
        Scenario::from_json(self.json).unwrap_or_default()
    }
}

macro_rules! preset {
    ($id:literal) => {
        Preset {
            id: $id,
            json: include_str!(concat!("../../../scenarios/", $id, ".json")),
        }
    };
}

/// Every preset, in menu order.
pub const PRESETS: &[Preset] = &[
    preset!("basics"),
    preset!("paper-n8"),
    preset!("zookeeper-6"),
    preset!("zookeeper-7"),
    preset!("grid-5x4"),
    preset!("leader-failure"),
    preset!("replicate-only"),
    preset!("one-way-cut"),
    preset!("pre-vote"),
    preset!("client-sessions"),
    preset!("quorum-loss"),
    preset!("constrained-election"),
    preset!("chained"),
    preset!("split-brain"),
    preset!("zookeeper-trap"),
];

/// Looks a preset up by id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_validates_and_tells_its_story() {
        for p in PRESETS {
            let s = Scenario::from_json(p.json).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            s.validate().unwrap_or_else(|e| panic!("{}: {e}", p.id));
            assert!(!s.name.is_empty() && !s.notes.is_empty(), "{}", p.id);
        }
    }
}
