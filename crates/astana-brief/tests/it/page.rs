//! The page a reader circulates: dated and versioned, every section sourced, an executive
//! summary written from the results, charts and tables in their own boxes.

use astana_brief::{data_cutoff, parse_date, render, Date, Options};
use astana_model::Scenario;

fn embedded() -> Scenario {
    astana_scenario::load_embedded()
        .expect("embedded scenario")
        .0
}

fn on(date: &str) -> Options {
    Options {
        date: Some(parse_date(date).expect("date")),
        ..Options::default()
    }
}

fn html(s: &Scenario, o: &Options) -> String {
    render(s, o).expect("brief renders").html
}

#[test]
fn same_date_same_bytes_and_the_date_version_cutoff_and_command_in_header_and_footer() {
    let s = embedded();
    let a = html(&s, &on("2026-11-30"));
    assert!(a == html(&s, &on("2026-11-30")), "two runs differ");
    // The latest publication date in sources.csv.
    assert_eq!(data_cutoff(&s), Some("2026-03-10"));
    let meta = format!(
        r#"Generated <time datetime="2026-11-30">2026-11-30</time> · data to 2026-03-10 (latest source) · astana {} · reproduce: <code>astana brief --date 2026-11-30</code>"#,
        env!("CARGO_PKG_VERSION")
    );
    let header = &a[..a.find("</header>").expect("header")];
    let footer = &a[a.find("<footer>").expect("footer")..];
    assert!(header.contains(&meta), "header: {header}");
    assert!(footer.contains(&meta), "footer: {footer}");
    // Another date is another page; the year and the scenario folder go into the command.
    let b = html(
        &s,
        &Options {
            year: Some(2022),
            scenario_dir: Some("my scenarios/kz".into()),
            ..on("2027-01-02")
        },
    );
    assert!(b.contains(
        "<code>astana brief --date 2027-01-02 --year 2022 --scenario 'my scenarios/kz'</code>"
    ));
    assert!(!b.contains("2026-11-30"));
}

#[test]
fn dates_are_iso_days_and_source_date_epoch_is_a_utc_day() {
    assert_eq!(
        parse_date("2026-11-30").expect("ok"),
        Date::new(2026, 11, 30).expect("date")
    );
    for bad in [
        "2026-02-30",
        "2026-11-30T10:00",
        "30/11/2026",
        "",
        "2026-1-3",
    ] {
        assert!(parse_date(bad).is_err(), "{bad:?} accepted");
    }
    assert_eq!(
        astana_brief::date_from_epoch("1764460800").expect("ok"),
        Date::new(2025, 11, 30).expect("date")
    );
    assert_eq!(
        astana_brief::date_from_epoch("1764547199").expect("ok"),
        Date::new(2025, 11, 30).expect("date")
    );
    for bad in ["abc", "1.5", "99999999999999999999", "-999999999999"] {
        assert!(
            astana_brief::date_from_epoch(bad).is_err(),
            "{bad:?} accepted"
        );
    }
}

/// The `<section id=…>` blocks of the page, by id.
fn sections(html: &str) -> Vec<(String, String)> {
    html.split(r#"<section id=""#)
        .skip(1)
        .map(|part| {
            let id = part[..part.find('"').expect("id")].to_string();
            let body = part[..part.find("</section>").expect("end")].to_string();
            (id, body)
        })
        .collect()
}

#[test]
fn every_section_cites_and_every_note_resolves() {
    let h = html(&embedded(), &on("2026-11-30"));
    let secs = sections(&h);
    let ids: Vec<&str> = secs.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "summary",
            "balance",
            "mediation",
            "power",
            "forum",
            "corridor",
            "sources"
        ]
    );
    for (id, body) in secs.iter().filter(|(id, _)| id != "sources") {
        assert!(
            body.contains(r#"<sup class="fn">"#),
            "section {id} cites nothing"
        );
    }
    // The mirror chart, the Council's rules and the corridor routes cite their own rows.
    let mirror = &h[h.find("Two statistics, two pictures").expect("mirror")..];
    let mirror = &mirror[..mirror.find("<svg").expect("chart")];
    assert!(
        mirror.contains(r#"<sup class="fn">"#),
        "mirror chart unsourced"
    );
    let (_, power) = secs.iter().find(|(id, _)| id == "power").expect("power");
    assert!(
        !power.contains("<details"),
        "Council sources collapsed again"
    );
    assert!(power.matches("<tr><td>").count() >= 18);
    for row in power.split("<tr><td>").skip(1) {
        assert!(
            row.contains(r#"<sup class="fn">"#),
            "a rule without its note: {row}"
        );
    }
    let (_, corridor) = secs
        .iter()
        .find(|(id, _)| id == "corridor")
        .expect("corridor");
    let routes = corridor.split("<tr><td><i class=\"sw\"").skip(1).take(4);
    for row in routes {
        let row = &row[..row.find("</td>").expect("cell")];
        assert!(
            row.contains(r#"<sup class="fn">"#),
            "a route without sources: {row}"
        );
    }
    // Every reference resolves; every note is referenced; the numbers run 1..=n.
    let mut cited: Vec<usize> = h
        .match_indices("href=\"#fn")
        .filter_map(|(i, _)| {
            let rest = &h[i + 9..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect();
    cited.sort_unstable();
    cited.dedup();
    let listed = h.matches(r#"<li id="fn"#).count();
    assert_eq!(cited, (1..=listed).collect::<Vec<_>>());
    // Model outputs cite the team's own note on their data and assumptions.
    assert!(h.contains(r#"class="own">Simulated by astana over the scenario's corridor network"#));
    assert!(h.contains(r#"class="own">Negotiation model"#));
}

/// The executive summary's sentences (text of each `<li>`).
fn summary(html: &str) -> Vec<String> {
    let start = html.find(r#"<ul class="exec">"#).expect("summary");
    let list = &html[start..start + html[start..].find("</ul>").expect("end")];
    list.split("<li>").skip(1).map(str::to_string).collect()
}

#[test]
fn the_summary_has_six_sourced_sentences_written_from_the_results() {
    let s = embedded();
    let lines = summary(&html(&s, &on("2026-11-30")));
    assert_eq!(lines.len(), 6, "{lines:#?}");
    for (line, head) in lines.iter().zip([
        "Balance.",
        "Products.",
        "Mediation.",
        "Security Council.",
        "Convening.",
        "Corridors.",
    ]) {
        assert!(line.starts_with(&format!("<b>{head}</b>")), "{line}");
        assert!(line.contains(r#"<sup class="fn">"#), "no note: {line}");
        // One sentence: after the bold lead-in, no full stop before the last.
        let text = line.trim_end_matches("</li>");
        assert!(text.ends_with('.'), "{line}");
        assert!(
            !text[..text.len() - 1].contains(". "),
            "one sentence: {line}"
        );
    }
    assert!(lines[0].contains("is China, with <b>23.1%</b> of its turnover"));
    assert!(lines[1].contains("make up <b>61.0%</b> of exports"));
    assert!(lines[3].contains("decides <b>0.513%</b> of all possible votes today"));
    assert!(lines[3].contains("under the 17 reform models"));
    assert!(lines[4].contains("fits <b>19 of 25</b> requested bilateral meetings"));
    assert!(lines[5].contains("northern corridor in <b>13.9 days</b>"));

    // Change the inputs: one reform model fewer, one meeting request fewer, another year.
    let mut t = s.clone();
    t.games
        .retain(|(f, _)| !f.ends_with("unsc-g4-2005-q14.toml"));
    for (name, text) in &mut t.forum {
        if name.ends_with("requests.csv") {
            let mut rows: Vec<&str> = text.lines().collect();
            rows.pop();
            *text = rows.join("\n") + "\n";
        }
    }
    let changed = summary(&html(
        &t,
        &Options {
            year: Some(2022),
            ..on("2026-11-30")
        },
    ));
    assert!(
        changed[3].contains("under the 16 reform models"),
        "{}",
        changed[3]
    );
    assert!(changed[4].contains("requested bilateral meetings"));
    assert!(!changed[4].contains("of 25</b>"), "{}", changed[4]);
    assert!(changed[0].contains(" in 2022 is "), "{}", changed[0]);
}

#[test]
fn charts_and_tables_sit_in_their_own_boxes_with_hover_values_listed() {
    let h = html(&embedded(), &on("2026-11-30"));
    let body = &h[h.find("</header>").expect("header")..];
    assert_eq!(
        body.matches("<svg").count(),
        body.matches(r#"<div class="fig"><svg"#).count()
    );
    assert_eq!(
        body.matches("<table").count(),
        body.matches(r#"<div class="tbl"><table"#).count()
    );
    // The map's shares, shown on hover, are also in a list that print expands.
    assert!(h.contains(
        r#"<summary class="small">Values shown on hover</summary><p class="small">China: 23.1% of turnover"#
    ));
    assert!(h.contains("Who meets when, room by room"));
    assert!(h.contains("details::details-content{content-visibility:visible"));
    assert!(h.contains("counter(pages)"));
}
