//! The page's panels, one concern each. Panels read [`crate::state::AppState`] from context;
//! heavy ones take the versioned report as a prop so they redraw only when it changes.

pub mod chart;
pub mod cluster_view;
pub mod header;
pub mod quorum_badge;
pub mod safety;
pub mod scenario;
pub mod spacetime;
pub mod summary;
pub mod time_controls;
// --- compare, sweep, analysis ---
pub mod analysis_panel;
pub mod compare_panel;
pub mod sweep_panel;
// --- end compare, sweep, analysis ---
// --- share / embed / export ---
pub mod embed_dialog;
pub mod export_menu;
pub mod share_dialog;
// --- end share / embed / export ---
