//! Product diversification through the public API: invariants the formulas imply, on a
//! seeded heavy-tailed table (the hand-built examples are unit tests in
//! `src/diversification.rs`).

use astana_partner_balance::{
    partner_product_cells, product_measures, rca_table, RcaReference, Universe, HS_HEADINGS,
};

/// Seeded heavy-tailed values (Pareto-like), `n` HS4 codes, a quarter of them zero.
fn table(seed: u64, n: usize) -> Vec<(String, f64)> {
    let mut s = seed;
    let mut next = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|i| {
            let v = if next() < 0.25 {
                0.0
            } else {
                1e6 * next().max(1e-6).powf(-1.5)
            };
            (format!("{:04}", 101 + i * 7), v)
        })
        .collect()
}

fn cells(t: &[(String, f64)]) -> Vec<(&str, f64)> {
    t.iter().map(|(c, v)| (c.as_str(), *v)).collect()
}

/// A new export line lowers the extensive margin by ln((n+1)/n) exactly, and the measures
/// stay in range.
#[test]
fn a_new_line_lowers_the_extensive_margin() {
    for seed in 1..20 {
        let t = table(seed, 200);
        let m = product_measures(&cells(&t), Universe::Auto).expect("measures");
        assert_eq!(m.universe, HS_HEADINGS);
        let th = m.theil;
        assert!(th.within >= -1e-12 && th.between >= 0.0, "{th:?}");
        assert!((th.total - th.between - th.within).abs() <= 1e-12 * th.total.max(1.0));
        let u = m.unctad_index.expect("N > 1");
        assert!((0.0..=1.0).contains(&u));
        assert!(m.effective_products <= m.effective_products_entropy * (1.0 + 1e-12));
        let mut more = t.clone();
        more.push(("9701".into(), 1.0));
        let m2 = product_measures(&cells(&more), Universe::Auto).expect("measures");
        assert_eq!(m2.products_active, m.products_active + 1);
        let drop = th.between - m2.theil.between;
        let want = ((m.products_active + 1) as f64 / m.products_active as f64).ln();
        assert!((drop - want).abs() < 1e-12, "{drop} vs {want}");
    }
}

/// Σₖ (x_wk/X_w) · RCA_ck = Σₖ x_ck/X_c = 1 over the products the reporter exports, and a
/// reporter alone in the data has RCA 1 everywhere.
#[test]
fn rca_weighted_by_the_reference_shares_sums_to_one() {
    let a = table(3, 120);
    let b = table(4, 120);
    let mut rows: Vec<(&str, &str, f64)> = Vec::new();
    rows.extend(a.iter().map(|(c, v)| ("AAA", c.as_str(), *v)));
    rows.extend(b.iter().map(|(c, v)| ("BBB", c.as_str(), *v)));
    let t = rca_table("AAA", &rows, RcaReference::ReportersInData).expect("rca");
    assert_eq!(t.reporters, 2);
    let sum: f64 = t
        .products
        .iter()
        .map(|p| p.share_of_reference * p.rca)
        .sum();
    assert!((sum - 1.0).abs() < 1e-12, "{sum}");
    let alone: Vec<(&str, &str, f64)> = rows.iter().copied().filter(|r| r.0 == "AAA").collect();
    let t = rca_table("AAA", &alone, RcaReference::World).expect("rca");
    assert!(t.products.iter().all(|p| (p.rca - 1.0).abs() < 1e-12));
    assert_eq!(t.products_with_advantage, 0);
}

/// Partner × product shares add up to one over every cell, and the top cells are the
/// largest ones.
#[test]
fn partner_product_shares_add_up() {
    let t = table(9, 60);
    let rows: Vec<(&str, &str, f64)> = t
        .iter()
        .enumerate()
        .map(|(i, (c, v))| (["CHN", "RUS", "ITA"][i % 3], c.as_str(), *v))
        .collect();
    let all = partner_product_cells(&rows, usize::MAX).expect("cells");
    let sum: f64 = all.top.iter().map(|c| c.share).sum();
    assert!((sum - 1.0).abs() < 1e-12, "{sum}");
    assert!(all.top.windows(2).all(|w| w[0].value_usd >= w[1].value_usd));
    let five = partner_product_cells(&rows, 5).expect("cells");
    assert_eq!(five.top, all.top[..5]);
}
