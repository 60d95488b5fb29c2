//! The share bar: "Copy link" (clipboard, with a read-only text field as the fallback), and the
//! Embed and Export menus next to it.

use crate::browser::{copy_text, HtmlInputElement};
use crate::components::{embed_dialog::EmbedDialog, export_menu::ExportMenu};
use crate::share;
use crate::state::{use_app, AppCtx};
use yew::prelude::*;

/// What happened to the last "Copy link".
#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Idle,
    Done,
    /// The clipboard refused: the link is shown in a field to copy by hand.
    Fallback,
}

/// Copy link, Embed and Export.
#[component]
pub(crate) fn ShareBar() -> Html {
    let app = use_app();
    let copied = use_state(|| Copied::Idle);
    let embed_open = use_state(|| false);
    let field = use_node_ref();
    // The link is made when it is used, not on every drawing: the bar redraws with every frame
    // of a playing run, and a link is a deflate of the whole scenario. The fallback field, while
    // it shows, follows the page as before.
    let link = |app: &AppCtx| share::link_for(&app.scenario, &share::view_of(app));
    let fallback_link = (*copied == Copied::Fallback).then(|| link(&app));
    let on_copy = {
        let copied = copied.clone();
        let app = app.clone();
        Callback::from(move |_| {
            let copied = copied.clone();
            copy_text(
                &link(&app),
                Callback::from(move |ok: bool| {
                    copied.set(if ok { Copied::Done } else { Copied::Fallback })
                }),
            );
        })
    };
    // The fallback field selects its text as soon as it shows.
    {
        let field = field.clone();
        use_effect_with(*copied, move |c| {
            if *c == Copied::Fallback {
                if let Some(i) = field.cast::<HtmlInputElement>() {
                    let _ = i.focus();
                    i.select();
                }
            }
        });
    }
    let select_all = Callback::from(|e: FocusEvent| {
        let i: HtmlInputElement = e.target_unchecked_into();
        i.select();
    });
    let toggle_embed = {
        let o = embed_open.clone();
        Callback::from(move |_| o.set(!*o))
    };
    let close_embed = {
        let o = embed_open.clone();
        Callback::from(move |_| o.set(false))
    };
    html! {
        <div class="share-bar" data-testid="share-bar">
            <button type="button" onclick={on_copy} data-testid="copy-link"
                title="Copy a link to this exact scenario, faults and time cursor included">
                {"Copy link"}
            </button>
            if *copied == Copied::Done {
                <span class="share-note" role="status" data-testid="copy-status">{"Link copied."}</span>
            }
            if let Some(link) = fallback_link {
                <label class="share-fallback">
                    <span>{"Copy this link (the clipboard is not available here):"}</span>
                    <input ref={field} type="text" readonly=true value={link} onfocus={select_all}
                        data-testid="share-link" aria-label="Link to this scenario" />
                </label>
            }
            <button type="button" onclick={toggle_embed} data-testid="open-embed"
                aria-expanded={if *embed_open { "true" } else { "false" }}>{"Embed…"}</button>
            <ExportMenu />
            if *embed_open {
                <EmbedDialog on_close={close_embed} />
            }
        </div>
    }
}
