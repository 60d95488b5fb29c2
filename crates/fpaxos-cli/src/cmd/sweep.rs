//! `fpaxos sweep`: vary one knob, check every point once, run the valid ones on all cores.
//! With `--crash K` or `--pattern NAME` each point is an availability experiment instead: the
//! fault strikes at `--fault-at` in `--seeds` runs, and the rows say how the cluster recovered.

use super::{out, pool, progress, to_pretty, usage, CmdResult};
use clap::Args;
use fpaxos_cli::overrides::Overrides;
use fpaxos_cli::read_scenario_value;
use fpaxos_sim::scenario::Checked;
use fpaxos_sim::sweep::availability::{self, Experiment, FaultPlan, Pattern};
use fpaxos_sim::sweep::{self, Knob, PointStatus, SweepRow, SweepSpec};
use fpaxos_sim::{Dur, Scenario};
use rayon::prelude::*;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub(crate) struct SweepArgs {
    /// What to vary: q2=1..5, q1=2..5, nodes=3..9, clients=1,2,4,8, outstanding=1,4,
    /// rate=1000,2000, latency=1ms,uniform:1ms..3ms, loss=0..0.1:0.02, duplicate=0,0.01,
    /// cpu=0..50us:10us, thrifty=false,true, seed=1..10, window=1,8,64, batch=1,4, duration=1s,5s,
    /// quorum=majority,4/2.
    #[arg(long, value_name = "KNOB=VALUES", value_parser = SweepSpec::parse)]
    pub(crate) vary: SweepSpec,
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
    let mut spec = a.vary;
    match (spec.knob, a.q1, a.q2) {
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
    if let Some(exp) = exp {
        return cmd_availability(spec.knob, &pts, &exp, a.jobs, a.json);
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
    let pool = pool(a.jobs)?;
    let pb = progress(pts.len() as u64, &format!("sweep {}", spec.knob));
    let rows: Vec<SweepRow> = pool.install(|| {
        checks
            .into_par_iter()
            .zip(pts.par_iter())
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
    if a.json {
        out(&(to_pretty(&rows) + "\n"));
    } else {
        out(&sweep::to_csv(&rows));
    }
    Ok(ExitCode::SUCCESS)
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

/// Runs every seed of every valid point on the pool (points x seeds in one parallel loop, so a
/// sweep of two points still uses every core) and prints one row per point.
fn cmd_availability(
    knob: Knob,
    pts: &[sweep::Point],
    exp: &Experiment,
    jobs: Option<usize>,
    json: bool,
) -> CmdResult {
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
    let jobs_list: Vec<(usize, u32)> = checks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_ok())
        .flat_map(|(p, _)| (0..exp.seeds).map(move |i| (p, i)))
        .collect();
    let pool = pool(jobs)?;
    let pb = progress(jobs_list.len() as u64, &format!("availability {knob}"));
    let outcomes: Vec<(usize, Result<availability::SeedOutcome, String>)> = pool.install(|| {
        jobs_list
            .par_iter()
            .map(|&(p, i)| {
                let o = match &checks[p] {
                    Ok(s) => availability::SeedRun::new(s, exp, i).map(|r| r.run()),
                    Err(_) => Err("not run".into()),
                };
                pb.inc(1);
                (p, o)
            })
            .collect()
    });
    pb.finish_and_clear();
    let rows: Vec<availability::Row> = checks
        .into_iter()
        .enumerate()
        .map(|(p, c)| match c {
            Err(row) => *row,
            Ok(s) => {
                let (label, _) = &pts[p];
                let mine = outcomes.iter().filter(|(q, _)| *q == p).map(|(_, o)| o);
                match mine.cloned().collect::<Result<Vec<_>, String>>() {
                    Ok(os) => availability::summarize(knob, label, &s, exp, &os),
                    Err(e) => {
                        let mut r = availability::summarize(knob, label, &s, exp, &[]);
                        r.status = PointStatus::Invalid;
                        r.error = Some(e);
                        r
                    }
                }
            }
        })
        .collect();
    if json {
        out(&(to_pretty(&rows) + "\n"));
    } else {
        out(&availability::to_csv(&rows));
    }
    Ok(ExitCode::SUCCESS)
}
