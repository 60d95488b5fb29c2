//! Scenario links (work in progress).
