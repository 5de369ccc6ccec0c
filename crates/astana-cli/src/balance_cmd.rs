//! `astana balance` and `astana balance alignment`.

use crate::args::{AlignmentArgs, BalanceArgs, BalanceBy, BalanceCommand};
use crate::fmt::{pct, print_json, usd};
use crate::{Failure, Outcome};
use astana_model::{Code, Scenario};
use astana_partner_balance as bal;
use astana_query::balance as query;
use bal::{Balance, Concentration, Range, Side};
use clap::ValueEnum;
use std::path::{Path, PathBuf};

pub(crate) fn run(scenario_dir: Option<&Path>, a: &BalanceArgs) -> Outcome {
    if let Some(BalanceCommand::Alignment(al)) = &a.command {
        return alignment(scenario_dir, al);
    }
    if let Some(addr) = &a.cluster {
        crate::cluster_cmd::check_address(addr)?;
    }
    if a.by == BalanceBy::Product {
        return match &a.flows {
            Some(f) => product_view(f, a),
            None => Err(Failure::input(
                "error: --by product needs --flows with a product column (a table written by `astana trade import`)",
            )),
        };
    }
    let mut pushed = false;
    let mut scenario = match &a.flows {
        Some(f) => {
            let filter = pushdown(a);
            pushed = filter.is_some();
            read_flows(f, filter, a.cluster.as_deref())?
        }
        None => crate::scenario_cmd::load(scenario_dir)?,
    };
    let p = query::Params {
        reporter: a.reporter.clone(),
        year: a.year,
        flow: a
            .flow()
            .to_possible_value()
            .map(|v| v.get_name().to_string()),
        period: Some(a.period.clone()),
        mirror: a.mirror,
        n: a.n,
        shock: a.shock.clone(),
        trend: a.trend,
        all: a.all,
        dependence: a.dependence,
    };
    let mut result = query::run(&scenario, &p);
    if let (Err(_), true, Some(f)) = (&result, pushed, &a.flows) {
        // An error may list what the data holds (e.g. the years with data): say it from
        // the whole table, not from the rows the filter kept.
        scenario = read_flows(f, None, a.cluster.as_deref())?;
        result = query::run(&scenario, &p);
    }
    let outcome = match result {
        Err(e) => Err(e.into()),
        Ok(r) if a.json => print_json(&r),
        Ok(query::Report::View(v)) => {
            print_balance(&scenario, &v.balance);
            if let Some(s) = &v.shock {
                print_shock(&scenario, s);
            }
            if let Some(d) = &v.dependence {
                print_dependence(&scenario, &v.balance.reporter, v.balance.year, d);
            }
            Ok(())
        }
        Ok(query::Report::All(r)) => {
            print_all(&r.results);
            Ok(())
        }
        Ok(query::Report::Trend(t)) => {
            print_trend(&scenario, &t);
            Ok(())
        }
    };
    if a.all {
        // A whole trade matrix is millions of small allocations; the process is about to
        // exit, so let the OS reclaim them instead of freeing each one.
        std::mem::forget(scenario);
    }
    outcome
}

/// The rows a view needs: under `--all`, the rows of its flow; for a single reporter-year,
/// when the flags name both and the view reads no other reporter (mirror, dependence) or
/// year (trend), its rows and the reporter's world totals of every year (for its list of
/// years with a total).
#[cfg(feature = "columnar")]
fn pushdown(a: &BalanceArgs) -> Option<astana_trade::Filter> {
    if a.all && !a.mirror {
        // Every reporter-year reads its own rows of the flow; turnover reads exports and
        // imports too.
        let flow = astana_model::FlowKind::from(a.flow());
        return (flow != astana_model::FlowKind::Turnover).then(|| astana_trade::Filter {
            flow: Some(flow.as_str().to_string()),
            ..astana_trade::Filter::default()
        });
    }
    let (Some(r), Some(y)) = (&a.reporter, a.year) else {
        return None;
    };
    if a.mirror || a.dependence || a.trend || a.all {
        return None;
    }
    Some(astana_trade::Filter {
        reporter: Some(r.to_ascii_uppercase()),
        year: Some(y),
        world_totals_all_years: true,
        ..astana_trade::Filter::default()
    })
}

#[cfg(not(feature = "columnar"))]
fn pushdown(_: &BalanceArgs) -> Option<()> {
    None
}

/// `--flows`: CSV, Parquet or a folder of Parquet files, summed by the columnar engine.
#[cfg(feature = "columnar")]
fn read_flows(
    path: &Path,
    filter: Option<astana_trade::Filter>,
    cluster: Option<&str>,
) -> Result<Scenario, Failure> {
    let src = astana_trade::Source::from_path(path).map_err(Failure::input)?;
    let cells = aggregate(
        cluster,
        &src,
        &filter.unwrap_or_default(),
        astana_trade::By::Partner,
    )?;
    astana_trade::scenario_of_cells(&path.display().to_string(), &cells).map_err(Failure::input)
}

/// The columnar plan, embedded or (`--cluster`) on a Ballista cluster: the same plan either way.
#[cfg(feature = "columnar")]
fn aggregate(
    cluster: Option<&str>,
    src: &astana_trade::Source,
    filter: &astana_trade::Filter,
    by: astana_trade::By,
) -> Result<Vec<astana_trade::Cell>, Failure> {
    match cluster {
        None => astana_trade::aggregate_blocking(src, filter, by).map_err(trade_failure),
        Some(addr) => crate::cluster_cmd::aggregate(addr, src, filter, by),
    }
}

#[cfg(feature = "columnar")]
pub(crate) fn trade_failure(e: astana_trade::TradeError) -> Failure {
    match e {
        astana_trade::TradeError::Input(d) => Failure::input(d),
        e @ astana_trade::TradeError::Compute(_) => Failure::compute(e),
    }
}

/// Without the columnar engine: CSV through the row reader; Parquet is an error.
#[cfg(not(feature = "columnar"))]
fn read_flows(path: &Path, _: Option<()>, _: Option<&str>) -> Result<Scenario, Failure> {
    let csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !csv {
        return Err(Failure::input(format!(
            "error: {}: this astana was built without the `columnar` feature, so --flows reads CSV files only; rebuild with `cargo install --path crates/astana-cli --features columnar` to read Parquet files and folders",
            path.display()
        )));
    }
    astana_scenario::load_flows(path)
        .map(|(s, _)| s)
        .map_err(Failure::input)
}

/// One reporter-year's product diversification (`--by product`).
#[cfg(feature = "columnar")]
#[derive(serde::Serialize)]
struct ProductView {
    reporter: String,
    year: i32,
    flow: String,
    period: String,
    #[serde(flatten)]
    measures: bal::ProductMeasures,
}

/// `--by product`: the columnar engine sums the table per product (over partners; a
/// product's `WLD` row stands for it when there is one), the engine measures each
/// reporter-year (one implementation, as for the Python package).
#[cfg(feature = "columnar")]
fn product_view(path: &Path, a: &BalanceArgs) -> Outcome {
    let flow = a
        .flow()
        .to_possible_value()
        .map(|v| v.get_name().replace('-', "_"))
        .unwrap_or_else(|| "exports".into());
    let src = astana_trade::Source::from_path(path).map_err(Failure::input)?;
    let filter = astana_trade::Filter {
        reporter: if a.all {
            None
        } else {
            a.reporter.as_ref().map(|r| r.to_ascii_uppercase())
        },
        year: if a.all { None } else { a.year },
        flow: Some(flow.clone()),
        period: Some(a.period.clone()),
        ..astana_trade::Filter::default()
    };
    // Embedded, the product groups are read off the sums (no cells: a product view has
    // millions); from a cluster, off its cells.
    let by = astana_trade::By::Product;
    let (summed, cells) = match a.cluster.as_deref() {
        None => (
            Some(
                astana_trade::aggregate_summed_blocking(&src, &filter, by)
                    .map_err(trade_failure)?,
            ),
            Vec::new(),
        ),
        cluster => (None, aggregate(cluster, &src, &filter, by)?),
    };
    let groups = match &summed {
        Some(s) => s.product_groups(),
        None => astana_trade::product_groups(&cells),
    };
    if groups.is_empty() {
        return Err(Failure::compute(format!(
            "error: no product rows for {} ({flow}, {}) in {}: --by product needs a `product` column (e.g. a table written by `astana trade import`)",
            filter.reporter.as_deref().unwrap_or("any reporter"),
            a.period,
            path.display()
        )));
    }
    let measure = |g: &astana_trade::ProductGroup<'_>| -> Result<ProductView, Failure> {
        let measures = bal::product_measures(&g.products, a.n)
            .map_err(|e| Failure::from(query::engine_error(e)))?;
        Ok(ProductView {
            reporter: g.reporter.to_string(),
            year: g.year,
            flow: g.flow.to_string(),
            period: g.period.to_string(),
            measures,
        })
    };
    if a.all {
        let results = groups.iter().map(measure).collect::<Result<Vec<_>, _>>()?;
        if a.json {
            return print_json(&serde_json::json!({
                "by": "product", "flow": flow, "period": a.period, "results": results,
            }));
        }
        out!(
            "{:<8} {:<5} {:>13} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8}",
            "reporter",
            "year",
            "total",
            "lines",
            "universe",
            "HHI",
            "Theil",
            "between",
            "within"
        );
        for r in &results {
            let m = &r.measures;
            out!(
                "{:<8} {:<5} {:>13} {:>7} {:>9} {:>8.4} {:>8.4} {:>8.4} {:>8.4}",
                r.reporter,
                r.year,
                usd(m.total_usd),
                m.products_active,
                m.universe,
                m.hhi,
                m.theil.total,
                m.theil.between,
                m.theil.within
            );
        }
        return Ok(());
    }
    let Some(reporter) = &filter.reporter else {
        return Err(Failure::input(
            "error: --by product needs --reporter (or --all for every reporter and year)",
        ));
    };
    // The latest year of the reporter unless --year names one.
    let Some(group) = groups.iter().rev().find(|g| g.reporter == reporter) else {
        return Err(Failure::compute(format!(
            "error: no product rows for {reporter} ({flow}, {}) in {}",
            a.period,
            path.display()
        )));
    };
    let v = measure(group)?;
    if a.json {
        return print_json(&v);
    }
    let m = &v.measures;
    out!(
        "{} · {} {} · {} · exports by product",
        v.reporter,
        v.year,
        v.period,
        v.flow
    );
    out!(
        "Total {} over {} active lines of a universe of {} ({})",
        usd(m.total_usd),
        m.products_active,
        m.universe,
        m.universe_label
    );
    out!(
        "HHI {:.4} (normalised {:.4}, UNCTAD {:.4}), effective products {:.1}",
        m.hhi,
        m.hhi_normalized.unwrap_or(f64::NAN),
        m.unctad_index.unwrap_or(f64::NAN),
        m.effective_products
    );
    out!(
        "Theil {:.4} = between {:.4} (extensive margin) + within {:.4} (intensive margin)",
        m.theil.total,
        m.theil.between,
        m.theil.within
    );
    for t in &m.top {
        out!(
            "  {:<8} {:>13} {:>7}",
            t.product,
            usd(t.value_usd),
            pct(t.share)
        );
    }
    Ok(())
}

#[cfg(not(feature = "columnar"))]
fn product_view(_path: &Path, _a: &BalanceArgs) -> Outcome {
    Err(Failure::input(
        "error: --by product needs the columnar engine: rebuild with `cargo install --path crates/astana-cli --features columnar`",
    ))
}

fn print_all(results: &[bal::Summary]) {
    out!(
        "{:<8} {:<5} {:>11} {:>9} {:>15} {:>15} {:>15} {:>13} {:>13} {:>9}",
        "reporter",
        "year",
        "total",
        "coverage",
        "HHI",
        "HHI*",
        "UNCTAD",
        "1/HHI",
        "CR3",
        "top"
    );
    for b in results {
        let top = b
            .top
            .map(|(c, s)| format!("{c} {}", pct(s)))
            .unwrap_or_default();
        let m = &b.measures;
        // Ranges where a remainder is not broken down; plain figures (among the named
        // partners, marked †) without a total.
        let (hhi, hn, un, ep, cr3) = match &m.bounds {
            Some(r) => (
                span(r.hhi, f4),
                r.hhi_normalized.map_or("—".into(), |x| span(x, f4)),
                r.unctad.map_or("—".into(), |x| span(x, f4)),
                span(r.effective_partners, f2),
                span(r.cr3, pct),
            ),
            None => (
                f4(m.hhi),
                m.hhi_normalized.map_or("—".into(), f4),
                m.unctad.map_or("—".into(), f4),
                f2(m.effective_partners),
                pct(m.cr3),
            ),
        };
        out!(
            "{:<8} {:<5} {:>11} {:>9} {:>15} {:>15} {:>15} {:>13} {:>13} {:>9}",
            b.reporter,
            b.year,
            format!("{}{}", usd(b.total), if b.has_total { "" } else { "†" }),
            b.coverage.known().map_or("unknown".to_string(), pct),
            hhi,
            hn,
            un,
            ep,
            cr3,
            top
        );
    }
    if results.iter().any(|b| !b.has_total) {
        out!("† no world total: coverage unknown; shares and measures are among the named partners only, not the reporter's");
    }
    if results.iter().any(|b| {
        b.measures
            .bounds
            .as_ref()
            .is_some_and(|r| !r.hhi.is_exact())
    }) {
        out!("Ranges: from the unallocated remainder spread evenly over the other economies to it held by one partner.");
    }
}

/// One figure when exact, "lo–hi" when bounded.
fn span(r: Range, f: impl Fn(f64) -> String) -> String {
    if r.is_exact() {
        f(r.min)
    } else {
        format!("{}–{}", f(r.min), f(r.max))
    }
}

fn f4(x: f64) -> String {
    format!("{x:.4}")
}

fn f2(x: f64) -> String {
    format!("{x:.2}")
}

/// "N = 248 economies in the ISO 3166 list", "N = 200 (--n)".
fn n_label(m: &Concentration) -> String {
    match m.n_basis {
        bal::NBasis::Given => format!("N = {} (--n)", m.n),
        b => format!("N = {}: {}", m.n, b.label()),
    }
}

/// The concentration lines of a result: both ends of every measure when a remainder is
/// not broken down; figures among the named partners only when there is no total.
fn print_measures(m: &Concentration, reporter: &str) {
    let Some(b) = &m.bounds else {
        out!(
            "Among the named partners only (not {reporter}'s concentration, which is unknown without a total):"
        );
        out!(
            "  HHI {:.4} · normalised HHI {} · UNCTAD index {} ({}) · CR3 {} · CR5 {} · 1/HHI {:.2}",
            m.hhi,
            m.hhi_normalized.map_or("not defined".to_string(), f4),
            m.unctad.map_or("not defined".to_string(), f4),
            n_label(m),
            pct(m.cr3),
            pct(m.cr5),
            m.effective_partners
        );
        return;
    };
    out!(
        "HHI {} = {} points, {}",
        span(b.hhi, f4),
        span(b.hhi_points, |x| format!("{x:.0}")),
        b.band.label()
    );
    let norm = |r: Option<Range>| r.map_or("not defined".to_string(), |r| span(r, f4));
    out!(
        "Normalised HHI {} · UNCTAD index {} ({}) · CR3 {} · CR5 {}",
        norm(b.hhi_normalized),
        norm(b.unctad),
        n_label(m),
        span(b.cr3, pct),
        span(b.cr5, pct)
    );
    if let Some(why) = &m.normalized_not_defined {
        out!("  (normalised indices not defined: {why})");
    }
    out!(
        "Entropy {} · effective partners 1/HHI {}, exp(entropy) {}",
        span(b.entropy, f4),
        span(b.effective_partners, f2),
        span(b.effective_partners_entropy, f2)
    );
}

fn name(s: &Scenario, code: &str) -> String {
    s.display_name(code)
}

fn print_balance(s: &Scenario, b: &Balance) {
    let side = match b.side {
        Side::Reporter => "reporter-side statistics",
        Side::Mirror => "partner-side (mirror) statistics",
    };
    out!(
        "{} ({}) · {} · {}{} · {}",
        name(s, &b.reporter),
        b.reporter,
        b.flow,
        b.year,
        if b.period.is_full_year() {
            String::new()
        } else {
            format!(" {}", b.period)
        },
        side
    );
    let t = &b.total_provenance;
    let named_only = b.share_basis == "named_partners";
    if named_only {
        out!(
            "No world total: shares are of the named partners' sum ({}{} [{}]), not of {}'s {}; coverage unknown.",
            usd(b.total),
            if t.estimate { ", ESTIMATE" } else { "" },
            t.sources.join(", "),
            b.reporter,
            b.flow
        );
        if b.side == Side::Reporter {
            out!(
                "Years with a world {} total for {}: {}",
                b.flow,
                b.reporter,
                if b.years_with_total.is_empty() {
                    "none".to_string()
                } else {
                    b.years_with_total
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            );
        }
    } else {
        out!(
            "Total {}{} — {} [{}]",
            usd(b.total),
            if t.estimate { " (ESTIMATE)" } else { "" },
            t.basis.replace('_', " "),
            t.sources.join(", ")
        );
    }
    out!("");
    out!(
        "  {:<3} {:<36} {:>10} {:<7}",
        "#",
        "partner",
        "value",
        if named_only {
            "  share of named partners"
        } else {
            "  share"
        }
    );
    for (i, p) in b.partners.iter().enumerate() {
        let rank = if p.residual {
            String::new()
        } else {
            (i + 1).to_string()
        };
        let mut flag = String::new();
        if p.estimate {
            flag.push_str(" est.");
        }
        if let Some(m) = p.missing_side {
            flag.push_str(&format!(" ({m} unknown: a lower bound)"));
        }
        out!(
            "  {:<3} {:<36} {:>10} {:>7}{flag}",
            rank,
            format!("{} ({})", name(s, &p.id), p.id),
            usd(p.value),
            pct(p.share)
        );
    }
    out!("");
    if let Some(c) = b.coverage.known().filter(|c| *c <= 0.999) {
        out!(
            "Named partners cover {}; the other {} is not broken down, so each figure is a range: from it spread evenly over the other {} economies to it held by one partner.",
            pct(c),
            pct(1.0 - c),
            b.measures.n.saturating_sub(b.partners.iter().filter(|p| !p.residual).count())
        );
    }
    print_measures(&b.measures, &b.reporter);
    out!("");
    let bm = &b.blocs.measures;
    out!(
        "Bloc roll-up ({}): HHI {}, CR3 {}{}",
        if s.rollup.is_empty() {
            "no roll-up blocs".to_string()
        } else {
            s.rollup.join(" > ")
        },
        bm.bounds
            .as_ref()
            .map_or_else(|| f4(bm.hhi), |r| span(r.hhi, f4)),
        bm.bounds
            .as_ref()
            .map_or_else(|| pct(bm.cr3), |r| span(r.cr3, pct)),
        if named_only {
            " (among the named partners only)"
        } else {
            ""
        }
    );
    for p in &b.blocs.partners {
        let members = if p.members.is_empty() {
            String::new()
        } else {
            format!("  (members with data: {})", Code::join(&p.members, ", "))
        };
        out!(
            "  {:<34} {:>10} {:>7}{members}",
            name(s, &p.id),
            usd(p.value),
            pct(p.share)
        );
    }
    let published: Vec<_> = b
        .bloc_totals
        .iter()
        .filter(|t| t.published.is_some() || t.members_value > 0.0)
        .collect();
    if !published.is_empty() {
        out!("");
        if named_only {
            out!("Bloc shares of the named partners' sum (blocs overlap):");
        } else {
            out!("Bloc shares (blocs overlap; members with data / published bloc figure):");
        }
        for t in published {
            let pubd = match (&t.published, t.published_share) {
                (Some(p), Some(sh)) => format!(
                    " · published {} = {} [{}]",
                    usd(p.value),
                    pct(sh),
                    p.sources.join(", ")
                ),
                _ => String::new(),
            };
            out!(
                "  {:<8} {} {:>7} ({}){pubd}",
                t.id,
                if named_only { " " } else { "≥" },
                pct(t.members_share),
                Code::join(&t.members_with_data, ", ")
            );
        }
    }
    if !b.notes.is_empty() {
        out!("");
        out!("Notes:");
        for n in &b.notes {
            out!("  - {n}");
        }
    }
}

fn print_shock(s: &Scenario, r: &bal::ShockResult) {
    out!("");
    out!("Shock:");
    for p in &r.shocked {
        out!(
            "  {:<30} {:+.0}%: {} → {}, loses {} ({} of the {})",
            format!("{} ({})", name(s, &p.id), p.id),
            p.change * 100.0,
            usd(p.before),
            usd(p.after),
            usd(p.lost),
            pct(p.lost_share_of_total),
            if r.share_basis == "named_partners" {
                "named partners' sum"
            } else {
                "total"
            }
        );
    }
    let of = if r.share_basis == "named_partners" {
        "of the named partners' sum"
    } else {
        "of the total"
    };
    out!(
        "  Total {} → {} ({}{}, {} {of})",
        usd(r.total_before),
        usd(r.total_after),
        // A rise is a negative loss: print its sign once.
        if r.lost < 0.0 { "+" } else { "−" },
        usd(r.lost.abs()),
        pct(r.lost_share.abs())
    );
    match (&r.before.bounds, &r.after.bounds) {
        (Some(b), Some(a)) => {
            out!(
                "  HHI {} → {} · CR3 {} → {} · effective partners {} → {}",
                span(b.hhi, f4),
                span(a.hhi, f4),
                span(b.cr3, pct),
                span(a.cr3, pct),
                span(b.effective_partners, f2),
                span(a.effective_partners, f2)
            );
            out!(
                "  Band: {} → {}{}",
                b.band.label(),
                a.band.label(),
                if b.hhi.is_exact() && a.hhi.is_exact() {
                    ""
                } else {
                    " (ranges: the unallocated remainder, unchanged, spread evenly or held by one partner)"
                }
            );
        }
        _ => out!(
            "  Among the named partners only: HHI {:.4} → {:.4} · CR3 {} → {} · effective partners {:.2} → {:.2}",
            r.before.hhi,
            r.after.hhi,
            pct(r.before.cr3),
            pct(r.after.cr3),
            r.before.effective_partners,
            r.after.effective_partners
        ),
    }
    let top: Vec<String> = r
        .partners_after
        .iter()
        .filter(|p| !p.residual)
        .take(3)
        .map(|p| format!("{} {}", p.id, pct(p.share)))
        .collect();
    out!("  Largest partners after: {}", top.join(", "));
}

fn print_dependence(s: &Scenario, reporter: &str, year: i32, rows: &[bal::Dependence]) {
    out!("");
    out!("Asymmetric dependence, {year} (each side's own statistics):");
    out!(
        "  {:<16} {:>14} {:>14} {:>11} {:>11}",
        "partner",
        format!("{reporter} on P"),
        format!("P on {reporter}"),
        "asymmetry",
        "mirror gap"
    );
    let opt = |v: Option<f64>| v.map_or("—".to_string(), pct);
    for d in rows {
        out!(
            "  {:<16} {:>14} {:>14} {:>11} {:>11}",
            name(s, &d.partner),
            opt(d.reporter_dependence),
            opt(d.partner_dependence),
            d.asymmetry
                .map_or("—".to_string(), |a| format!("{:+.1} pp", a * 100.0)),
            d.mirror_gap
                .map_or("—".to_string(), |g| format!("{:+.0}%", g * 100.0)),
        );
    }
    out!("  (P on {reporter} uses the partner's statistics for both numerator and total; sources in --json)");
}

fn print_trend(scenario: &Scenario, t: &query::Trend) {
    let (reporter, flow, watch, points) = (&t.reporter, t.flow, &t.watch, &t.points);
    out!(
        "{} ({reporter}) · {flow} · concentration by year",
        scenario.display_name(reporter)
    );
    let mut head = format!(
        "  {:<5} {:>10} {:>9} {:>9} {:>8} {:>7}",
        "year", "total", "coverage", "HHI≥", "HHI≤", "CR3≥"
    );
    for w in watch {
        head.push_str(&format!(" {w:>7}"));
    }
    out!("{head}");
    for p in points {
        let mut line = if p.has_total {
            format!(
                "  {:<5} {:>10} {:>9} {:>9.4} {:>8.4} {:>7}",
                p.year,
                format!(
                    "{}{}",
                    usd(p.total),
                    if p.total_estimate { "*" } else { "" }
                ),
                p.coverage.known().map_or("unknown".to_string(), pct),
                p.hhi,
                p.hhi_upper,
                pct(p.cr3)
            )
        } else {
            format!(
                "  {:<5} {:>10} {:>9} {:>9} {:>8} {:>7}",
                p.year, "no total", "—", "—", "—", "—"
            )
        };
        for (_, s) in &p.shares {
            let v = if p.has_total {
                s.map_or("—".to_string(), pct)
            } else {
                "—".to_string()
            };
            line.push_str(&format!(" {v:>7}"));
        }
        out!("{line}");
    }
    if points.iter().any(|p| !p.has_total) {
        out!("  no total: partner figures exist but no world total was published or estimated, so shares cannot be computed.");
    }
    out!("  * estimated total. HHI≥ spreads the unallocated remainder evenly over the other economies (ISO 3166 list), HHI≤ makes it one partner; CR3≥ is the lower end.");
}

/// The unvotes folder: --unvotes, else $ASTANA_REFERENCE_DIR/balance/unvotes, else
/// ../shared/reference/balance/unvotes.
fn unvotes_dir(arg: Option<&Path>) -> PathBuf {
    if let Some(p) = arg {
        return p.to_path_buf();
    }
    let base = std::env::var_os("ASTANA_REFERENCE_DIR")
        .map_or_else(|| PathBuf::from("../shared/reference"), PathBuf::from);
    base.join("balance").join("unvotes")
}

fn alignment(scenario_dir: Option<&Path>, a: &AlignmentArgs) -> Outcome {
    let scenario = crate::scenario_cmd::load(scenario_dir)?;
    let p = query::AlignmentParams {
        country: a.country.clone(),
        with: a.partners.join(","),
        from: a.from,
        to: a.to,
    };
    // Flags first, then the data.
    query::alignment_query(&scenario, &p)?;
    let dir = unvotes_dir(a.unvotes.as_deref());
    let data;
    let origin;
    let votes = if dir.join("votes.csv").exists() {
        data = astana_scenario::read_unvotes(&dir).map_err(Failure::input)?;
        origin = format!("roll-call data in {}", dir.display());
        query::Votes::RollCalls(&data, &origin)
    } else if a.unvotes.is_some() {
        return Err(Failure::input(format!(
            "error: no votes.csv in {}",
            dir.display()
        )));
    } else {
        eprintln!(
            "note: roll-call data not found at {}; using the scenario's derived table alignment.csv",
            dir.display()
        );
        query::Votes::Scenario
    };
    let report = query::alignment(&scenario, votes, &p)?;
    let (result, origin) = (&report.alignment, &report.data);
    if let Some(path) = &a.write_table {
        write_table(path, result).map_err(|e| {
            Failure::compute(format!("error: cannot write {}: {e}", path.display()))
        })?;
    }
    if a.json {
        return print_json(&report);
    }
    out!(
        "{} ({}) in the UN General Assembly, {}–{} ({origin})",
        scenario.display_name(&result.country),
        result.country,
        result.from,
        result.to
    );
    out!(
        "  {:<16} {:>10} {:>16} {:>16}",
        "partner",
        "roll calls",
        "identical votes",
        "agreement index"
    );
    for p in result.ranking.iter().chain(&result.no_data) {
        let g = &result.partners[p].overall;
        let mut label = scenario.display_name(p);
        if label.chars().count() > 16 {
            label = format!("{}…", label.chars().take(15).collect::<String>());
        }
        match (g.identical_share, g.agreement_index) {
            (Some(share), Some(index)) => out!(
                "  {:<16} {:>10} {:>16} {:>16.3}",
                label,
                g.roll_calls,
                pct(share),
                index
            ),
            _ => out!(
                "  {:<16} {:>10} {:>16} {:>16}",
                label,
                "—",
                "no data",
                "no data"
            ),
        }
    }
    if let Some(last) = result.data_to.filter(|t| *t < result.to) {
        out!(
            "  Note: the data ends in {last}; {}–{} is not covered.",
            last + 1,
            result.to
        );
    }
    if !result.no_data.is_empty() {
        out!(
            "  No data: no roll call with {} in {}–{} (a partner absent from the data, or not voting in the period).",
            result.no_data.join(", "),
            result.from,
            result.to
        );
    }
    out!("  Definition: {}", result.definition);
    Ok(())
}

fn write_table(path: &Path, a: &bal::Alignment) -> std::io::Result<()> {
    let mut out = String::from("year,country,partner,roll_calls,identical,half,source\n");
    let mut rows = bal::alignment_rows(a, "unvotes-voeten");
    rows.sort_by(|x, y| (x.year, &x.partner).cmp(&(y.year, &y.partner)));
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            r.year, r.country, r.partner, r.roll_calls, r.identical, r.half, r.source
        ));
    }
    crate::write::atomically(path, |w| std::io::Write::write_all(w, out.as_bytes()))
}
