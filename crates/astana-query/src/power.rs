//! `astana power GAME.toml` and `astana power compare`. Game files come in as text.

use crate::{Located, Progress, QueryError};
use astana_voting_power::{
    compute, compute_opts, float_indices, Estimates, FloatValues, Game, Index, Limits, Method,
    Options, PowerError, PowerResult, Ratio, Tenure,
};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{json, Map, Value};
use std::path::Path;

/// What `method` accepts.
pub const METHODS: [&str; 6] = [
    "enumeration",
    "winning-coalitions",
    "generating-function",
    "meet-in-the-middle",
    "kinds",
    "float",
];

/// The parameters of `astana power GAME.toml`, named as its long flags.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct Params {
    /// Only these indices, comma-separated: shapley_shubik, banzhaf, banzhaf_absolute,
    /// johnston, deegan_packel, holler (default: all that an exact method gives).
    pub index: String,
    /// Exact methods only: fail rather than estimate.
    pub exact: bool,
    /// Estimate by Monte Carlo even where an exact method exists.
    pub monte_carlo: bool,
    /// Monte Carlo draws per index, 1 to 10⁹ (default 200000).
    pub samples: u64,
    /// Monte Carlo seed (default 1).
    pub seed: u64,
    /// Force a method: enumeration, winning-coalitions, generating-function,
    /// meet-in-the-middle, kinds (exact) or float (double precision with an error bound;
    /// one weighted clause, Shapley–Shubik and Banzhaf).
    pub method: Option<String>,
    /// Run even when the estimated time or memory is above the limits (60 s, 3 GiB).
    pub no_cost_limit: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            index: String::new(),
            exact: false,
            monte_carlo: false,
            samples: 200_000,
            seed: 1,
            method: None,
            no_cost_limit: false,
        }
    }
}

/// The answer of `astana power`: exact indices or Monte Carlo estimates.
#[derive(Debug, Clone)]
pub struct Report {
    /// The game.
    pub game: Game,
    /// The indices computed, in order.
    pub indices: Vec<Index>,
    /// Exact, or estimated.
    pub answer: Answer,
    /// Notes for the user (a fallback taken, indices left out); the CLI prints them on
    /// stderr, in this order, before the answer.
    pub notes: Vec<String>,
}

/// Exact or estimated indices.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Exact fractions.
    Exact(PowerResult),
    /// Double-precision values with an error bound (past the exact limits).
    Float(FloatValues),
    /// Monte Carlo estimates.
    MonteCarlo(Estimates),
}

/// How the float answer names its method, e.g. "Gauss–Legendre, 100 nodes".
pub fn float_algorithm(f: &FloatValues) -> String {
    match f.nodes {
        Some(m) => format!("Gauss–Legendre, {m} nodes"),
        None => "one distribution at t = 1/2".to_string(),
    }
}

impl Report {
    fn document(&self) -> Value {
        let game = &self.game;
        match &self.answer {
            Answer::Exact(result) => {
                let mut idx = Map::new();
                for ix in &self.indices {
                    let per: Map<String, Value> = game
                        .players
                        .iter()
                        .zip(result.get(*ix))
                        .map(|(p, r)| {
                            (
                                p.clone(),
                                json!({"value": r.to_f64(), "exact": r.to_string()}),
                            )
                        })
                        .collect();
                    idx.insert(ix.name().to_string(), per.into());
                }
                json!({
                    "game": game.name,
                    "players": game.players,
                    "method": "exact",
                    "algorithm": result.method,
                    "winning_coalitions": result.winning_coalitions.as_ref().map(ToString::to_string),
                    "minimal_winning_coalitions": result.minimal_winning_coalitions.as_ref().map(ToString::to_string),
                    "indices": idx,
                })
            }
            Answer::Float(f) => {
                let mut idx = Map::new();
                for (ix, values) in &f.values {
                    let bound = f.bounds.get(ix).copied();
                    let per: Map<String, Value> = game
                        .players
                        .iter()
                        .zip(values)
                        .map(|(p, v)| {
                            (
                                p.clone(),
                                json!({"value": v, "exact": null, "max_abs_error": bound}),
                            )
                        })
                        .collect();
                    idx.insert(ix.name().to_string(), per.into());
                }
                let bounds: Map<String, Value> = f
                    .bounds
                    .iter()
                    .map(|(ix, b)| (ix.name().to_string(), json!(b)))
                    .collect();
                json!({
                    "game": game.name,
                    "players": game.players,
                    "method": "float",
                    "algorithm": float_algorithm(f),
                    "nodes": f.nodes,
                    "max_abs_error": bounds,
                    "indices": idx,
                })
            }
            Answer::MonteCarlo(est) => {
                let mut idx = Map::new();
                for (ix, values) in &est.values {
                    let per: Map<String, Value> = game
                        .players
                        .iter()
                        .zip(values)
                        .map(|(p, e)| {
                            (
                                p.clone(),
                                json!({"value": e.value, "exact": null, "stderr": e.stderr}),
                            )
                        })
                        .collect();
                    idx.insert(ix.name().to_string(), per.into());
                }
                json!({
                    "game": game.name,
                    "players": game.players,
                    "method": "monte-carlo",
                    "samples": est.samples,
                    "seed": est.seed,
                    "indices": idx,
                })
            }
        }
    }
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.document().serialize(s)
    }
}

/// The text of a game file, or an error at the line and column of its first byte that is
/// not UTF-8.
///
/// # Errors
/// The bytes are not UTF-8.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, QueryError> {
    String::from_utf8(bytes).map_err(|e| {
        // Name the line of the first bad byte: the text before it is valid.
        let ok = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..ok];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        let message = format!("not valid UTF-8 (byte {ok}); game files are UTF-8 text");
        QueryError::input(format!("error: {name}:{line}:{column}: {message}")).located(vec![
            Located {
                file: name.to_string(),
                line: Some(line),
                column: Some(column),
                field: None,
                message,
            },
        ])
    })
}

/// The game file `power/{game}.toml` of a scenario's files `(relative path, text or
/// bytes)` (e.g. [`astana_scenario::embedded_files`], or a stored upload), as
/// `(path, text)` for [`run_text`].
///
/// # Errors
/// No such game (not found, with a "did you mean"); the file is not UTF-8 (input).
pub fn scenario_game<N: AsRef<str>, B: AsRef<[u8]>>(
    files: &[(N, B)],
    game: &str,
) -> Result<(String, String), QueryError> {
    let path = format!("power/{game}.toml");
    if let Some((name, bytes)) = files.iter().find(|(n, _)| n.as_ref() == path) {
        let name = name.as_ref();
        return Ok((name.to_string(), decode(name, bytes.as_ref().to_vec())?));
    }
    let games: Vec<&str> = files
        .iter()
        .filter_map(|(n, _)| n.as_ref().strip_prefix("power/")?.strip_suffix(".toml"))
        .filter(|g| *g != "tenure")
        .collect();
    let hint = astana_model::text::closest(game, games.iter().copied())
        .map_or(String::new(), |g| format!(" (did you mean `{g}`?)"));
    Err(QueryError::not_found(format!(
        "error: the scenario has no game `{game}`{hint}; its games: {}",
        games.join(", ")
    )))
}

/// Reads a game file's text; `name` is how errors name it.
///
/// # Errors
/// Every problem in the file, located.
pub fn read_game(name: &str, toml: &str) -> Result<Game, QueryError> {
    Game::from_toml(name, toml).map_err(|e| {
        let located =
            e.0.iter()
                .map(|g| Located {
                    file: g.file.clone(),
                    line: Some(g.line),
                    column: Some(g.column),
                    field: None,
                    message: g.message.clone(),
                })
                .collect();
        QueryError::input(e).located(located)
    })
}

fn parse_indices(names: &str) -> Result<Vec<Index>, QueryError> {
    crate::list(names)
        .iter()
        .map(|s| s.parse::<Index>())
        .collect::<Result<_, _>>()
        .map_err(|e| QueryError::input(format!("error: {e}")))
}

/// Maps an engine error to the CLI's message and kind.
pub fn engine_error(e: PowerError) -> QueryError {
    match e {
        PowerError::UnknownIndex(_) | PowerError::NoDecision(_) => {
            QueryError::input(format!("error: {e}"))
        }
        PowerError::OverBudget { .. } => QueryError::compute(format!(
            "error: {e}; --no-cost-limit runs it anyway, --monte-carlo estimates"
        )),
        _ => QueryError::compute(format!("error: {e}")),
    }
}

/// Answers `astana power` for the game file `name` with text `toml`.
///
/// # Errors
/// A bad game file or parameters (input); over the limits with `exact` (compute).
pub fn run_text(
    name: &str,
    toml: &str,
    p: &Params,
    progress: Option<&Progress<'_>>,
) -> Result<Report, QueryError> {
    let game = read_game(name, toml)?;
    run(game, p, progress)
}

/// Answers `astana power` for a game already read.
///
/// # Errors
/// As [`run_text`].
pub fn run(game: Game, p: &Params, progress: Option<&Progress<'_>>) -> Result<Report, QueryError> {
    if p.exact && p.monte_carlo {
        return Err(QueryError::input(
            "error: --exact cannot be used with --monte-carlo",
        ));
    }
    if !(1..=1_000_000_000).contains(&p.samples) {
        return Err(QueryError::input(format!(
            "error: --samples {}: must be from 1 to 1000000000",
            p.samples
        )));
    }
    let method = match p.method.as_deref() {
        None => None,
        Some(m) => {
            if p.monte_carlo {
                return Err(QueryError::input(
                    "error: --method cannot be used with --monte-carlo",
                ));
            }
            match crate::choice("method", m, &METHODS) {
                Ok("enumeration") => Some(Method::Enumeration),
                Ok("generating-function") => Some(Method::GeneratingFunction),
                Ok("meet-in-the-middle") => Some(Method::MeetInTheMiddle),
                Ok("kinds") => Some(Method::Kinds),
                Ok("float") if p.exact => {
                    return Err(QueryError::input(
                        "error: --method float cannot be used with --exact",
                    ))
                }
                Ok("float") => None,
                Ok(_) => Some(Method::WinningCoalitions),
                Err(e) => return Err(e),
            }
        }
    };
    Progress::check(progress)?;
    // The engine's progress (done, total) as a fraction; it cannot be stopped mid-run.
    let tick = |done: u64, total: u64| {
        Progress::tell(progress, done as f64 / total.max(1) as f64, "computing");
    };
    let opts = Options {
        method,
        limits: if p.no_cost_limit {
            Limits::NONE
        } else {
            Limits::default()
        },
        progress: progress.map(|_| &tick as &(dyn Fn(u64, u64) + Sync)),
    };
    let mut notes = Vec::new();
    let r = if p.method.as_deref() == Some("float") {
        float_only(game, p, &opts, &mut notes)
    } else {
        exact_or_estimate(game, p, &opts, &mut notes)
    };
    Progress::check(progress)?;
    Progress::tell(progress, 1.0, "done");
    let (game, indices, answer) = r?;
    Ok(Report {
        game,
        indices,
        answer,
        notes,
    })
}

/// `--method float`: the swing-based indices asked for (all three by default).
fn float_only(
    game: Game,
    a: &Params,
    opts: &Options<'_>,
    notes: &mut Vec<String>,
) -> Result<(Game, Vec<Index>, Answer), QueryError> {
    let mut indices = parse_indices(&a.index)?;
    if indices.is_empty() {
        notes.push(
            "note: johnston, deegan_packel and holler have no floating-point method; left out"
                .to_string(),
        );
        indices = Index::SWING_BASED.to_vec();
    }
    let f = float_indices(&game, &indices, opts).map_err(engine_error)?;
    Ok((game, indices, Answer::Float(f)))
}

/// Past the exact limits, double precision for one weighted clause; `None` when it does
/// not apply (the caller goes on as before).
fn try_float(
    game: &Game,
    indices: &[Index],
    opts: &Options<'_>,
    why: &PowerError,
    notes: &mut Vec<String>,
) -> Option<Answer> {
    let f = float_indices(game, indices, opts).ok()?;
    let bound = f.bounds.values().copied().fold(0.0, f64::max);
    notes.push(format!(
        "note: {why}; computing in double precision instead ({}; every value within {bound:.1e} of the exact one; --exact refuses{})",
        float_algorithm(&f),
        if matches!(why, PowerError::OverBudget { .. }) {
            ", --no-cost-limit computes exactly"
        } else {
            ""
        }
    ));
    Some(Answer::Float(f))
}

fn exact_or_estimate(
    game: Game,
    a: &Params,
    opts: &Options<'_>,
    notes: &mut Vec<String>,
) -> Result<(Game, Vec<Index>, Answer), QueryError> {
    let asked = parse_indices(&a.index)?;
    let method = opts.method;
    let basic = Index::SWING_BASED.to_vec();
    let (mut indices, explicit) = if asked.is_empty() {
        (Index::ALL.to_vec(), false)
    } else {
        (asked, true)
    };
    let mut exact = if a.monte_carlo {
        Err(PowerError::TooLarge {
            n: game.n(),
            reason: "Monte Carlo was asked for".to_string(),
        })
    } else {
        compute_opts(&game, &indices, opts)
    };
    // Without `index`, fall back to the indices an exact method can give: first those
    // that swing counts determine, then Banzhaf alone (cheap where Shapley–Shubik is not).
    if !explicit && !a.monte_carlo {
        if let Err(PowerError::TooLarge { reason, .. }) = &exact {
            notes.push(format!(
                "note: {reason}; computing shapley_shubik and banzhaf"
            ));
            indices = basic;
            exact = compute_opts(&game, &indices, opts);
        }
        if let Err(e @ PowerError::OverBudget { .. }) = &exact {
            // Shapley–Shubik past the limits: double precision for every index asked,
            // where it applies; else Banzhaf alone, exactly.
            if let Some(f) = try_float(&game, &indices, opts, e, notes) {
                return Ok((game, indices, f));
            }
            if indices.contains(&Index::ShapleyShubik) {
                notes.push(format!(
                    "note: {e}; computing banzhaf and banzhaf_absolute only (--index shapley_shubik with --no-cost-limit insists, --monte-carlo estimates)"
                ));
                indices = vec![Index::Banzhaf, Index::BanzhafAbsolute];
                exact = compute_opts(&game, &indices, opts);
            }
        }
    }
    match exact {
        Ok(r) => Ok((game, indices, Answer::Exact(r))),
        Err(e @ (PowerError::UnknownIndex(_) | PowerError::NoDecision(_))) => Err(engine_error(e)),
        Err(e) if a.exact || method.is_some() => Err(engine_error(e)),
        Err(e @ (PowerError::OverBudget { .. } | PowerError::TooLarge { .. }))
            if !a.monte_carlo && !indices.iter().any(|i| i.needs_coalition_structure()) =>
        {
            match try_float(&game, &indices, opts, &e, notes) {
                Some(f) => Ok((game, indices, f)),
                None => monte_carlo(game, indices, a, opts, notes, &e),
            }
        }
        Err(e) => monte_carlo(game, indices, a, opts, notes, &e),
    }
}

/// Monte Carlo past every other method's limits, saying why.
fn monte_carlo(
    game: Game,
    indices: Vec<Index>,
    a: &Params,
    opts: &Options<'_>,
    notes: &mut Vec<String>,
    e: &PowerError,
) -> Result<(Game, Vec<Index>, Answer), QueryError> {
    if !a.monte_carlo {
        notes.push(format!(
            "note: {e}; estimating by Monte Carlo instead ({} samples, seed {}; --exact refuses{})",
            a.samples,
            a.seed,
            if matches!(e, PowerError::OverBudget { .. }) {
                ", --no-cost-limit computes exactly"
            } else {
                ""
            }
        ));
    }
    let kept: Vec<Index> = indices
        .iter()
        .copied()
        .filter(|i| !i.needs_coalition_structure())
        .collect();
    if kept.len() < indices.len() {
        notes.push(
            "note: johnston, deegan_packel and holler have no Monte Carlo estimator; left out"
                .to_string(),
        );
    }
    let est = astana_voting_power::monte_carlo_opts(&game, &kept, a.samples, a.seed, opts)
        .map_err(|e| with_notes(engine_error(e), notes))?;
    Ok((game, indices, Answer::MonteCarlo(est)))
}

/// The notes printed before a failure stay in its message (the CLI printed them first).
fn with_notes(e: QueryError, notes: &[String]) -> QueryError {
    if notes.is_empty() {
        return e;
    }
    let shown = format!("{}\n{e}", notes.join("\n"));
    QueryError { shown, ..e }
}

/// The parameters of `astana power compare`, named as its long flags.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CompareParams {
    /// Player id, or a prefix ending in `*` for a class of players (their mean), e.g. `E*`.
    pub player: String,
    /// Indices to show, comma-separated (default: shapley_shubik, banzhaf, banzhaf_absolute).
    pub index: String,
    /// Regional group for the tenure file (default: the focal country's group in it).
    pub group: Option<String>,
}

/// One game's row of `power compare`.
#[derive(Debug, Clone)]
pub struct CompareRow {
    /// The game file as named.
    pub file: String,
    /// The game.
    pub game: Game,
    /// Players matching `player`.
    pub matched: usize,
    /// The mean index over the matching players (`None` when none matches).
    pub values: Vec<(Index, Option<Ratio>)>,
    /// Share of years the group holds a seat under this rule (with a tenure file).
    pub share_of_years: Option<f64>,
}

/// The answer of `astana power compare`.
#[derive(Debug, Clone)]
pub struct Compare {
    /// The player or class asked about.
    pub player: String,
    /// The indices shown.
    pub indices: Vec<Index>,
    /// Whether a tenure file was given.
    pub tenure: bool,
    /// One row per game file.
    pub rows: Vec<CompareRow>,
}

impl Serialize for Compare {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let games: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                let idx: Map<String, Value> = r
                    .values
                    .iter()
                    .map(|(ix, v)| {
                        (
                            ix.name().to_string(),
                            v.as_ref().map_or(
                                Value::Null,
                                |r| json!({"value": r.to_f64(), "exact": r.to_string()}),
                            ),
                        )
                    })
                    .collect();
                json!({
                    "file": r.file,
                    "game": r.game.name,
                    "players": r.game.n(),
                    "matched": r.matched,
                    "indices": idx,
                    "share_of_years": r.share_of_years,
                })
            })
            .collect();
        json!({"player": self.player, "games": games}).serialize(s)
    }
}

/// The mean of exact values.
fn mean(values: &[&Ratio]) -> Ratio {
    use num_bigint::BigUint;
    let den = values.iter().fold(BigUint::from(1u32), |a, r| {
        num_integer::lcm(a, r.denom().clone())
    });
    let num: BigUint = values.iter().map(|r| r.numer() * (&den / r.denom())).sum();
    Ratio::new(num, den * BigUint::from(values.len().max(1)))
}

/// The file name without folder and extension (how a tenure file names a rule).
pub fn stem(file: &str) -> String {
    Path::new(file)
        .file_stem()
        .map_or(file.to_string(), |s| s.to_string_lossy().into_owned())
}

/// Answers `astana power compare` for game files `(name, text)` and an optional tenure
/// file `(name, text)`.
///
/// # Errors
/// A bad game or tenure file, or an unknown index (input).
pub fn compare(
    games: &[(String, String)],
    tenure: Option<(&str, &str)>,
    p: &CompareParams,
) -> Result<Compare, QueryError> {
    let indices = if p.index.trim().is_empty() {
        vec![Index::ShapleyShubik, Index::Banzhaf, Index::BanzhafAbsolute]
    } else {
        parse_indices(&p.index)?
    };
    if p.player.is_empty() {
        return Err(QueryError::input("error: --player is required"));
    }
    if p.group.is_some() && tenure.is_none() {
        return Err(QueryError::input("error: --group needs --tenure"));
    }
    let matches = |id: &str| match p.player.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => id == p.player,
    };
    let tenure = match tenure {
        Some((name, text)) => Some(
            Tenure::from_toml(text)
                .map_err(|e| QueryError::input(format!("error: {name}: {e}")))?,
        ),
        None => None,
    };
    let group = p
        .group
        .clone()
        .or_else(|| tenure.as_ref().map(|t| t.focal_group.clone()))
        .unwrap_or_default();
    let mut rows = Vec::new();
    for (file, text) in games {
        let game = read_game(file, text)?;
        let picked: Vec<usize> = (0..game.n())
            .filter(|&i| matches(&game.players[i]))
            .collect();
        let values: Vec<(Index, Option<Ratio>)> = if picked.is_empty() {
            indices.iter().map(|&ix| (ix, None)).collect()
        } else {
            let r = compute(&game, &indices).map_err(engine_error)?;
            indices
                .iter()
                .map(|&ix| {
                    let v: Vec<&Ratio> = picked.iter().map(|&i| &r.get(ix)[i]).collect();
                    (ix, Some(mean(&v)))
                })
                .collect()
        };
        let share_of_years = tenure
            .as_ref()
            .and_then(|t| t.share_of_years(&stem(file), &group));
        rows.push(CompareRow {
            file: file.clone(),
            game,
            matched: picked.len(),
            values,
            share_of_years,
        });
    }
    Ok(Compare {
        player: p.player.clone(),
        indices,
        tenure: tenure.is_some(),
        rows,
    })
}
