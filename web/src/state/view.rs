//! View preferences: which optional panels are open (a link carries them in
//! [`fpaxos_share::ViewState::panels`]) and the space-time diagram's window, kept here so the
//! SVG export draws exactly what the canvas shows. The window is a small store of its own
//! ([`spacetime_window`], [`set_spacetime_window`]), not part of [`crate::state::AppState`]:
//! a zoom or pan re-renders only the diagram, not every panel of the page.

use fpaxos::Time;
use std::cell::Cell;

/// Panels of the main page that can be closed (and reopened), in page order.
pub(crate) const OPTIONAL_PANELS: [(&str, &str); 5] = [
    ("spacetime", "Space-time diagram"),
    ("ballots", "Ballot board"),
    ("charts", "Charts"),
    ("sweep", "Sweep"),
    ("analysis", "Analysis"),
];

/// The space-time diagram's visible window (zoom and pan).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct SpaceTimeWindow {
    /// `None`: the right edge follows the time cursor; `Some(t)`: pinned there by a pan.
    pub(crate) pinned: Option<Time>,
    /// Window width (simulated ns); `None`: a width fitted to the network's latency.
    pub(crate) width: Option<Time>,
    /// The canvas's width in CSS pixels, as last measured.
    pub(crate) css_w: f64,
}

impl Default for SpaceTimeWindow {
    fn default() -> Self {
        SpaceTimeWindow {
            pinned: None,
            width: None,
            css_w: 800.0,
        }
    }
}

thread_local! {
    static SPACETIME: Cell<SpaceTimeWindow> = Cell::new(SpaceTimeWindow::default());
}

/// The space-time diagram's window now (read by the diagram, its overview and the export).
pub(crate) fn spacetime_window() -> SpaceTimeWindow {
    SPACETIME.with(Cell::get)
}

/// Sets the space-time diagram's window; the caller re-renders the diagram (only it shows it).
pub(crate) fn set_spacetime_window(w: SpaceTimeWindow) {
    SPACETIME.with(|c| c.set(w));
}

/// How the page is laid out and looked at (never part of the run).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ViewPrefs {
    /// Optional panels the user closed (ids from [`OPTIONAL_PANELS`]).
    pub(crate) closed_panels: Vec<&'static str>,
    /// The slot the ballot board shows (`None`: the engine's most interesting slot), kept here
    /// so the SVG export draws the board the panel shows.
    pub(crate) ballot_slot: Option<fpaxos::Slot>,
}

impl ViewPrefs {
    /// Whether panel `id` is open.
    pub(crate) fn is_open(&self, id: &str) -> bool {
        !self.closed_panels.contains(&id)
    }

    /// Opens or closes panel `id` (unknown ids are ignored). Closing the space-time diagram
    /// forgets its zoom and pan, as unmounting it always did.
    pub(crate) fn toggle(&mut self, id: &'static str) {
        if let Some(i) = self.closed_panels.iter().position(|p| *p == id) {
            self.closed_panels.remove(i);
        } else if OPTIONAL_PANELS.iter().any(|(p, _)| *p == id) {
            self.closed_panels.push(id);
            if id == "spacetime" {
                set_spacetime_window(SpaceTimeWindow {
                    css_w: spacetime_window().css_w,
                    ..SpaceTimeWindow::default()
                });
            }
        }
    }
}

/// The closed panels implied by a link's list of open panels (empty list: all open).
pub(crate) fn closed_from_view(open: &[String]) -> Vec<&'static str> {
    if open.is_empty() {
        return Vec::new();
    }
    OPTIONAL_PANELS
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !open.iter().any(|o| o == id))
        .collect()
}

/// The open panels to write into a link (empty: all open, the default).
pub(crate) fn open_for_view(closed: &[&'static str]) -> Vec<String> {
    if closed.is_empty() {
        return Vec::new();
    }
    OPTIONAL_PANELS
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !closed.contains(id))
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_panels_round_trip_through_a_link() {
        assert!(open_for_view(&[]).is_empty());
        assert!(closed_from_view(&[]).is_empty());
        let closed = vec!["charts", "analysis"];
        assert_eq!(closed_from_view(&open_for_view(&closed)), closed);
        let mut v = ViewPrefs::default();
        v.toggle("charts");
        v.toggle("nope");
        assert_eq!(v.closed_panels, vec!["charts"]);
        v.toggle("charts");
        assert!(v.is_open("charts"));
    }
}
