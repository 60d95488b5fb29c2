//! Hooks: the frame loop and runners, keyboard shortcuts, address-bar sync, focus targets,
//! select values and measurement marks.

mod focus;
mod frames;
mod keyboard;
mod metrics;
mod select;
mod share_sync;

pub(crate) use focus::use_focus_target;
pub(crate) use frames::{
    runner_callback, use_animation_frames, use_parts_after_paint, use_runner, use_warm_up,
    RunnerCell,
};
pub(crate) use keyboard::use_keyboard;
pub(crate) use metrics::use_metrics;
pub(crate) use select::use_select_value;
pub(crate) use share_sync::use_share_sync;
