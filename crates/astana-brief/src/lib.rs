//! Renders the astana brief: one self-contained HTML file (inline CSS and SVG, no network
//! access when opened) with a map, charts, tables and numbered footnotes to the scenario's
//! sources.
//!
//! # Brief overview
//!
//! [`render`] runs the engines on a [`Scenario`] and returns a [`Brief`]: the HTML and a
//! short plain-text summary. Each figure cites the rows of `sources.csv` it rests on; a part
//! the scenario has no data for (a skeleton from `astana scenario init`) gets a notice in its
//! place saying why ([`Scenario::gaps`]).
//!
//! ```
//! let (scenario, _) = astana_scenario::load_embedded().unwrap();
//! let brief = astana_brief::render(&scenario, &astana_brief::Options::default())?;
//! assert!(brief.html.starts_with("<!DOCTYPE html>"));
//! assert!(!brief.html.contains("<script src="));
//! # Ok::<(), astana_brief::BriefError>(())
//! ```
#![deny(missing_docs)]

pub mod charts;
mod corridor;
mod forum;
mod gaps;
mod geo;
mod negotiation;
mod power;
pub mod products;
mod sections;
mod svg;

use astana_model::Scenario;
use std::collections::HashMap;

/// A calendar date (jiff's), as the brief's generation date.
pub use jiff::civil::Date;

/// What to render.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Year of the balance section; the scenario's default year when `None`.
    pub year: Option<i32>,
    /// Generation date printed in the header and footer; [`default_date`] when `None`.
    pub date: Option<jiff::civil::Date>,
    /// The `--scenario` folder as a reader would type it, for the command that reproduces
    /// the brief; `None` for the embedded scenario.
    pub scenario_dir: Option<String>,
}

/// A `--date` value: an ISO 8601 calendar date (`2026-11-30`).
///
/// # Errors
/// The text is not a valid `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    let t = text.trim();
    // jiff also reads datetimes; a brief's date is a day, so ask for exactly that.
    if t.len() != 10 {
        return Err(format!("`{text}` is not a date of the form YYYY-MM-DD"));
    }
    t.parse::<jiff::civil::Date>()
        .map_err(|e| format!("`{text}` is not a date of the form YYYY-MM-DD: {e}"))
}

/// The UTC day of a `SOURCE_DATE_EPOCH` value (seconds since 1970-01-01 UTC).
///
/// # Errors
/// The text is not a whole number of seconds in jiff's range (years −9999 to 9999).
pub fn date_from_epoch(text: &str) -> Result<jiff::civil::Date, String> {
    let secs: i64 = text.trim().parse().map_err(|_| {
        format!("SOURCE_DATE_EPOCH=`{text}` is not a whole number of seconds since 1970-01-01")
    })?;
    jiff::Timestamp::from_second(secs)
        .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
        .map_err(|e| format!("SOURCE_DATE_EPOCH=`{text}` is out of range: {e}"))
}

/// The generation date when none is given: `SOURCE_DATE_EPOCH` (reproducible builds'
/// convention) when set, otherwise today in UTC.
///
/// # Errors
/// `SOURCE_DATE_EPOCH` is set but not a valid number of seconds.
pub fn default_date() -> Result<jiff::civil::Date, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => date_from_epoch(&v),
        _ => Ok(jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()),
    }
}

/// The scenario's data cut-off: the latest publication date in its `sources.csv`
/// (ISO 8601 prefixes `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, compared as text), if any.
pub fn data_cutoff(scenario: &Scenario) -> Option<&str> {
    scenario
        .sources
        .iter()
        .map(|s| s.published.trim())
        .filter(|p| p.len() >= 4 && p.bytes().take(4).all(|b| b.is_ascii_digit()))
        .max()
}

/// The command that reproduces a brief: same date, year and scenario (the output path is
/// the reader's choice).
pub fn reproduce_command(options: &Options, date: jiff::civil::Date) -> String {
    let mut c = format!("astana brief --date {date}");
    if let Some(y) = options.year {
        c.push_str(&format!(" --year {y}"));
    }
    if let Some(d) = &options.scenario_dir {
        c.push_str(&format!(" --scenario {}", shell_word(d)));
    }
    c
}

/// `s` quoted for a POSIX shell when it needs quoting.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=+@%".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Where the embedded default scenario lives in the astana repository: the folder the
/// brief's "run it" commands name when no `--scenario` folder was given.
const EMBEDDED_DIR: &str = "data/scenarios/kazakhstan";

/// A scenario file's path as a reader would type it: `rel` inside the `--scenario` folder
/// (or the embedded scenario's folder), with `dir/../x` steps folded, since a scenario may
/// point at another one's files (the shared corridor network, the Security Council games).
pub(crate) fn scenario_path(options: &Options, rel: &str) -> String {
    let dir = options.scenario_dir.as_deref().unwrap_or(EMBEDDED_DIR);
    let mut parts: Vec<&str> = Vec::new();
    for p in dir.trim_end_matches('/').split('/').chain(rel.split('/')) {
        match p {
            "." => {}
            ".." if parts.last().is_some_and(|l| *l != ".." && !l.is_empty()) => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// The rendered brief.
#[derive(Clone, Debug)]
pub struct Brief {
    /// The whole HTML document.
    pub html: String,
    /// A few lines for the terminal.
    pub summary: Vec<String>,
    /// Number of footnotes (distinct sources cited).
    pub footnotes: usize,
    /// The generation date printed in the header and footer.
    pub date: jiff::civil::Date,
}

/// Why the brief could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BriefError {
    /// The balance engine had no data for the focal country in the year asked for.
    #[error(transparent)]
    Balance(#[from] astana_partner_balance::BalanceError),
}

/// Numbered footnotes, in order of first citation: views cite the rows of `sources.csv`
/// they rest on, and [`Notes::render`] lists them.
#[derive(Default)]
pub struct Notes<'a> {
    scenario: Option<&'a Scenario>,
    order: Vec<String>,
    index: HashMap<String, usize>,
    /// The team's own notes (a model's data and assumptions), by key.
    texts: HashMap<String, String>,
}

impl<'a> Notes<'a> {
    /// No footnotes yet, for sources of `scenario`.
    pub fn new(scenario: &'a Scenario) -> Self {
        Notes {
            scenario: Some(scenario),
            ..Notes::default()
        }
    }

    /// A superscript link to a note of the team's own, for a figure that no row of
    /// `sources.csv` states: a model's output (its data and assumptions) or a derivation.
    /// The same `key` is one note however often it is cited.
    pub fn cite_note(&mut self, key: &str, text: &str) -> String {
        self.texts
            .entry(key.to_string())
            .or_insert_with(|| text.to_string());
        self.cite(&[key])
    }

    /// Superscript links for these source ids.
    pub fn cite<S: AsRef<str>>(&mut self, ids: &[S]) -> String {
        let mut nums: Vec<usize> = ids
            .iter()
            .map(|id| {
                let id = id.as_ref();
                if let Some(n) = self.index.get(id) {
                    return *n;
                }
                self.order.push(id.to_string());
                let n = self.order.len();
                self.index.insert(id.to_string(), n);
                n
            })
            .collect();
        nums.sort_unstable();
        nums.dedup();
        if nums.is_empty() {
            return String::new();
        }
        let links: Vec<String> = nums
            .iter()
            .map(|n| format!(r##"<a href="#fn{n}">{n}</a>"##))
            .collect();
        // `<wbr>`: a long run of notes may wrap instead of widening the page.
        format!(r#"<sup class="fn">{}</sup>"#, links.join(",<wbr>"))
    }

    /// The numbered list of the sources cited so far (`<ol class="notes">`).
    pub fn render(&self) -> String {
        let mut s = String::from(r#"<ol class="notes">"#);
        for (i, id) in self.order.iter().enumerate() {
            let n = i + 1;
            if let Some(text) = self.texts.get(id) {
                s.push_str(&format!(
                    r#"<li id="fn{n}" class="own">{}</li>"#,
                    svg::esc(text)
                ));
                continue;
            }
            match self.scenario.and_then(|sc| sc.source(id)) {
                Some(src) => {
                    let date = if src.published.is_empty() {
                        "undated".to_string()
                    } else {
                        src.published.clone()
                    };
                    let note = if src.note.is_empty() {
                        String::new()
                    } else {
                        format!(r#" <span class="srcnote">{}</span>"#, svg::esc(&src.note))
                    };
                    s.push_str(&format!(
                        r#"<li id="fn{n}"><b>{}</b>. {}, {}. <a href="{}">{}</a>{note}</li>"#,
                        svg::esc(&src.title),
                        svg::esc(&src.publisher),
                        svg::esc(&date),
                        svg::esc(&src.url),
                        svg::esc(&src.url)
                    ));
                }
                None => s.push_str(&format!(r#"<li id="fn{n}">{}</li>"#, svg::esc(id))),
            }
        }
        s.push_str("</ol>");
        s
    }
}

/// Renders the brief for `scenario`.
///
/// # Errors
/// [`BriefError::Balance`] when the focal country has no flow data in the year asked for.
pub fn render(scenario: &Scenario, options: &Options) -> Result<Brief, BriefError> {
    let year = options.year.unwrap_or(scenario.default_year);
    // A bad SOURCE_DATE_EPOCH is the caller's to report (the CLI does, exit 2); here the
    // page still gets a date.
    let date = options.date.unwrap_or_else(|| {
        default_date().unwrap_or_else(|_| {
            jiff::Timestamp::now()
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .date()
        })
    });
    let mut notes = Notes::new(scenario);
    let mut summary = Vec::new();
    // One sentence per instrument for the executive summary, each with its key figure and
    // note, written by the section from its own results.
    let mut lead = Vec::new();
    // A part without data (a skeleton's) gets a notice saying why, in its place. A scenario
    // with partners' (mirror) figures but none of its own is the balance section's own case.
    let mut body = if scenario.flows.is_empty() {
        gaps::balance_without_flows(scenario, &mut notes, &mut summary)
    } else {
        sections::balance(scenario, year, &mut notes, &mut summary, &mut lead)?
    };
    let neg = negotiation::section(scenario, options, &mut notes, &mut summary, &mut lead);
    body.push_str(&gaps::or_notice(neg, scenario, "negotiation"));
    let power = power::section(scenario, options, &mut notes, &mut summary, &mut lead);
    body.push_str(&gaps::or_notice(power, scenario, "power"));
    let forum = forum::section(scenario, options, &mut notes, &mut summary, &mut lead);
    body.push_str(&gaps::or_notice(forum, scenario, "forum"));
    let corridor = corridor::section(scenario, options, &mut notes, &mut summary, &mut lead);
    body.push_str(&gaps::or_notice(corridor, scenario, "corridor"));
    gaps::summarise(scenario, &mut summary, &mut lead);
    let footnotes = notes.order.len();
    let title = format!("{}: a middle power's position", scenario.name);
    let version = env!("CARGO_PKG_VERSION");
    let cutoff = data_cutoff(scenario).map_or_else(
        || "data cut-off unknown (no dated source)".to_string(),
        |c| format!("data to {c} (latest source)"),
    );
    let command = reproduce_command(options, date);
    let meta = format!(
        r#"Generated <time datetime="{date}">{date}</time> · {} · astana {version} · reproduce: <code>{}</code>"#,
        svg::esc(&cutoff),
        svg::esc(&command)
    );
    let exec = if lead.is_empty() {
        String::new()
    } else {
        format!(
            r#"<section id="summary"><h2>Summary</h2><ul class="exec">{}</ul></section>"#,
            lead.iter()
                .map(|l| format!("<li>{l}</li>"))
                .collect::<String>()
        )
    };
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="astana {version}">
<title>{title}</title>
<style>{css}</style></head>
<body><main class="brief">
<header><p class="kicker">astana brief</p><h1>{title}</h1>
<p class="lede">{lede}</p>
<p class="meta">{meta}</p></header>
{exec}
{body}
<section id="sources"><h2>Sources</h2>
<p class="small">Every figure above carries a numbered note. Values marked <span class="est-tag">estimate</span> were derived by the astana team from published figures; the note says how. Notes without a publisher are the team's own: a model's data and assumptions.</p>
{notes}</section>
<footer><p>{meta}</p><p>Generated by astana {version} from the scenario “{name}”. Map: Natural Earth 1:110m (public domain). Open offline: this file loads nothing from the network.</p></footer>
</main></body></html>
"#,
        title = svg::esc(&title),
        css = CSS,
        lede = svg::esc(&scenario.description),
        body = boxed(&body),
        notes = notes.render(),
        name = svg::esc(&scenario.name),
    );
    Ok(Brief {
        html,
        summary,
        footnotes,
        date,
    })
}

/// Most values a chart's hover list shows: more is a cloud of points (every outcome of a
/// negotiation), which the chart's table summarises instead.
const HOVER_LIST_MAX: usize = 80;

/// Most characters of a chart's hover list: a longer one (every leg of every route on the
/// corridor map) repeats what the chart's table says, at a page's length.
const HOVER_TEXT_MAX: usize = 2_000;

/// The values a chart shows only on hover (its `<title>` texts that hold a figure), as a
/// collapsed list: on screen for whoever wants them, expanded on paper, which has no hover.
fn hover_values(svg_html: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut values = Vec::new();
    // The chart's own title (right after the opening tag) names it: not a value.
    let mut rest = svg_html.find('>').map_or(svg_html, |k| &svg_html[k + 1..]);
    if let Some(own) = rest.trim_start().strip_prefix("<title>") {
        rest = own.find("</title>").map_or(rest, |k| &own[k..]);
    }
    while let Some(i) = rest.find("<title>") {
        let after = &rest[i + 7..];
        let Some(j) = after.find("</title>") else {
            break;
        };
        let t = &after[..j];
        if t.bytes().any(|b| b.is_ascii_digit()) && seen.insert(t) {
            values.push(t);
        }
        rest = &after[j..];
    }
    let chars: usize = values.iter().map(|v| v.len() + 2).sum();
    if values.is_empty() || values.len() > HOVER_LIST_MAX || chars > HOVER_TEXT_MAX {
        return String::new();
    }
    // The titles are already escaped HTML text.
    format!(
        r#"<details class="hover"><summary class="small">Values shown on hover</summary><p class="small">{}</p></details>"#,
        values.join("; ")
    )
}

/// Puts each chart and table in its own box, which scrolls sideways on a narrow screen
/// instead of the page (charts keep a minimum width there so their text stays legible).
fn boxed(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 4096);
    let mut rest = body;
    loop {
        let next = [("<svg", "</svg>", "fig"), ("<table", "</table>", "tbl")]
            .into_iter()
            .filter_map(|(open, close, class)| rest.find(open).map(|i| (i, open, close, class)))
            .min_by_key(|x| x.0);
        let Some((i, _, close, class)) = next else {
            out.push_str(rest);
            return out;
        };
        let Some(j) = rest[i..].find(close).map(|j| i + j + close.len()) else {
            out.push_str(rest);
            return out;
        };
        let item = &rest[i..j];
        out.push_str(&rest[..i]);
        out.push_str(&format!(r#"<div class="{class}">"#));
        out.push_str(item);
        out.push_str("</div>");
        rest = &rest[j..];
        if class == "fig" && !rest.trim_start().starts_with(r#"<details class="hover""#) {
            out.push_str(&hover_values(item));
        }
    }
}

/// The brief's stylesheet (chart, map and table classes), shared with the dashboard.
pub(crate) const CSS: &str = r#"
:root{--ink:#1b2430;--muted:#5b6675;--rule:#d9dee5;--accent:#00a3c4;--gold:#e0a800;--paper:#fbfaf7;--blue:#1f4e79;--red:#b03a2e}
*{box-sizing:border-box}
body{margin:0;background:#eef0f3;color:var(--ink);font:15px/1.55 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:980px;margin:0 auto;background:var(--paper);padding:40px 56px 32px;box-shadow:0 1px 8px rgba(0,0,0,.08)}
header{border-bottom:3px solid var(--ink);margin-bottom:8px;padding-bottom:12px}
.kicker{text-transform:uppercase;letter-spacing:.12em;font-size:12px;color:var(--accent);margin:0 0 4px;font-weight:600}
h1{font:700 34px/1.15 Georgia,"Times New Roman",serif;margin:0 0 10px}
h2{font:700 22px/1.25 Georgia,"Times New Roman",serif;margin:34px 0 6px;padding-top:10px;border-top:1px solid var(--rule)}
h3{font-size:15px;margin:20px 0 6px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.lede{font-size:16.5px;color:#333;margin:0}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:18px 0 6px}
.card{background:#fff;border:1px solid var(--rule);border-top:3px solid var(--accent);padding:10px 12px}
.card .big{font:700 26px/1.1 Georgia,serif}
.card .cap{font-size:12.5px;color:var(--muted)}
.chart,.map{width:100%;height:auto;display:block;margin:6px 0}
.chart .lbl{font-size:12.5px;fill:var(--ink)}
.chart .val{font-size:12px;fill:var(--muted)}
.chart .tick{font-size:11px;fill:var(--muted)}
.chart .legend{font-size:12px;fill:var(--ink)}
.chart .grid{stroke:#e3e6ea;stroke-width:1}
.bar{fill:var(--blue)}.bar.focal{fill:var(--accent)}.bar.rest{fill:#c9ced6}.bar.est{fill:#7f9cbc}.bar.cut{fill:var(--red)}
.map .sea{fill:#e7eef4}.map .land{fill:#e9e6df;stroke:#fff;stroke-width:.6}.map .land.on{stroke:#fff;stroke-width:.8}
.map .maplbl{font-size:11px;font-weight:600;fill:#1b2430;paint-order:stroke;stroke:#fff;stroke-width:3px}
table{border-collapse:collapse;width:100%;margin:6px 0 4px;font-size:13.5px}
th{text-align:left;font-weight:600;color:var(--muted);border-bottom:1.5px solid var(--ink);padding:4px 8px 4px 0}
td{border-bottom:1px solid var(--rule);padding:4px 8px 4px 0;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.small{font-size:12.5px;color:var(--muted)}
.caveat{background:#fff7e0;border-left:3px solid var(--gold);padding:8px 12px;font-size:13px;margin:10px 0}
.est-tag{font-size:11px;background:#fff1c2;border:1px solid #e9cf73;border-radius:3px;padding:0 4px;color:#6b5300}
sup.fn{font-size:10px;margin-left:1px}sup.fn a{color:var(--accent);text-decoration:none}
ol.notes{font-size:12px;color:#333;padding-left:22px}ol.notes li{margin:3px 0;word-break:break-word}ol.notes a{color:var(--blue)}
.srcnote{color:var(--muted)}
.two{display:grid;grid-template-columns:1fr 1fr;gap:24px}
footer{margin-top:28px;padding-top:10px;border-top:1px solid var(--rule);font-size:12px;color:var(--muted)}
.legendbar{display:flex;gap:14px;font-size:12px;color:var(--muted);flex-wrap:wrap;margin:0 0 4px}
.legendbar i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-2px}
.sw{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
.meta{font-size:12.5px;color:var(--muted);margin:10px 0 0}
code{overflow-wrap:break-word}
.fig,.tbl{overflow-x:auto;max-width:100%}
ul.exec{margin:8px 0 0;padding-left:20px}ul.exec li{margin:6px 0}
details.hover{margin:2px 0 8px}details.hover p,details.hover ul{margin:4px 0}
@media (max-width:700px){main{padding:20px 14px}.cards{grid-template-columns:1fr 1fr}.two{grid-template-columns:1fr}h1{font-size:27px}
.brief .fig>svg{min-width:800px}}
@page{size:A4;margin:14mm 13mm 16mm;@bottom-right{content:"page " counter(page) " of " counter(pages);font:8.5pt Arial,sans-serif;color:#5b6675}}
@media print{body{background:#fff;font-size:9.5pt;line-height:1.38}main{box-shadow:none;padding:0;max-width:none}
h2{margin:18px 0 4px;font-size:17pt}h3{margin:12px 0 4px}h1,h2,h3,summary,.legendbar{break-after:avoid}
.fig,.tbl,.cards,.card,tr,.caveat,ul.exec li,ol.notes li{break-inside:avoid}
.fig,.tbl{overflow:visible}.fig>svg{max-height:95mm;width:auto;max-width:100%;margin:0 auto}p{orphans:3;widows:3}
details::details-content{content-visibility:visible;display:block}details>summary{list-style:none;font-weight:600}
ol.notes{columns:3;column-gap:14px;font-size:7pt;line-height:1.3}ol.notes li{margin:1px 0}a{color:inherit;text-decoration:none}}
"#;

#[cfg(test)]
mod path_tests {
    use super::*;

    /// A scenario may point into another one's folder: the printed path folds the `..`.
    #[test]
    fn scenario_paths_fold_parent_steps() {
        let tr = Options {
            scenario_dir: Some("data/scenarios/turkiye/".into()),
            ..Options::default()
        };
        assert_eq!(
            scenario_path(&tr, "../kazakhstan/power/unsc*.toml"),
            "data/scenarios/kazakhstan/power/unsc*.toml"
        );
        assert_eq!(scenario_path(&tr, "forum"), "data/scenarios/turkiye/forum");
        let embedded = Options::default();
        assert_eq!(
            scenario_path(&embedded, "negotiation/trans-caspian.toml"),
            "data/scenarios/kazakhstan/negotiation/trans-caspian.toml"
        );
        let up = Options {
            scenario_dir: Some(".".into()),
            ..Options::default()
        };
        assert_eq!(scenario_path(&up, "../kazakhstan/x"), "../kazakhstan/x");
        let abs = Options {
            scenario_dir: Some("/tmp/s".into()),
            ..Options::default()
        };
        assert_eq!(scenario_path(&abs, "./forum"), "/tmp/s/forum");
    }
}
