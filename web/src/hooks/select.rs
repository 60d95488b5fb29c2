//! Keeps a `<select>`'s shown value in step with state. The `selected` attribute alone stops
//! working once the user has touched the select, so the value is set as a property.

use crate::browser::HtmlSelectElement;
use yew::prelude::*;

/// Returns a ref for a `<select>` whose value follows `value`.
#[hook]
pub(crate) fn use_select_value(value: String) -> NodeRef {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(value, move |v| {
            if let Some(sel) = node.cast::<HtmlSelectElement>() {
                if sel.value() != *v {
                    sel.set_value(v);
                }
            }
            || ()
        });
    }
    node
}
