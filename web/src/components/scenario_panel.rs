//! The scenario editor: cluster, quorum system, network, CPU, workload, run settings and the
//! fault list. Every edit builds a new [`Scenario`] and restarts the run.

use super::quorum_badge::IntersectionBadge;
use crate::state::{Action, AppState};
use fpaxos::quorum::{GridAxis, QuorumSpec};
use fpaxos::NodeSet;
use fpaxos_sim::scenario::Regions;
use fpaxos_sim::{Dur, Latency, Scenario};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// One scenario edit that may fail with a readable message.
type Edit = Box<dyn Fn(&mut Scenario) -> Result<(), String>>;

/// Largest cluster in the editor (the animated views stay readable up to here; grids may be larger).
pub const MAX_EDIT_NODES: u32 = 15;

fn input_value(e: &Event) -> String {
    let el: HtmlInputElement = e.target_unchecked_into();
    el.value()
}

fn input_value_i(e: &InputEvent) -> String {
    let el: HtmlInputElement = e.target_unchecked_into();
    el.value()
}

fn select_value(e: &Event) -> String {
    let el: HtmlSelectElement = e.target_unchecked_into();
    el.value()
}

fn parse_u32(v: &str, what: &str, lo: u32, hi: u32) -> Result<u32, String> {
    match v.trim().parse::<u32>() {
        Ok(x) if (lo..=hi).contains(&x) => Ok(x),
        _ => Err(format!(
            "{what} must be a whole number from {lo} to {hi}, not `{v}`."
        )),
    }
}

fn parse_f64(v: &str, what: &str, lo: f64, hi: f64) -> Result<f64, String> {
    match v.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= lo && x <= hi => Ok(x),
        _ => Err(format!(
            "{what} must be a number from {lo} to {hi}, not `{v}`."
        )),
    }
}

/// The CLI form of a latency (`normal:2ms,300us`), the text the latency field shows.
pub fn latency_text(l: &Latency) -> String {
    match l {
        Latency::Const { value } => format!("const:{value}"),
        Latency::Uniform { min, max } => format!("uniform:{min}..{max}"),
        Latency::Normal { mean, stddev } => format!("normal:{mean},{stddev}"),
        Latency::Lognormal { median, sigma } => format!("lognormal:{median},{sigma}"),
        Latency::Exponential { min, mean } => format!("exp:{min}+{mean}"),
    }
}

fn parse_sets(text: &str, n: u32) -> Result<Vec<NodeSet>, String> {
    let mut out = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let mut set = NodeSet::EMPTY;
        for id in part
            .split([',', ' '])
            .map(str::trim)
            .filter(|x| !x.is_empty())
        {
            let id = parse_u32(id, "A node id", 0, n.saturating_sub(1))?;
            set.insert(id as u8);
        }
        out.push(set);
    }
    if out.is_empty() {
        return Err("List at least one quorum, e.g. `0,1,2; 2,3,4`.".into());
    }
    Ok(out)
}

fn sets_text(sets: &[NodeSet]) -> String {
    sets.iter()
        .map(|s| {
            s.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn default_spec(kind: &str, n: u32) -> (QuorumSpec, u32) {
    let maj = n / 2 + 1;
    match kind {
        "counting" => (
            QuorumSpec::Counting {
                q1: maj,
                q2: n + 1 - maj,
            },
            n,
        ),
        "grid" => {
            let (rows, cols) = match n {
                0..=4 => (2, 2),
                5..=6 => (2, 3),
                7..=9 => (3, 3),
                10..=12 => (3, 4),
                _ => (4, 4),
            };
            (
                QuorumSpec::Grid {
                    rows,
                    cols,
                    q1: GridAxis::Row,
                },
                rows * cols,
            )
        }
        "weighted" => (
            QuorumSpec::Weighted {
                weights: vec![1; n as usize],
                q1: maj,
                q2: maj,
            },
            n,
        ),
        "explicit" => {
            let first = NodeSet::from_ids((0..maj).map(|i| i as u8));
            let last = NodeSet::from_ids((n - maj..n).map(|i| i as u8));
            (
                QuorumSpec::Explicit {
                    q1: vec![first, last],
                    q2: vec![first, last],
                },
                n,
            )
        }
        _ => (QuorumSpec::Majority, n),
    }
}

/// Resizes a quorum spec to `n` nodes where it depends on n.
fn resize(spec: &QuorumSpec, n: u32) -> QuorumSpec {
    match spec {
        QuorumSpec::Counting { q1, q2 } => QuorumSpec::Counting {
            q1: (*q1).clamp(1, n),
            q2: (*q2).clamp(1, n),
        },
        QuorumSpec::Weighted { weights, q1, q2 } => {
            let mut w = weights.clone();
            w.resize(n as usize, 1);
            QuorumSpec::Weighted {
                weights: w,
                q1: *q1,
                q2: *q2,
            }
        }
        other => other.clone(),
    }
}

fn region_preset(s: &mut Scenario, which: &str) {
    let n = s.cluster.nodes;
    match which {
        "lan" => {
            s.network.regions = None;
            s.network.latency = Latency::Normal {
                mean: Dur::ms(2),
                stddev: Dur::us(300),
            };
        }
        "dc" => {
            s.network.regions = None;
            s.network.latency = Latency::Normal {
                mean: Dur::us(250),
                stddev: Dur::us(50),
            };
        }
        "paper" => {
            s.network.regions = None;
            s.network.latency = Latency::Const { value: Dur::ms(10) };
        }
        "wan3" => {
            s.network.regions = Some(Regions {
                of_node: (0..n).map(|i| i % 3).collect(),
                local: Latency::Normal {
                    mean: Dur::ms(1),
                    stddev: Dur::us(200),
                },
                remote: Latency::Normal {
                    mean: Dur::ms(40),
                    stddev: Dur::ms(4),
                },
            });
        }
        "wan2" => {
            s.network.regions = Some(Regions {
                of_node: (0..n)
                    .map(|i| if i < n.div_ceil(2) { 0 } else { 1 })
                    .collect(),
                local: Latency::Normal {
                    mean: Dur::ms(1),
                    stddev: Dur::us(200),
                },
                remote: Latency::Normal {
                    mean: Dur::ms(35),
                    stddev: Dur::ms(3),
                },
            });
        }
        _ => {}
    }
}

/// Props of [`ScenarioPanel`]: only what it shows, so it does not redraw on every frame.
#[derive(Properties, PartialEq)]
pub struct ScenarioPanelProps {
    /// The page's scenario.
    pub scenario: Rc<Scenario>,
    /// Validation messages.
    pub errors: Rc<Vec<String>>,
    /// Sends actions to the reducer.
    pub dispatch: UseReducerDispatcher<AppState>,
}

/// The scenario editor panel.
#[component]
pub fn ScenarioPanel(props: &ScenarioPanelProps) -> Html {
    let app = props;
    let field_err = use_state(|| None::<String>);
    {
        // A new scenario (preset, reset) clears a stale input error.
        let field_err = field_err.clone();
        use_effect_with(Rc::clone(&props.scenario), move |_| {
            field_err.set(None);
            || ()
        });
    }
    let s: Scenario = (*app.scenario).clone();
    let n = s.cluster.nodes;

    // Applies an edit that may fail with a readable message.
    let edit = {
        let base = Rc::clone(&app.scenario);
        let dispatch = app.dispatch.clone();
        let field_err = field_err.clone();
        move |f: Edit| {
            let mut sc = (*base).clone();
            match f(&mut sc) {
                Ok(()) => {
                    field_err.set(None);
                    dispatch.dispatch(Action::SetScenario(Box::new(sc)));
                }
                Err(e) => field_err.set(Some(e)),
            }
        }
    };
    macro_rules! on_change {
        ($body:expr) => {{
            let edit = edit.clone();
            Callback::from(move |e: Event| {
                let v = input_value(&e);
                let body = $body;
                edit(Box::new(move |sc: &mut Scenario| body(sc, v.as_str())));
            })
        }};
    }
    macro_rules! on_input {
        ($body:expr) => {{
            let edit = edit.clone();
            Callback::from(move |e: InputEvent| {
                let v = input_value_i(&e);
                let body = $body;
                edit(Box::new(move |sc: &mut Scenario| body(sc, v.as_str())));
            })
        }};
    }

    let kind = match &s.cluster.quorum {
        QuorumSpec::Majority => "majority",
        QuorumSpec::Counting { .. } => "counting",
        QuorumSpec::Grid { .. } => "grid",
        QuorumSpec::Weighted { .. } => "weighted",
        QuorumSpec::Explicit { .. } => "explicit",
    };
    let kind_ref = crate::hooks::use_select_value(kind.to_string());
    let on_kind = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let k = select_value(&e);
            edit(Box::new(move |sc: &mut Scenario| {
                let (spec, nodes) = default_spec(&k, sc.cluster.nodes);
                sc.cluster.quorum = spec;
                sc.cluster.nodes = nodes;
                Ok(())
            }))
        })
    };
    let on_nodes = on_input!(|sc: &mut Scenario, v: &str| {
        let n = parse_u32(v, "Nodes", 1, MAX_EDIT_NODES)?;
        sc.cluster.nodes = n;
        sc.cluster.quorum = resize(&sc.cluster.quorum, n);
        if let Some(r) = &mut sc.network.regions {
            let k = r.of_node.iter().max().map_or(1, |m| m + 1);
            r.of_node = (0..n).map(|i| i % k).collect();
        }
        if let Some(l) = sc.cluster.initial_leader {
            if l >= n {
                sc.cluster.initial_leader = Some(0);
            }
        }
        Ok(())
    });

    let quorum_fields = match &s.cluster.quorum {
        QuorumSpec::Majority => html! {
            <p class="muted">{format!("Both phases need {} of {} nodes.", n / 2 + 1, n)}</p>
        },
        QuorumSpec::Counting { q1, q2 } => {
            let on_q1 = on_input!(|sc: &mut Scenario, v: &str| {
                let q1 = parse_u32(v, "Q1", 1, sc.cluster.nodes)?;
                if let QuorumSpec::Counting { q2, .. } = sc.cluster.quorum {
                    sc.cluster.quorum = QuorumSpec::Counting { q1, q2 };
                }
                Ok(())
            });
            let on_q2 = on_input!(|sc: &mut Scenario, v: &str| {
                let q2 = parse_u32(v, "Q2", 1, sc.cluster.nodes)?;
                if let QuorumSpec::Counting { q1, .. } = sc.cluster.quorum {
                    sc.cluster.quorum = QuorumSpec::Counting { q1, q2 };
                }
                Ok(())
            });
            let sum = q1 + q2;
            html! {
                <>
                    <label class="field slider">
                        <span>{"Q1 (election) size"}<output>{q1}</output></span>
                        <input type="range" min="1" max={n.to_string()} step="1" value={q1.to_string()}
                            data-testid="q1-input" aria-label="Phase-1 quorum size" oninput={on_q1} />
                    </label>
                    <label class="field slider">
                        <span>{"Q2 (replication) size"}<output>{q2}</output></span>
                        <input type="range" min="1" max={n.to_string()} step="1" value={q2.to_string()}
                            data-testid="q2-input" aria-label="Phase-2 quorum size" oninput={on_q2} />
                    </label>
                    <p class="muted">{format!("|Q1| + |Q2| = {sum} {} N = {n}", if sum > n { ">" } else { "≤" })}</p>
                </>
            }
        }
        QuorumSpec::Grid { rows, cols, q1 } => {
            let on_rows = on_change!(|sc: &mut Scenario, v: &str| {
                let r = parse_u32(v, "Rows", 1, 8)?;
                if let QuorumSpec::Grid { cols, q1, .. } = sc.cluster.quorum {
                    sc.cluster.quorum = QuorumSpec::Grid { rows: r, cols, q1 };
                    sc.cluster.nodes = r * cols;
                }
                Ok(())
            });
            let on_cols = on_change!(|sc: &mut Scenario, v: &str| {
                let c = parse_u32(v, "Columns", 1, 8)?;
                if let QuorumSpec::Grid { rows, q1, .. } = sc.cluster.quorum {
                    sc.cluster.quorum = QuorumSpec::Grid { rows, cols: c, q1 };
                    sc.cluster.nodes = rows * c;
                }
                Ok(())
            });
            let on_axis = {
                let edit = edit.clone();
                Callback::from(move |e: Event| {
                    let v = select_value(&e);
                    edit(Box::new(move |sc: &mut Scenario| {
                        if let QuorumSpec::Grid { rows, cols, .. } = sc.cluster.quorum {
                            let q1 = if v == "column" {
                                GridAxis::Column
                            } else {
                                GridAxis::Row
                            };
                            sc.cluster.quorum = QuorumSpec::Grid { rows, cols, q1 };
                        }
                        Ok(())
                    }))
                })
            };
            html! {
                <>
                    <div class="pair">
                        <label class="field"><span>{"Rows"}</span>
                            <input type="number" min="1" max="8" value={rows.to_string()} onchange={on_rows} data-testid="grid-rows" /></label>
                        <label class="field"><span>{"Columns"}</span>
                            <input type="number" min="1" max="8" value={cols.to_string()} onchange={on_cols} data-testid="grid-cols" /></label>
                    </div>
                    <label class="field"><span>{"Phase 1 uses"}</span>
                        <select key={format!("axis-{q1:?}")} onchange={on_axis}>
                            <option value="row" selected={*q1 == GridAxis::Row}>{"a full row (Q2 = a column)"}</option>
                            <option value="column" selected={*q1 == GridAxis::Column}>{"a full column (Q2 = a row)"}</option>
                        </select>
                    </label>
                    <p class="muted">{format!("{} nodes, numbered row by row.", rows * cols)}</p>
                </>
            }
        }
        QuorumSpec::Weighted { weights, q1, q2 } => {
            let on_w = on_change!(|sc: &mut Scenario, v: &str| {
                let ws = v
                    .split([',', ' '])
                    .filter(|x| !x.trim().is_empty())
                    .map(|x| parse_u32(x, "A weight", 0, 1000))
                    .collect::<Result<Vec<_>, _>>()?;
                if ws.len() != sc.cluster.nodes as usize {
                    return Err(format!(
                        "Give one weight per node ({}), got {}.",
                        sc.cluster.nodes,
                        ws.len()
                    ));
                }
                if let QuorumSpec::Weighted { q1, q2, .. } = sc.cluster.quorum {
                    sc.cluster.quorum = QuorumSpec::Weighted {
                        weights: ws,
                        q1,
                        q2,
                    };
                }
                Ok(())
            });
            let on_t1 = on_change!(|sc: &mut Scenario, v: &str| {
                let t = parse_u32(v, "Q1 threshold", 1, 1_000_000)?;
                if let QuorumSpec::Weighted { weights, q2, .. } = &sc.cluster.quorum {
                    sc.cluster.quorum = QuorumSpec::Weighted {
                        weights: weights.clone(),
                        q1: t,
                        q2: *q2,
                    };
                }
                Ok(())
            });
            let on_t2 = on_change!(|sc: &mut Scenario, v: &str| {
                let t = parse_u32(v, "Q2 threshold", 1, 1_000_000)?;
                if let QuorumSpec::Weighted { weights, q1, .. } = &sc.cluster.quorum {
                    sc.cluster.quorum = QuorumSpec::Weighted {
                        weights: weights.clone(),
                        q1: *q1,
                        q2: t,
                    };
                }
                Ok(())
            });
            let total: u32 = weights.iter().sum();
            html! {
                <>
                    <label class="field"><span>{"Weights (one per node)"}</span>
                        <input type="text" value={weights.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(",")} onchange={on_w} data-testid="weights-input" /></label>
                    <div class="pair">
                        <label class="field"><span>{"Q1 weight ≥"}</span>
                            <input type="number" min="1" value={q1.to_string()} onchange={on_t1} data-testid="q1-input" /></label>
                        <label class="field"><span>{"Q2 weight ≥"}</span>
                            <input type="number" min="1" value={q2.to_string()} onchange={on_t2} data-testid="q2-input" /></label>
                    </div>
                    <p class="muted">{format!("Total weight {total}; safe when Q1 + Q2 > {total}.")}</p>
                </>
            }
        }
        QuorumSpec::Explicit { q1, q2 } => {
            let on_s1 = on_change!(|sc: &mut Scenario, v: &str| {
                let sets = parse_sets(v, sc.cluster.nodes)?;
                if let QuorumSpec::Explicit { q2, .. } = &sc.cluster.quorum {
                    sc.cluster.quorum = QuorumSpec::Explicit {
                        q1: sets,
                        q2: q2.clone(),
                    };
                }
                Ok(())
            });
            let on_s2 = on_change!(|sc: &mut Scenario, v: &str| {
                let sets = parse_sets(v, sc.cluster.nodes)?;
                if let QuorumSpec::Explicit { q1, .. } = &sc.cluster.quorum {
                    sc.cluster.quorum = QuorumSpec::Explicit {
                        q1: q1.clone(),
                        q2: sets,
                    };
                }
                Ok(())
            });
            html! {
                <>
                    <label class="field"><span>{"Q1 sets (`;` between sets)"}</span>
                        <input type="text" value={sets_text(q1)} onchange={on_s1} data-testid="q1-input" /></label>
                    <label class="field"><span>{"Q2 sets"}</span>
                        <input type="text" value={sets_text(q2)} onchange={on_s2} data-testid="q2-input" /></label>
                    <p class="muted">{"Any superset of a listed set is a quorum too."}</p>
                </>
            }
        }
    };

    let on_thrifty = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            let on = el.checked();
            edit(Box::new(move |sc: &mut Scenario| {
                sc.cluster.thrifty = on;
                Ok(())
            }))
        })
    };
    let on_unsafe = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            let on = el.checked();
            edit(Box::new(move |sc: &mut Scenario| {
                sc.cluster.allow_unsafe = on;
                Ok(())
            }))
        })
    };
    let on_latency = on_change!(|sc: &mut Scenario, v: &str| {
        sc.network.latency = Latency::parse_cli(v.trim())?;
        sc.network.regions = None;
        Ok(())
    });
    let on_region = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            edit(Box::new(move |sc: &mut Scenario| {
                region_preset(sc, &v);
                Ok(())
            }))
        })
    };
    let on_loss = on_change!(|sc: &mut Scenario, v: &str| {
        sc.network.loss = parse_f64(v, "Loss (%)", 0.0, 99.0)? / 100.0;
        Ok(())
    });
    let on_dup = on_change!(|sc: &mut Scenario, v: &str| {
        sc.network.duplicate = parse_f64(v, "Duplication (%)", 0.0, 100.0)? / 100.0;
        Ok(())
    });
    let on_bw = on_change!(|sc: &mut Scenario, v: &str| {
        sc.network.bandwidth_mbps = if v.trim().is_empty() {
            None
        } else {
            Some(parse_f64(v, "Bandwidth (Mbit/s)", 0.001, 1e6)?)
        };
        Ok(())
    });
    let on_recv = on_change!(|sc: &mut Scenario, v: &str| {
        sc.cpu.per_recv =
            Dur((parse_f64(v, "CPU per received message (µs)", 0.0, 1e6)? * 1e3) as u64);
        Ok(())
    });
    let on_send = on_change!(|sc: &mut Scenario, v: &str| {
        sc.cpu.per_send = Dur((parse_f64(v, "CPU per sent message (µs)", 0.0, 1e6)? * 1e3) as u64);
        Ok(())
    });
    let on_clients = on_change!(|sc: &mut Scenario, v: &str| {
        sc.workload.clients = parse_u32(v, "Clients", 0, 10_000)?;
        Ok(())
    });
    let on_outstanding = on_change!(|sc: &mut Scenario, v: &str| {
        sc.workload.outstanding = parse_u32(v, "Outstanding requests", 1, 1000)?;
        Ok(())
    });
    let on_rate = on_change!(|sc: &mut Scenario, v: &str| {
        sc.workload.rate = if v.trim().is_empty() {
            None
        } else {
            Some(parse_f64(v, "Open-loop rate (req/s)", 0.001, 1e7)?)
        };
        Ok(())
    });
    let on_seed = on_change!(|sc: &mut Scenario, v: &str| {
        sc.seed = v
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("Seed must be a whole number, not `{v}`."))?;
        Ok(())
    });
    let on_duration = on_change!(|sc: &mut Scenario, v: &str| {
        let secs = parse_f64(v, "Duration (s)", 0.001, 3600.0)?;
        sc.duration = Dur((secs * 1e9) as u64);
        Ok(())
    });

    let region = match &s.network.regions {
        Some(r) if r.of_node.iter().max().is_some_and(|m| *m >= 2) => "wan3",
        Some(_) => "wan2",
        None => {
            let mut probe = s.clone();
            ["lan", "dc", "paper"]
                .into_iter()
                .find(|p| {
                    region_preset(&mut probe, p);
                    probe.network.latency == s.network.latency
                })
                .unwrap_or("")
        }
    };
    let region_ref = crate::hooks::use_select_value(region.to_string());
    let pct = |p: f64| format!("{}", (p * 1e4).round() / 1e2);
    let us = |d: Dur| format!("{}", d.0 as f64 / 1e3);

    html! {
        <div class="panel scenario-panel">
            <h2>{"Scenario"}</h2>
            <IntersectionBadge scenario={s.clone()} />
            if let Some(e) = &*field_err {
                <p class="field-error" role="alert" data-testid="field-error">{e.clone()}</p>
            }
            if !app.errors.is_empty() {
                <div class="errors" role="alert" data-testid="validation-errors">
                    <strong>{"This scenario cannot run:"}</strong>
                    <ul>{ for app.errors.iter().map(|e| html! { <li>{e.clone()}</li> }) }</ul>
                    if app.errors.iter().any(|e| e.contains("unsafe")) {
                        <p>{"Tick “Allow unsafe quorums” to run it anyway (teaching mode)."}</p>
                    }
                </div>
            }
            <fieldset>
                <legend>{"Cluster and quorums"}</legend>
                <label class="field slider">
                    <span>{"Nodes"}<output>{n}</output></span>
                    <input type="range" min="1" max={MAX_EDIT_NODES.to_string()} step="1" value={n.to_string()}
                        disabled={kind == "grid"} data-testid="nodes-input" aria-label="Number of nodes" oninput={on_nodes} />
                </label>
                <label class="field">
                    <span>{"Quorum system"}</span>
                    <select ref={kind_ref} data-testid="quorum-kind" onchange={on_kind} aria-label="Quorum system">
                        <option value="majority" selected={kind == "majority"}>{"Majority"}</option>
                        <option value="counting" selected={kind == "counting"}>{"Counting (Q1 / Q2 sizes)"}</option>
                        <option value="grid" selected={kind == "grid"}>{"Grid (rows x columns)"}</option>
                        <option value="weighted" selected={kind == "weighted"}>{"Weighted votes"}</option>
                        <option value="explicit" selected={kind == "explicit"}>{"Explicit quorum lists"}</option>
                    </select>
                </label>
                {quorum_fields}
                <label class="check"><input type="checkbox" checked={s.cluster.thrifty} onchange={on_thrifty} data-testid="thrifty-input" />
                    <span>{"Thrifty: send phase 1/2 only to a chosen quorum"}</span></label>
                <label class="check"><input type="checkbox" checked={s.cluster.allow_unsafe} onchange={on_unsafe} data-testid="allow-unsafe-input" />
                    <span>{"Allow unsafe quorums (teaching mode)"}</span></label>
            </fieldset>
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
                <label class="field"><span>{"One-way latency"}</span>
                    <input type="text" value={latency_text(&s.network.latency)} onchange={on_latency}
                        disabled={s.network.regions.is_some()} data-testid="latency-input"
                        title="const:10ms, uniform:5ms..15ms, normal:10ms,2ms, lognormal:10ms,0.5, exp:1ms+2ms" /></label>
                <div class="pair">
                    <label class="field"><span>{"Loss %"}</span>
                        <input type="number" min="0" max="99" step="0.1" value={pct(s.network.loss)} onchange={on_loss} /></label>
                    <label class="field"><span>{"Duplication %"}</span>
                        <input type="number" min="0" max="100" step="0.1" value={pct(s.network.duplicate)} onchange={on_dup} /></label>
                </div>
                <label class="field"><span>{"Bandwidth Mbit/s (empty: unlimited)"}</span>
                    <input type="number" min="0.001" step="any" value={s.network.bandwidth_mbps.map(|b| b.to_string()).unwrap_or_default()} onchange={on_bw} /></label>
            </fieldset>
            <fieldset>
                <legend>{"CPU cost per message"}</legend>
                <div class="pair">
                    <label class="field"><span>{"Receive µs"}</span>
                        <input type="number" min="0" step="any" value={us(s.cpu.per_recv)} onchange={on_recv} data-testid="cpu-recv-input" /></label>
                    <label class="field"><span>{"Send µs"}</span>
                        <input type="number" min="0" step="any" value={us(s.cpu.per_send)} onchange={on_send} /></label>
                </div>
            </fieldset>
            <fieldset>
                <legend>{"Workload"}</legend>
                <div class="pair">
                    <label class="field"><span>{"Clients"}</span>
                        <input type="number" min="0" max="10000" value={s.workload.clients.to_string()} onchange={on_clients} data-testid="clients-input" /></label>
                    <label class="field"><span>{"Outstanding each"}</span>
                        <input type="number" min="1" max="1000" value={s.workload.outstanding.to_string()} onchange={on_outstanding} /></label>
                </div>
                <label class="field"><span>{"Open-loop rate req/s (empty: closed loop)"}</span>
                    <input type="number" min="0" step="any" value={s.workload.rate.map(|r| r.to_string()).unwrap_or_default()} onchange={on_rate} /></label>
            </fieldset>
            <fieldset>
                <legend>{"Run"}</legend>
                <div class="pair">
                    <label class="field"><span>{"Seed"}</span>
                        <input type="number" min="0" value={s.seed.to_string()} onchange={on_seed} data-testid="seed-input" /></label>
                    <label class="field"><span>{"Duration s"}</span>
                        <input type="number" min="0.001" step="any" value={format!("{}", s.duration.as_secs())} onchange={on_duration} data-testid="duration-input" /></label>
                </div>
            </fieldset>
            <FaultList faults={Rc::clone(&app.scenario)} dispatch={app.dispatch.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FaultListProps {
    faults: Rc<Scenario>,
    dispatch: UseReducerDispatcher<AppState>,
}

/// The scheduled and injected faults, with a button to clear them.
#[component]
fn FaultList(props: &FaultListProps) -> Html {
    let faults = &props.faults.faults;
    let clear = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.dispatch(Action::ClearFaults))
    };
    html! {
        <fieldset data-testid="fault-list">
            <legend>{format!("Faults ({})", faults.len())}</legend>
            if faults.is_empty() {
                <p class="muted">{"None. Click nodes, links or messages in the cluster view to add some."}</p>
            } else {
                <ol class="faults">
                    { for faults.iter().take(50).map(|f| html! {
                        <li><time>{crate::format::time(f.at.0)}</time>{" "}{f.action.describe()}</li>
                    }) }
                </ol>
                if faults.len() > 50 { <p class="muted">{format!("… and {} more", faults.len() - 50)}</p> }
                <button type="button" onclick={clear}>{"Clear faults"}</button>
            }
        </fieldset>
    }
}
