//! What an animation records, read from the Export menu's fields and checked: the view, the
//! stretch of simulated time, the frame rate and how fast simulated time runs in the video.
//! Plain Rust, tested natively.

use fpaxos::Time;

/// Fastest frame rate offered (frames per video second).
pub(crate) const MAX_FPS: u32 = 30;
/// Fastest playback: simulated ms per video second.
pub(crate) const MAX_SPEED_MS: f64 = 60_000.0;
/// Slowest playback: simulated ms per video second.
pub(crate) const MIN_SPEED_MS: f64 = 1.0;
/// Most frames in one recording (a minute at 20 fps): each frame is drawn and encoded in real
/// time, so a longer video is a long wait.
pub(crate) const MAX_FRAMES: u32 = 1200;

/// Which view the animation shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AnimView {
    /// The cluster ring with messages in flight.
    Cluster,
    /// The space-time diagram, its window ending at each frame's time.
    SpaceTime,
}

impl AnimView {
    /// The file name's suffix (`<stem>-cluster.webm`).
    pub(crate) fn short(self) -> &'static str {
        match self {
            AnimView::Cluster => "cluster",
            AnimView::SpaceTime => "spacetime",
        }
    }
}

/// A checked recording plan.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Plan {
    /// The view recorded.
    pub(crate) view: AnimView,
    /// First frame's simulated time (ns).
    pub(crate) from: Time,
    /// Last frame's simulated time (ns).
    pub(crate) to: Time,
    /// Frames per video second.
    pub(crate) fps: u32,
    /// Simulated ms per video second.
    pub(crate) speed_ms: f64,
}

impl Plan {
    /// Simulated ns between two frames (at least 1).
    fn step(&self) -> f64 {
        (self.speed_ms * 1e6 / self.fps as f64).max(1.0)
    }

    /// Frames in the video: one at `from`, then one per step, the last at `to`.
    pub(crate) fn frames(&self) -> u32 {
        let steps = ((self.to - self.from) as f64 / self.step()).ceil();
        (steps as u32).saturating_add(1)
    }

    /// Simulated time of frame `i` (the last frame lands exactly on `to`).
    pub(crate) fn time_of(&self, i: u32) -> Time {
        let t = self.from as f64 + i as f64 * self.step();
        (t.round() as Time).min(self.to)
    }

    /// Wall ms between frames.
    pub(crate) fn interval_ms(&self) -> f64 {
        1000.0 / self.fps as f64
    }

    /// One line: frames and video length.
    pub(crate) fn summary(&self) -> String {
        let n = self.frames();
        format!(
            "{n} frames, about {:.1} s of video.",
            n as f64 / self.fps as f64
        )
    }
}

/// A number field, or a sentence naming it.
fn number(label: &str, text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("{label} must be a number (got “{}”).", text.trim())),
    }
}

/// Checks the fields (`from`/`to` in simulated ms, `end`: the run's end in ns). `to` past the
/// end is clamped to it; anything else out of bounds is a sentence saying what to change.
pub(crate) fn plan(
    view: AnimView,
    (from, to, fps, speed): (&str, &str, &str, &str),
    end: Time,
) -> Result<Plan, String> {
    let end_ms = end as f64 / 1e6;
    let from = number("From", from)?;
    let to = number("To", to)?.min(end_ms);
    let fps = number("Frames per second", fps)?;
    let speed = number("Simulated ms per video second", speed)?;
    if from < 0.0 {
        return Err("From must be 0 ms or later.".into());
    }
    if from >= to {
        return Err(format!(
            "From ({from} ms) must be before To ({to} ms); the run ends at {end_ms} ms."
        ));
    }
    if !(1.0..=MAX_FPS as f64).contains(&fps) || fps.fract() != 0.0 {
        return Err(format!(
            "Frames per second must be a whole number from 1 to {MAX_FPS}."
        ));
    }
    if !(MIN_SPEED_MS..=MAX_SPEED_MS).contains(&speed) {
        return Err(format!(
            "Simulated ms per video second must be from {MIN_SPEED_MS} to {MAX_SPEED_MS}."
        ));
    }
    let p = Plan {
        view,
        from: (from * 1e6).round() as Time,
        to: (to * 1e6).round() as Time,
        fps: fps as u32,
        speed_ms: speed,
    };
    if p.frames() > MAX_FRAMES {
        return Err(format!(
            "That is {} frames (at most {MAX_FRAMES}): shorten the range, lower the frame rate \
             or raise the simulated ms per video second.",
            p.frames()
        ));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const END: Time = 10_000_000_000;

    fn p(f: &str, t: &str, fps: &str, s: &str) -> Result<Plan, String> {
        plan(AnimView::Cluster, (f, t, fps, s), END)
    }

    #[test]
    fn frames_cover_the_range_and_end_on_to() {
        let pl = p("0", "500", "10", "250").expect("valid");
        // 25 ms per frame over 500 ms: 20 steps, 21 frames.
        assert_eq!(pl.frames(), 21);
        assert_eq!(pl.time_of(0), 0);
        assert_eq!(pl.time_of(1), 25_000_000);
        assert_eq!(pl.time_of(20), 500_000_000);
        assert_eq!(pl.interval_ms(), 100.0);
    }

    #[test]
    fn bad_fields_say_what_to_change() {
        assert!(p("500", "200", "10", "250")
            .unwrap_err()
            .contains("must be before To"));
        assert!(p("100", "100", "10", "250")
            .unwrap_err()
            .contains("must be before To"));
        assert!(p("x", "200", "10", "250")
            .unwrap_err()
            .contains("From must be a number"));
        assert!(p("-1", "200", "10", "250")
            .unwrap_err()
            .contains("0 ms or later"));
        assert!(p("0", "200", "0", "250")
            .unwrap_err()
            .contains("Frames per second"));
        assert!(p("0", "200", "2.5", "250")
            .unwrap_err()
            .contains("whole number"));
        assert!(p("0", "200", "10", "0")
            .unwrap_err()
            .contains("video second"));
        assert!(p("0", "10000", "30", "1").unwrap_err().contains("at most"));
    }

    #[test]
    fn to_is_clamped_to_the_run() {
        let pl = p("0", "99999", "10", "1000").expect("clamped");
        assert_eq!(pl.to, END);
        assert!(p("10000", "99999", "10", "1000").is_err());
    }
}
