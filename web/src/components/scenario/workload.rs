//! The "CPU cost per message" and "Workload" sections.

use super::field::{num, NumberField};
use super::SectionProps;
use fpaxos_sim::scenario::limits;
use fpaxos_sim::Dur;
use yew::prelude::*;

/// A duration as the microseconds the CPU fields show.
fn us(d: Dur) -> f64 {
    d.0 as f64 / 1e3
}

/// Microseconds as a duration (whole nanoseconds).
fn from_us(us: f64) -> Dur {
    Dur((us * 1e3) as u64)
}

/// The CPU fieldset: the cost of receiving and of sending one message.
pub fn cpu_fields(p: &SectionProps) -> Html {
    let cpu = &p.scenario.cpu;
    let on_recv = p.editor.commit(|sc, v| sc.cpu.per_recv = from_us(v));
    let on_send = p.editor.commit(|sc, v| sc.cpu.per_send = from_us(v));
    let (lo, hi) = (us(limits::CPU_COST.min), us(limits::CPU_COST.max));
    html! {
        <fieldset>
            <legend>{"CPU cost per message"}</legend>
            <div class="pair">
                <NumberField num={num::<f64>(lo, hi, us(cpu.per_recv), on_recv)} label="Receive µs" name="CPU per received message (µs)" step="any"
                    testid="cpu-recv-input" />
                <NumberField num={num::<f64>(lo, hi, us(cpu.per_send), on_send)} label="Send µs" name="CPU per sent message (µs)" step="any" />
            </div>
        </fieldset>
    }
}

/// The workload fieldset: closed-loop clients, or an open-loop rate.
pub fn workload_fields(p: &SectionProps) -> Html {
    let w = &p.scenario.workload;
    let on_clients = p.editor.commit(|sc, v| sc.workload.clients = v);
    let on_outstanding = p.editor.commit(|sc, v| sc.workload.outstanding = v);
    let on_rate = p.editor.commit(|sc, v| sc.workload.rate = v);
    let (clients, outstanding) = (limits::CLIENTS, limits::OUTSTANDING);
    // Any rate above 0 is valid; the editor starts at the smallest it offers.
    let rate = (limits::MIN_EDIT_RATE, limits::RATE.max);
    html! {
        <fieldset>
            <legend>{"Workload"}</legend>
            <div class="pair">
                <NumberField num={num::<u32>(clients.min, clients.max, w.clients, on_clients)} label="Clients"
                    testid="clients-input" />
                <NumberField num={num::<u32>(outstanding.min, outstanding.max, w.outstanding, on_outstanding)} label="Outstanding each" name="Outstanding requests" />
            </div>
            <NumberField num={num::<Option<f64>>(Some(rate.0), Some(rate.1), w.rate, on_rate)} label="Open-loop rate req/s (empty: closed loop)" name="Open-loop rate (req/s)"
                step="any" />
        </fieldset>
    }
}
