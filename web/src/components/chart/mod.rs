//! Charts as inline SVG (no chart library). [`frame`] holds what every chart shares (geometry,
//! axes, ticks, hover, legend); [`xy`] the line charts, [`bars`] the per-node bars and
//! [`panel`] the main page's charts panel. Each chart has units, a legend and a hover read-out.

pub mod bars;
pub mod frame;
pub mod panel;
pub mod xy;

pub use bars::{BarGroup, GroupedBars};
pub use frame::swatch;
pub use panel::ChartsPanel;
pub use xy::{XMark, XyChart, XySeries};
