//! One-way latency distributions and their one text form.
//!
//! The text form (`const:10ms`, `uniform:5ms..15ms`, `normal:10ms,2ms`, `lognormal:10ms,0.5`,
//! `exp:1ms`, `exp:5ms+1ms`) is what `--latency` and the sweep's `latency=` knob parse, what a
//! sweep row prints and what the page's latency field shows. [`Latency::parse_cli`] reads it and
//! `Display` writes it, so every place that prints a latency prints something that parses back
//! to the same value. In scenario JSON a latency is an object (`{"dist": "const", "value":
//! "5ms"}`) or, as a shorthand, that same text (`"5ms"`, `"uniform:5ms..15ms"`).

use crate::dur::Dur;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A latency distribution (one-way).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
// `remote = "Self"` turns the derives into inherent functions that the hand-written trait
// impls below call, so the object form stays derived while a string is accepted too.
#[serde(
    remote = "Self",
    tag = "dist",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum Latency {
    /// Always `value`.
    Const {
        /// The latency.
        value: Dur,
    },
    /// Uniform in `[min, max]`.
    Uniform {
        /// Lower bound.
        min: Dur,
        /// Upper bound.
        max: Dur,
    },
    /// Normal, truncated at zero.
    Normal {
        /// Mean.
        mean: Dur,
        /// Standard deviation.
        stddev: Dur,
    },
    /// Log-normal: `median * exp(sigma * Z)`.
    Lognormal {
        /// Median.
        median: Dur,
        /// Shape (standard deviation of the log).
        sigma: f64,
    },
    /// `min` plus an exponential with mean `mean`.
    Exponential {
        /// Fixed part.
        #[serde(default)]
        min: Dur,
        /// Mean of the exponential part.
        mean: Dur,
    },
}

impl Serialize for Latency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Latency::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for Latency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let v = serde_json::Value::deserialize(d)?;
        match &v {
            serde_json::Value::String(text) => Latency::parse_cli(text).map_err(D::Error::custom),
            _ => Latency::deserialize(v).map_err(D::Error::custom),
        }
    }
}

impl Default for Latency {
    fn default() -> Self {
        Latency::Normal {
            mean: Dur::ms(2),
            stddev: Dur::us(300),
        }
    }
}

impl Latency {
    /// Parses the text form: `const:10ms` (or just `10ms`), `uniform:5ms..15ms`,
    /// `normal:10ms,2ms`, `lognormal:10ms,0.5`, `exp:1ms` or `exp:5ms+1ms` (min + mean).
    pub fn parse_cli(s: &str) -> Result<Latency, String> {
        let (kind, rest) = s.split_once(':').unwrap_or(("const", s));
        let err = || {
            format!("bad latency `{s}`: use const:10ms, uniform:5ms..15ms, normal:10ms,2ms, lognormal:10ms,0.5 or exp:1ms")
        };
        match kind {
            "const" | "constant" => Ok(Latency::Const {
                value: Dur::parse(rest)?,
            }),
            "uniform" => {
                let (a, b) = rest.split_once("..").ok_or_else(err)?;
                Ok(Latency::Uniform {
                    min: Dur::parse(a)?,
                    max: Dur::parse(b)?,
                })
            }
            "normal" => {
                let (a, b) = rest.split_once(',').ok_or_else(err)?;
                Ok(Latency::Normal {
                    mean: Dur::parse(a)?,
                    stddev: Dur::parse(b)?,
                })
            }
            "lognormal" => {
                let (a, b) = rest.split_once(',').ok_or_else(err)?;
                Ok(Latency::Lognormal {
                    median: Dur::parse(a)?,
                    sigma: b.trim().parse().map_err(|_| err())?,
                })
            }
            "exp" | "exponential" => match rest.split_once('+') {
                Some((a, b)) => Ok(Latency::Exponential {
                    min: Dur::parse(a)?,
                    mean: Dur::parse(b)?,
                }),
                None => Ok(Latency::Exponential {
                    min: Dur(0),
                    mean: Dur::parse(rest)?,
                }),
            },
            _ => Err(err()),
        }
    }

    /// The mean of the distribution (for analytic estimates).
    pub fn mean(&self) -> Dur {
        match *self {
            Latency::Const { value } => value,
            Latency::Uniform { min, max } => Dur((min.0 + max.0) / 2),
            Latency::Normal { mean, .. } => mean,
            Latency::Lognormal { median, sigma } => {
                Dur((median.0 as f64 * libm::exp(sigma * sigma / 2.0)) as u64)
            }
            Latency::Exponential { min, mean } => Dur(min.0 + mean.0),
        }
    }
}

impl Latency {
    /// The smallest latency a draw can return (what the simulator's sampler can produce, not a
    /// percentile): validation uses it to tell a timer that is merely tight from one under which
    /// no reply can ever arrive in time. Normal and log-normal tails reach down to zero unless
    /// their spread is zero.
    pub fn min(&self) -> Dur {
        match *self {
            Latency::Const { value } => value,
            Latency::Uniform { min, .. } | Latency::Exponential { min, .. } => min,
            Latency::Normal { mean, stddev } if stddev.0 == 0 => mean,
            Latency::Lognormal { median, sigma: 0.0 } => median,
            Latency::Normal { .. } | Latency::Lognormal { .. } => Dur(0),
        }
    }
}

impl Latency {
    /// The text form with [`Dur::readable`] durations (`normal:8.962ms,2.241ms`), for people:
    /// it parses, to the rounded values.
    pub fn readable(&self) -> String {
        match *self {
            Latency::Const { value } => format!("const:{}", value.readable()),
            Latency::Uniform { min, max } => {
                format!("uniform:{}..{}", min.readable(), max.readable())
            }
            Latency::Normal { mean, stddev } => {
                format!("normal:{},{}", mean.readable(), stddev.readable())
            }
            Latency::Lognormal { median, sigma } => {
                format!("lognormal:{},{sigma}", median.readable())
            }
            Latency::Exponential { min, mean } if min.0 == 0 => format!("exp:{}", mean.readable()),
            Latency::Exponential { min, mean } => {
                format!("exp:{}+{}", min.readable(), mean.readable())
            }
        }
    }
}

/// The text form [`Latency::parse_cli`] reads back, e.g. `uniform:5ms..15ms`; an exponential
/// without a fixed part prints as `exp:MEAN`.
impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Latency::Const { value } => write!(f, "const:{value}"),
            Latency::Uniform { min, max } => write!(f, "uniform:{min}..{max}"),
            Latency::Normal { mean, stddev } => write!(f, "normal:{mean},{stddev}"),
            Latency::Lognormal { median, sigma } => write!(f, "lognormal:{median},{sigma}"),
            Latency::Exponential { min, mean } if min.0 == 0 => write!(f, "exp:{mean}"),
            Latency::Exponential { min, mean } => write!(f, "exp:{min}+{mean}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_cli() {
        assert_eq!(
            Latency::parse_cli("const:10ms"),
            Ok(Latency::Const { value: Dur::ms(10) })
        );
        assert_eq!(
            Latency::parse_cli("uniform:5ms..15ms"),
            Ok(Latency::Uniform {
                min: Dur::ms(5),
                max: Dur::ms(15)
            })
        );
        assert!(Latency::parse_cli("uniform:5ms").is_err());
    }

    #[test]
    fn text_forms_print_what_parses() {
        for (l, text) in [
            (Latency::Const { value: Dur::ms(5) }, "const:5ms"),
            (
                Latency::Exponential {
                    min: Dur(0),
                    mean: Dur::ms(1),
                },
                "exp:1ms",
            ),
            (
                Latency::Exponential {
                    min: Dur::ms(5),
                    mean: Dur::us(1500),
                },
                "exp:5ms+1500us",
            ),
            (Latency::default(), "normal:2ms,300us"),
        ] {
            assert_eq!(l.to_string(), text);
            assert_eq!(Latency::parse_cli(text), Ok(l));
        }
    }

    #[test]
    fn readable_forms_round_and_parse() {
        let l = Latency::Normal {
            mean: Dur::us(8962),
            stddev: Dur(2_240_500),
        };
        assert_eq!(l.to_string(), "normal:8962us,2240500ns");
        assert_eq!(l.readable(), "normal:8.962ms,2.241ms");
        assert_eq!(
            Latency::parse_cli(&l.readable()),
            Ok(Latency::Normal {
                mean: Dur::us(8962),
                stddev: Dur::us(2241),
            })
        );
        let e = Latency::Exponential {
            min: Dur::ms(5),
            mean: Dur::us(1500),
        };
        assert_eq!(e.readable(), "exp:5ms+1.5ms");
        let e0 = Latency::Exponential {
            min: Dur(0),
            mean: Dur::us(1500),
        };
        assert_eq!(e0.readable(), "exp:1.5ms");
        assert_eq!(Latency::parse_cli(&e.readable()), Ok(e));
    }

    #[test]
    fn min_is_the_smallest_draw() {
        let ms = Dur::ms;
        for (l, min) in [
            (Latency::Const { value: ms(5) }, ms(5)),
            (Latency::parse_cli("uniform:2ms..8ms").unwrap(), ms(2)),
            (Latency::parse_cli("exp:3ms+1ms").unwrap(), ms(3)),
            (Latency::parse_cli("normal:10ms,0ms").unwrap(), ms(10)),
            (Latency::parse_cli("normal:10ms,1ms").unwrap(), Dur(0)),
            (Latency::parse_cli("lognormal:10ms,0").unwrap(), ms(10)),
            (Latency::parse_cli("lognormal:10ms,0.1").unwrap(), Dur(0)),
        ] {
            assert_eq!(l.min(), min, "{l}");
        }
    }

    #[test]
    fn json_takes_the_object_or_the_text() {
        let five = Latency::Const { value: Dur::ms(5) };
        assert_eq!(serde_json::from_str::<Latency>("\"5ms\"").unwrap(), five);
        assert_eq!(
            serde_json::from_str::<Latency>(r#"{"dist": "const", "value": "5ms"}"#).unwrap(),
            five
        );
        assert_eq!(
            serde_json::to_string(&five).unwrap(),
            r#"{"dist":"const","value":"5ms"}"#
        );
        assert_eq!(
            serde_json::from_str::<Latency>("\"uniform:1ms..2ms\"").unwrap(),
            Latency::Uniform {
                min: Dur::ms(1),
                max: Dur::ms(2)
            }
        );
        assert!(serde_json::from_str::<Latency>("\"fast\"").is_err());
        assert!(
            serde_json::from_str::<Latency>(r#"{"dist": "const", "value": "5ms", "x": 1}"#)
                .is_err()
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn dur() -> impl proptest::strategy::Strategy<Value = Dur> {
        use proptest::prelude::*;
        prop_oneof![
            (0u64..100_000).prop_map(Dur::us),
            (0u64..86_400_000_000_000).prop_map(Dur),
        ]
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn display_round_trips_parse_cli(a in dur(), b in dur(), sigma in 0.0f64..5.0, k in 0usize..6) {
            let l = match k {
                0 => Latency::Const { value: a },
                1 => Latency::Uniform { min: a, max: b },
                2 => Latency::Normal { mean: a, stddev: b },
                3 => Latency::Lognormal { median: a, sigma },
                4 => Latency::Exponential { min: a, mean: b },
                _ => Latency::Exponential { min: Dur(0), mean: b },
            };
            proptest::prop_assert_eq!(Latency::parse_cli(&l.to_string()), Ok(l));
        }
    }
}
