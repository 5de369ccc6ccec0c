//! The voting-power section: a middle power's voice in the UN Security Council today and
//! under the reform models, and in the consensus bodies where it sits.

use crate::svg::{self, esc, Bar};
use crate::{Notes, Options};
use astana_model::units::pct;
use astana_model::Scenario;
use astana_voting_power::{compute, Game, Index, Tenure};
use std::fmt::Write;

struct Row {
    /// Path in the scenario, as `scenario.toml` lists it.
    path: String,
    file: String,
    game: Game,
    seats: usize,
    vetoes: usize,
    ss: f64,
    bz: f64,
    abs: f64,
}

/// The file stem of a game path: `power/unsc-g4-2005-q14.toml` → `unsc-g4-2005-q14`.
fn stem(path: &str) -> String {
    std::path::Path::new(path)
        .file_stem()
        .map_or(path.to_string(), |s| s.to_string_lossy().into_owned())
}

/// An elected (non-veto) member's voice in each Security Council game of the scenario.
fn council_rows(scenario: &Scenario) -> Vec<Row> {
    scenario
        .games
        .iter()
        .filter(|(f, _)| stem(f).starts_with("unsc"))
        .filter_map(|(path, text)| {
            let file = stem(path);
            let game = Game::from_toml(path, text).ok()?;
            let perm = game.dims.iter().position(|d| d == "permanent");
            let vetoes = perm.map_or(0, |d| game.weights[d].iter().filter(|w| **w > 0).count());
            let elected = (0..game.n()).find(|&i| perm.is_none_or(|d| game.weights[d][i] == 0))?;
            let r = compute(
                &game,
                &[Index::ShapleyShubik, Index::Banzhaf, Index::BanzhafAbsolute],
            )
            .ok()?;
            Some(Row {
                path: path.clone(),
                file,
                seats: game.n(),
                vetoes,
                ss: r.get(Index::ShapleyShubik)[elected].to_f64(),
                bz: r.get(Index::Banzhaf)[elected].to_f64(),
                abs: r.get(Index::BanzhafAbsolute)[elected].to_f64(),
                game,
            })
        })
        .collect()
}

pub(crate) fn section(
    scenario: &Scenario,
    options: &Options,
    notes: &mut Notes<'_>,
    summary: &mut Vec<String>,
    lead: &mut Vec<String>,
) -> String {
    let focal_name = &scenario.display_name(&scenario.focal);
    let rows = council_rows(scenario);
    let Some(today) = rows.iter().find(|r| r.file == "unsc") else {
        return String::new();
    };
    let (lo, hi) = rows
        .iter()
        .filter(|r| r.file != "unsc")
        .fold((f64::MAX, 0.0f64), |(a, b), r| (a.min(r.abs), b.max(r.abs)));
    summary.push(format!(
        "UN Security Council: an elected member is decisive in {:.3}% of votes today (Shapley–Shubik {:.2}%); {:.3}%–{:.3}% under the {} reform variants",
        today.abs * 100.0,
        today.ss * 100.0,
        lo * 100.0,
        hi * 100.0,
        rows.len() - 1
    ));
    let tenure = scenario
        .tenure
        .as_deref()
        .and_then(|t| Tenure::from_toml(t).ok());
    let rule_note = |r: &Row| {
        let seats = tenure
            .as_ref()
            .and_then(|t| t.model(&r.file))
            .map(|m| format!(" Seats by regional group: {} ({}).", m.status, m.source))
            .unwrap_or_default();
        format!(
            "{} ({}): {}{seats} Power indices computed exactly by astana from this rule.",
            r.game.name, r.path, r.game.source
        )
    };
    let today_note = notes.cite_note(&format!("game:{}", today.file), &rule_note(today));
    lead.push(format!(
        "<b>Security Council.</b> An elected member such as {} decides <b>{:.3}%</b> of all possible votes today{today_note}; under the {} reform models in the scenario the figure runs from {:.3}% to {:.3}%{}, and none of the drafts' voting thresholds could be confirmed.",
        esc(focal_name),
        today.abs * 100.0,
        rows.len() - 1,
        lo * 100.0,
        hi * 100.0,
        notes.cite_note(
            "computed:power/unsc-reform",
            "Reform models power/unsc-*.toml (seats and vetoes as sourced in each rule's note; each voting threshold the sources discuss in its own file, since none could be confirmed); the probability that an elected member is decisive (absolute Banzhaf index) computed exactly by astana.",
        )
    ));
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| Bar {
            label: r.file.trim_start_matches("unsc-").to_string(),
            value: r.abs,
            text: format!("{:.3}%", r.abs * 100.0),
            class: if r.file == "unsc" { "bar focal" } else { "bar" },
        })
        .collect();
    let chart = svg::hbar(
        &bars,
        868.0,
        "Elected member's probability of being decisive",
    );
    // The focal country's electoral group: the scenario's, else the tenure file's.
    let group = if scenario.brief.un_group.is_empty() {
        tenure
            .as_ref()
            .map(|t| t.focal_group.clone())
            .unwrap_or_default()
    } else {
        scenario.brief.un_group.clone()
    };
    let years = |file: &str| tenure.as_ref().and_then(|t| t.share_of_years(file, &group));
    let mut table = String::new();
    let mut cites = Vec::new();
    for r in &rows {
        let share = years(&r.file);
        // The rule's own source and its assumptions, as a numbered note (the collapsed
        // list this replaces vanished in print).
        let cite = notes.cite_note(&format!("game:{}", r.file), &rule_note(r));
        cites.push(cite.clone());
        let _ = write!(
            table,
            r#"<tr><td>{}{cite}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{:.4}%</td><td class="n">{}</td><td class="n">{:.3}%</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            esc(&r.game.name),
            r.seats,
            r.vetoes,
            r.ss * 100.0,
            pct(r.bz),
            r.abs * 100.0,
            share.map_or("—".to_string(), pct),
            share.map_or("—".to_string(), |y| format!("{:.4}%", y * r.abs * 100.0)),
        );
    }
    let consensus: Vec<String> = scenario
        .games
        .iter()
        .filter(|(f, _)| !stem(f).starts_with("unsc"))
        .filter_map(|(f, t)| Game::from_toml(f, t).ok())
        .map(|g| format!("{} ({} members)", g.name, g.n()))
        .collect();
    format!(
        r#"<section id="power"><h2>A middle power's voice in the Security Council, today and under reform</h2>
<p>Voting power measures how often a member's vote decides the outcome. Today an elected member such as {focal} holds a Shapley–Shubik index of {ss:.2}%{today_cite} and a {bz} share of the Banzhaf index against {p5ss:.1}% for each permanent member; it is decisive in {abs:.2}% of all possible votes. The chart shows that probability for an elected member under each reform model in the scenario. The seats and vetoes of each model are sourced; <b>none of the reform drafts' voting thresholds could be confirmed</b>, so each threshold the sources discuss has its own file and row.</p>
{chart}
<table><tr><th>Rule</th><th class="n">Seats</th><th class="n">Vetoes</th><th class="n">Shapley–Shubik</th><th class="n">Banzhaf share</th><th class="n">Decisive</th><th class="n">Years seated</th><th class="n">Decisive, over time</th></tr>{table}</table>
<p class="small">{tenure_note}{tenure_cite}</p>
<p class="small">Values for one elected (non-veto) member; a new permanent member without a veto has the same in-council power and differs only in tenure. Binary model: an abstention counts as "not yes". In the consensus bodies every member, {focal} included, holds a veto: {cons}. Compute any of these with <code>astana power FILE</code>; compare them with <code>astana power compare {compare} --player 'E*'</code>.</p>
</section>"#,
        focal = esc(focal_name),
        // The Council games' folder, wherever the scenario keeps them.
        compare = esc(&crate::scenario_path(
            options,
            &std::path::Path::new(&today.path)
                .with_file_name("unsc*.toml")
                .to_string_lossy()
        )),
        today_cite = cites.first().cloned().unwrap_or_default(),
        ss = today.ss * 100.0,
        bz = pct(today.bz),
        abs = today.abs * 100.0,
        p5ss = (1.0 - 10.0 * today.ss) / 5.0 * 100.0,
        cons = esc(&consensus.join("; ")),
        tenure_cite = if years("unsc").is_some() {
            notes.cite_note(
                "model:power/tenure.toml",
                "power/tenure.toml: elected seats by regional group and eligible members per group; equal rotation and two-year terms assumed (an estimate of the chance of being seated, not data).",
            )
        } else {
            String::new()
        },
        tenure_note = esc(&match (years("unsc"), tenure.as_ref()) {
            (Some(y), Some(t)) => format!(
                "Voice over time. A member of {}'s electoral group, the {}, is on the Council about {} of years today ({} elected seats for {} eligible members, two-year terms, equal rotation assumed), so its chance of deciding a vote, averaged over years, is {:.4}%. \"Years seated\" applies each model's regional seat split where the sources give one (tenure.toml; terms assumed where the drafts are silent); \"—\" where the split was not retrieved.",
                focal_name,
                group_name(&group),
                pct(y),
                t.model("unsc").and_then(|m| m.seats.get(&group)).copied().unwrap_or(0),
                t.eligible.get(&group).copied().unwrap_or(0),
                y * today.abs * 100.0
            ),
            _ => String::new(),
        }),
    )
}

/// The UN name of a regional group id of tenure.toml ("WEOG" → "Western European and Others
/// Group (WEOG)"): a reader gets the group's name, not the file's key. An unknown id is
/// shown as written.
pub(crate) fn group_name(id: &str) -> String {
    match id {
        "AFRICAN" => "African Group".to_string(),
        "ASIA_PACIFIC" => "Asia-Pacific Group".to_string(),
        "EEG" => "Eastern European Group".to_string(),
        "GRULAC" => "Latin American and Caribbean Group (GRULAC)".to_string(),
        "WEOG" => "Western European and Others Group (WEOG)".to_string(),
        other => format!("{other} group"),
    }
}
