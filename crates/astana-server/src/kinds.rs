//! The kinds of job: each turns a request into a [`Work`] after checking its parameters, so
//! its input fails at submission (400/422), not later in the background. (Power and
//! mediate-run check their numeric flags when they run: such a job ends `failed`.)
//!
//! `params` holds the CLI's flags by name, plus the input when it is not the scenario's:
//! `game` (a scenario game by file stem) or `toml` (a posted game); `domain` (a scenario
//! domain by stem) or `files` (path → text of a posted domain or forum folder).

use crate::api::engines::{problem, scenario_domain};
use crate::jobs::Work;
use crate::problem::Problem;
use crate::state::DEFAULT_SCENARIO;
use crate::AppState;
use astana_query as q;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Every kind of job, for messages and the API description.
pub(crate) const KINDS: &[&str] = &[
    "corridor-simulate",
    "forum-schedule",
    "power",
    "mediate-run",
    "brief",
];

/// The flags part of `params`, without the input keys, as the kind's parameter type.
fn flags<T: DeserializeOwned>(params: &Value, input_keys: &[&str]) -> Result<T, Problem> {
    let mut m: Map<String, Value> = match params {
        Value::Object(m) => m.clone(),
        _ => return Err(Problem::bad_request("params must be a JSON object")),
    };
    for k in input_keys {
        m.remove(*k);
    }
    serde_json::from_value(Value::Object(m))
        .map_err(|e| Problem::bad_request(format!("params: {e}")))
}

fn text(params: &Value, key: &str) -> Result<Option<String>, Problem> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Problem::bad_request(format!(
            "params.{key} must be a string"
        ))),
    }
}

/// `params.files` as (path, text) pairs.
fn files(params: &Value) -> Result<Option<Vec<(String, String)>>, Problem> {
    match params.get("files") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(Problem::bad_request(format!(
                    "params.files.{k} must be the file's text"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(Problem::bad_request(
            "params.files must be an object: path → text",
        )),
    }
}

/// The job's view of progress, as astana-query takes it.
fn with_progress<T>(p: &crate::jobs::Progress, f: impl FnOnce(Option<&q::Progress<'_>>) -> T) -> T {
    let report = |x: f64, m: &str| p.report(x, m);
    let cancelled = || p.cancelled();
    f(Some(&q::Progress {
        report: &report,
        cancelled: &cancelled,
    }))
}

fn json<T: serde::Serialize>(r: Result<T, q::QueryError>) -> Result<Value, Problem> {
    let r = r.map_err(problem)?;
    serde_json::to_value(&r).map_err(|e| Problem::internal(format!("cannot serialise: {e}")))
}

/// Checks a job's parameters and prepares its work; returns the scenario it runs on.
pub(crate) async fn prepare(
    state: &AppState,
    kind: &str,
    scenario: Option<String>,
    params: &Value,
) -> Result<(Option<String>, Work), Problem> {
    let id = scenario.unwrap_or_else(|| DEFAULT_SCENARIO.to_string());
    match kind {
        "corridor-simulate" => {
            let p: q::corridor::SimulateParams = flags(params, &[])?;
            let s = state.scenario(&id).await?;
            // Checked now: bad parameters are a 400 at submission, not a failed job.
            let setup = q::corridor::simulate_setup(&s, &p).map_err(problem)?;
            let work: Work = Box::new(move |pr| {
                with_progress(pr, |g| json(q::corridor::simulate_run(setup, g)))
            });
            Ok((Some(id), work))
        }
        "forum-schedule" => {
            let p: q::forum::Params = flags(params, &["files"])?;
            let (scenario_id, files) = match files(params)? {
                Some(f) => (None, f),
                None => {
                    let s = state.scenario(&id).await?;
                    if s.forum.is_empty() {
                        return Err(Problem::invalid(format!(
                            "scenario `{id}` has no forum; post one as params.files"
                        )));
                    }
                    (Some(id), s.forum.clone())
                }
            };
            // Read now: a bad forum is a 422 at submission, with every located error.
            let forum = q::forum::read_forum(&files).map_err(problem)?;
            let work: Work = Box::new(move |pr| {
                with_progress(pr, |g| json(q::forum::schedule(&forum, &p, g, &mut |_| {})))
            });
            Ok((scenario_id, work))
        }
        "power" => {
            let p: q::power::Params = flags(params, &["game", "toml"])?;
            let (scenario_id, name, toml) = match (text(params, "game")?, text(params, "toml")?) {
                (Some(_), Some(_)) => {
                    return Err(Problem::bad_request("give params.game or params.toml, not both"))
                }
                (None, Some(t)) => (None, "game.toml".to_string(), t),
                (Some(g), None) => {
                    let s = state.scenario(&id).await?;
                    let (n, t) = q::power::scenario_game(&s.games, &g).map_err(problem)?;
                    (Some(id), n, t)
                }
                (None, None) => {
                    return Err(Problem::bad_request(
                        "params.game (a scenario game, e.g. `unsc`) or params.toml (a game file) is required",
                    ))
                }
            };
            let game = q::power::read_game(&name, &toml).map_err(problem)?;
            let work: Work =
                Box::new(move |pr| with_progress(pr, |g| json(q::power::run(game, &p, g))));
            Ok((scenario_id, work))
        }
        "mediate-run" => {
            let p: q::mediate::RunParams = flags(params, &["domain", "files"])?;
            let (scenario_id, files) = match (text(params, "domain")?, files(params)?) {
                (Some(_), Some(_)) => {
                    return Err(Problem::bad_request(
                        "give params.domain or params.files, not both",
                    ))
                }
                (None, Some(f)) => (None, f),
                (d, None) => {
                    let s = state.scenario(&id).await?;
                    let d = match d {
                        Some(d) => d,
                        None => s
                            .negotiations
                            .first()
                            .map(|(n, _)| q::power::stem(n))
                            .ok_or_else(|| {
                                Problem::invalid(format!(
                                    "scenario `{id}` has no negotiation domain"
                                ))
                            })?,
                    };
                    (Some(id), scenario_domain(&s, &d)?)
                }
            };
            let neg = q::mediate::read_files(&files).map_err(problem)?;
            let work: Work =
                Box::new(move |pr| with_progress(pr, |g| json(q::mediate::run(neg, &p, g))));
            Ok((scenario_id, work))
        }
        "brief" => {
            let p: q::brief::Params = flags(params, &[])?;
            let s = state.scenario(&id).await?;
            let work: Work = Box::new(move |pr| {
                pr.report(0.0, "rendering");
                json(q::brief::run(&s, &p))
            });
            Ok((Some(id), work))
        }
        other => {
            let hint = astana_model::text::closest(other, KINDS.iter().copied())
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            Err(Problem::invalid(format!(
                "unknown job kind `{other}`{hint}; kinds: {}",
                KINDS.join(", ")
            )))
        }
    }
}
