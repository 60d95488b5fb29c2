//! `?focus=NAME` scrolls a panel into view on load.

use crate::browser::{query_param, scroll_into_view};
use yew::prelude::*;

/// A ref for a panel that scrolls into view on load when the URL says `?focus=NAME`
/// (`compare`, `sweep`, `analysis`, `availability`).
#[hook]
pub(crate) fn use_focus_target(name: &'static str) -> NodeRef {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with((), move |_| {
            if query_param("focus").as_deref() == Some(name) {
                scroll_into_view(&node);
            }
            || ()
        });
    }
    node
}
