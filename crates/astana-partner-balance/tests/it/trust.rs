//! Every figure true or labelled (issue 10, balance items; issue 11, balance inputs): no
//! share of a missing total, bounds both ways, normalised indices in range, one-sided
//! turnover kept, UN alignment without data, non-finite values and shock specs refused.

use super::{close, query, run, scenario, share_of, value_of, BN};
use astana_model::{Code, FlowKind, FlowRecord, Period, Scenario};
use astana_partner_balance::{
    alignment_from_rows, analyze, parse_shocks, shock, AlignmentQuery, BalanceError, Band,
    Coverage, NBasis, Query, Side,
};

fn row(year: i32, reporter: &str, partner: &str, flow: FlowKind, value: f64) -> FlowRecord {
    FlowRecord {
        year,
        period: Period::FULL_YEAR,
        reporter: Code::new(reporter).expect("code"),
        partner: Code::new(partner).expect("code"),
        flow,
        value_usd: value,
        estimate: false,
        source: "test".into(),
        note: String::new(),
    }
}

/// The embedded scenario's blocs and sources with these flows only.
fn with_flows(flows: Vec<FlowRecord>) -> Scenario {
    let mut s = scenario();
    s.flows = flows;
    s
}

/// 10.1: without a world total the shares are of the named partners, coverage is
/// unknown, and nothing is stated about the reporter's concentration (no band, no bounds).
/// Today's main reported "Italy 100%", "Russia 85.4%" as shares of Kazakhstan's trade.
#[test]
fn no_world_total_means_coverage_unknown() {
    let s = scenario();
    for (year, flow, side) in [
        (2024, FlowKind::Turnover, Side::Reporter),
        (2021, FlowKind::Turnover, Side::Reporter),
        (2023, FlowKind::Exports, Side::Reporter),
        (2023, FlowKind::Turnover, Side::Mirror),
    ] {
        let b = run(&s, "KAZ", year, flow, side);
        let what = format!("{year} {flow} {side:?}");
        assert_eq!(b.coverage, Coverage::Unknown, "{what}");
        assert_eq!(b.share_basis, "named_partners", "{what}");
        assert_eq!(b.concentration_bound, "named_partners_only", "{what}");
        assert_eq!(b.measures.band, None, "{what}");
        assert_eq!(b.measures.bounds, None, "{what}");
        assert!(b.partners.iter().all(|p| !p.residual), "{what}");
        let json = serde_json::to_value(&b).expect("json");
        assert_eq!(json["coverage"], "unknown", "{what}");
        assert!(json["band"].is_null(), "{what}");
    }
    // The note names the years that do have a total.
    let b = run(&s, "KAZ", 2024, FlowKind::Turnover, Side::Reporter);
    assert_eq!(b.years_with_total, [2022, 2023]);
    assert!(
        b.notes
            .iter()
            .any(|n| n.contains("Years with a world turnover total: 2022, 2023")),
        "{:?}",
        b.notes
    );
    let b = run(&s, "KAZ", 2023, FlowKind::Exports, Side::Reporter);
    assert_eq!(b.years_with_total, [2022]);
    // A year with a total keeps shares of that total.
    let b = run(&s, "KAZ", 2023, FlowKind::Turnover, Side::Reporter);
    assert_eq!(b.share_basis, "total");
    close(
        b.coverage.known().expect("known"),
        (31.4 + 26.0 + 16.1 + 6.0 + 6.0 + 4.0) / 135.9,
        1e-9,
    );
}

/// 10.2: a partner with only an exports row (or only imports) stays in turnover with
/// the known side, the missing side named; today's main dropped it silently.
#[test]
fn turnover_keeps_one_sided_partners() {
    let mut s = scenario();
    s.flows.retain(|f| {
        !(f.year == 2023
            && f.reporter == "KAZ"
            && f.partner == "TUR"
            && matches!(f.flow, FlowKind::Turnover | FlowKind::Imports))
    });
    let b = run(&s, "KAZ", 2023, FlowKind::Turnover, Side::Reporter);
    let tur = b
        .partners
        .iter()
        .find(|p| p.id == "TUR")
        .expect("TUR is kept");
    close(tur.value, 4.0 * BN, 1.0);
    assert_eq!(tur.missing_side, Some(FlowKind::Imports));
    assert!(
        b.notes
            .iter()
            .any(|n| n.contains("TUR (imports unknown)") && n.contains("lower bound")),
        "{:?}",
        b.notes
    );
    // Its unknown imports are inside the remainder: the upper bound may add the whole
    // remainder to Türkiye, which beats a separate partner of that size.
    let bd = b.measures.bounds.as_ref().expect("bounds");
    let rest = 1.0 - b.coverage.known().expect("known");
    let named: Vec<f64> = b
        .partners
        .iter()
        .filter(|p| !p.residual)
        .map(|p| p.share)
        .collect();
    let sq: f64 = named.iter().map(|x| x * x).sum();
    let t = share_of(&b, "TUR");
    close(bd.hhi.max, sq - t * t + (t + rest) * (t + rest), 1e-12);
}

/// 10.2: a reporter-year whose only turnover rows are one-sided is analysed, never "no
/// data" with that year in the list of years with data.
#[test]
fn one_sided_year_is_not_no_data() {
    let s = with_flows(vec![
        row(2030, "KAZ", "CHN", FlowKind::Exports, 10.0 * BN),
        row(2030, "KAZ", "RUS", FlowKind::Imports, 5.0 * BN),
    ]);
    let b = analyze(&s, &Query::new("KAZ", 2030, FlowKind::Turnover)).expect("analysed");
    assert_eq!(b.partners.len(), 2);
    assert_eq!(b.partners[0].missing_side, Some(FlowKind::Imports));
    assert_eq!(b.partners[1].missing_side, Some(FlowKind::Exports));
    assert_eq!(b.coverage, Coverage::Unknown);
    // A year without any row is still "no data", and lists 2030 as having data.
    match analyze(&s, &Query::new("KAZ", 2031, FlowKind::Turnover)) {
        Err(e @ BalanceError::NoData { .. }) => assert!(e.to_string().contains("2030")),
        other => panic!("{other:?}"),
    }
}

/// 10.3: 2023 turnover covers 65.9% of the estimated total. Every measure has both ends:
/// the band spans unconcentrated (lower end) to moderately concentrated (upper end);
/// today's main printed "unconcentrated" from the lower bound alone.
#[test]
fn bounds_both_ways_for_2023() {
    let s = scenario();
    let b = run(&s, "KAZ", 2023, FlowKind::Turnover, Side::Reporter);
    let m = &b.measures;
    let bd = m.bounds.as_ref().expect("bounds");
    let named = [31.4, 26.0, 16.1, 6.0, 6.0, 4.0].map(|v| v / 135.9);
    let rest = 1.0 - named.iter().sum::<f64>();
    let sq: f64 = named.iter().map(|x| x * x).sum();
    // N = 248 economies (249 ISO codes less Kazakhstan); the rest over the other 242.
    assert_eq!((m.n, m.n_basis), (248, NBasis::Economies));
    close(bd.hhi.min, sq + rest * rest / 242.0, 1e-9);
    close(bd.hhi.max, sq + rest * rest, 1e-9);
    close(bd.hhi.max, 0.2254, 5e-5);
    assert_eq!(bd.band.min, Band::Unconcentrated);
    assert_eq!(bd.band.max, Band::ModeratelyConcentrated);
    assert_eq!(m.band, None, "the band is not known, only its range");
    close(bd.cr3.min, named[0] + named[1] + named[2], 1e-9);
    close(bd.cr3.max, rest + named[0] + named[1], 1e-9);
    close(bd.effective_partners.min, 1.0 / bd.hhi.max, 1e-9);
    close(bd.effective_partners.max, 1.0 / bd.hhi.min, 1e-9);
    assert!(bd.entropy.min < bd.entropy.max);
    // The shock has both ends too: losing Russia lowers the lower end but raises the
    // upper one (0.2254 → 0.3095), since the remainder is then a larger share.
    let r = shock(&s, &b, &parse_shocks("CHN=-0.5,RUS=-1").expect("spec")).expect("shock");
    let (before, after) = (
        r.before.bounds.as_ref().expect("before"),
        r.after.bounds.as_ref().expect("after"),
    );
    assert_eq!(before, bd);
    assert!(after.hhi.min < before.hhi.min);
    assert!(after.hhi.max > before.hhi.max);
    close(after.hhi.max, 0.3095, 5e-5);
    assert_eq!(after.band.max, Band::HighlyConcentrated);
}

/// 10.4: the normalised indices stay in [0, 1] (today's main printed −0.07 and −0.13),
/// `--n` is the N used and reported, and a zero-trade partner does not count in N.
#[test]
fn normalised_indices_in_range_and_n_as_given() {
    let s = scenario();
    let b = run(&s, "KAZ", 2023, FlowKind::Turnover, Side::Reporter);
    let bd = b.measures.bounds.as_ref().expect("bounds");
    for r in [bd.hhi_normalized.expect("N > 1"), bd.unctad.expect("n > 1")] {
        assert!(0.0 < r.min && r.min < r.max && r.max < 1.0, "{r:?}");
    }
    let inv = 1.0 / 248.0;
    close(
        b.measures.hhi_normalized.expect("defined"),
        (bd.hhi.min - inv) / (1.0 - inv),
        1e-12,
    );
    let mut q = query("KAZ", 2023, FlowKind::Turnover, Side::Reporter);
    q.n = Some(200);
    let b = analyze(&s, &q).expect("n = 200");
    assert_eq!((b.measures.n, b.measures.n_basis), (200, NBasis::Given));
    close(
        b.measures.unctad.expect("defined"),
        (b.measures.hhi.sqrt() - inv200()) / (1.0 - inv200()),
        1e-12,
    );
    // n below the named partners (6) leaves nowhere for the remainder.
    q.n = Some(6);
    assert!(matches!(
        analyze(&s, &q),
        Err(BalanceError::NTooSmall { need: 7, .. })
    ));
    // A complete distribution with a zero-trade partner: N counts the three with trade.
    let s = with_flows(vec![
        row(2030, "KAZ", "CHN", FlowKind::Exports, 5.0 * BN),
        row(2030, "KAZ", "RUS", FlowKind::Exports, 3.0 * BN),
        row(2030, "KAZ", "ITA", FlowKind::Exports, 2.0 * BN),
        row(2030, "KAZ", "USA", FlowKind::Exports, 0.0),
        row(2030, "KAZ", "WLD", FlowKind::Exports, 10.0 * BN),
    ]);
    let b = run(&s, "KAZ", 2030, FlowKind::Exports, Side::Reporter);
    assert_eq!(b.concentration_bound, "exact");
    assert_eq!(
        (b.measures.n, b.measures.n_basis),
        (3, NBasis::PartnersWithTrade)
    );
    close(b.measures.hhi_normalized.expect("defined"), 0.07, 1e-12);
    // Cutting a partner to zero drops it from N after the shock.
    let r = shock(&s, &b, &[("ITA".into(), -1.0)]).expect("shock");
    assert_eq!(r.after.n, 2);
    close(value_of(&b, "ITA"), 2.0 * BN, 1.0);
}

fn inv200() -> f64 {
    (1.0f64 / 200.0).sqrt()
}

/// 10.5: a partner without roll calls is "no data", never "0 roll calls, 0.0%".
#[test]
fn alignment_without_data_is_no_data() {
    let s = scenario();
    let q = |partners: &[&str], from, to| AlignmentQuery {
        country: "KAZ".into(),
        partners: partners.iter().map(|p| p.to_string()).collect(),
        from,
        to,
    };
    let a = alignment_from_rows(&s.alignment, &q(&["IND"], 2007, 2019));
    assert!(a.is_empty());
    assert_eq!(a.no_data, ["IND"]);
    assert_eq!(a.partners["IND"].overall.identical_share, None);
    assert_eq!(a.data_to, Some(2019));
    // Years after the data ends: nothing for anyone.
    let a = alignment_from_rows(&s.alignment, &q(&["CHN", "RUS"], 2021, 2023));
    assert!(a.is_empty());
    assert_eq!(a.no_data, ["CHN", "RUS"]);
    assert_eq!((a.data_from, a.data_to), (Some(1992), Some(2019)));
    // A mix: CHN has data, IND does not.
    let a = alignment_from_rows(&s.alignment, &q(&["CHN", "IND"], 2007, 2019));
    assert_eq!(a.ranking, ["CHN"]);
    assert_eq!(a.no_data, ["IND"]);
}

/// 11.8: values whose sum overflows are refused, never HHI 0, $inf or NaN.
#[test]
fn overflowing_values_are_refused() {
    let s = with_flows(vec![
        row(2030, "KAZ", "CHN", FlowKind::Turnover, 1e308),
        row(2030, "KAZ", "RUS", FlowKind::Turnover, 1.7e308),
    ]);
    assert!(matches!(
        analyze(&s, &Query::new("KAZ", 2030, FlowKind::Turnover)),
        Err(BalanceError::NotFinite(_))
    ));
    let q = Query::new("", 0, FlowKind::Turnover);
    assert!(matches!(
        astana_partner_balance::summarize_all(&s, &q),
        Err(BalanceError::NotFinite(_))
    ));
}

/// 11.5: shock changes must be finite, at least −1 and at most 1000; a code given twice
/// or unknown is an error, the latter with a suggestion.
#[test]
fn shock_specs_are_validated() {
    for spec in ["CHN=NaN", "CHN=inf", "CHN=-inf", "CHN=1e400", "CHN=5000"] {
        assert!(
            matches!(parse_shocks(spec), Err(BalanceError::ShockOutOfRange(..))),
            "{spec}"
        );
    }
    assert!(matches!(
        parse_shocks("CHN=-0.5,CHN=-1"),
        Err(BalanceError::DuplicateShock(_))
    ));
    assert!(matches!(
        parse_shocks(""),
        Err(BalanceError::BadShockSpec(_))
    ));
    let s = scenario();
    let b = run(&s, "KAZ", 2023, FlowKind::Turnover, Side::Reporter);
    let e = shock(&s, &b, &[("CNH".into(), -0.5)]).expect_err("unknown");
    assert!(e.to_string().contains("did you mean CHN"), "{e}");
    assert!(matches!(
        shock(&s, &b, &[("CHN".into(), f64::NAN)]),
        Err(BalanceError::ShockOutOfRange(..))
    ));
}

/// 10.3, property: for random named shares and random splits of the remainder (over at
/// most `others` unnamed economies, or partly onto one-sided partners), every measure of
/// the completed distribution lies within the reported bounds.
#[test]
fn bounds_contain_every_split_of_the_remainder() {
    use astana_partner_balance::{concentration_ratio, entropy, hhi, Concentration, Scope};
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut unit = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..3000 {
        let k = 1 + (unit() * 8.0) as usize;
        let others = (unit() * 12.0) as usize;
        let coverage = 0.05 + 0.9 * unit();
        let raw: Vec<f64> = (0..k).map(|_| unit() + 1e-3).collect();
        let t: f64 = raw.iter().sum();
        let named: Vec<f64> = raw.iter().map(|x| x / t * coverage).collect();
        let open: Vec<bool> = (0..k).map(|_| unit() < 0.3).collect();
        if others == 0 && !open.iter().any(|o| *o) {
            continue;
        }
        let rest = 1.0 - coverage;
        let n = k + others;
        let c = Concentration::build(&named, &open, rest, others, n, NBasis::Given, Scope::Total);
        let b = c.bounds.expect("bounds");
        // A random split: weights over the unnamed slots and the one-sided partners.
        let slots: Vec<usize> = (0..k).filter(|&i| open[i]).collect();
        let w: Vec<f64> = (0..others + slots.len())
            .map(|_| unit().powf(1.0 + 4.0 * unit()))
            .collect();
        let wt: f64 = w.iter().sum::<f64>().max(1e-300);
        let mut full = named.clone();
        for (j, x) in w.iter().enumerate() {
            let part = rest * x / wt;
            if j < others {
                full.push(part);
            } else {
                full[slots[j - others]] += part;
            }
        }
        let eps = 1e-9;
        let within =
            |r: astana_partner_balance::Range, x: f64| r.min - eps <= x && x <= r.max + eps;
        let h = hhi(&full);
        assert!(within(b.hhi, h), "{:?} {h}", b.hhi);
        assert!(within(b.cr3, concentration_ratio(&full, 3)));
        assert!(within(b.cr5, concentration_ratio(&full, 5)));
        assert!(within(b.entropy, entropy(&full)));
        match b.hhi_normalized {
            Some(hn) => assert!(0.0 <= hn.min && hn.max <= 1.0),
            None => assert_eq!(n, 1),
        }
    }
}
