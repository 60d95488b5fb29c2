//! Number and time formatting shared by every panel. The summary formats are part of the page's
//! contract with end-to-end tests (see [`summary_int`], [`summary_f`]).

use fpaxos::Time;

/// Simulated time for people: `0 s`, `12.345 ms`, `1.234 s`.
pub(crate) fn time(ns: Time) -> String {
    if ns == 0 {
        "0 s".into()
    } else if ns < 1_000_000 {
        format!("{:.1} µs", ns as f64 / 1e3)
    } else if ns < 1_000_000_000 {
        format!("{} ms", trim(format!("{:.3}", ns as f64 / 1e6)))
    } else {
        format!("{} s", trim(format!("{:.3}", ns as f64 / 1e9)))
    }
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Simulated time with a fixed number of decimals (for values that change while playing).
pub(crate) fn time_fixed(ns: Time) -> String {
    if ns < 1_000_000_000 {
        format!("{:.3} ms", ns as f64 / 1e6)
    } else {
        format!("{:.4} s", ns as f64 / 1e9)
    }
}

/// Short axis label for seconds.
pub(crate) fn secs_axis(s: f64) -> String {
    if s == s.trunc() {
        format!("{s:.0}s")
    } else {
        format!("{s:.1}s")
    }
}

/// Compact axis label for any value.
pub(crate) fn compact(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Summary integers (committed, leader changes): plain decimal, no separators.
pub(crate) fn summary_int(v: u64) -> String {
    v.to_string()
}

/// Summary decimals: exactly `digits` decimal places, no separators (throughput 1, latencies 3).
pub(crate) fn summary_f(v: f64, digits: usize) -> String {
    format!("{v:.digits$}")
}

/// Line colour, dash pattern and marker name of series `i` (compare variants, sweep series).
/// Colour is never the only carrier: dash pattern and marker shape differ too, and every series
/// is labelled.
pub(crate) fn variant_style(i: usize) -> (&'static str, &'static str, &'static str) {
    const S: [(&str, &str, &str); 4] = [
        ("#2563eb", "none", "circle"),
        ("#dc2626", "7 4", "square"),
        ("#16a34a", "2 3", "triangle"),
        ("#9333ea", "10 3 2 3", "diamond"),
    ];
    S[i % S.len()]
}

/// Percentage change of `v` against `base`, `None` when `base` is 0 or either is not finite.
pub(crate) fn delta_pct(base: f64, v: f64) -> Option<f64> {
    (base != 0.0 && base.is_finite() && v.is_finite()).then(|| (v - base) / base * 100.0)
}

/// How a delta is shown: `+76.0%`, `-43.2%`, `±0.0%` (below 0.05 % either way), `—`.
pub(crate) fn fmt_delta(d: Option<f64>) -> String {
    match d {
        Some(x) if x.abs() < 0.05 => "±0.0%".into(),
        Some(x) => format!("{x:+.1}%"),
        None => "—".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_read_like_the_table() {
        assert_eq!(fmt_delta(delta_pct(100.0, 176.0)), "+76.0%");
        assert_eq!(fmt_delta(delta_pct(10.0, 5.7)), "-43.0%");
        assert_eq!(fmt_delta(delta_pct(0.0, 5.0)), "—");
        assert_eq!(fmt_delta(delta_pct(100.0, 99.99)), "±0.0%");
    }
}
