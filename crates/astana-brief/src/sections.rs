//! The sections of the brief. Each returns HTML and cites its sources through `Notes`.

use crate::svg::{self, esc, Bar, MapStyle, Series};
use crate::{BriefError, Notes};
use astana_model::units::{pct, usd};
use astana_model::{iso, Code, FlowKind, Scenario};
use astana_partner_balance as bal;
use bal::{Balance, Query, Side};
use std::collections::HashMap;
use std::fmt::Write;

/// A measure's range as text: one figure when exact, "lo–hi" otherwise.
fn span(r: bal::Range, f: impl Fn(f64) -> String) -> String {
    if r.is_exact() {
        f(r.min)
    } else {
        format!("{}–{}", f(r.min), f(r.max))
    }
}

/// Concentration bounds: present whenever shares are of the total.
fn bounds(b: &Balance) -> Option<&bal::Bounds> {
    b.measures.bounds.as_ref()
}

pub(crate) fn est_tag(flag: bool) -> &'static str {
    est(flag)
}

fn est(flag: bool) -> &'static str {
    if flag {
        r#" <span class="est-tag">estimate</span>"#
    } else {
        ""
    }
}

/// The balance section: cards, map, partner shares, blocs, trend, dependence, shock, FDI,
/// UN voting alignment, memberships.
pub(crate) fn balance(
    s: &Scenario,
    year: i32,
    notes: &mut Notes<'_>,
    summary: &mut Vec<String>,
    lead: &mut Vec<String>,
) -> Result<String, BriefError> {
    let focal = s.focal.as_str();
    let b = match bal::analyze(s, &Query::new(focal, year, FlowKind::Turnover)) {
        Ok(b) => b,
        // The country's own statistics have no partner figure for the year: say so, show
        // what partners report (mirror) and keep the sections that need no trade figures.
        Err(bal::BalanceError::NoData { .. }) if !reports_own_trade(s) => {
            return Ok(no_own_trade(s, year, notes, summary, lead));
        }
        Err(e) => return Err(e.into()),
    };
    let name = |c: &str| s.display_name(c);
    let mut h = String::new();

    // Key figures.
    let top = b.partners.first();
    let align = alignment(s);
    let _ = write!(
        h,
        r#"<section id="balance"><h2>Multi-vector balance: who {} trades with</h2>"#,
        esc(&name(focal))
    );
    h.push_str(r#"<div class="cards">"#);
    match bounds(&b) {
        Some(bd) => {
            if let Some(t) = top {
                let c = notes.cite(&t.sources);
                let _ = write!(
                    h,
                    r#"<div class="card"><div class="big">{}</div><div class="cap">{} share of {} trade turnover, {year}{c}</div></div>"#,
                    pct(t.share),
                    esc(&name(&t.id)),
                    esc(&name(focal))
                );
            }
            let ct = notes.cite(&b.total_provenance.sources);
            let _ = write!(
                h,
                r#"<div class="card"><div class="big">{}</div><div class="cap">total turnover {year}{}{ct}</div></div>"#,
                usd(b.total),
                if b.total_provenance.estimate {
                    " (estimate)"
                } else {
                    ""
                }
            );
            let _ = write!(
                h,
                r#"<div class="card"><div class="big">{}</div><div class="cap">HHI points ({}){}</div></div>"#,
                span(bd.hhi_points, |x| format!("{x:.0}")),
                bd.band.label(),
                b.coverage
                    .known()
                    .filter(|c| *c < 0.999)
                    .map(|c| format!(
                        "; named partners cover {}, so a range over every split of the rest",
                        pct(c)
                    ))
                    .unwrap_or_default()
            );
        }
        None => {
            // No world total: no share of the country's trade is known, so no headline
            // share or concentration figure.
            let _ = write!(
                h,
                r#"<div class="card"><div class="big">no total</div><div class="cap">no world turnover total for {year}: shares of {}'s trade and its concentration are unknown; years with a total: {}</div></div>"#,
                esc(&name(focal)),
                years_list(&b.years_with_total)
            );
            let ct = notes.cite(&b.total_provenance.sources);
            let _ = write!(
                h,
                r#"<div class="card"><div class="big">{}</div><div class="cap">turnover with the named partners ({}), {year}: not the country's total{ct}</div></div>"#,
                usd(b.total),
                b.partners.len()
            );
        }
    }
    if let Some(a) = &align {
        if let (Some(first), Some(last)) = (a.ranking.first(), a.ranking.last()) {
            let _ = write!(
                h,
                r#"<div class="card"><div class="big">{} vs {}</div><div class="cap">identical UN votes with {} vs {}, {}–{}{}</div></div>"#,
                opt_pct(a.partners[first].overall.identical_share),
                opt_pct(a.partners[last].overall.identical_share),
                esc(&name(first)),
                esc(&name(last)),
                a.from,
                a.to,
                notes.cite(&["unvotes-voeten"])
            );
        }
    }
    h.push_str("</div>");
    lead.push(match (bounds(&b), top) {
        (Some(bd), Some(t)) => format!(
            "<b>Balance.</b> {}'s largest trade partner in {year} is {}, with <b>{}</b> of its turnover{}; concentration is {} HHI points ({}){}.",
            esc(&name(focal)),
            esc(&name(&t.id)),
            pct(t.share),
            notes.cite(&[t.sources.clone(), b.total_provenance.sources.clone()].concat()),
            span(bd.hhi_points, |x| format!("{x:.0}")),
            bd.band.label(),
            if bd.hhi_points.is_exact() {
                ""
            } else {
                ", a range because part of the total is not broken down by partner"
            }
        ),
        _ => format!(
            "<b>Balance.</b> {}'s turnover with its {} named partners is <b>{}</b> in {year}{}; with no world total for the year, partner shares are unknown.",
            esc(&name(focal)),
            b.partners.iter().filter(|p| !p.residual).count(),
            usd(b.total),
            notes.cite(&b.total_provenance.sources)
        ),
    });
    summary.push(match bounds(&b) {
        Some(bd) => format!(
            "{} {year}: total turnover {}{}, largest partner {} at {}; HHI {} points ({}); named partners cover {}",
            name(focal),
            usd(b.total),
            if b.total_provenance.estimate { " (estimate)" } else { "" },
            top.map(|t| name(&t.id)).unwrap_or_default(),
            top.map(|t| pct(t.share)).unwrap_or_default(),
            span(bd.hhi_points, |x| format!("{x:.0}")),
            bd.band.label(),
            b.coverage.known().map(pct).unwrap_or_default()
        ),
        None => format!(
            "{} {year}: no world turnover total, so partner shares and concentration are unknown (named partners' turnover {}; years with a total: {})",
            name(focal),
            usd(b.total),
            years_list(&b.years_with_total)
        ),
    });

    h.push_str(&map_section(s, &b));
    h.push_str(&shares_section(s, &b, notes));
    if bounds(&b).is_some() {
        h.push_str(&blocs_section(s, &b, notes));
    }
    h.push_str(&trend_section(s, notes));
    h.push_str(&dependence_section(s, year, notes));
    h.push_str(&shock_section(s, &b, notes, summary));
    h.push_str(&crate::products::section(s, notes, summary, lead));
    h.push_str(&fdi_section(s, notes));
    if let Some(a) = &align {
        h.push_str(&alignment_section(s, a, notes));
        summary.extend(alignment_summary(s, a));
    } else {
        h.push_str(&crate::gaps::sub_notice(s, "alignment"));
    }
    h.push_str(&memberships_or_notice(s, notes));
    h.push_str("</section>");
    Ok(h)
}

/// Whether any trade row of the scenario is in the focal country's own statistics.
fn reports_own_trade(s: &Scenario) -> bool {
    s.flows.iter().any(|f| {
        f.reporter == s.focal
            && matches!(
                f.flow,
                FlowKind::Exports | FlowKind::Imports | FlowKind::Turnover
            )
    })
}

/// The balance section of a scenario that holds none of the country's own trade statistics:
/// why no share or concentration can be given, what would fill the gap, the partners' own
/// (mirror) figures for bilateral trade, then voting alignment and memberships.
fn no_own_trade(
    s: &Scenario,
    year: i32,
    notes: &mut Notes<'_>,
    summary: &mut Vec<String>,
    lead: &mut Vec<String>,
) -> String {
    let focal = esc(&s.display_name(&s.focal));
    let gap = if s.brief.trade_gap.is_empty() {
        "The scenario holds no trade figures from the country's own statistics: add its trade by partner country with a published world total to flows.csv.".to_string()
    } else {
        s.brief.trade_gap.clone()
    };
    let mut h = format!(
        r#"<section id="balance"><h2>Multi-vector balance: who {focal} trades with</h2>
<div class="caveat"><b>Not sourced: {focal}'s own trade by partner.</b> Partner shares, concentration (HHI, UNCTAD index, effective partners), bloc roll-ups, the trend and the shock example need {focal}'s trade with every partner against its published world total; the scenario has none of these figures, so those parts are left out rather than estimated. {}</div>"#,
        esc(&gap)
    );
    // Partners' own statistics on their trade with the focal country, year by year.
    let mut rows = String::new();
    let mut found = Vec::new();
    for y in years(s) {
        let mut q = Query::new(&s.focal, y, FlowKind::Turnover);
        q.side = Side::Mirror;
        let Ok(b) = bal::analyze(s, &q) else {
            continue;
        };
        for p in b.partners.iter().filter(|p| !p.residual) {
            found.push((y, p.id, p.value, p.sources.clone()));
            let _ = write!(
                rows,
                r#"<tr><td>{y}</td><td>{}</td><td class="n">{}{}{}</td><td class="small">{}</td></tr>"#,
                esc(&s.display_name(&p.id)),
                usd(p.value),
                notes.cite(&p.sources),
                est(p.estimate),
                p.missing_side
                    .map(|m| format!("{m} unknown: a lower bound"))
                    .unwrap_or_else(|| format!("{}'s statistics", s.display_name(&p.id)))
            );
        }
    }
    if found.is_empty() {
        h.push_str(&format!(
            "<p>No partner reports its trade with {focal} in the scenario either.</p>"
        ));
        lead.push(format!(
            "<b>Balance.</b> Not sourced: the scenario holds no trade figures for {focal}, so its partner shares and concentration are unknown."
        ));
        summary.push(format!(
            "{}: no trade figures in the scenario; partner shares and concentration not sourced",
            s.display_name(&s.focal)
        ));
    } else {
        h.push_str(&format!(
            r#"<h3>Bilateral turnover as the partners report it (mirror statistics)</h3>
<p>These are the partners' figures for their trade with {focal}, kept as published: they are not {focal}'s statistics, and without {focal}'s world total they are no share of its trade.</p>
<table><tr><th>Year</th><th>Partner (reporting)</th><th class="n">Turnover</th><th>Statistics</th></tr>{rows}</table>"#
        ));
        let latest = found.iter().map(|f| f.0).max().unwrap_or(year);
        let last: Vec<_> = found.iter().filter(|f| f.0 == latest).collect();
        let cite = notes.cite(&last.iter().flat_map(|f| f.3.clone()).collect::<Vec<_>>());
        let named: Vec<String> = last
            .iter()
            // "with X at $6.0bn": a bilateral figure, not X's own total nor a share.
            .map(|f| format!("with {} at {}", s.display_name(&f.1), usd(f.2)))
            .collect();
        lead.push(format!(
            "<b>Balance.</b> {focal}'s own trade by partner is not sourced in the scenario, so its partner shares and concentration are unknown; the partners' own (mirror) statistics put its {latest} turnover {}{cite}, {}.",
            esc(&named.join(", ")),
            if named.len() == 1 {
                "a bilateral figure rather than a share"
            } else {
                "bilateral figures rather than shares"
            }
        ));
        summary.push(format!(
            "{}: own trade statistics by partner not sourced (no shares, no concentration); {latest} turnover as the partners report it (mirror): {}",
            s.display_name(&s.focal),
            named.join(", ")
        ));
    }
    h.push_str(&crate::products::section(s, notes, summary, lead));
    if let Some(a) = alignment(s) {
        h.push_str(&alignment_section(s, &a, notes));
        summary.extend(alignment_summary(s, &a));
    }
    h.push_str(&memberships_section(s, notes));
    h.push_str("</section>");
    h
}

/// The terminal summary's line on UN voting: the partners voted with most and least often.
pub(crate) fn alignment_summary(s: &Scenario, a: &bal::Alignment) -> Option<String> {
    let (first, last) = (a.ranking.first()?, a.ranking.last()?);
    Some(format!(
        "UN General Assembly {}–{}: votes most often with {} ({} identical), least with {} ({})",
        a.from,
        a.to,
        s.display_name(first),
        opt_pct(a.partners[first].overall.identical_share),
        s.display_name(last),
        opt_pct(a.partners[last].overall.identical_share)
    ))
}

fn opt_pct(v: Option<f64>) -> String {
    v.map_or_else(|| "no data".to_string(), pct)
}

fn years_list(years: &[i32]) -> String {
    if years.is_empty() {
        return "none".to_string();
    }
    years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn caveats(b: &Balance) -> String {
    if b.notes.is_empty() {
        return String::new();
    }
    let items: Vec<String> = b
        .notes
        .iter()
        .map(|n| format!("<li>{}</li>", esc(n)))
        .collect();
    format!(
        r#"<div class="caveat"><b>Read with care.</b><ul>{}</ul></div>"#,
        items.join("")
    )
}

pub(crate) fn map_section(s: &Scenario, b: &Balance) -> String {
    let shares: HashMap<&str, (f64, f64)> = b
        .partners
        .iter()
        .filter(|p| !p.residual)
        .map(|p| (p.id.as_str(), (p.share, p.value)))
        .collect();
    let max = shares.values().map(|v| v.0).fold(0.0, f64::max).max(1e-9);
    // Without a total a share of the named partners is no share of the country's trade:
    // say the value instead.
    let of_total = bounds(b).is_some();
    let amount = |(sh, v): (f64, f64)| if of_total { pct(sh) } else { usd(v) };
    let focal = s.focal.clone();
    let style = |iso3: &str| -> Option<MapStyle> {
        if iso3 == focal {
            return Some(MapStyle {
                fill: "#00a3c4".into(),
                title: s.display_name(iso3),
                label: Some(s.display_name(iso3)),
            });
        }
        let (sh, v) = *shares.get(iso3)?;
        // Lightness from 82% (small) to 30% (largest partner).
        let l = 82.0 - 52.0 * (sh / max).sqrt();
        Some(MapStyle {
            fill: format!("hsl(210,45%,{l:.0}%)"),
            title: if of_total {
                format!("{}: {} of turnover", s.display_name(iso3), pct(sh))
            } else {
                format!(
                    "{}: {} turnover (share of the total unknown)",
                    s.display_name(iso3),
                    usd(v)
                )
            },
            label: (sh >= 0.02).then(|| format!("{} {}", short(iso3), amount((sh, v)))),
        })
    };
    let window = (-12.0, 145.0, 18.0, 72.0);
    let map = svg::map(
        crate::geo::shapes(),
        window,
        868.0,
        &style,
        "Map of trade partners",
    );
    let off_map: Vec<String> = b
        .partners
        .iter()
        .filter(|p| !p.residual)
        .filter(|p| {
            crate::geo::shapes()
                .iter()
                .find(|sh| sh.iso3 == p.id)
                .is_none_or(|sh| {
                    !sh.rings.iter().flatten().any(|(x, y)| {
                        *x > window.0 && *x < window.1 && *y > window.2 && *y < window.3
                    })
                })
        })
        .map(|p| format!("{} {}", s.display_name(&p.id), amount((p.share, p.value))))
        .collect();
    format!(
        r#"<h3>Partners on the map, {} turnover {}</h3>
<div class="legendbar"><span><i style="background:#00a3c4"></i>{}</span><span><i style="background:hsl(210,45%,30%)"></i>largest partner</span><span><i style="background:hsl(210,45%,78%)"></i>smaller partner</span><span><i style="background:#e9e6df"></i>no figure in the scenario</span>{}</div>
{map}"#,
        esc(&s.display_name(&s.focal)),
        b.year,
        esc(&s.display_name(&s.focal)),
        if off_map.is_empty() {
            String::new()
        } else {
            format!("<span>off the map: {}</span>", esc(&off_map.join(", ")))
        }
    )
}

fn short(iso3: &str) -> String {
    match iso3 {
        "RUS" => "Russia".into(),
        "CHN" => "China".into(),
        "KOR" => "Korea".into(),
        "USA" => "USA".into(),
        _ => iso::country(iso3).map_or(iso3.to_string(), |c| c.short_name().to_string()),
    }
}

pub(crate) fn shares_section(s: &Scenario, b: &Balance, notes: &mut Notes<'_>) -> String {
    let Some(bd) = bounds(b) else {
        return named_only_section(s, b, notes);
    };
    let bars: Vec<Bar> = b
        .partners
        .iter()
        .map(|p| Bar {
            label: if p.residual {
                "Rest of world (not broken down)".to_string()
            } else {
                s.display_name(&p.id)
            },
            value: p.share,
            text: format!("{} · {}", pct(p.share), usd(p.value)),
            class: if p.residual {
                "bar rest"
            } else if p.estimate {
                "bar est"
            } else {
                "bar"
            },
        })
        .collect();
    let chart = svg::hbar(&bars, 868.0, "Partner shares of trade turnover");
    let rows = partner_rows(s, b, notes, true);
    let m = &b.measures;
    let bounded = !m.is_exact();
    let f4 = |x: f64| format!("{x:.4}");
    let f3 = |x: f64| format!("{x:.3}");
    let f1 = |x: f64| format!("{x:.1}");
    let norm = |r: Option<bal::Range>| {
        r.map_or_else(
            || m.normalized_not_defined.clone().unwrap_or_default(),
            |r| span(r, f3),
        )
    };
    format!(
        r#"<h3>Partner shares of trade turnover, {year}</h3>
<p>Shares of {focal}'s own statistics, against the total{tc}.{bound}</p>
{chart}
{cav}
<table><tr><th>Measure</th><th class="n">{vh}</th><th>Meaning</th></tr>
<tr><td>HHI (Σ share²)</td><td class="n">{hhi} · {pts} pts</td><td>{band} (DOJ/FTC 2010 bands)</td></tr>
<tr><td>Normalised HHI, (HHI−1/N)/(1−1/N)</td><td class="n">{hn}</td><td>N = {n} {nb}</td></tr>
<tr><td>UNCTAD index (√HHI−√(1/n))/(1−√(1/n))</td><td class="n">{un}</td><td>n = {n} {nb}</td></tr>
<tr><td>Effective partners 1/HHI · exp(entropy)</td><td class="n">{ep} · {ee}</td><td>entropy {en} (natural log)</td></tr>
<tr><td>CR3 · CR5</td><td class="n">{cr3} · {cr5}</td><td>share of the three and five largest partners{crn}</td></tr>
</table>
<details><summary class="small">Partner table with sources</summary><table><tr><th>Partner</th><th class="n">Turnover</th><th class="n">Share</th></tr>{rows}</table></details>"#,
        year = b.year,
        focal = esc(&s.display_name(&b.reporter)),
        tc = notes.cite(&b.total_provenance.sources),
        bound = if bounded {
            format!(
                " Named partners cover {}; the rest is not broken down by partner in the published sources, so every concentration figure below is a <b>range</b>: from the rest spread evenly over the other {} economies to the rest as a single partner.",
                b.coverage.known().map(pct).unwrap_or_default(),
                m.n.saturating_sub(b.partners.iter().filter(|p| !p.residual).count())
            )
        } else {
            String::new()
        },
        cav = caveats(b),
        vh = if bounded { "Range" } else { "Value" },
        hhi = span(bd.hhi, f4),
        pts = span(bd.hhi_points, |x| format!("{x:.0}")),
        band = bd.band.label(),
        hn = norm(bd.hhi_normalized),
        un = norm(bd.unctad),
        n = m.n,
        nb = m.n_basis.label(),
        ep = span(bd.effective_partners, f1),
        ee = span(bd.effective_partners_entropy, f1),
        en = span(bd.entropy, f3),
        cr3 = span(bd.cr3, pct),
        cr5 = span(bd.cr5, pct),
        crn = if bounded {
            "; the upper end counts the unallocated rest as one partner"
        } else {
            ""
        },
    )
}

fn partner_rows(s: &Scenario, b: &Balance, notes: &mut Notes<'_>, shares: bool) -> String {
    let mut rows = String::new();
    for p in &b.partners {
        let _ = write!(
            rows,
            r#"<tr><td>{}{}{}{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            if p.residual {
                "Rest of world (total minus named partners)".to_string()
            } else {
                esc(&s.display_name(&p.id))
            },
            notes.cite(&p.sources),
            est(p.estimate),
            p.missing_side
                .map(|m| format!(" ({m} unknown: a lower bound)"))
                .unwrap_or_default(),
            usd(p.value),
            if shares {
                pct(p.share)
            } else {
                "—".to_string()
            }
        );
    }
    rows
}

/// A year without a world total: the named partners' values, no shares of the country's
/// trade and no concentration figures.
fn named_only_section(s: &Scenario, b: &Balance, notes: &mut Notes<'_>) -> String {
    let max = b.partners.iter().map(|p| p.value).fold(0.0, f64::max);
    let bars: Vec<Bar> = b
        .partners
        .iter()
        .map(|p| Bar {
            label: s.display_name(&p.id),
            value: if max > 0.0 { p.value / max } else { 0.0 },
            text: usd(p.value),
            class: if p.estimate { "bar est" } else { "bar" },
        })
        .collect();
    let chart = svg::hbar(&bars, 868.0, "Turnover with the named partners");
    let rows = partner_rows(s, b, notes, false);
    format!(
        r#"<h3>Named partners' turnover, {year} (no world total)</h3>
<p>No world turnover total for {focal} in {year} is in the scenario, so these values are not shares of {focal}'s trade and no concentration figure can be given for the year. Years with a total: {years}.</p>
{chart}
{cav}
<details><summary class="small">Partner table with sources</summary><table><tr><th>Partner</th><th class="n">Turnover</th><th class="n">Share</th></tr>{rows}</table></details>"#,
        year = b.year,
        focal = esc(&s.display_name(&b.reporter)),
        years = years_list(&b.years_with_total),
        cav = caveats(b),
    )
}

pub(crate) fn blocs_section(s: &Scenario, b: &Balance, notes: &mut Notes<'_>) -> String {
    let mut rows = String::new();
    for p in b.blocs.partners.iter().filter(|p| !p.residual) {
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td>{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            esc(&s.display_name(&p.id)),
            esc(&Code::join(&p.members, ", ")),
            usd(p.value),
            pct(p.share)
        );
    }
    let mut totals = String::new();
    for t in &b.bloc_totals {
        if t.members_value == 0.0 && t.published.is_none() {
            continue;
        }
        let published = match (&t.published, t.published_share) {
            (Some(p), Some(sh)) => {
                format!("{} ({}){}", usd(p.value), pct(sh), notes.cite(&p.sources))
            }
            _ => "—".to_string(),
        };
        let cite = s
            .bloc(&t.id)
            .map(|bl| notes.cite(&[bl.source.as_str()]))
            .unwrap_or_default();
        let _ = write!(
            totals,
            r#"<tr><td>{}{cite}</td><td class="n">≥ {}</td><td>{}</td><td class="n">{published}</td></tr>"#,
            esc(&s.display_name(&t.id)),
            pct(t.members_share),
            esc(&Code::join(&t.members_with_data, ", ")),
        );
    }
    format!(
        r#"<h3>Bloc roll-up</h3>
<p>Partners merged into {order} (a partner goes to the first bloc listed that contains it). Merging can only raise concentration: HHI {a} → {b}.</p>
<table><tr><th>Bloc or partner</th><th>Members with data</th><th class="n">Turnover</th><th class="n">Share</th></tr>{rows}</table>
<p class="small">Each bloc's share on its own (blocs overlap; a share counts only members with a figure, so it is a lower bound):</p>
<table><tr><th>Bloc (overlapping)</th><th class="n">Share, members with data</th><th>Members</th><th class="n">Published bloc figure</th></tr>{totals}</table>"#,
        order = esc(&s.rollup.join(", ")),
        a = b
            .measures
            .bounds
            .as_ref()
            .map(|r| span(r.hhi, |x| format!("{x:.4}")))
            .unwrap_or_default(),
        b = b
            .blocs
            .measures
            .bounds
            .as_ref()
            .map(|r| span(r.hhi, |x| format!("{x:.4}")))
            .unwrap_or_default(),
    )
}

pub(crate) fn trend_section(s: &Scenario, notes: &mut Notes<'_>) -> String {
    let watch = s.vectors.clone();
    let points: Vec<_> = bal::trend(s, &s.focal, FlowKind::Turnover, Side::Reporter, &watch)
        .into_iter()
        .filter(|p| p.has_total)
        .collect();
    if points.is_empty() {
        return String::new();
    }
    let hhi_lo = Series {
        name: "HHI, lower bound".into(),
        color: "#1f4e79",
        dashed: false,
        points: points.iter().map(|p| (f64::from(p.year), p.hhi)).collect(),
    };
    let hhi_hi = Series {
        name: "HHI, upper bound".into(),
        color: "#1f4e79",
        dashed: true,
        points: points
            .iter()
            .map(|p| (f64::from(p.year), p.hhi_upper))
            .collect(),
    };
    let cr3 = Series {
        name: "CR3, lower bound".into(),
        color: "#e0a800",
        dashed: false,
        points: points.iter().map(|p| (f64::from(p.year), p.cr3)).collect(),
    };
    let band = svg::Band {
        color: "#1f4e79",
        points: points
            .iter()
            .map(|p| (f64::from(p.year), p.hhi, p.hhi_upper))
            .collect(),
    };
    let chart = svg::lines_axes(
        &[hhi_lo, hhi_hi, cr3],
        &[band],
        (868.0, 230.0),
        (0.0, 0.6),
        &svg::num,
        "Concentration by year",
        ("year", "index (0–1)"),
    );
    let mut rows = String::new();
    for p in &points {
        let b = bal::analyze(s, &Query::new(&s.focal, p.year, FlowKind::Turnover)).ok();
        let cite = b
            .map(|b| notes.cite(&b.total_provenance.sources))
            .unwrap_or_default();
        let shares: String = p
            .shares
            .iter()
            .map(|(_, v)| format!(r#"<td class="n">{}</td>"#, v.map_or("—".to_string(), pct)))
            .collect();
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td class="n">{}{cite}{}</td><td class="n">{}</td><td class="n">{:.4}–{:.4}</td>{shares}</tr>"#,
            p.year,
            usd(p.total),
            est(p.total_estimate),
            p.coverage
                .known()
                .map_or_else(|| "unknown".to_string(), pct),
            p.hhi,
            p.hhi_upper
        );
    }
    let heads: String = watch
        .iter()
        .map(|w| format!(r#"<th class="n">{}</th>"#, esc(&s.display_name(w))))
        .collect();
    // Bilateral turnover by series: own statistics against the partner's (mirror).
    let mut series = Vec::new();
    let mut mirror_sources: Vec<String> = Vec::new();
    let colors = ["#c0392b", "#1f4e79", "#2e8b57", "#7d3c98"];
    for (i, p) in watch.iter().filter(|p| iso::is_alpha3(p)).enumerate() {
        let color = colors[i % colors.len()];
        let own: Vec<(f64, f64)> = years(s)
            .into_iter()
            .filter_map(|y| {
                bal::analyze(s, &Query::new(&s.focal, y, FlowKind::Turnover))
                    .ok()
                    .and_then(|b| {
                        b.partners.iter().find(|x| &x.id == p).map(|x| {
                            mirror_sources.extend(x.sources.iter().cloned());
                            (f64::from(y), x.value / 1e9)
                        })
                    })
            })
            .collect();
        let mirror: Vec<(f64, f64)> = years(s)
            .into_iter()
            .filter_map(|y| {
                let mut q = Query::new(&s.focal, y, FlowKind::Turnover);
                q.side = Side::Mirror;
                bal::analyze(s, &q).ok().and_then(|b| {
                    b.partners.iter().find(|x| &x.id == p).map(|x| {
                        mirror_sources.extend(x.sources.iter().cloned());
                        (f64::from(y), x.value / 1e9)
                    })
                })
            })
            .collect();
        if !own.is_empty() {
            series.push(Series {
                name: format!("{}, {} data", short(p), s.focal),
                color,
                dashed: false,
                points: own,
            });
        }
        if !mirror.is_empty() {
            series.push(Series {
                name: format!("{}, own data", short(p)),
                color,
                dashed: true,
                points: mirror,
            });
        }
    }
    let max = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let mirror_chart = if series.is_empty() {
        String::new()
    } else {
        svg::lines(
            &series,
            &[],
            868.0,
            230.0,
            (0.0, (max / 20.0).ceil() * 20.0),
            &|y| format!("${y:.0}bn"),
            "Bilateral turnover by statistics",
        )
    };
    format!(
        r#"<h3>Trend of concentration</h3>
<p>Every full year for which the scenario has a world total (published or estimated); years with partner figures but no total are left out, since their shares would overstate every partner. The shaded band runs from the lower bound (unallocated trade spread evenly over the other economies) to the upper bound (unallocated trade as one partner).</p>
{chart}
<table><tr><th>Year</th><th class="n">Total turnover</th><th class="n">Coverage</th><th class="n">HHI range</th>{heads}</tr>{rows}</table>
<h3>Two statistics, two pictures: bilateral turnover as each side reports it</h3>
<p>Solid lines: {focal}'s statistics; dashed: the partner's own (mirror) statistics. They are kept apart, never averaged{mcite}.</p>
{mirror_chart}"#,
        focal = esc(&s.display_name(&s.focal)),
        mcite = notes.cite(&mirror_sources),
    )
}

fn years(s: &Scenario) -> Vec<i32> {
    let mut y: Vec<i32> = s.flows.iter().map(|f| f.year).collect();
    y.sort_unstable();
    y.dedup();
    y
}

pub(crate) fn dependence_section(s: &Scenario, year: i32, notes: &mut Notes<'_>) -> String {
    let rows = bal::dependence(s, &s.focal, year, FlowKind::Turnover);
    let mut t = String::new();
    for d in rows.iter().filter(|d| d.partner_dependence.is_some()) {
        // Cite a share only when it exists, with the sources of numerator and total.
        let mut cite = |v: &Option<bal::Sourced>, t: &Option<bal::Sourced>| match (v, t) {
            (Some(v), Some(t)) => notes.cite(&[v.sources.clone(), t.sources.clone()].concat()),
            _ => String::new(),
        };
        let c1 = cite(&d.reporter_value, &d.reporter_total);
        let c3 = cite(&d.partner_value, &d.partner_total);
        let opt = |v: Option<f64>| v.map_or("—".to_string(), pct);
        let _ = write!(
            t,
            r#"<tr><td>{}</td><td class="n">{}{c1}</td><td class="n">{}{c3}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            esc(&s.display_name(&d.partner)),
            opt(d.reporter_dependence),
            opt(d.partner_dependence),
            d.asymmetry
                .map_or("—".to_string(), |a| format!("{:+.1} pp", a * 100.0)),
            d.mirror_gap
                .map_or("—".to_string(), |g| format!("{:+.0}%", g * 100.0)),
        );
    }
    if t.is_empty() {
        return String::new();
    }
    let focal = esc(&s.display_name(&s.focal));
    format!(
        r#"<h3>Asymmetric dependence, {year}</h3>
<p>My share of your trade against your share of mine (Keohane and Nye's sensitivity, on trade). Each side's share uses that side's own statistics for both numerator and total, so the two columns come from different statistical systems.</p>
<table><tr><th>Partner</th><th class="n">Partner's share of {focal}'s trade</th><th class="n">{focal}'s share of partner's trade</th><th class="n">Asymmetry</th><th class="n">Mirror gap</th></tr>{t}</table>
<p class="small">Mirror gap: the partner's reported bilateral turnover relative to {focal}'s figure for the same year.</p>"#
    )
}

fn shock_section(
    s: &Scenario,
    b: &Balance,
    notes: &mut Notes<'_>,
    summary: &mut Vec<String>,
) -> String {
    // Without a total there is no share of the country's trade to cut.
    if bounds(b).is_none() {
        return String::new();
    }
    let Some(target) = s
        .vectors
        .iter()
        .find(|v| b.partners.iter().any(|p| &p.id == *v && !p.residual))
        .map(|v| v.to_string())
    else {
        return String::new();
    };
    let second = b
        .partners
        .iter()
        .filter(|p| !p.residual && p.id != target)
        .find(|p| s.vectors.iter().any(|v| *v == p.id))
        .map(|p| p.id);
    let mut changes = vec![(target.clone(), -0.5)];
    if let Some(sec) = &second {
        changes.push((sec.to_string(), -1.0));
    }
    let Ok(r) = bal::shock(s, b, &changes) else {
        return String::new();
    };
    let chart = shock_chart(s, &r);
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
    let (Some(before), Some(after)) = (r.before.bounds.as_ref(), r.after.bounds.as_ref()) else {
        return String::new();
    };
    let f4 = |x: f64| format!("{x:.4}");
    let f1 = |x: f64| format!("{x:.1}");
    let hhi = format!("{} → {}", span(before.hhi, f4), span(after.hhi, f4));
    summary.push(format!(
        "Shock example ({}): total falls {} → {} ({}); HHI {hhi}{}",
        what.join("; "),
        usd(r.total_before),
        usd(r.total_after),
        pct(r.lost_share),
        if before.hhi.is_exact() {
            ""
        } else {
            " (ranges: from the unallocated rest spread evenly over the other economies to it held by one partner)"
        }
    ));
    let cite = notes.cite(
        &r.shocked
            .iter()
            .filter_map(|x| b.partners.iter().find(|p| p.id == x.id))
            .flat_map(|p| p.sources.clone())
            .collect::<Vec<_>>(),
    );
    format!(
        r#"<h3>Shock example: {what}</h3>
<p>Illustrative, not a forecast: trade with the named partners is cut as stated and nothing is diverted elsewhere{cite}. Total turnover falls from {tb} to {ta} ({ls}). Concentration{rng}: HHI {hhi}, CR3 {cb} → {ca}, effective partners {eb} → {ea}. Run your own: <code>astana balance --shock {spec}</code>.</p>
{chart}"#,
        what = esc(&what.join("; ")),
        tb = usd(r.total_before),
        ta = usd(r.total_after),
        ls = pct(r.lost_share),
        rng = if before.hhi.is_exact() {
            ""
        } else {
            " (each a range: the unallocated rest, unchanged by the shock, spread evenly over the other economies or held by one partner)"
        },
        cb = span(before.cr3, pct),
        ca = span(after.cr3, pct),
        eb = span(before.effective_partners, f1),
        ea = span(after.effective_partners, f1),
        spec = esc(&changes
            .iter()
            .map(|(c, x)| format!("{c}={x}"))
            .collect::<Vec<_>>()
            .join(",")),
    )
}

/// Partner shares after a shock, the shocked partners in red.
pub(crate) fn shock_chart(s: &Scenario, r: &bal::ShockResult) -> String {
    let bars: Vec<Bar> = r
        .partners_after
        .iter()
        .filter(|p| !p.residual)
        .map(|p| {
            let shocked = r.shocked.iter().any(|x| x.id == p.id);
            Bar {
                label: s.display_name(&p.id),
                value: p.share,
                text: format!("{} · {}", pct(p.share), usd(p.value)),
                class: if shocked { "bar cut" } else { "bar" },
            }
        })
        .collect();
    svg::hbar(&bars, 868.0, "Shares after the shock")
}

fn fdi_section(s: &Scenario, notes: &mut Notes<'_>) -> String {
    let best = years(s).into_iter().rev().find_map(|y| {
        bal::analyze(s, &Query::new(&s.focal, y, FlowKind::FdiInflow))
            .ok()
            .filter(|b| b.total_provenance.basis != "sum_of_partners")
            .filter(|b| b.partners.iter().filter(|p| !p.residual).count() >= 3)
    });
    let Some(b) = best else {
        return String::new();
    };
    let bars: Vec<Bar> = b
        .partners
        .iter()
        .map(|p| Bar {
            label: if p.residual {
                "Other sources (not broken down)".into()
            } else {
                s.display_name(&p.id)
            },
            value: p.share,
            text: format!("{} · {}", pct(p.share), usd(p.value)),
            class: if p.residual { "bar rest" } else { "bar" },
        })
        .collect();
    let cite = notes.cite(
        &b.partners
            .iter()
            .flat_map(|p| p.sources.clone())
            .collect::<Vec<_>>(),
    );
    let chart = svg::hbar(&bars, 868.0, "Gross FDI inflow by source");
    let eu = b
        .bloc_totals
        .iter()
        .find(|t| t.id == "EU27")
        .and_then(|t| t.published_share.zip(t.published.as_ref()))
        .map(|(sh, p)| {
            format!(
                " The EU as a whole accounted for {} ({}){}.",
                usd(p.value),
                pct(sh),
                notes.cite(&p.sources)
            )
        })
        .unwrap_or_default();
    format!(
        r#"<h3>Investment: gross FDI inflow by source, {year}</h3>
<p>Gross inflows as reported by {reporter}, total {total}{cite}. Gross and net FDI are different concepts and are never mixed here. Source countries are immediate investors: conduit jurisdictions such as the Netherlands stand for owners elsewhere.{eu}</p>
{chart}"#,
        year = b.year,
        total = usd(b.total),
        reporter = esc(if s.brief.fdi_reporter.is_empty() {
            "the scenario's sources"
        } else {
            &s.brief.fdi_reporter
        }),
    )
}

pub(crate) fn alignment(s: &Scenario) -> Option<bal::Alignment> {
    let mut partners: Vec<String> = s
        .alignment
        .iter()
        .filter(|r| r.country == s.focal)
        .map(|r| r.partner.clone())
        .collect();
    partners.sort();
    partners.dedup();
    if partners.is_empty() {
        return None;
    }
    let from = s.alignment.iter().map(|r| r.year).min()?;
    let to = s.alignment.iter().map(|r| r.year).max()?;
    Some(bal::alignment_from_rows(
        &s.alignment,
        &bal::AlignmentQuery {
            country: s.focal.clone(),
            partners,
            from,
            to,
        },
    ))
}

/// Yearly points with a break (a NaN) after each missing year, so the chart draws no line
/// over a year without votes (1964, when the General Assembly held no recorded vote).
fn with_breaks(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (x, y) in points {
        if out.last().is_some_and(|&(px, _)| x - px > 1.0) {
            out.push((x - 1.0, f64::NAN));
        }
        out.push((x, y));
    }
    out
}

pub(crate) fn alignment_section(s: &Scenario, a: &bal::Alignment, notes: &mut Notes<'_>) -> String {
    let colors = [
        "#c0392b", "#1f4e79", "#2e8b57", "#7d3c98", "#e0a800", "#555",
    ];
    let series: Vec<Series> = a
        .ranking
        .iter()
        .enumerate()
        .map(|(i, p)| Series {
            name: s.display_name(p),
            color: colors[i % colors.len()],
            dashed: false,
            points: with_breaks(
                a.partners[p]
                    .by_year
                    .iter()
                    .filter_map(|(y, g)| g.identical_share.map(|v| (f64::from(*y), v))),
            ),
        })
        .collect();
    let chart = svg::lines(
        &series,
        &[],
        868.0,
        250.0,
        (0.0, 1.0),
        &|y| format!("{:.0}%", y * 100.0),
        "Share of identical UN votes by year",
    );
    let mut rows = String::new();
    for p in &a.ranking {
        let g = &a.partners[p].overall;
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            esc(&s.display_name(p)),
            g.roll_calls,
            opt_pct(g.identical_share),
            g.agreement_index
                .map_or_else(|| "no data".to_string(), |x| format!("{x:.3}"))
        );
    }
    format!(
        r#"<h3>Voting with the vectors: UN General Assembly, {from}–{to}</h3>
<p>Share of roll calls on which {focal} cast the same vote as each partner{cite}.{finding}</p>
{chart}
<table><tr><th>Partner</th><th class="n">Roll calls</th><th class="n">Identical votes</th><th class="n">Agreement index</th></tr>{rows}</table>
<p class="small">Agreement index (Lijphart 1963): identical votes count 1, an abstention against a yes or no counts ½, over roll calls on which both voted.{ussr}</p>"#,
        // The roll-call data code the USSR as RU: a "Russia" line before 1992 is the USSR's.
        ussr = if a
            .partners
            .get("RUS")
            .is_some_and(|r| r.by_year.keys().any(|y| *y < 1992))
        {
            " Russia before 1992: the Soviet Union's votes (the roll-call data code both as one country)."
        } else {
            ""
        },
        from = a.from,
        to = a.to,
        focal = esc(&s.display_name(&s.focal)),
        cite = notes.cite(&["unvotes-voeten"]),
        // A published finding the counts let a reader check, when the scenario names one.
        finding = if s.brief.alignment_note.is_empty() {
            String::new()
        } else {
            format!(" {}", esc(&s.brief.alignment_note))
        },
    )
}

/// The memberships table, or the notice that the scenario lists none for the focal country.
pub(crate) fn memberships_or_notice(s: &Scenario, notes: &mut Notes<'_>) -> String {
    let h = memberships_section(s, notes);
    if h.is_empty() {
        crate::gaps::sub_notice(s, "memberships")
    } else {
        h
    }
}

fn memberships_section(s: &Scenario, notes: &mut Notes<'_>) -> String {
    let mine: Vec<_> = s.memberships.iter().filter(|m| m.iso3 == s.focal).collect();
    if mine.is_empty() {
        return String::new();
    }
    let mut rows = String::new();
    for m in mine {
        let count = s
            .memberships
            .iter()
            .filter(|x| x.organization == m.organization && x.status.ends_with("member"))
            .count();
        let since = match (m.since.as_str(), m.until.as_str()) {
            ("", _) => "—".to_string(),
            (a, "") => a.to_string(),
            (a, b) => format!("{a} to {b}"),
        };
        let _ = write!(
            rows,
            r#"<tr><td>{}{}</td><td>{}</td><td>{}</td><td class="n">{}</td></tr>"#,
            esc(&m.organization),
            notes.cite(&[m.source.as_str()]),
            esc(&m.status.replace('_', " ")),
            esc(&since),
            count
        );
    }
    format!(
        r#"<h3>Where {} has a seat</h3>
<table><tr><th>Organisation</th><th>Status</th><th>Since</th><th class="n">Members listed</th></tr>{rows}</table>"#,
        esc(&s.display_name(&s.focal))
    )
}
