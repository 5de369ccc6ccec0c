//! `astana forum check | schedule | replan`. A forum folder comes in as its files
//! ([`read_forum`]) or already read; `forum generate` writes a folder and prints no JSON, so
//! it stays in the CLI.

use crate::{Located, Progress, QueryError};
use astana_forum_scheduler::check::{another_forum, check as check_schedule, ScheduleFile};
use astana_forum_scheduler::output::{from_file, to_json, ScheduleJson};
use astana_forum_scheduler::{replan as rp, solve, Forum, Settings, Solution};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::json;

/// Reads a forum folder from its files `(name, text)`: forum.toml, rooms.csv,
/// participants.csv, requests.csv, panels.csv.
///
/// # Errors
/// Every problem, located.
pub fn read_forum(files: &[(String, String)]) -> Result<Forum, QueryError> {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    astana_forum_scheduler::model::read(&refs).map_err(|d| QueryError::diagnostics(&d))
}

/// Reads a schedule JSON (`name` is how errors name it).
///
/// # Errors
/// Not a schedule JSON, with line and column.
pub fn read_schedule(name: &str, text: &str) -> Result<ScheduleFile, QueryError> {
    serde_json::from_str(text).map_err(|e| {
        let message = format!("not a schedule JSON: {e}");
        QueryError::input(format!(
            "error: {name}:{}:{}: {message}",
            e.line(),
            e.column()
        ))
        .located(vec![Located {
            file: name.to_string(),
            line: Some(e.line()),
            column: Some(e.column()),
            field: None,
            message,
        }])
    })
}

/// The answer of `astana forum check`. Infeasible is an answer, not an error: the CLI
/// exits 1 after printing it.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// No constraint violated.
    pub feasible: bool,
    /// Every violation, one sentence each.
    pub violations: Vec<String>,
    /// Meetings in the schedule.
    #[serde(skip)]
    pub meetings: usize,
    /// Panels in the schedule.
    #[serde(skip)]
    pub panels: usize,
}

/// Answers `astana forum check`: the schedule `schedule` (file `name`) against forum `f`.
///
/// # Errors
/// The schedule was made for another forum (input).
pub fn check(f: &Forum, name: &str, schedule: &ScheduleFile) -> Result<Check, QueryError> {
    if let Some(why) = another_forum(f, schedule) {
        return Err(QueryError::input(format!(
            "error: {name}: {why}\n  hint: check it against the forum folder it was made for"
        )));
    }
    let v = check_schedule(f, schedule);
    Ok(Check {
        feasible: v.is_empty(),
        violations: v,
        meetings: schedule.assignments.len(),
        panels: schedule.panel_assignments.len(),
    })
}

/// The parameters of `astana forum schedule` and `replan`, named as their long flags.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct Params {
    /// Time cap on the search, seconds, 0 to 86400 (default 30); a run it ends is not
    /// reproducible.
    pub seconds: f64,
    /// Work budget of the search: insertion attempts (default
    /// [`astana_forum_scheduler::solve::DEFAULT_WORK`]); reproducible.
    pub work: u64,
    /// Seed (default 1).
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            seconds: astana_forum_scheduler::solve::DEFAULT_SECONDS,
            work: astana_forum_scheduler::solve::DEFAULT_WORK,
            seed: 1,
        }
    }
}

fn settings(p: &Params) -> Result<Settings, QueryError> {
    let s = p.seconds;
    if !s.is_finite() {
        return Err(QueryError::input(format!(
            "error: --seconds `{s}` is not a finite number of seconds"
        )));
    }
    if !(0.0..=86_400.0).contains(&s) {
        return Err(QueryError::input(format!(
            "error: --seconds `{s}` is not between 0 and 86400 seconds"
        )));
    }
    Ok(Settings {
        seconds: s,
        work: p.work,
        seed: p.seed,
    })
}

/// Solves with the time spent reported as the fraction of the time limit.
fn solve_reporting(
    f: &Forum,
    old: Option<&astana_forum_scheduler::Schedule>,
    s: &Settings,
    progress: Option<&Progress<'_>>,
    on_objective: &mut dyn FnMut(u64),
) -> Solution {
    let started = std::time::Instant::now();
    let seconds = s.seconds;
    let mut tick = |objective: u64| {
        on_objective(objective);
        let done = if seconds > 0.0 {
            started.elapsed().as_secs_f64() / seconds
        } else {
            1.0
        };
        Progress::tell(progress, done.min(0.99), "improving");
    };
    match old {
        None => solve(f, s, &mut tick),
        Some(o) => astana_forum_scheduler::solve::solve_from(f, Some(o), s, &mut tick).0,
    }
}

/// The answer of `astana forum schedule`: the schedule document.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The solver's result.
    pub solution: Solution,
    /// The schedule JSON (what `--json` prints and `schedule.json` holds).
    pub json: ScheduleJson,
    /// Seconds the solver took (not part of the document).
    pub elapsed: f64,
}

impl Serialize for Schedule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(s)
    }
}

/// Answers `astana forum schedule`. `on_objective` is told each improvement (the CLI's
/// terminal line); `progress` the fraction of the time limit spent. The solver stops at
/// its time limit, not on cancellation: a cancelled run is discarded when it ends.
///
/// # Errors
/// Bad parameters (input); cancelled.
pub fn schedule(
    f: &Forum,
    p: &Params,
    progress: Option<&Progress<'_>>,
    on_objective: &mut dyn FnMut(u64),
) -> Result<Schedule, QueryError> {
    let s = settings(p)?;
    Progress::check(progress)?;
    let started = std::time::Instant::now();
    let solution = solve_reporting(f, None, &s, progress, on_objective);
    let elapsed = started.elapsed().as_secs_f64();
    Progress::check(progress)?;
    Progress::tell(progress, 1.0, "done");
    let json = to_json(f, &solution);
    Ok(Schedule {
        solution,
        json,
        elapsed,
    })
}

/// The answer of `astana forum replan`.
#[derive(Debug, Clone)]
pub struct Replan {
    /// The forum after the changes.
    pub forum: Forum,
    /// The engine's re-plan.
    pub replan: rp::Replan,
    /// The new schedule's JSON.
    pub json: ScheduleJson,
    /// How many changes were applied.
    pub changes: usize,
    /// The old schedule's objective.
    pub old_objective: u64,
}

impl Serialize for Replan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = &self.replan;
        let mut v = serde_json::to_value(&self.json).map_err(serde::ser::Error::custom)?;
        v["kept"] = json!(r.kept());
        v["kept_meetings"] = json!(r.kept_meetings);
        v["kept_panels"] = json!(r.kept_panels);
        v["moved"] = json!(r.moved.len());
        v["dropped"] = json!(r.dropped.len());
        v["moved_items"] = json!(r.moved);
        v["dropped_items"] = json!(r.dropped);
        v["added_items"] = json!(r.added);
        v["cancelled_items"] = json!(r.cancelled);
        v["changes"] = json!(self.changes);
        v.serialize(s)
    }
}

/// Checks that the schedule to re-plan (file `schedule_name`) is for forum `f` and
/// feasible (also done by [`replan`]; the CLI calls it before reading the changes file).
///
/// # Errors
/// A schedule for another forum, or not feasible (input).
pub fn usable(f: &Forum, schedule_name: &str, old_file: &ScheduleFile) -> Result<(), QueryError> {
    if let Some(why) = another_forum(f, old_file) {
        return Err(QueryError::input(format!("error: {schedule_name}: {why}")));
    }
    let violations = check_schedule(f, old_file);
    if !violations.is_empty() {
        return Err(QueryError::input(format!(
            "error: the schedule to re-plan is not feasible for this forum:\n  {}{}",
            violations[..violations.len().min(20)].join("\n  "),
            if violations.len() > 20 {
                format!(
                    "\n  … and {} more (run `forum check`)",
                    violations.len() - 20
                )
            } else {
                String::new()
            }
        )));
    }
    Ok(())
}

/// Answers `astana forum replan`: the old schedule (file `schedule_name`) re-planned after
/// the changes CSV (file `changes_name`, text `changes`).
///
/// # Errors
/// A schedule for another forum or not feasible, bad changes (input); cancelled.
pub fn replan(
    f: &Forum,
    schedule_name: &str,
    old_file: &ScheduleFile,
    changes_name: &str,
    changes: &str,
    p: &Params,
    progress: Option<&Progress<'_>>,
) -> Result<Replan, QueryError> {
    usable(f, schedule_name, old_file)?;
    let old = from_file(f, old_file);
    let changes =
        rp::read_changes(f, changes_name, changes).map_err(|d| QueryError::diagnostics(&d))?;
    let s = settings(p)?;
    Progress::check(progress)?;
    Progress::tell(progress, 0.0, "improving");
    let (g, r) = rp::replan(f, &old, &changes, &s);
    Progress::check(progress)?;
    Progress::tell(progress, 1.0, "done");
    let json = to_json(&g, &r.solution);
    let old_objective = old
        .requests
        .iter()
        .zip(&f.requests)
        .filter(|(x, _)| x.is_some())
        .map(|(_, q)| q.weight())
        .sum::<u64>();
    Ok(Replan {
        forum: g,
        replan: r,
        json,
        changes: changes.len(),
        old_objective,
    })
}
