//! `astana power`.

use crate::args::PowerArgs;
use crate::fmt::print_json;
use crate::{Failure, Outcome};
use astana_voting_power::{compute, Game, Index, PowerError, ENUMERATION_LIMIT};

pub(crate) fn run(a: &PowerArgs) -> Outcome {
    let name = a.game.display().to_string();
    let text = std::fs::read_to_string(&a.game)
        .map_err(|e| Failure::input(format!("error: cannot read {name}: {e}")))?;
    let game = Game::from_toml(&name, &text).map_err(Failure::input)?;
    let asked: Vec<Index> = a
        .index
        .iter()
        .map(|s| s.parse::<Index>())
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::input(format!("error: {e}")))?;
    let indices: Vec<Index> = if !asked.is_empty() {
        asked
    } else if game.n() <= ENUMERATION_LIMIT {
        Index::ALL.to_vec()
    } else {
        eprintln!(
            "note: {} players: johnston, deegan_packel and holler need enumeration (up to {ENUMERATION_LIMIT} players in this version); computing shapley_shubik and banzhaf",
            game.n()
        );
        vec![Index::ShapleyShubik, Index::Banzhaf, Index::BanzhafAbsolute]
    };
    let result = compute(&game, &indices).map_err(|e| match e {
        PowerError::UnknownIndex(_) => Failure::input(format!("error: {e}")),
        _ => Failure::compute(format!("error: {e}")),
    })?;
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
