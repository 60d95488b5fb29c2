//! Number and time formatting shared by every panel. The summary formats are part of the page's
//! contract with end-to-end tests (see [`summary_int`], [`summary_f`]).

use fpaxos::Time;

/// Simulated time for people: `0 s`, `12.345 ms`, `1.234 s`.
pub fn time(ns: Time) -> String {
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
pub fn time_fixed(ns: Time) -> String {
    if ns < 1_000_000_000 {
        format!("{:.3} ms", ns as f64 / 1e6)
    } else {
        format!("{:.4} s", ns as f64 / 1e9)
    }
}

/// Short axis label for seconds.
pub fn secs_axis(s: f64) -> String {
    if s == s.trunc() {
        format!("{s:.0}s")
    } else {
        format!("{s:.1}s")
    }
}

/// Compact axis label for any value.
pub fn compact(v: f64) -> String {
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
pub fn summary_int(v: u64) -> String {
    v.to_string()
}

/// Summary decimals: exactly `digits` decimal places, no separators (throughput 1, latencies 3).
pub fn summary_f(v: f64, digits: usize) -> String {
    format!("{v:.digits$}")
}
