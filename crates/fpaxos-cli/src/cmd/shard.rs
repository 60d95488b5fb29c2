//! `--shard I/N`: one of N disjoint parts of a check or a sweep, for running the parts on
//! several machines (a Kubernetes Indexed Job, a Slurm array, GNU parallel) and joining their
//! `--json` outputs with `fpaxos merge`.
//!
//! The work is a list of units (a check's seeds, a sweep's points, an availability sweep's
//! (point, seed) runs) in the order the unsharded run prints them. Shard `I` of `N` (0-based,
//! like a Kubernetes `JOB_COMPLETION_INDEX`) takes the contiguous units
//! `[I*U/N, (I+1)*U/N)`: the shards are disjoint, their union is the whole list, their sizes
//! differ by at most one, and shards in index order are the units in order, so a merge is a
//! concatenation. A check's shard is itself a plain check of a smaller seed range.
//!
//! Each shard's JSON carries a [`ShardHeader`]: which shard it is, and what it is a shard of
//! (the arguments that decide the result, their fingerprint and the fpaxos version), so a
//! merge can refuse parts of different runs.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::ops::Range;

/// A shard spec from `--shard I/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shard {
    /// 0-based: `0..count`.
    pub(crate) index: u64,
    pub(crate) count: u64,
}

/// What the help texts say about `--shard`.
pub(crate) const SHARD_FORMAT: &str =
    "I/N with I counting from 0: the shards of 4 are 0/4, 1/4, 2/4 and 3/4";

/// Parses `I/N` (clap value parser). One line per problem, so the usage error stays readable.
pub(crate) fn parse(s: &str) -> Result<Shard, String> {
    let Some((i, n)) = s.trim().split_once('/') else {
        return Err(format!("expected {SHARD_FORMAT}"));
    };
    let (Ok(index), Ok(count)) = (i.trim().parse::<u64>(), n.trim().parse::<u64>()) else {
        return Err(format!("expected {SHARD_FORMAT}"));
    };
    if count == 0 {
        return Err(format!(
            "there must be at least 1 shard, not 0; expected {SHARD_FORMAT}"
        ));
    }
    if index >= count {
        return Err(format!(
            "shard {index} does not exist among {count} shards: I counts from 0, so use 0/{count} to {}/{count}",
            count - 1
        ));
    }
    Ok(Shard { index, count })
}

impl Shard {
    /// This shard's units of a work of `total` units (`what` names them in the error: `seeds`).
    /// More shards than units would leave some empty, which is refused.
    pub(crate) fn range(self, total: u64, what: &str) -> Result<Range<u64>, String> {
        if self.count > total {
            return Err(format!(
                "--shard {}/{}: {} shards for {total} {what} would leave some shards empty; use at most {total} shards",
                self.index, self.count, self.count
            ));
        }
        Ok(split(total, self.count, self.index))
    }
}

/// Units `[i*total/n, (i+1)*total/n)`, computed without overflow.
fn split(total: u64, n: u64, i: u64) -> Range<u64> {
    let at = |k: u64| (u128::from(total) * u128::from(k) / u128::from(n)) as u64;
    at(i)..at(i + 1)
}

/// What a shard's JSON says about itself, under `"shard"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShardHeader {
    /// This shard, 0-based.
    pub(crate) index: u64,
    /// How many shards the work was split into.
    pub(crate) count: u64,
    /// What the units are: `check` (seeds), `sweep` (points), `availability` ((point, seed)
    /// runs).
    pub(crate) kind: String,
    /// Units of the whole work.
    pub(crate) units: u64,
    /// This shard's units, `from..to` (end excluded).
    pub(crate) from: u64,
    pub(crate) to: u64,
    /// The fpaxos version that ran it: another version may compute other results.
    pub(crate) version: String,
    /// A hash of `kind`, `units`, `version` and `args`: equal for every shard of one run.
    pub(crate) fingerprint: String,
    /// The arguments that decide the result (not `--jobs`, `--json`, `--show`, ...).
    pub(crate) args: Value,
}

/// This binary's version, recorded in every shard and required by `merge`.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

impl ShardHeader {
    /// The header of `shard` of a work of `units` units of `kind`, decided by `args`.
    pub(crate) fn new(shard: Shard, kind: &str, units: u64, args: Value) -> ShardHeader {
        let r = split(units, shard.count, shard.index);
        ShardHeader {
            index: shard.index,
            count: shard.count,
            kind: kind.to_string(),
            units,
            from: r.start,
            to: r.end,
            version: VERSION.to_string(),
            fingerprint: fingerprint(kind, units, VERSION, &args),
            args,
        }
    }

    /// The units this header's index should cover; `merge` compares it with `from..to`.
    pub(crate) fn expected_range(&self) -> Range<u64> {
        split(self.units, self.count.max(1), self.index)
    }

    /// Whether the fingerprint is the one its fields give (a file edited by hand is not).
    pub(crate) fn fingerprint_holds(&self) -> bool {
        self.fingerprint == fingerprint(&self.kind, self.units, &self.version, &self.args)
    }

    /// `I/N`.
    pub(crate) fn spec(&self) -> String {
        format!("{}/{}", self.index, self.count)
    }
}

/// FNV-1a (64 bits) of the compact JSON of what decides a run's result, in hex. Not a
/// cryptographic hash: it tells accidental mix-ups apart, it does not resist forgery.
fn fingerprint(kind: &str, units: u64, version: &str, args: &Value) -> String {
    let text = serde_json::json!({"kind": kind, "units": units, "version": version, "args": args})
        .to_string();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// `v` without the entries that say nothing (null, false, empty lists), recursively: the
/// overrides a user gave, in a form short enough to read in an error message.
pub(crate) fn without_defaults(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, x)| {
                    !matches!(x, Value::Null | Value::Bool(false))
                        && !matches!(x, Value::Array(a) if a.is_empty())
                })
                .map(|(k, x)| (k, without_defaults(x)))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_disjoint_and_cover_the_work() {
        for total in 1..40u64 {
            for n in 1..=total {
                let mut next = 0;
                for i in 0..n {
                    let r = Shard { index: i, count: n }.range(total, "seeds").unwrap();
                    assert_eq!(r.start, next, "{i}/{n} of {total}");
                    assert!(!r.is_empty(), "{i}/{n} of {total}");
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
        assert!(Shard { index: 0, count: 5 }.range(4, "seeds").is_err());
        let big = split(u64::MAX, 3, 2);
        assert_eq!(big.end, u64::MAX);
    }

    #[test]
    fn bad_specs_are_refused() {
        assert_eq!(parse("1/4"), Ok(Shard { index: 1, count: 4 }));
        for bad in ["0/0", "4/4", "5/4", "x/y", "1", "-1/4", "1/4/2", ""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("5/4").unwrap_err().contains("0/4 to 3/4"));
    }
}
