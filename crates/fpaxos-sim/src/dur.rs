//! Durations in integer nanoseconds, written as `"10ms"`, `"1.5s"`, `"250us"`, `"0"`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A duration in nanoseconds. In JSON it is a string with a unit (`ns`, `us`, `ms`, `s`, `min`,
/// `h`), or a bare number of milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dur(pub u64);

/// Upper bound for any duration a scenario may hold (one day).
pub const MAX_DUR: Dur = Dur(86_400 * 1_000_000_000);

impl Dur {
    /// Nanoseconds.
    pub const fn ns(n: u64) -> Dur {
        Dur(n)
    }
    /// Microseconds.
    pub const fn us(n: u64) -> Dur {
        Dur(n * 1_000)
    }
    /// Milliseconds.
    pub const fn ms(n: u64) -> Dur {
        Dur(n * 1_000_000)
    }
    /// Seconds.
    pub const fn secs(n: u64) -> Dur {
        Dur(n * 1_000_000_000)
    }
    /// As fractional milliseconds.
    pub fn as_ms(self) -> f64 {
        self.0 as f64 / 1e6
    }
    /// As fractional seconds.
    pub fn as_secs(self) -> f64 {
        self.0 as f64 / 1e9
    }

    /// For people: the largest unit (s, ms, us) in which it is at least 1, with at most three
    /// decimals (rounded, trailing zeros dropped): `3254924us` reads `3.255s`, `2240500ns` reads
    /// `2.241ms`. It still parses, to the rounded value. `Display` keeps the exact form.
    pub fn readable(self) -> String {
        let n = self.0;
        let (unit, scale) = if n >= 1_000_000_000 {
            ("s", 1_000_000_000)
        } else if n >= 1_000_000 {
            ("ms", 1_000_000)
        } else if n >= 1_000 {
            ("us", 1_000)
        } else {
            return self.to_string();
        };
        // Thousandths of the unit, rounded half up, in integers (exact, unlike an f64).
        let milli = (n + scale / 2_000) / (scale / 1_000);
        let text = format!("{}.{:03}", milli / 1_000, milli % 1_000);
        let text = text.trim_end_matches('0').trim_end_matches('.');
        format!("{text}{unit}")
    }

    /// Parses `10ms`, `1.5s`, `250us`, `100ns`, `2min`, `1h`, `0`.
    pub fn parse(s: &str) -> Result<Dur, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err("empty duration".into());
        }
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e'))
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let value: f64 = num
            .parse()
            .map_err(|_| format!("`{s}` is not a duration (try 10ms, 1.5s, 250us)"))?;
        let scale = match unit.trim() {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "min" | "m" => 60e9,
            "h" => 3600e9,
            "" if value == 0.0 => 1.0,
            "" => {
                return Err(format!(
                    "`{s}` needs a unit: ns, us, ms, s, min or h (e.g. {s}ms)"
                ))
            }
            other => return Err(format!("unknown time unit `{other}` in `{s}`")),
        };
        Dur::from_f64_ns(value * scale).map_err(|e| format!("`{s}`: {e}"))
    }

    fn from_f64_ns(ns: f64) -> Result<Dur, String> {
        if !ns.is_finite() {
            return Err("duration must be finite".into());
        }
        if ns < 0.0 {
            return Err("duration must not be negative".into());
        }
        if ns > MAX_DUR.0 as f64 {
            return Err("duration is longer than a day".into());
        }
        Ok(Dur(ns.round() as u64))
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        if n == 0 {
            write!(f, "0")
        } else if n.is_multiple_of(1_000_000_000) {
            write!(f, "{}s", n / 1_000_000_000)
        } else if n.is_multiple_of(1_000_000) {
            write!(f, "{}ms", n / 1_000_000)
        } else if n.is_multiple_of(1_000) {
            write!(f, "{}us", n / 1_000)
        } else {
            write!(f, "{n}ns")
        }
    }
}

impl Serialize for Dur {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a duration such as \"10ms\" or a number of milliseconds")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Dur, E> {
                Dur::parse(v).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Dur, E> {
                Dur::from_f64_ns(v * 1e6).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Dur, E> {
                self.visit_f64(v as f64)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Dur, E> {
                self.visit_f64(v as f64)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        assert_eq!(Dur::parse("10ms"), Ok(Dur::ms(10)));
        assert_eq!(Dur::parse("1.5s"), Ok(Dur::ms(1500)));
        assert_eq!(Dur::parse("250us"), Ok(Dur::us(250)));
        assert_eq!(Dur::parse("0"), Ok(Dur(0)));
        assert_eq!(Dur::parse("1h"), Ok(Dur::secs(3600)));
        assert_eq!(Dur::parse("1.5h"), Ok(Dur::secs(5400)));
        assert!(Dur::parse("-1ms").is_err());
        assert!(Dur::parse("1e30s").is_err());
        assert!(Dur::parse("10").is_err());
        assert!(Dur::parse("10parsecs").is_err());
        assert_eq!(Dur::ms(1500).to_string(), "1500ms");
        assert_eq!(Dur::secs(3).to_string(), "3s");
        let j: Dur = serde_json::from_str("2.5").unwrap();
        assert_eq!(j, Dur::us(2500));
        assert!(serde_json::from_str::<Dur>("-3").is_err());
    }

    #[test]
    fn readable_rounds_to_the_largest_unit_and_still_parses() {
        for (d, text) in [
            (Dur(0), "0"),
            (Dur(999), "999ns"),
            (Dur::us(250), "250us"),
            (Dur(1_500), "1.5us"),
            (Dur::us(1500), "1.5ms"),
            (Dur(2_240_500), "2.241ms"),
            (Dur::us(8962), "8.962ms"),
            (Dur::ms(1830), "1.83s"),
            (Dur::us(3_254_924), "3.255s"),
            (Dur::secs(3600), "3600s"),
            (Dur(999_999_999), "1000ms"),
        ] {
            assert_eq!(d.readable(), text, "{d}");
            let back = Dur::parse(text).unwrap();
            let unit = if d.0 >= 1_000_000_000 {
                1_000_000
            } else {
                1_000
            };
            assert!(
                back.0.abs_diff(d.0) <= unit / 2,
                "{text} parses to {back}, far from {d}"
            );
        }
    }
}
