//! Hooks: the animation loop, keyboard shortcuts and measurement marks.

mod animation;
mod keyboard;
mod metrics;

pub use animation::use_animation_frames;
pub use keyboard::use_keyboard;
pub use metrics::{mark, use_metrics};

mod select;
pub use select::use_select_value;
