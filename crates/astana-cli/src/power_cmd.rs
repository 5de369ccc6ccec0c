//! `astana power`.

use crate::args::{CompareArgs, PowerArgs, PowerCommand};
use crate::fmt::print_json;
use crate::{Failure, Outcome};
use astana_voting_power::{
    compute, compute_opts, Game, Index, Limits, Method, Options, PowerError, Ratio,
};
use std::path::Path;
use std::sync::OnceLock;
use std::time::Instant;

/// A progress bar on stderr for runs longer than a second, only on a terminal.
struct Bar {
    start: Instant,
    bar: OnceLock<Option<indicatif::ProgressBar>>,
}

impl Bar {
    fn new() -> Bar {
        Bar {
            start: Instant::now(),
            bar: OnceLock::new(),
        }
    }

    fn tick(&self, done: u64, total: u64) {
        use std::io::IsTerminal;
        if self.bar.get().is_none() && self.start.elapsed().as_secs_f64() < 1.0 {
            return;
        }
        let bar = self.bar.get_or_init(|| {
            std::io::stderr().is_terminal().then(|| {
                let b = indicatif::ProgressBar::new(total).with_elapsed(self.start.elapsed());
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:40}] {percent}% (about {eta} left; Ctrl-C stops)",
                ) {
                    b.set_style(style.progress_chars("=> "));
                }
                b
            })
        });
        if let Some(b) = bar {
            b.set_length(total);
            b.set_position(done);
        }
    }

    fn clear(&self) {
        if let Some(Some(b)) = self.bar.get() {
            b.finish_and_clear();
        }
    }
}

fn load(path: &Path) -> Result<Game, Failure> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::input(format!("error: cannot read {name}: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        // Name the line of the first bad byte: the text before it is valid.
        let ok = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..ok];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        Failure::input(format!(
            "error: {name}:{line}:{column}: not valid UTF-8 (byte {ok}); game files are UTF-8 text"
        ))
    })?;
    Game::from_toml(&name, &text).map_err(Failure::input)
}

fn parse_indices(names: &[String]) -> Result<Vec<Index>, Failure> {
    names
        .iter()
        .map(|s| s.parse::<Index>())
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::input(format!("error: {e}")))
}

fn engine_failure(e: PowerError) -> Failure {
    match e {
        PowerError::UnknownIndex(_) | PowerError::NoDecision(_) => {
            Failure::input(format!("error: {e}"))
        }
        PowerError::OverBudget { .. } => Failure::compute(format!(
            "error: {e}; --no-cost-limit runs it anyway, --monte-carlo estimates"
        )),
        _ => Failure::compute(format!("error: {e}")),
    }
}

pub(crate) fn run(a: &PowerArgs) -> Outcome {
    if let Some(PowerCommand::Compare(c)) = &a.command {
        return compare(c);
    }
    let Some(path) = &a.game else {
        return Err(Failure::input(
            "error: give a game file, e.g. astana power game.toml",
        ));
    };
    let game = load(path)?;
    let method = match a.method.as_deref() {
        None => None,
        Some("enumeration") => Some(Method::Enumeration),
        Some("generating-function") => Some(Method::GeneratingFunction),
        Some("meet-in-the-middle") => Some(Method::MeetInTheMiddle),
        Some("kinds") => Some(Method::Kinds),
        Some("winning-coalitions") => Some(Method::WinningCoalitions),
        Some(other) => {
            return Err(Failure::input(format!(
                "error: unknown method `{other}`; expected enumeration, winning-coalitions, generating-function, meet-in-the-middle or kinds"
            )))
        }
    };
    let bar = Bar::new();
    let tick = |done: u64, total: u64| bar.tick(done, total);
    let opts = Options {
        method,
        limits: if a.no_cost_limit {
            Limits::NONE
        } else {
            Limits::default()
        },
        progress: Some(&tick),
    };
    let outcome = exact_or_estimate(&game, a, &opts);
    bar.clear();
    outcome
}

fn exact_or_estimate(game: &Game, a: &PowerArgs, opts: &Options<'_>) -> Outcome {
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
        compute_opts(game, &indices, opts)
    };
    // Without --index, fall back to the indices an exact method can give: first those
    // that swing counts determine, then Banzhaf alone (cheap where Shapley–Shubik is not).
    if !explicit && !a.monte_carlo {
        if let Err(PowerError::TooLarge { reason, .. }) = &exact {
            eprintln!("note: {reason}; computing shapley_shubik and banzhaf");
            indices = basic;
            exact = compute_opts(game, &indices, opts);
        }
        if let Err(e @ PowerError::OverBudget { .. }) = &exact {
            if indices.contains(&Index::ShapleyShubik) {
                eprintln!(
                    "note: {e}; computing banzhaf and banzhaf_absolute only (--index shapley_shubik with --no-cost-limit insists, --monte-carlo estimates)"
                );
                indices = vec![Index::Banzhaf, Index::BanzhafAbsolute];
                exact = compute_opts(game, &indices, opts);
            }
        }
    }
    let result = match exact {
        Ok(r) => r,
        Err(e @ (PowerError::UnknownIndex(_) | PowerError::NoDecision(_))) => {
            return Err(engine_failure(e))
        }
        Err(e) if a.exact || method.is_some() => return Err(engine_failure(e)),
        Err(e) => {
            if !a.monte_carlo {
                eprintln!(
                    "note: {e}; estimating by Monte Carlo instead ({} samples, seed {}; --exact refuses{})",
                    a.samples,
                    a.seed,
                    if matches!(e, PowerError::OverBudget { .. }) {
                        ", --no-cost-limit computes exactly"
                    } else {
                        ""
                    }
                );
            }
            return monte_carlo_output(game, &indices, a, opts);
        }
    };
    if a.json {
        let mut idx = serde_json::Map::new();
        for ix in &indices {
            let per: serde_json::Map<String, serde_json::Value> = game
                .players
                .iter()
                .zip(result.get(*ix))
                .map(|(p, r)| {
                    (
                        p.clone(),
                        serde_json::json!({"value": r.to_f64(), "exact": r.to_string()}),
                    )
                })
                .collect();
            idx.insert(ix.name().to_string(), per.into());
        }
        return print_json(&serde_json::json!({
            "game": game.name,
            "players": game.players,
            "method": "exact",
            "algorithm": result.method,
            "winning_coalitions": result.winning_coalitions.as_ref().map(ToString::to_string),
            "minimal_winning_coalitions": result.minimal_winning_coalitions.as_ref().map(ToString::to_string),
            "indices": idx,
        }));
    }
    out!(
        "{} · {} players · exact ({})",
        game.name,
        game.n(),
        match result.method {
            astana_voting_power::Method::Enumeration => "enumeration of all coalitions",
            astana_voting_power::Method::GeneratingFunction => "generating functions",
            astana_voting_power::Method::MeetInTheMiddle => "meet in the middle",
            astana_voting_power::Method::Kinds => "coalitions counted by kinds of player",
            astana_voting_power::Method::WinningCoalitions =>
                "enumeration of the winning coalitions",
        }
    );
    if !game.source.is_empty() {
        out!("source: {}", game.source);
    }
    let mut head = format!("  {:<14}", "player");
    for ix in &indices {
        head.push_str(&format!(" {:>16}", ix.name()));
    }
    out!("{head}");
    for (i, p) in game.players.iter().enumerate() {
        let mut line = format!("  {p:<14}");
        for ix in &indices {
            line.push_str(&format!(" {:>16.6}", result.get(*ix)[i].to_f64()));
        }
        out!("{line}");
    }
    if let (Some(w), Some(m)) = (
        &result.winning_coalitions,
        &result.minimal_winning_coalitions,
    ) {
        out!("  {w} winning coalitions, {m} minimal winning; exact fractions with --json");
    } else {
        out!("  exact fractions with --json");
    }
    Ok(())
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

fn compare(c: &CompareArgs) -> Outcome {
    let indices = if c.index.is_empty() {
        vec![Index::ShapleyShubik, Index::Banzhaf, Index::BanzhafAbsolute]
    } else {
        parse_indices(&c.index)?
    };
    let matches = |id: &str| match c.player.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => id == c.player,
    };
    let tenure = match &c.tenure {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::input(format!("error: cannot read {}: {e}", path.display()))
            })?;
            Some(
                astana_voting_power::Tenure::from_toml(&text)
                    .map_err(|e| Failure::input(format!("error: {}: {e}", path.display())))?,
            )
        }
        None => None,
    };
    let group = c
        .group
        .clone()
        .or_else(|| tenure.as_ref().map(|t| t.focal_group.clone()))
        .unwrap_or_default();
    let stem = |file: &str| {
        Path::new(file)
            .file_stem()
            .map_or(file.to_string(), |s| s.to_string_lossy().into_owned())
    };
    let seated = |file: &str| {
        tenure
            .as_ref()
            .and_then(|t| t.share_of_years(&stem(file), &group))
    };
    let mut rows = Vec::new();
    for path in &c.games {
        let game = load(path)?;
        let picked: Vec<usize> = (0..game.n())
            .filter(|&i| matches(&game.players[i]))
            .collect();
        let values: Vec<(Index, Option<Ratio>)> = if picked.is_empty() {
            indices.iter().map(|&ix| (ix, None)).collect()
        } else {
            let r = compute(&game, &indices).map_err(engine_failure)?;
            indices
                .iter()
                .map(|&ix| {
                    let v: Vec<&Ratio> = picked.iter().map(|&i| &r.get(ix)[i]).collect();
                    (ix, Some(mean(&v)))
                })
                .collect()
        };
        rows.push((path.display().to_string(), game, picked.len(), values));
    }
    if c.json {
        let games: Vec<serde_json::Value> = rows
            .iter()
            .map(|(file, game, matched, values)| {
                let idx: serde_json::Map<String, serde_json::Value> = values
                    .iter()
                    .map(|(ix, v)| {
                        (
                            ix.name().to_string(),
                            v.as_ref().map_or(serde_json::Value::Null, |r| {
                                serde_json::json!({"value": r.to_f64(), "exact": r.to_string()})
                            }),
                        )
                    })
                    .collect();
                serde_json::json!({
                    "file": file,
                    "game": game.name,
                    "players": game.n(),
                    "matched": matched,
                    "indices": idx,
                    "share_of_years": seated(file),
                })
            })
            .collect();
        return print_json(&serde_json::json!({"player": c.player, "games": games}));
    }
    out!(
        "Voice of {} under each rule{}",
        c.player,
        if c.player.ends_with('*') {
            " (mean over the matching players)"
        } else {
            ""
        }
    );
    let mut head = format!("  {:<34} {:>7}", "game file", "players");
    for ix in &indices {
        head.push_str(&format!(" {:>16}", ix.name()));
    }
    if tenure.is_some() {
        head.push_str(&format!(
            " {:>13} {:>22}",
            "years seated", "banzhaf_abs over time"
        ));
    }
    out!("{head}");
    for (file, game, matched, values) in &rows {
        let label = stem(file);
        let mut line = format!("  {label:<34} {:>7}", game.n());
        for (_, v) in values {
            line.push_str(&format!(
                " {:>16}",
                v.as_ref()
                    .map_or("—".to_string(), |r| format!("{:.6}", r.to_f64()))
            ));
        }
        if tenure.is_some() {
            let abs = values
                .iter()
                .find(|(ix, _)| *ix == Index::BanzhafAbsolute)
                .and_then(|(_, v)| v.as_ref())
                .map(Ratio::to_f64);
            match seated(file) {
                Some(y) => line.push_str(&format!(
                    " {:>13} {:>22}",
                    format!("{:.1}%", y * 100.0),
                    abs.map_or("—".to_string(), |a| format!("{:.4}%", a * y * 100.0))
                )),
                None => line.push_str(&format!(" {:>13} {:>22}", "—", "—")),
            }
        }
        if *matched == 0 {
            line.push_str("  (no such player)");
        }
        out!("{line}");
    }
    Ok(())
}

fn monte_carlo_output(
    game: &Game,
    indices: &[Index],
    a: &PowerArgs,
    opts: &Options<'_>,
) -> Outcome {
    let kept: Vec<Index> = indices
        .iter()
        .copied()
        .filter(|i| !i.needs_coalition_structure())
        .collect();
    if kept.len() < indices.len() {
        eprintln!(
            "note: johnston, deegan_packel and holler have no Monte Carlo estimator; left out"
        );
    }
    let est = astana_voting_power::monte_carlo_opts(game, &kept, a.samples, a.seed, opts)
        .map_err(engine_failure)?;
    if a.json {
        let mut idx = serde_json::Map::new();
        for (ix, values) in &est.values {
            let per: serde_json::Map<String, serde_json::Value> = game
                .players
                .iter()
                .zip(values)
                .map(|(p, e)| {
                    (
                        p.clone(),
                        serde_json::json!({"value": e.value, "exact": null, "stderr": e.stderr}),
                    )
                })
                .collect();
            idx.insert(ix.name().to_string(), per.into());
        }
        return print_json(&serde_json::json!({
            "game": game.name,
            "players": game.players,
            "method": "monte-carlo",
            "samples": est.samples,
            "seed": est.seed,
            "indices": idx,
        }));
    }
    out!(
        "{} · {} players · Monte Carlo estimate ({} samples, seed {}); ± one standard error",
        game.name,
        game.n(),
        est.samples,
        est.seed
    );
    let mut head = format!("  {:<14}", "player");
    for ix in est.values.keys() {
        head.push_str(&format!(" {:>24}", ix.name()));
    }
    out!("{head}");
    for (i, p) in game.players.iter().enumerate() {
        let mut line = format!("  {p:<14}");
        for values in est.values.values() {
            line.push_str(&format!(
                " {:>24}",
                format!("{:.5} ± {:.5}", values[i].value, values[i].stderr)
            ));
        }
        out!("{line}");
    }
    Ok(())
}
