//! Read as an analyst would (issue 18 follow-up): the Türkiye and skeleton briefs say what
//! their figures are, name the UN group in words, and leave no section out of the summary.

use astana_brief::{parse_date, render, Brief, Options};
use std::path::Path;

fn options() -> Options {
    Options {
        date: Some(parse_date("2026-11-30").expect("date")),
        ..Options::default()
    }
}

fn kazakhstan() -> Brief {
    let (s, _) = astana_scenario::load_embedded().expect("embedded scenario");
    render(&s, &options()).expect("Kazakhstan brief")
}

fn turkiye() -> Brief {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios/turkiye");
    let (s, _) = astana_scenario::load_dir(&dir).unwrap_or_else(|d| panic!("{d}"));
    render(&s, &options()).expect("Türkiye brief")
}

fn skeleton(country: &str) -> Brief {
    let files = astana_scenario::init_files(country).expect("init");
    let texts: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (s, _) = astana_scenario::load_from_memory(&texts).unwrap_or_else(|d| panic!("{d}"));
    render(&s, &options()).expect("skeleton brief")
}

/// A partner's mirror figure is its trade with Türkiye, not the partner's total nor a
/// share: "turnover of Kazakhstan $6.0bn" read as Kazakhstan's own turnover.
#[test]
fn turkiye_mirror_figures_read_as_bilateral_turnover() {
    let b = turkiye();
    assert!(
        b.html.contains(
            "the partners' own (mirror) statistics put its 2023 turnover with Kazakhstan at $6.0bn"
        ),
        "lead does not say whose turnover"
    );
    assert!(b.html.contains("a bilateral figure rather than a share."));
    assert!(!b.html.contains("turnover of Kazakhstan"));
    assert!(
        b.summary.iter().any(|l| l.ends_with(
            "2023 turnover as the partners report it (mirror): with Kazakhstan at $6.0bn"
        )),
        "{:?}",
        b.summary
    );
}

/// The tenure note names the focal country's UN regional group as the UN does, not by the
/// data file's key ("weog group", "asia-pacific group").
#[test]
fn the_tenure_note_names_the_un_regional_group() {
    let kaz = kazakhstan();
    assert!(kaz.html.contains(
        "A member of Kazakhstan's electoral group, the Asia-Pacific Group, is on the Council about 3.8% of years today (2 elected seats for 52 eligible members"
    ));
    assert!(!kaz.html.contains("asia-pacific group"));
    let tur = turkiye();
    assert!(tur.html.contains(
        "A member of Türkiye's electoral group, the Western European and Others Group (WEOG), is on the Council about 7.7% of years today (2 elected seats for 26 eligible members"
    ));
    assert!(!tur.html.contains("weog group"));
}

/// A skeleton renders UN voting alignment; the terminal summary says so as for any other
/// scenario instead of listing only what is missing.
#[test]
fn a_skeleton_summary_carries_its_un_voting_line() {
    let b = skeleton("IDN");
    assert!(
        b.summary.contains(
            &"UN General Assembly 1950–2019: votes most often with China (86.1% identical), least with United States (22.1%)"
                .to_string()
        ),
        "{:?}",
        b.summary
    );
}

/// A skeleton's memberships are only the lists astana holds (Indonesia: CICA alone), so its
/// table says it need not be complete; the complete scenarios' tables are unchanged.
#[test]
fn a_skeleton_membership_table_says_it_may_be_incomplete() {
    let note = "not necessarily all that Indonesia belongs to: <code>astana scenario init</code> lists only those whose member lists astana holds";
    let b = skeleton("IDN");
    let seats = &b.html[b.html.find("Where Indonesia has a seat").expect("table")..];
    assert!(seats.contains("<td>observer</td>"));
    assert!(seats.contains(note), "no caveat under the table");
    assert!(!kazakhstan()
        .html
        .contains("not necessarily all that Kazakhstan belongs to"));
    // Brazil has no membership row at all: the notice, not the caveat.
    let bra = skeleton("BRA");
    assert!(!bra.html.contains("not necessarily all that"));
    assert!(bra.html.contains("no organisation lists BRA as a member"));
}

/// The executive summary names the missing parts in the order their notices appear.
#[test]
fn a_skeleton_names_its_missing_parts_in_page_order() {
    let b = skeleton("IDN");
    assert!(b.html.contains(
        "This scenario has no data for: Multi-vector balance; Export concentration by product; Mediation; Voice in councils; Convening; Connectivity."
    ));
    let at = |id: &str| b.html.find(&format!(r#"id="gap-{id}""#)).expect(id);
    assert!(at("products") < at("negotiation"));
    assert!(at("negotiation") < at("power") && at("power") < at("forum"));
    assert!(at("forum") < at("corridor"));
}

/// A notice names the file and the field to fill in as such, not as a bare pair
/// "(flows.csv, reporter)".
#[test]
fn a_notice_says_which_is_the_file_and_which_the_field() {
    let b = skeleton("IDN");
    assert!(b.html.contains(
        "each with its source (file <code>flows.csv</code>, field <code>reporter</code>).</p>"
    ));
    assert!(b
        .html
        .contains("(file <code>scenario.toml</code>, field <code>files.power</code>).</p>"));
    assert!(!b
        .html
        .contains("(<code>flows.csv</code>, <code>reporter</code>)"));
}

/// The `d` of each line of the UN voting chart.
fn alignment_lines(html: &str) -> Vec<String> {
    let i = html.find("Share of identical UN votes").expect("chart");
    let chart = &html[i..i + html[i..].find("</svg>").expect("end")];
    chart
        .split(r#"<path d=""#)
        .skip(1)
        .filter(|p| p.contains(r#"fill="none""#))
        .map(|p| p[..p.find('"').expect("d")].to_string())
        .collect()
}

/// No line is drawn over a year without votes (1964: no recorded vote in the General
/// Assembly; Indonesia was also absent in 1965): the line stops and starts again.
#[test]
fn the_un_voting_chart_draws_no_line_over_a_year_without_votes() {
    let idn = skeleton("IDN");
    let lines = alignment_lines(&idn.html);
    assert_eq!(lines.len(), 4);
    // Russia and the United States from 1950 break once; China (1971–) and Germany
    // (1973–) do not.
    let breaks: Vec<usize> = lines.iter().map(|d| d.matches('M').count()).collect();
    assert_eq!(breaks.iter().filter(|&&m| m == 2).count(), 2, "{breaks:?}");
    assert!(!idn.html.contains("NaN"));
    // Every year with votes keeps its point, on either side of the gap.
    assert!(idn
        .html
        .contains("<title>United States: 41% (1963)</title>"));
    assert!(idn
        .html
        .contains("<title>United States: 31% (1966)</title>"));
    // Kazakhstan (1992–2019, no gap): one line each.
    assert!(alignment_lines(&kazakhstan().html)
        .iter()
        .all(|d| d.matches('M').count() == 1));
}

/// The roll-call data code the USSR as Russia: a skeleton's series from 1946 says that its
/// "Russia" before 1992 is the Soviet Union; Kazakhstan's and Türkiye's (1992–) need not.
#[test]
fn a_russia_series_before_1992_says_it_is_the_soviet_union() {
    let note = "Russia before 1992: the Soviet Union's votes (the roll-call data code both as one country).";
    assert!(skeleton("BRA").html.contains(note));
    assert!(!kazakhstan().html.contains(note));
    assert!(!turkiye().html.contains(note));
}
