//! `/s/{id}/balance?year=&flow=&period=&mirror=&shock=`: partner shares and concentration
//! (with bounds), the map, a shock editor, the trend and UN voting alignment.

use super::{enc, options, query, wide, Page, Params};
use crate::problem::Problem;
use crate::AppState;
use astana_brief::charts::{self, esc, Notes};
use astana_model::units::{pct, usd};
use astana_model::{FlowKind, Period, Scenario};
use astana_partner_balance as bal;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use std::fmt::Write;

const FIELDS: &[&str] = &["year", "flow", "period", "mirror", "shock", "add", "change"];

/// The form's choices, parsed.
struct Form {
    year: Option<i32>,
    flow: FlowKind,
    period: Period,
    period_text: String,
    mirror: bool,
    shock: Option<String>,
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut page = Page::new("balance", "Multi-vector balance", Some(&id));
    let Some(s) = page.scenario(&state, &id).await else {
        return page.finish(&state).await;
    };
    let mut p = Params::parse(raw.as_deref().unwrap_or(""), FIELDS);
    let flows: Vec<&str> = FlowKind::ALL.iter().map(|f| f.as_str()).collect();
    // `fdi-inflow` (the CLI's spelling) and `fdi_inflow` (the files') both work.
    let flow = p
        .get("flow")
        .map(|f| f.replace('-', "_"))
        .and_then(|f| p.pick("flow", &f, &flows))
        .and_then(|f| FlowKind::ALL.into_iter().find(|k| k.as_str() == f))
        .unwrap_or(FlowKind::Turnover);
    let period_text = p.get("period").unwrap_or("FY").to_string();
    let period = period_text.parse::<Period>().unwrap_or_else(|e| {
        p.error("period", e);
        Period::FULL_YEAR
    });
    let mut form = Form {
        year: p.int("year", 1900..=2100),
        flow,
        period,
        period_text,
        mirror: p.flag("mirror"),
        shock: p.get("shock").map(str::to_string),
    };
    // The shock editor adds a partner and a percentage; compose them into the CLI's spec
    // and answer with the canonical (shareable) address.
    if let Some(add) = p.get("add").map(str::to_uppercase) {
        let change = p.num("change", -100.0..=1000.0).unwrap_or(-50.0);
        if p.errors.is_empty() {
            let mut spec: Vec<String> = form
                .shock
                .as_deref()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty() && !x.starts_with(&format!("{add}=")))
                .map(str::to_string)
                .collect();
            spec.push(format!("{add}={}", change / 100.0));
            form.shock = Some(spec.join(","));
            return Redirect::to(&url(&id, &form)).into_response();
        }
    }
    page.push(&form_html(&s, &id, &form));
    if let Some(problem) = p.problem() {
        page.fail(&problem);
        return page.finish(&state).await;
    }
    let shown = state.blocking(move || render(&s, &form)).await;
    match shown {
        Ok(html) => page.push(&html),
        Err(e) => page.fail(&e),
    }
    page.finish(&state).await
}

fn url(id: &str, f: &Form) -> String {
    let q = query(&[
        ("year", f.year.map(|y| y.to_string()).unwrap_or_default()),
        ("flow", f.flow.as_str().to_string()),
        ("period", f.period_text.clone()),
        ("mirror", if f.mirror { "1".into() } else { String::new() }),
        ("shock", f.shock.clone().unwrap_or_default()),
    ]);
    format!("/s/{}/balance?{q}", enc(id))
}

fn years(s: &Scenario) -> Vec<i32> {
    let mut y: Vec<i32> = s.flows.iter().map(|f| f.year).collect();
    y.sort_unstable();
    y.dedup();
    y.reverse();
    y
}

fn form_html(s: &Scenario, id: &str, f: &Form) -> String {
    let year = f.year.unwrap_or(s.default_year);
    let years = options(
        years(s).into_iter().map(|y| (y.to_string(), y.to_string())),
        Some(&year.to_string()),
    );
    let flows = options(
        FlowKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.as_str().replace('_', " "))),
        Some(f.flow.as_str()),
    );
    let periods = options(
        ["FY", "H1", "H2", "Q1", "Q2", "Q3", "Q4"]
            .iter()
            .map(|p| ((*p).to_string(), (*p).to_string())),
        Some(&f.period_text),
    );
    // Shock targets: the partners with figures and the blocs of the scenario.
    let mut targets: Vec<(String, String)> = s
        .flows
        .iter()
        .filter(|r| r.reporter == s.focal && astana_model::iso::is_alpha3(&r.partner))
        .map(|r| (r.partner.to_string(), s.display_name(&r.partner)))
        .collect();
    targets.sort();
    targets.dedup();
    targets.sort_by(|a, b| a.1.cmp(&b.1));
    for b in &s.blocs {
        targets.push((
            b.id.to_string(),
            format!("{} (bloc)", s.display_name(&b.id)),
        ));
    }
    let shock = f.shock.clone().unwrap_or_default();
    format!(
        r#"<form class="controls" method="get" action="/s/{id}/balance">
<label>Year<select name="year">{years}</select></label>
<label>Flow<select name="flow">{flows}</select></label>
<label>Period<input type="text" name="period" value="{period}" list="periods" size="8" aria-describedby="period-help"></label><datalist id="periods">{periods}</datalist>
<span id="period-help" class="small">FY, H1, Q3 or a month range such as Jan-Sep</span>
<label class="check"><input type="checkbox" name="mirror" value="1"{mirror}> Partners' (mirror) statistics</label>
<label>Shock (partner=change, …)<input type="text" name="shock" value="{shock}" placeholder="CHN=-0.5,RUS=-1" size="22"></label>
<button type="submit">Show</button>
</form>
<form class="controls" method="get" action="/s/{id}/balance" aria-label="Shock editor">
<input type="hidden" name="year" value="{year}"><input type="hidden" name="flow" value="{flow}"><input type="hidden" name="period" value="{period}">{mirror_hidden}<input type="hidden" name="shock" value="{shock}">
<label>Partner or bloc to shock<select name="add">{targets}</select></label>
<label for="change">Change of its trade: <output id="change-out" for="change">-50</output> %<input type="range" id="change" name="change" min="-100" max="100" step="5" value="-50"></label>
<button type="submit">Add to the shock</button>
{clear}
</form>"#,
        id = enc(id),
        period = esc(&f.period_text),
        mirror = if f.mirror { " checked" } else { "" },
        mirror_hidden = if f.mirror {
            r#"<input type="hidden" name="mirror" value="1">"#
        } else {
            ""
        },
        shock = esc(&shock),
        flow = f.flow.as_str(),
        targets = options(targets, None),
        clear = if shock.is_empty() {
            String::new()
        } else {
            let g = Form {
                shock: None,
                year: Some(year),
                flow: f.flow,
                period: f.period,
                period_text: f.period_text.clone(),
                mirror: f.mirror,
            };
            format!(r#"<a href="{}">Clear the shock</a>"#, esc(&url(id, &g)))
        },
    )
}

/// The views for the chosen year, flow, period and side.
fn render(s: &Scenario, f: &Form) -> Result<String, Problem> {
    let q = bal::Query {
        reporter: s.focal.clone(),
        year: f.year.unwrap_or(s.default_year),
        flow: f.flow,
        period: f.period,
        side: if f.mirror {
            bal::Side::Mirror
        } else {
            bal::Side::Reporter
        },
        n: None,
    };
    let b = bal::analyze(s, &q).map_err(|e| Problem::invalid(e.to_string()))?;
    let mut notes = Notes::new(s);
    let mut h = String::new();
    let name = s.display_name(&s.focal);
    let what = format!(
        "{} {}{}, {}",
        f.flow.as_str().replace('_', " "),
        b.year,
        if f.period.is_full_year() {
            String::new()
        } else {
            format!(" {}", f.period)
        },
        if f.mirror {
            "partners' (mirror) statistics"
        } else {
            "own statistics"
        }
    );
    let headline = match (b.partners.first(), b.measures.bounds.as_ref()) {
        (Some(top), Some(bd)) => format!(
            "Total {}{}; largest partner {} at {}; HHI {} ({}){}.",
            usd(b.total),
            if b.total_provenance.estimate {
                " (estimate)"
            } else {
                ""
            },
            esc(&s.display_name(&top.id)),
            pct(top.share),
            if bd.hhi_points.is_exact() {
                format!("{:.0} points", bd.hhi_points.min)
            } else {
                format!(
                    "{:.0}–{:.0} points, a range: part of the total is not broken down by partner",
                    bd.hhi_points.min, bd.hhi_points.max
                )
            },
            bd.band.label(),
            b.coverage
                .known()
                .map(|c| format!("; named partners cover {}", pct(c)))
                .unwrap_or_default()
        ),
        _ => format!(
            "No world total for this year and flow: the values below are the named partners' ({}), not shares of {}'s trade.",
            usd(b.total),
            esc(&name)
        ),
    };
    let _ = write!(
        h,
        r#"<section id="balance"><h2>{} — {}</h2><p>{headline}</p>"#,
        esc(&name),
        esc(&what)
    );
    h.push_str(&wide(&charts::balance_map(s, &b)));
    h.push_str(&wide(&charts::balance_shares(s, &b, &mut notes)));
    if let Some(spec) = &f.shock {
        h.push_str(&shock(s, &b, spec)?);
    }
    h.push_str(&wide(&charts::balance_blocs(s, &b, &mut notes)));
    h.push_str("</section>");
    let trend = charts::balance_trend(s, &mut notes);
    if !trend.is_empty() {
        let _ = write!(
            h,
            r#"<section id="trend"><h2>Trend of turnover concentration</h2>{}</section>"#,
            wide(&trend)
        );
    }
    let align = charts::balance_alignment(s, &mut notes);
    if !align.is_empty() {
        let _ = write!(
            h,
            r#"<section id="alignment"><h2>UN voting alignment</h2>{}</section>"#,
            wide(&align)
        );
    }
    let _ = write!(
        h,
        r#"<section id="sources"><h2>Sources</h2>{}</section>"#,
        notes.render()
    );
    Ok(h)
}

fn shock(s: &Scenario, b: &bal::Balance, spec: &str) -> Result<String, Problem> {
    let located = |e: bal::BalanceError| {
        let mut p = Problem::invalid(format!("the shock `{spec}` cannot be applied"));
        p.errors = vec![super::field_error("shock", e.to_string())];
        p
    };
    let changes = bal::parse_shocks(spec).map_err(located)?;
    let r = bal::shock(s, b, &changes).map_err(located)?;
    let what: Vec<String> = r
        .shocked
        .iter()
        .map(|x| {
            format!(
                "{} {:+.0}% (loses {}, {} of the total)",
                s.display_name(&x.id),
                x.change * 100.0,
                usd(x.lost),
                pct(x.lost_share_of_total)
            )
        })
        .collect();
    let hhi = match (r.before.bounds.as_ref(), r.after.bounds.as_ref()) {
        (Some(a), Some(z)) => {
            let f = |r: bal::Range| {
                if r.is_exact() {
                    format!("{:.4}", r.min)
                } else {
                    format!("{:.4}–{:.4}", r.min, r.max)
                }
            };
            format!(
                " HHI {} → {}{}.",
                f(a.hhi),
                f(z.hhi),
                if a.hhi.is_exact() {
                    ""
                } else {
                    " (ranges: the unallocated rest spread evenly over the other economies, or held by one partner)"
                }
            )
        }
        _ => String::new(),
    };
    Ok(format!(
        r#"<h3>Shock: {}</h3><p>Illustrative, not a forecast: trade with the named partners changes as stated and nothing is diverted elsewhere. Total falls from {} to {} ({} lost).{hhi} The same with the CLI: <code>astana balance --shock {}</code>.</p>{}"#,
        esc(&what.join("; ")),
        usd(r.total_before),
        usd(r.total_after),
        pct(r.lost_share),
        esc(spec),
        wide(&charts::shock_chart(s, &r))
    ))
}
