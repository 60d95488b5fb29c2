//! Analytic quorum metrics (work in progress).
