//! `products.csv` (issue 15, part 5): the default scenario's exports by product load with
//! their sources; every bad row is a located error, all of them collected.

use astana_scenario::{embedded_files, load_embedded, load_from_memory};

/// The embedded scenario with `products.csv` replaced by `text`.
fn with_products(text: &str) -> Vec<(&'static str, String)> {
    embedded_files()
        .iter()
        .map(|(n, t)| {
            let t = if *n == "products.csv" { text } else { t };
            (*n, t.to_string())
        })
        .collect()
}

#[test]
fn the_default_scenario_carries_sourced_product_rows() {
    let (s, w) = load_embedded().unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(w.errors(), 0);
    assert_eq!(w.warnings(), 0, "{w}");
    assert!(!s.products.is_empty());
    for p in &s.products {
        let src = s.source(&p.source).unwrap_or_else(|| panic!("{p:?}"));
        assert!(src.url.starts_with("http"), "{src:?}");
    }
    // 2022: oil and gas (HS 27) is derived from the published 61 % share, and says so.
    let oil = s
        .products
        .iter()
        .find(|p| p.year == 2022 && p.product == "27")
        .expect("2022 oil and gas");
    assert!(oil.estimate);
    assert!(oil.note.starts_with("DERIVED"));
    assert!(
        (oil.value_usd - 0.61 * 84.6e9).abs() < 1.0,
        "{}",
        oil.value_usd
    );
    assert!(s.gaps().iter().all(|g| g.part != "products"));
}

#[test]
fn bad_product_rows_are_all_reported_with_line_and_field() {
    let text = "year,period,reporter,flow,product,product_name,value_usd,estimate,source,note\n\
2022,FY,KAZ,exports,total,Total,100,no,trend-kz-cn-2022,\n\
2022,FY,KAZ,exports,27.09,Crude,50,no,trend-kz-cn-2022,\n\
2022,FY,KZA,exports,27,Fuels,50,no,trend-kz-cn-2022,\n\
2022,FY,KAZ,turnover,27,Fuels,50,no,trend-kz-cn-2022,\n\
2022,FY,KAZ,exports,72,Iron,NaN,no,trend-kz-cn-2022,\n\
2022,FY,KAZ,exports,74,Copper,-5,maybe,no-such-source,\n\
2022,FY,KAZ,exports,total,Total again,100,no,trend-kz-cn-2022,\n\
2022,FY,KAZ,exports,Total,Total,100,no,trend-kz-cn-2022,\n";
    let files = with_products(text);
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let err = load_from_memory(&refs).expect_err("bad rows");
    let got: Vec<(usize, &str)> = err
        .0
        .iter()
        .filter(|d| d.is_error() && d.file == "products.csv")
        .map(|d| (d.line.unwrap_or(0), d.field.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        got,
        [
            (3, "product"),
            (4, "reporter"),
            (5, "flow"),
            (6, "value_usd"),
            (7, "value_usd"),
            (7, "estimate"),
            (7, "source"),
            (8, "product"),
            (9, "product"),
        ],
        "{err}"
    );
    let text = err.to_string();
    assert!(text.contains("did you mean `2709`?"), "{text}");
    assert!(text.contains("unknown ISO3 code `KZA`"), "{text}");
    assert!(
        text.contains("flow `turnover` has no product breakdown"),
        "{text}"
    );
    assert!(text.contains("`NaN` is not a number"), "{text}");
    assert!(
        text.contains("source `no-such-source` is not in sources.csv"),
        "{text}"
    );
    assert!(text.contains("first given on line 2"), "{text}");
    assert!(text.contains("did you mean `total`?"), "{text}");
}

#[test]
fn an_unknown_column_is_an_error_with_a_suggestion() {
    let files = with_products(
        "year,period,reporter,flow,product,prodct_name,value_usd,source\n2022,FY,KAZ,exports,27,Fuels,5,trend-kz-cn-2022\n",
    );
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let err = load_from_memory(&refs).expect_err("unknown column");
    let text = err.to_string();
    assert!(text.contains("prodct_name"), "{text}");
    assert!(text.contains("product_name"), "{text}");
}

#[test]
fn groups_above_their_total_are_a_warning_and_nested_codes_are_not_added_twice() {
    let files = with_products(
        "year,period,reporter,flow,product,value_usd,source\n\
2022,FY,KAZ,exports,total,100,trend-kz-cn-2022\n\
2022,FY,KAZ,exports,27,60,trend-kz-cn-2022\n\
2022,FY,KAZ,exports,2709,50,trend-kz-cn-2022\n\
2023,FY,KAZ,exports,total,100,trend-kz-cn-2022\n\
2023,FY,KAZ,exports,27,60,trend-kz-cn-2022\n\
2023,FY,KAZ,exports,72,50,trend-kz-cn-2022\n",
    );
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let (_, w) = load_from_memory(&refs).unwrap_or_else(|d| panic!("{d}"));
    let over: Vec<_> =
        w.0.iter()
            .filter(|d| d.file == "products.csv" && !d.is_error())
            .collect();
    assert_eq!(over.len(), 1, "{w}");
    assert!(over[0].message.contains("2023"), "{w}");
    assert!(over[0].message.contains("sum to 110"), "{w}");
}
