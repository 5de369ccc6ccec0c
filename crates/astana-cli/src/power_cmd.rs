//! `astana power`.

use crate::args::{CompareArgs, PowerArgs, PowerCommand};
use crate::fmt::print_json;
use crate::{Failure, Outcome};
use astana_query::power as query;
use astana_voting_power::{Estimates, FloatValues, Game, Index, Ratio};
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

fn read(path: &Path) -> Result<(String, String), Failure> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::input(format!("error: cannot read {name}: {e}")))?;
    let text = query::decode(&name, bytes)?;
    Ok((name, text))
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
    let (name, text) = read(path)?;
    let p = query::Params {
        index: a.index.join(","),
        exact: a.exact,
        monte_carlo: a.monte_carlo,
        samples: a.samples,
        seed: a.seed,
        method: a.method.clone(),
        no_cost_limit: a.no_cost_limit,
    };
    let bar = Bar::new();
    // The fraction in thousandths: the bar shows a percentage and the time left.
    let report = |x: f64, _: &str| bar.tick((x * 1000.0) as u64, 1000);
    let never = || false;
    let progress = astana_query::Progress {
        report: &report,
        cancelled: &never,
    };
    let result = query::run_text(&name, &text, &p, Some(&progress));
    bar.clear();
    let r = result?;
    for note in &r.notes {
        eprintln!("{note}");
    }
    if a.json {
        return print_json(&r);
    }
    let game = &r.game;
    let indices = &r.indices;
    let result = match &r.answer {
        query::Answer::Exact(x) => x,
        query::Answer::MonteCarlo(est) => {
            print_estimates(game, est);
            return Ok(());
        }
        query::Answer::Float(f) => {
            print_float(game, f);
            return Ok(());
        }
    };
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
    for ix in indices {
        head.push_str(&format!(" {:>16}", ix.name()));
    }
    out!("{head}");
    for (i, p) in game.players.iter().enumerate() {
        let mut line = format!("  {p:<14}");
        for ix in indices {
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

fn compare(c: &CompareArgs) -> Outcome {
    let p = query::CompareParams {
        player: c.player.clone(),
        index: c.index.join(","),
        group: c.group.clone(),
    };
    let tenure = match &c.tenure {
        Some(path) => Some((
            path.display().to_string(),
            std::fs::read_to_string(path).map_err(|e| {
                Failure::input(format!("error: cannot read {}: {e}", path.display()))
            })?,
        )),
        None => None,
    };
    let mut games = Vec::with_capacity(c.games.len());
    for path in &c.games {
        games.push(read(path)?);
    }
    let r = query::compare(
        &games,
        tenure.as_ref().map(|(n, t)| (n.as_str(), t.as_str())),
        &p,
    )?;
    if c.json {
        return print_json(&r);
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
    for ix in &r.indices {
        head.push_str(&format!(" {:>16}", ix.name()));
    }
    if r.tenure {
        head.push_str(&format!(
            " {:>13} {:>22}",
            "years seated", "banzhaf_abs over time"
        ));
    }
    out!("{head}");
    for row in &r.rows {
        let (file, game, matched, values) = (&row.file, &row.game, row.matched, &row.values);
        let label = query::stem(file);
        let mut line = format!("  {label:<34} {:>7}", game.n());
        for (_, v) in values {
            line.push_str(&format!(
                " {:>16}",
                v.as_ref()
                    .map_or("—".to_string(), |r| format!("{:.6}", r.to_f64()))
            ));
        }
        if r.tenure {
            let abs = values
                .iter()
                .find(|(ix, _)| *ix == Index::BanzhafAbsolute)
                .and_then(|(_, v)| v.as_ref())
                .map(Ratio::to_f64);
            match row.share_of_years {
                Some(y) => line.push_str(&format!(
                    " {:>13} {:>22}",
                    format!("{:.1}%", y * 100.0),
                    abs.map_or("—".to_string(), |a| format!("{:.4}%", a * y * 100.0))
                )),
                None => line.push_str(&format!(" {:>13} {:>22}", "—", "—")),
            }
        }
        if matched == 0 {
            line.push_str("  (no such player)");
        }
        out!("{line}");
    }
    Ok(())
}

fn print_float(game: &Game, f: &FloatValues) {
    let bound = f.bounds.values().copied().fold(0.0, f64::max);
    out!(
        "{} · {} players · float ({}); every value within {bound:.1e} of the exact one",
        game.name,
        game.n(),
        query::float_algorithm(f)
    );
    if !game.source.is_empty() {
        out!("source: {}", game.source);
    }
    let mut head = format!("  {:<14}", "player");
    for ix in f.values.keys() {
        head.push_str(&format!(" {:>16}", ix.name()));
    }
    out!("{head}");
    for (i, p) in game.players.iter().enumerate() {
        let mut line = format!("  {p:<14}");
        for values in f.values.values() {
            line.push_str(&format!(" {:>16.6}", values[i]));
        }
        out!("{line}");
    }
    out!("  --exact computes exact fractions where the cost limits allow");
}

fn print_estimates(game: &Game, est: &Estimates) {
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
}
