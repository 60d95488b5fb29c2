//! Tour chapters: the narration files in the repository's `tour/` folder, embedded at build
//! time, and the small parser that reads them.
//!
//! A chapter file is reviewable text (see `docs/tour.md`):
//!
//! ```text
//! title: The Flexible Paxos rule
//! scenario: 03-flexible.json
//!
//! --- elected
//! Narration shown when the run reaches the first election...
//!
//! --- chosen slot=5
//! Narration for the next step...
//! ```
//!
//! Each `--- CUE` line starts a step; the cue (an [`fpaxos_sim::cue::Cue`]) names the engine
//! event the tour pauses at. Paragraphs are separated by blank lines. A file that does not parse
//! gives a [`ChapterError`] sentence, shown on the page instead of the chapter; a test parses
//! every shipped file, so a broken one fails CI before it reaches a reader.

use fpaxos_sim::cue::Cue;
use fpaxos_sim::Scenario;
use std::fmt;

/// One narration step: the event to pause at and what to say there.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Step {
    /// The cue as written in the file (shown in errors and as a data attribute).
    pub(crate) cue_text: String,
    /// The parsed cue.
    pub(crate) cue: Cue,
    /// Paragraphs of narration.
    pub(crate) paragraphs: Vec<String>,
}

/// A parsed chapter.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Chapter {
    /// Title, shown in the chapter menu.
    pub(crate) title: String,
    /// The pinned scenario.
    pub(crate) scenario: Scenario,
    /// The steps, in order.
    pub(crate) steps: Vec<Step>,
}

/// Why a chapter file does not parse: the file, the line and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChapterError(pub(crate) String);

impl fmt::Display for ChapterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A chapter's files as shipped: its name, narration text and the scenario JSON files it may
/// name.
pub(crate) struct Source {
    /// File name of the narration (for messages).
    pub(crate) file: &'static str,
    /// The narration text.
    pub(crate) text: &'static str,
}

macro_rules! chapter {
    ($name:literal) => {
        Source {
            file: concat!($name, ".txt"),
            text: include_str!(concat!("../../../../tour/", $name, ".txt")),
        }
    };
}

/// Every chapter, in tour order.
pub(crate) const CHAPTERS: &[Source] = &[
    chapter!("01-guarantee"),
    chapter!("02-majority"),
    chapter!("03-flexible"),
    chapter!("04-counting-price"),
    chapter!("05-thrifty"),
    chapter!("06-leader-failure"),
    chapter!("07-grid"),
    chapter!("08-split-brain"),
    chapter!("09-zookeeper"),
    chapter!("10-zookeeper-trap"),
];

macro_rules! scenario_files {
    ($($name:literal),* $(,)?) => {
        /// The scenario files a chapter may name (`scenario: NAME.json`), from `tour/`.
        const SCENARIOS: &[(&str, &str)] = &[
            $((concat!($name, ".json"), include_str!(concat!("../../../../tour/", $name, ".json")))),*
        ];
    };
}

scenario_files!(
    "01-guarantee",
    "02-majority",
    "03-flexible",
    "04-counting-price",
    "05-thrifty",
    "06-leader-failure",
    "07-grid",
    "08-split-brain",
    "09-zookeeper",
    "10-zookeeper-trap",
);

/// Looks a scenario up by file name: `tour/NAME.json`, or `preset:ID` for a file in
/// `scenarios/`.
fn scenario_named(name: &str) -> Option<Result<Scenario, String>> {
    if let Some(id) = name.strip_prefix("preset:") {
        return fpaxos_sim::presets::preset(id).map(|p| Ok(p.scenario()));
    }
    SCENARIOS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, json)| Scenario::from_json(json).map_err(|e| e.to_string()))
}

/// Parses a chapter file. `file` names it in messages.
pub(crate) fn parse(file: &str, text: &str) -> Result<Chapter, ChapterError> {
    let err = |line: usize, what: String| ChapterError(format!("{file}, line {line}: {what}"));
    let mut title = None;
    let mut scenario = None;
    let mut steps: Vec<(usize, Step)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end();
        if let Some(cue_text) = line.strip_prefix("---") {
            let cue_text = cue_text.trim();
            let cue = Cue::parse(cue_text).map_err(|e| err(n, e))?;
            steps.push((
                n,
                Step {
                    cue_text: cue_text.to_string(),
                    cue,
                    paragraphs: Vec::new(),
                },
            ));
            continue;
        }
        match steps.last_mut() {
            Some((_, step)) => {
                let t = line.trim();
                if t.is_empty() {
                    continue;
                }
                // A blank line before this one starts a new paragraph.
                let new_para =
                    i == 0 || text.lines().nth(i - 1).is_some_and(|p| p.trim().is_empty());
                match step.paragraphs.last_mut() {
                    Some(p) if !new_para => {
                        p.push(' ');
                        p.push_str(t);
                    }
                    _ => step.paragraphs.push(t.to_string()),
                }
            }
            None => {
                let t = line.trim();
                if t.is_empty() || t.starts_with('#') {
                    continue;
                }
                let Some((key, value)) = t.split_once(':') else {
                    return Err(err(
                        n,
                        format!("expected `title:` or `scenario:`, found `{t}`"),
                    ));
                };
                let value = value.trim();
                match key.trim() {
                    "title" if !value.is_empty() => title = Some(value.to_string()),
                    "scenario" => {
                        let s = scenario_named(value)
                            .ok_or_else(|| err(n, format!("no scenario file `{value}` in tour/")))?
                            .map_err(|e| err(n, format!("scenario `{value}`: {e}")))?;
                        scenario = Some(s);
                    }
                    other => {
                        return Err(err(
                            n,
                            format!("unknown header `{other}` (use title: and scenario:)"),
                        ))
                    }
                }
            }
        }
    }
    let title = title.ok_or_else(|| err(1, "no `title:` line".into()))?;
    let scenario = scenario.ok_or_else(|| err(1, "no `scenario:` line".into()))?;
    if steps.is_empty() {
        return Err(err(1, "no steps: start one with a line `--- CUE`".into()));
    }
    if let Some((n, s)) = steps.iter().find(|(_, s)| s.paragraphs.is_empty()) {
        return Err(err(
            *n,
            format!("step `--- {}` has no narration", s.cue_text),
        ));
    }
    if let Err(e) = scenario.validate() {
        return Err(err(1, format!("the scenario does not validate: {e}")));
    }
    Ok(Chapter {
        title,
        scenario,
        steps: steps.into_iter().map(|(_, s)| s).collect(),
    })
}

/// Chapter `i` (0-based) parsed.
pub(crate) fn chapter(i: usize) -> Option<Result<Chapter, ChapterError>> {
    CHAPTERS.get(i).map(|s| parse(s.file, s.text))
}

/// The chapter's title without parsing the whole file (for the menu); the file name when the
/// file has none.
pub(crate) fn title_of(src: &Source) -> &'static str {
    src.text
        .lines()
        .find_map(|l| l.trim().strip_prefix("title:"))
        .map(str::trim)
        .unwrap_or(src.file)
}
