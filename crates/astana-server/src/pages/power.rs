//! `/s/{id}/power?game=&player=`: a game's voting power indices (one of the scenario's games,
//! or one pasted), and the Security Council reform comparison for a chosen member.

use super::{enc, options, wide, Page, Params};
use crate::problem::{Located, Problem};
use crate::AppState;
use astana_brief::charts::{self, esc, Bar};
use astana_model::Scenario;
use astana_voting_power::{compute, Game, GameErrors, Index, PowerError};
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use std::fmt::Write;

/// The largest pasted game accepted, in bytes (the body limit is larger; a game file is
/// a few kB).
const MAX_PASTED: usize = 1 << 20;

use astana_query::power::stem;

fn game_problem(e: &GameErrors) -> Problem {
    let mut p = Problem::invalid(format!(
        "the game has {} error{}",
        e.0.len(),
        if e.0.len() == 1 { "" } else { "s" }
    ));
    p.errors =
        e.0.iter()
            .map(|g| Located {
                file: g.file.clone(),
                line: Some(g.line),
                column: Some(g.column),
                field: None,
                severity: "error".into(),
                message: match &g.hint {
                    Some(h) => format!("{} ({h})", g.message),
                    None => g.message.clone(),
                },
            })
            .collect();
    p
}

fn power_problem(e: &PowerError) -> Problem {
    match e {
        PowerError::OverBudget { .. } => Problem::invalid(format!(
            "{e}; the CLI runs it anyway with --no-cost-limit, or estimates with --monte-carlo"
        )),
        _ => Problem::invalid(e.to_string()),
    }
}

/// The indices of every player of `game`: chart and table.
fn indices(game: &Game) -> Result<String, Problem> {
    let r = compute(game, &Index::SWING_BASED).map_err(|e| power_problem(&e))?;
    let ss = r.get(Index::ShapleyShubik);
    let bz = r.get(Index::Banzhaf);
    let abs = r.get(Index::BanzhafAbsolute);
    let bars: Vec<Bar> = game
        .players
        .iter()
        .enumerate()
        .map(|(i, p)| Bar {
            label: p.clone(),
            value: ss[i].to_f64(),
            text: format!("{:.4}%", ss[i].to_f64() * 100.0),
            class: "bar",
        })
        .collect();
    let mut rows = String::new();
    for (i, p) in game.players.iter().enumerate() {
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td class="n">{:.4}%</td><td class="n">{:.4}%</td><td class="n">{:.4}%</td><td class="n"><code>{}</code></td></tr>"#,
            esc(p),
            ss[i].to_f64() * 100.0,
            bz[i].to_f64() * 100.0,
            abs[i].to_f64() * 100.0,
            esc(&ss[i].to_string())
        );
    }
    Ok(format!(
        r#"<h2>{name}</h2><p class="small">{source}</p><p>Exact values ({method:?}); Shapley–Shubik as a chart:</p>{chart}
<div class="wide"><table><tr><th>Player</th><th class="n">Shapley–Shubik</th><th class="n">Banzhaf (share)</th><th class="n">Decisive (Banzhaf absolute)</th><th class="n">Shapley–Shubik, exact</th></tr>{rows}</table></div>"#,
        name = esc(&game.name),
        source = esc(&game.source),
        method = r.method,
        chart = wide(&charts::hbar(
            &bars,
            868.0,
            "Shapley–Shubik index by player"
        )),
    ))
}

/// `player` (a trailing `*` matches a prefix, as in `astana power compare`) in every
/// Security Council game of the scenario: the mean of the matched players' indices.
fn compare(s: &Scenario, player: &str) -> Result<String, Problem> {
    let matches = |id: &str| match player.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => id == player,
    };
    let mut rows = String::new();
    let mut bars = Vec::new();
    for (path, text) in s.games.iter().filter(|(f, _)| stem(f).starts_with("unsc")) {
        let game = Game::from_toml(path, text).map_err(|e| game_problem(&e))?;
        let picked: Vec<usize> = (0..game.n())
            .filter(|&i| matches(&game.players[i]))
            .collect();
        if picked.is_empty() {
            let _ = write!(
                rows,
                r#"<tr><td>{}</td><td colspan="4">no player matches</td></tr>"#,
                esc(&stem(path))
            );
            continue;
        }
        let r = compute(&game, &Index::SWING_BASED).map_err(|e| power_problem(&e))?;
        let mean = |ix: Index| {
            picked.iter().map(|&i| r.get(ix)[i].to_f64()).sum::<f64>() / picked.len() as f64
        };
        let (ss, bz, abs) = (
            mean(Index::ShapleyShubik),
            mean(Index::Banzhaf),
            mean(Index::BanzhafAbsolute),
        );
        bars.push(Bar {
            label: stem(path).trim_start_matches("unsc-").to_string(),
            value: abs,
            text: format!("{:.3}%", abs * 100.0),
            class: if stem(path) == "unsc" {
                "bar focal"
            } else {
                "bar"
            },
        });
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{:.4}%</td><td class="n">{:.4}%</td><td class="n">{:.3}%</td></tr>"#,
            esc(&stem(path)),
            picked.len(),
            ss * 100.0,
            bz * 100.0,
            abs * 100.0
        );
    }
    if rows.is_empty() {
        return Err(Problem::not_found(
            "the scenario has no Security Council games (power/unsc*.toml)",
        ));
    }
    Ok(format!(
        r#"<h2>Reform comparison for <code>{p}</code></h2>
<p>The mean over the players matching <code>{p}</code> in each Security Council model of the scenario; the same as <code>astana power compare … --player '{p}'</code>.</p>
{chart}
<div class="wide"><table><tr><th>Model</th><th class="n">Players matched</th><th class="n">Shapley–Shubik</th><th class="n">Banzhaf (share)</th><th class="n">Decisive</th></tr>{rows}</table></div>"#,
        p = esc(player),
        chart = wide(&charts::hbar(
            &bars,
            868.0,
            "Probability of being decisive, by model"
        )),
    ))
}

fn form_html(
    s: &Scenario,
    id: &str,
    game: Option<&str>,
    player: Option<&str>,
    pasted: &str,
) -> String {
    let games = options(
        s.games
            .iter()
            .filter(|(f, _)| f.ends_with(".toml") && stem(f) != "tenure")
            .map(|(f, _)| (stem(f), stem(f))),
        game,
    );
    // Players of the Security Council today, for the datalist.
    let players: String = s
        .games
        .iter()
        .find(|(f, _)| stem(f) == "unsc")
        .and_then(|(f, t)| Game::from_toml(f, t).ok())
        .map(|g| {
            g.players
                .iter()
                .map(|p| format!(r#"<option value="{}">"#, esc(p)))
                .collect()
        })
        .unwrap_or_default();
    format!(
        r#"<form class="controls" method="get" action="/s/{id}/power">
<label>Game<select name="game"><option value="">(none)</option>{games}</select></label>
<label>Member for the reform comparison<input type="text" name="player" value="{player}" list="players" placeholder="E* or KAZ" size="10"></label><datalist id="players"><option value="E*">{players}</datalist>
<button type="submit">Show</button></form>
<details{open}><summary>Paste a game (TOML, as <code>astana power</code> reads it)</summary>
<form class="controls" method="post" action="/s/{id}/power">
<label style="flex:1 1 100%">Game file<textarea name="toml" rows="12" spellcheck="false">{pasted}</textarea></label>
<button type="submit">Compute</button></form></details>"#,
        id = enc(id),
        player = esc(player.unwrap_or("")),
        open = if pasted.is_empty() { "" } else { " open" },
        pasted = esc(pasted),
    )
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut page = Page::new("power", "Voting power", Some(&id));
    let Some(s) = page.scenario(&state, &id).await else {
        return page.finish(&state).await;
    };
    let mut p = Params::parse(raw.as_deref().unwrap_or(""), &["game", "player"]);
    let stems: Vec<String> = s.games.iter().map(|(f, _)| stem(f)).collect();
    let game = p.get("game").map(str::to_string);
    if let Some(g) = &game {
        if !stems.contains(g) {
            let hint = astana_model::text::closest(g, stems.iter().map(String::as_str))
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            p.error("game", format!("no game `{g}` in the scenario{hint}"));
        }
    }
    let player = p.get("player").map(str::to_string);
    page.push(&form_html(&s, &id, game.as_deref(), player.as_deref(), ""));
    if let Some(problem) = p.problem() {
        page.fail(&problem);
        return page.finish(&state).await;
    }
    let out = state
        .blocking(move || {
            let mut h = String::new();
            if let Some(g) = &game {
                let (path, text) = s
                    .games
                    .iter()
                    .find(|(f, _)| stem(f) == *g)
                    .ok_or_else(|| Problem::not_found(format!("no game `{g}`")))?;
                let game = Game::from_toml(path, text).map_err(|e| game_problem(&e))?;
                h.push_str(&indices(&game)?);
            }
            match &player {
                Some(pl) => h.push_str(&compare(&s, pl)?),
                // The brief's view: an elected member's voice today and under reform.
                None => h.push_str(&wide(&charts::power_section(&s))),
            }
            Ok(h)
        })
        .await;
    match out {
        Ok(h) => page.push(&h),
        Err(e) => page.fail(&e),
    }
    page.finish(&state).await
}

/// `POST /s/{id}/power` (`toml`): the indices of a pasted game.
pub(crate) async fn posted(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let mut page = Page::new("power", "Voting power: a pasted game", Some(&id));
    let Some(s) = page.scenario(&state, &id).await else {
        return page.finish(&state).await;
    };
    let mut p = Params::parse(&body, &["toml"]);
    let text = p.get("toml").unwrap_or("").to_string();
    if text.is_empty() {
        p.error("toml", "paste a game file (TOML) in the text box");
    } else if text.len() > MAX_PASTED {
        p.error("toml", format!("the game is over {MAX_PASTED} bytes"));
    }
    page.push(&form_html(&s, &id, None, None, &text));
    if let Some(problem) = p.problem() {
        page.fail(&problem);
        return page.finish(&state).await;
    }
    let out = state
        .blocking(move || {
            let game = Game::from_toml("pasted.toml", &text).map_err(|e| game_problem(&e))?;
            indices(&game)
        })
        .await;
    match out {
        Ok(h) => page.push(&h),
        Err(e) => page.fail(&e),
    }
    page.finish(&state).await
}
