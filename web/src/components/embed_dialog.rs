//! The Embed dialog: choose panels and behaviour, get an `<iframe>` snippet and a plain link,
//! and see a live preview (an iframe of the snippet's own URL).

use crate::browser::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use crate::share::{self, embed_url, EMBED_PANELS};
use crate::state::use_app;
use crate::svg::xml_escape;
use fpaxos_share::EmbedOptions;
use yew::prelude::*;

/// Props of [`EmbedDialog`].
#[derive(Properties, PartialEq)]
pub(crate) struct EmbedDialogProps {
    /// Close the dialog.
    pub(crate) on_close: Callback<()>,
}

/// The `<iframe>` snippet for `url`.
pub(crate) fn snippet(url: &str, width: u32, height: u32, title: &str) -> String {
    format!(
        "<iframe src=\"{}\" width=\"{width}\" height=\"{height}\" title=\"{}\" loading=\"lazy\" \
sandbox=\"allow-scripts\" style=\"border:0\"></iframe>",
        xml_escape(url),
        xml_escape(title)
    )
}

/// Embed options, snippet, link and preview.
#[component]
pub(crate) fn EmbedDialog(p: &EmbedDialogProps) -> Html {
    let app = use_app();
    let opts = use_state(|| EmbedOptions {
        panels: vec!["cluster".into(), "summary".into()],
        autoplay: true,
        looped: true,
        start_ms: None,
        speed: Some(0.01),
        editable: false,
        theme: Some("light".into()),
    });
    let size = use_state(|| (600u32, 400u32));
    let url = embed_url(&share::base_url(), &app.scenario, &opts);
    let title = if app.scenario.name.trim().is_empty() {
        "FPaxos Playground: interactive Flexible Paxos simulation".to_string()
    } else {
        format!("FPaxos Playground: {}", app.scenario.name.trim())
    };
    let code = snippet(&url, size.0, size.1, &title);
    let plain = share::link_for(&app.scenario, &fpaxos_share::ViewState::default());
    let edit = |f: fn(&mut EmbedOptions, &HtmlInputElement)| {
        let opts = opts.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let mut o = (*opts).clone();
            f(&mut o, &i);
            opts.set(o);
        })
    };
    let panel_box = |id: &'static str, label: &'static str| {
        let opts2 = opts.clone();
        let on = opts.panels.iter().any(|p| p == id);
        let onchange = Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let mut o = (*opts2).clone();
            o.panels.retain(|p| p != id);
            if i.checked() {
                o.panels.push(id.to_string());
            }
            opts2.set(o);
        });
        html! {
            <label class="check"><input type="checkbox" checked={on} {onchange}
                data-testid={format!("embed-panel-{id}")} />{label}</label>
        }
    };
    let on_theme = {
        let opts = opts.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            let mut o = (*opts).clone();
            o.theme = Some(s.value());
            opts.set(o);
        })
    };
    let on_size = |w: bool| {
        let size = size.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = i.value().trim().parse::<u32>() {
                let v = v.clamp(200, 2000);
                size.set(if w { (v, size.1) } else { (size.0, v) });
            }
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
            t.select();
        } else if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
            i.select();
        }
    });
    let close = {
        let c = p.on_close.clone();
        Callback::from(move |_| c.emit(()))
    };
    let (pw, ph) = *size;
    html! {
        <div class="embed-dialog" role="dialog" aria-label="Embed this scenario" data-testid="embed-dialog">
            <div class="embed-dialog-head">
                <h2>{"Embed this scenario"}</h2>
                <button type="button" onclick={close} aria-label="Close" data-testid="embed-close">{"✕"}</button>
            </div>
            <div class="embed-dialog-body">
                <div class="embed-options">
                    <fieldset><legend>{"Panels"}</legend>
                        { for EMBED_PANELS.iter().map(|(id, label)| panel_box(id, label)) }
                    </fieldset>
                    <fieldset><legend>{"Behaviour"}</legend>
                        <label class="check"><input type="checkbox" checked={opts.autoplay}
                            onchange={edit(|o, i| o.autoplay = i.checked())} data-testid="embed-autoplay" />{"Autoplay"}</label>
                        <label class="check"><input type="checkbox" checked={opts.looped}
                            onchange={edit(|o, i| o.looped = i.checked())} data-testid="embed-loop" />{"Loop"}</label>
                        <label class="check"><input type="checkbox" checked={opts.editable}
                            onchange={edit(|o, i| o.editable = i.checked())} data-testid="embed-editable" />{"Readers may click faults in"}</label>
                        <label class="field"><span>{"Start at (ms)"}</span>
                            <input type="number" min="0" step="1" value={opts.start_ms.map(|m| m.to_string()).unwrap_or_default()}
                                onchange={edit(|o, i| o.start_ms = i.value().trim().parse::<f64>().ok().filter(|m| m.is_finite() && *m > 0.0))}
                                data-testid="embed-start" /></label>
                        <label class="field"><span>{"Speed (simulated s per real s)"}</span>
                            <input type="number" min="0.0001" max="10" step="any" value={opts.speed.map(|m| m.to_string()).unwrap_or_default()}
                                onchange={edit(|o, i| o.speed = i.value().trim().parse::<f64>().ok().filter(|m| m.is_finite() && *m > 0.0))}
                                data-testid="embed-speed" /></label>
                        <label class="field"><span>{"Theme"}</span>
                            <select onchange={on_theme} data-testid="embed-theme">
                                <option value="light" selected={opts.theme.as_deref() != Some("dark")}>{"Light"}</option>
                                <option value="dark" selected={opts.theme.as_deref() == Some("dark")}>{"Dark"}</option>
                            </select></label>
                        <div class="pair">
                            <label class="field"><span>{"Width"}</span><input type="number" min="200" max="2000" value={pw.to_string()} onchange={on_size(true)} data-testid="embed-width" /></label>
                            <label class="field"><span>{"Height"}</span><input type="number" min="200" max="2000" value={ph.to_string()} onchange={on_size(false)} data-testid="embed-height" /></label>
                        </div>
                    </fieldset>
                </div>
                <div class="embed-output">
                    <label class="field"><span>{"HTML snippet"}</span>
                        <textarea readonly=true rows="4" value={code.clone()} onfocus={select_all.clone()} data-testid="embed-snippet" /></label>
                    <label class="field"><span>{"Plain link"}</span>
                        <input type="text" readonly=true value={plain} onfocus={select_all} data-testid="embed-link" /></label>
                    <p class="muted">{"The embed runs in a sandboxed frame (scripts only). Hosts must serve the page's files with \
                        Access-Control-Allow-Origin: * for sandboxed frames (GitHub Pages does)."}</p>
                    <div class="embed-preview-wrap">
                        <span class="muted">{format!("Preview ({pw} × {ph})")}</span>
                        <iframe class="embed-preview" src={url} width={pw.to_string()} height={ph.to_string()}
                            title={title} loading="lazy" sandbox="allow-scripts" data-testid="embed-preview"></iframe>
                    </div>
                </div>
            </div>
        </div>
    }
}
