//! The "Network" section: a preset, the one-way latency, loss, duplication and bandwidth.

use super::field::{num, NumberField, TextField};
use super::SectionProps;
use crate::browser::HtmlSelectElement;
use fpaxos_sim::scenario::{limits, NetworkPreset};
use fpaxos_sim::Latency;
use yew::prelude::*;

/// Highest loss the editor offers, in percent (the engine refuses 100 %: nothing would commit).
const MAX_LOSS_PCT: f64 = 99.0;

/// A probability as the percentage the fields show (two decimals).
fn pct(p: f64) -> f64 {
    (p * 1e4).round() / 1e2
}

/// The network fieldset.
#[component]
pub fn NetworkFields(p: &SectionProps) -> Html {
    let net = &p.scenario.network;
    let region = NetworkPreset::of(net).map_or("", NetworkPreset::name);
    let region_ref = crate::hooks::use_select_value(region.to_string());
    let ed = &p.editor;
    let on_region = {
        let ed = ed.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            ed.edit(move |sc| {
                if let Some(preset) = NetworkPreset::from_name(&v) {
                    sc.network.apply_preset(preset, sc.cluster.nodes);
                }
            });
        })
    };
    let on_latency = ed.parse(|sc, v| {
        sc.network.latency = Latency::parse_cli(v.trim())?;
        sc.network.regions = None;
        Ok(())
    });
    let on_loss = ed.commit(|sc, v: f64| sc.network.loss = v / 100.0);
    let on_dup = ed.commit(|sc, v: f64| sc.network.duplicate = v / 100.0);
    let on_bw = ed.commit(|sc, v| sc.network.bandwidth_mbps = v);
    let prob = limits::PROBABILITY;
    let (loss, dup) = (
        (prob.min * 100.0, MAX_LOSS_PCT),
        (prob.min * 100.0, prob.max * 100.0),
    );
    let bw = (limits::BANDWIDTH_MBPS.min, limits::BANDWIDTH_MBPS.max);
    html! {
        <fieldset>
            <legend>{"Network"}</legend>
            <label class="field"><span>{"Preset"}</span>
                <select ref={region_ref} onchange={on_region} aria-label="Network preset" data-testid="network-preset">
                    <option value="" selected={region.is_empty()}>{"(custom latency)"}</option>
                    <option value="lan" selected={region == "lan"}>{"LAN: normal 2 ms ± 0.3"}</option>
                    <option value="dc" selected={region == "dc"}>{"Datacenter: 0.25 ms"}</option>
                    <option value="paper" selected={region == "paper"}>{"Paper: 10 ms one way (20 ms RTT)"}</option>
                    <option value="wan2" selected={region == "wan2"}>{"2 regions: 1 ms local, 35 ms remote"}</option>
                    <option value="wan3" selected={region == "wan3"}>{"3 regions: 1 ms local, 40 ms remote"}</option>
                </select></label>
            {TextField {
                label: "One-way latency",
                value: net.latency.to_string(),
                on_commit: on_latency,
                testid: "latency-input",
                title: Some("const:10ms, uniform:5ms..15ms, normal:10ms,2ms, lognormal:10ms,0.5, exp:1ms+2ms"),
                disabled: net.regions.is_some(),
            }.view()}
            <div class="pair">
                <NumberField num={num::<f64>(loss.0, loss.1, pct(net.loss), on_loss)} label="Loss %" name="Loss (%)" step="0.1" />
                <NumberField num={num::<f64>(dup.0, dup.1, pct(net.duplicate), on_dup)} label="Duplication %" name="Duplication (%)" step="0.1" />
            </div>
            <NumberField num={num::<Option<f64>>(Some(bw.0), Some(bw.1), net.bandwidth_mbps, on_bw)} label="Bandwidth Mbit/s (empty: unlimited)" name="Bandwidth (Mbit/s)"
                step="any" />
        </fieldset>
    }
}
