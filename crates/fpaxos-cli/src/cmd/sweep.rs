//! `fpaxos sweep`: vary one knob, check every point once, run the valid ones on all cores.
//! With `--crash K` or `--pattern NAME` each point is an availability experiment instead: the
//! fault strikes at `--fault-at` in `--seeds` runs, and the rows say how the cluster recovered.

use super::shard::{Shard, ShardHeader};
use super::{out, pool, progress, to_pretty, usage, CmdResult, Failure};
use clap::Args;
use fpaxos_cli::overrides::Overrides;
use fpaxos_cli::read_scenario_value;
use fpaxos_sim::scenario::Checked;
use fpaxos_sim::sweep::availability::{self, Experiment, FaultPlan, Pattern};
use fpaxos_sim::sweep::{self, Knob, PointStatus, SweepRow, SweepSpec};
use fpaxos_sim::{Dur, Scenario};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::ops::Range;
use std::process::ExitCode;

/// `--vary` as typed and as parsed: a shard records the text, and `merge` parses it again.
#[derive(Clone, Debug)]
pub(crate) struct Vary {
    pub(crate) raw: String,
    pub(crate) spec: SweepSpec,
}

fn parse_vary(s: &str) -> Result<Vary, String> {
    Ok(Vary {
        raw: s.to_string(),
        spec: SweepSpec::parse(s)?,
    })
}

#[derive(Args, Debug)]
pub(crate) struct SweepArgs {
    /// What to vary: q2=1..5, q1=2..5, nodes=3..9, clients=1,2,4,8, outstanding=1,4,
    /// rate=1000,2000, latency=1ms,uniform:1ms..3ms, loss=0..0.1:0.02, duplicate=0,0.01,
    /// cpu=0..50us:10us, thrifty=false,true, seed=1..10, window=1,8,64, batch=1,4, duration=1s,5s,
    /// quorum=majority,4/2.
    #[arg(long, value_name = "KNOB=VALUES", value_parser = parse_vary)]
    pub(crate) vary: Vary,
    /// Scenario JSON file (`-` for stdin; omitted: all defaults).
    #[arg(value_name = "SCENARIO.json")]
    pub(crate) scenario: Option<String>,
    /// Keep Q1 at this size while varying q2 (default: the smallest safe Q1, N - Q2 + 1).
    #[arg(long, value_name = "N")]
    pub(crate) q1: Option<u32>,
    /// Keep Q2 at this size while varying q1 (default: the smallest safe Q2, N - Q1 + 1).
    #[arg(long, value_name = "N")]
    pub(crate) q2: Option<u32>,
    /// Print the rows as a JSON array instead of CSV.
    #[arg(long)]
    pub(crate) json: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub(crate) jobs: Option<usize>,
    /// Run only shard I of N (I counts from 0: 0/4 .. 3/4): a contiguous part of the points,
    /// or of the (point, seed) runs of an availability experiment. `fpaxos merge` joins the
    /// shards' --json outputs into the unsharded result.
    #[arg(long, value_name = "I/N", value_parser = super::shard::parse)]
    pub(crate) shard: Option<Shard>,
    /// Availability experiment: crash K nodes drawn at random per seed at --fault-at, and
    /// report recovery instead of throughput.
    #[arg(long, value_name = "K", help_heading = "Availability experiment")]
    pub(crate) crash: Option<u32>,
    /// With --crash: the leader at --fault-at is one of the K crashed.
    #[arg(long, help_heading = "Availability experiment")]
    pub(crate) crash_leader: bool,
    /// Availability experiment: a partial-connectivity pattern at --fault-at (quorum-loss,
    /// constrained-election, chained).
    #[arg(long, value_name = "NAME", value_parser = Pattern::parse, help_heading = "Availability experiment")]
    pub(crate) pattern: Option<Pattern>,
    /// Seeds per point of an availability experiment (default 20).
    #[arg(long, value_name = "S", help_heading = "Availability experiment")]
    pub(crate) seeds: Option<u32>,
    /// When the experiment's fault strikes (default 1s).
    #[arg(long, value_name = "DUR", value_parser = Dur::parse, help_heading = "Availability experiment")]
    pub(crate) fault_at: Option<Dur>,
    #[command(flatten)]
    pub(crate) overrides: Overrides,
}

pub(crate) fn cmd_sweep(a: SweepArgs) -> CmdResult {
    let exp = experiment(&a)?;
    let spec = pin_other(a.vary.spec.clone(), a.q1, a.q2)?;
    let mut v = match read_scenario_value(a.scenario.as_deref()) {
        Ok(v) => v,
        Err(e) => return usage(e),
    };
    if let Err(e) = a.overrides.apply(&mut v) {
        return usage(e);
    }
    let base = match Scenario::from_value(v) {
        Ok(s) => s,
        Err(e) => return usage(e.0),
    };
    let pts = sweep::points_checked(&base, &spec);
    let shard = a.shard.map(|sh| (sh, shard_args(&a, &base, exp.as_ref())));
    if let Some(exp) = exp {
        let plan = plan_availability(spec.knob, &pts, &exp)?;
        return cmd_availability(&plan, &pts, &exp, &a, shard);
    }
    // Each point is checked once here; the ones that pass run from their `Checked`.
    let checks: Vec<Result<Checked, Box<SweepRow>>> = pts
        .iter()
        .map(|(l, s)| sweep::check_point(spec.knob, l, s))
        .collect();
    // If no point could run, the base scenario itself is wrong: say why, like `run` would.
    if checks
        .iter()
        .all(|p| matches!(p, Err(r) if r.status == PointStatus::Invalid))
    {
        return usage(first_point_errors(spec.knob, &pts[0]));
    }
    let (mine, header) = shard_range(shard, "sweep", pts.len(), "points")?;
    let pool = pool(a.jobs)?;
    let pb = progress(mine.len() as u64, &format!("sweep {}", spec.knob));
    let rows: Vec<SweepRow> = pool.install(|| {
        checks
            .into_par_iter()
            .zip(pts.par_iter())
            .skip(mine.start)
            .take(mine.len())
            .map(|(check, (label, _))| {
                let r = match check {
                    Ok(c) => sweep::run_checked(spec.knob, label, &c),
                    Err(row) => *row,
                };
                pb.inc(1);
                r
            })
            .collect()
    });
    pb.finish_and_clear();
    match (a.json, header) {
        (true, Some(shard)) => out(&(to_pretty(&RowsShard { shard, rows }) + "\n")),
        (true, None) => out(&(to_pretty(&rows) + "\n")),
        (false, _) => out(&sweep::to_csv(&rows)),
    }
    Ok(ExitCode::SUCCESS)
}

/// The spec with `--q1`/`--q2` applied: they pin the other quorum of a q2/q1 sweep.
fn pin_other(mut spec: SweepSpec, q1: Option<u32>, q2: Option<u32>) -> Result<SweepSpec, Failure> {
    match (spec.knob, q1, q2) {
        (_, Some(_), Some(_)) => {
            return usage(vec!["give --q1 or --q2, not both".into()]);
        }
        (Knob::Q2, q1, None) => spec.pin_other = q1,
        (Knob::Q1, None, q2) => spec.pin_other = q2,
        (_, None, None) => {}
        (k, Some(_), None) => {
            return usage(vec![format!(
            "--q1 pins Q1 while varying q2, but the sweep varies {k}; use --quorum Q1,Q2 instead"
        )])
        }
        (k, None, Some(_)) => {
            return usage(vec![format!(
            "--q2 pins Q2 while varying q1, but the sweep varies {k}; use --quorum Q1,Q2 instead"
        )])
        }
    }
    Ok(spec)
}

/// What decides a sweep's result, recorded in each shard: `--vary` as typed, `--q1`/`--q2`,
/// the base scenario with the overrides applied, and the experiment. `merge` plans the sweep
/// again from them ([`replan`]).
fn shard_args(a: &SweepArgs, base: &Scenario, exp: Option<&Experiment>) -> Value {
    json!({
        "vary": a.vary.raw,
        "q1": a.q1,
        "q2": a.q2,
        "experiment": exp,
        "scenario": base,
    })
}

/// The sweep a shard's `args` describe: its knob, points and experiment, planned as
/// `cmd_sweep` planned them (no simulation).
pub(crate) fn replan(
    args: &Value,
) -> Result<(Knob, Vec<sweep::Point>, Option<Experiment>), String> {
    let vary = args["vary"].as_str().ok_or("its args have no `vary`")?;
    let spec = SweepSpec::parse(vary).map_err(|e| format!("its --vary {vary}: {e}"))?;
    let q = |k: &str| args[k].as_u64().and_then(|v| u32::try_from(v).ok());
    let spec = pin_other(spec, q("q1"), q("q2")).map_err(|Failure::Usage(e)| e.join("; "))?;
    let exp: Option<Experiment> = serde_json::from_value(args["experiment"].clone())
        .map_err(|e| format!("its experiment: {e}"))?;
    let base = Scenario::from_value(args["scenario"].clone())
        .map_err(|e| format!("its scenario: {}", e.0.join("; ")))?;
    Ok((spec.knob, sweep::points_checked(&base, &spec), exp))
}

/// This shard's part of `total` units of `kind` (all of them without `--shard`), and the header
/// its JSON carries.
fn shard_range(
    shard: Option<(Shard, Value)>,
    kind: &str,
    total: usize,
    what: &str,
) -> Result<(Range<usize>, Option<ShardHeader>), Failure> {
    let Some((sh, args)) = shard else {
        return Ok((0..total, None));
    };
    match sh.range(total as u64, what) {
        Ok(r) => Ok((
            r.start as usize..r.end as usize,
            Some(ShardHeader::new(sh, kind, total as u64, args)),
        )),
        Err(e) => usage(vec![e]),
    }
}

/// A shard of a sweep (`--shard --json`): the rows of its points.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RowsShard {
    pub(crate) shard: ShardHeader,
    pub(crate) rows: Vec<SweepRow>,
}

/// A shard of an availability sweep (`--shard --json`): its (point, seed) runs. A row needs
/// every seed of its point, so `merge` makes the rows.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunsShard {
    pub(crate) shard: ShardHeader,
    pub(crate) runs: Vec<UnitRun>,
}

/// What one seed of one point of an availability sweep gave.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnitRun {
    /// The point's index in the sweep (0-based).
    pub(crate) point: usize,
    /// The seed's index in the experiment (0-based).
    pub(crate) seed_index: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) outcome: Option<availability::SeedOutcome>,
    /// Why the seed could not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

impl UnitRun {
    fn result(&self) -> Result<availability::SeedOutcome, String> {
        match (&self.outcome, &self.error) {
            (Some(o), None) => Ok(o.clone()),
            (_, Some(e)) => Err(e.clone()),
            (None, None) => Err("no outcome".into()),
        }
    }
}

/// Why the first point of a sweep where no point is valid fails, one line per problem. Only
/// this error path checks the point a second time, to get its problems as separate lines.
fn first_point_errors(knob: Knob, first: &sweep::Point) -> Vec<String> {
    let (label, point) = first;
    match point {
        Err(e) => vec![format!("{knob}={label}: {e}")],
        Ok(s) => s
            .check()
            .err()
            .map(|e| e.0)
            .unwrap_or_else(|| vec!["no point of the sweep is valid".into()])
            .into_iter()
            .map(|e| format!("{knob}={label}: {e}"))
            .collect(),
    }
}

/// The availability experiment the flags ask for, if any. Flags of an experiment without
/// --crash or --pattern are refused rather than ignored.
fn experiment(a: &SweepArgs) -> Result<Option<Experiment>, super::Failure> {
    let plan = match (a.crash, a.pattern) {
        (Some(_), Some(_)) => {
            return usage(vec!["give --crash K or --pattern NAME, not both".into()])
        }
        (Some(k), None) if a.crash_leader => FaultPlan::CrashLeader { k },
        (Some(k), None) => FaultPlan::Crash { k },
        (None, Some(pattern)) => {
            if a.crash_leader {
                return usage(vec![
                    "--crash-leader goes with --crash K, not --pattern".into()
                ]);
            }
            FaultPlan::Pattern { pattern }
        }
        (None, None) => {
            let stray = [
                (a.crash_leader, "--crash-leader"),
                (a.seeds.is_some(), "--seeds"),
                (a.fault_at.is_some(), "--fault-at"),
            ];
            return match stray.iter().find(|(set, _)| *set) {
                Some((_, flag)) => usage(vec![format!(
                    "{flag} belongs to an availability experiment: add --crash K or --pattern NAME"
                )]),
                None => Ok(None),
            };
        }
    };
    let mut exp = Experiment::new(plan);
    exp.seeds = a.seeds.unwrap_or(exp.seeds);
    exp.fault_at = a.fault_at.unwrap_or(exp.fault_at);
    Ok(Some(exp))
}

/// An availability sweep before it runs: each point's scenario (or its row, when it cannot run)
/// and the (point, seed index) runs, in the order rows and seeds print.
pub(crate) struct AvailabilityPlan {
    knob: Knob,
    checks: Vec<Result<Scenario, Box<availability::Row>>>,
    pub(crate) units: Vec<(usize, u32)>,
}

/// Plans an availability sweep; a usage error when no point can run.
pub(crate) fn plan_availability(
    knob: Knob,
    pts: &[sweep::Point],
    exp: &Experiment,
) -> Result<AvailabilityPlan, Failure> {
    let checks: Vec<Result<Scenario, Box<availability::Row>>> = pts
        .iter()
        .map(|(l, p)| availability::check_point(knob, l, p, exp))
        .collect();
    // If no point can run, say why, as a usage error.
    if checks
        .iter()
        .all(|c| matches!(c, Err(r) if r.status == PointStatus::Invalid))
    {
        let errs = checks
            .iter()
            .zip(pts)
            .filter_map(|(c, (l, _))| c.as_ref().err().map(|r| (l, r)))
            .map(|(l, r)| format!("{knob}={l}: {}", r.error.as_deref().unwrap_or("invalid")))
            .collect();
        return usage(errs);
    }
    let units = checks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_ok())
        .flat_map(|(p, _)| (0..exp.seeds).map(move |i| (p, i)))
        .collect();
    Ok(AvailabilityPlan {
        knob,
        checks,
        units,
    })
}

/// Runs every seed of every valid point on the pool (points x seeds in one parallel loop, so a
/// sweep of two points still uses every core) and prints one row per point; a shard runs its
/// part of the (point, seed) runs and prints them for `merge`.
fn cmd_availability(
    plan: &AvailabilityPlan,
    pts: &[sweep::Point],
    exp: &Experiment,
    a: &SweepArgs,
    shard: Option<(Shard, Value)>,
) -> CmdResult {
    if shard.is_some() && !a.json {
        return usage(vec![
            "--shard of an availability sweep needs --json: a shard holds seed runs, and \
             `fpaxos merge` makes the rows from every shard"
                .into(),
        ]);
    }
    let (mine, header) = shard_range(shard, "availability", plan.units.len(), "runs")?;
    let pool = pool(a.jobs)?;
    let pb = progress(mine.len() as u64, &format!("availability {}", plan.knob));
    let runs: Vec<UnitRun> = pool.install(|| {
        plan.units[mine]
            .par_iter()
            .map(|&(p, i)| {
                let o = match &plan.checks[p] {
                    Ok(s) => availability::SeedRun::new(s, exp, i).map(|r| r.run()),
                    Err(_) => Err("not run".into()),
                };
                pb.inc(1);
                UnitRun {
                    point: p,
                    seed_index: i,
                    error: o.as_ref().err().cloned(),
                    outcome: o.ok(),
                }
            })
            .collect()
    });
    pb.finish_and_clear();
    if let Some(shard) = header {
        out(&(to_pretty(&RunsShard { shard, runs }) + "\n"));
        return Ok(ExitCode::SUCCESS);
    }
    let rows = availability_rows(plan, pts, exp, &runs);
    if a.json {
        out(&(to_pretty(&rows) + "\n"));
    } else {
        out(&availability::to_csv(&rows));
    }
    Ok(ExitCode::SUCCESS)
}

/// One row per point from the runs of every seed (in plan order).
pub(crate) fn availability_rows(
    plan: &AvailabilityPlan,
    pts: &[sweep::Point],
    exp: &Experiment,
    runs: &[UnitRun],
) -> Vec<availability::Row> {
    let knob = plan.knob;
    plan.checks
        .iter()
        .enumerate()
        .map(|(p, c)| match c {
            Err(row) => (**row).clone(),
            Ok(s) => {
                let (label, _) = &pts[p];
                let mine = runs.iter().filter(|r| r.point == p).map(UnitRun::result);
                match mine.collect::<Result<Vec<_>, String>>() {
                    Ok(os) => availability::summarize(knob, label, s, exp, &os),
                    Err(e) => {
                        let mut r = availability::summarize(knob, label, s, exp, &[]);
                        r.status = PointStatus::Invalid;
                        r.error = Some(e);
                        r
                    }
                }
            }
        })
        .collect()
}
