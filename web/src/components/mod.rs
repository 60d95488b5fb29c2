//! The page's panels, one concern each. Panels read `crate::state::AppState` from context;
//! heavy ones take the versioned report as a prop so they redraw only when it changes.

pub(crate) mod analysis_panel;
pub(crate) mod animation;
pub(crate) mod availability_panel;
pub(crate) mod ballot_board;
pub(crate) mod chart;
pub(crate) mod cluster_frame;
pub(crate) mod cluster_view;
pub(crate) mod compare_panel;
pub(crate) mod embed_dialog;
pub(crate) mod explore_panel;
pub(crate) mod export_menu;
pub(crate) mod header;
pub(crate) mod hunt_panel;
pub(crate) mod link_error;
pub(crate) mod liveness;
pub(crate) mod quorum_badge;
pub(crate) mod safety;
pub(crate) mod scenario;
pub(crate) mod share_dialog;
pub(crate) mod spacetime;
pub(crate) mod summary;
pub(crate) mod sweep_panel;
pub(crate) mod time_controls;
pub(crate) mod tour;
