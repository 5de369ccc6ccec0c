//! The same cells from one table as CSV, as Parquet and as a hive folder split by year,
//! and the same records as the CSV row reader's.

use crate::common::*;
use astana_trade::{aggregate_blocking, scenario_of_cells, By, Filter, Source};

#[test]
fn csv_parquet_and_hive_folder_give_the_row_readers_records() {
    let dir = tempfile::tempdir().expect("tmp");
    let csv = write(dir.path(), "flows.csv", &kz_csv_text());
    let rows = records(&csv);
    assert!(rows.len() > 60, "{}", rows.len());
    let pq = dir.path().join("flows.parquet");
    write_parquet(&pq, &batch(&rows, true));
    let hive = dir.path().join("hive");
    write_hive(&hive, &rows);

    let mut want = rows.clone();
    let key = |r: &astana_model::FlowRecord| {
        (
            r.year,
            r.period.to_string(),
            r.reporter.to_string(),
            r.flow.as_str(),
            r.partner.to_string(),
        )
    };
    want.sort_by_key(key);
    for path in [&csv, &pq, &hive] {
        let src = Source::from_path(path).expect("source");
        let cells = aggregate_blocking(&src, &Filter::default(), By::Partner).expect("cells");
        let got = scenario_of_cells("x", &cells).expect("records").flows;
        let mut got: Vec<_> = got
            .into_iter()
            .map(|mut r| {
                r.note.clear();
                r
            })
            .collect();
        got.sort_by_key(key);
        let want: Vec<_> = want
            .iter()
            .cloned()
            .map(|mut r| {
                r.note.clear();
                r
            })
            .collect();
        assert_eq!(got, want, "{}", path.display());
    }
    assert!(matches!(Source::from_path(&hive), Ok(Source::Folder(_))));
    assert!(Source::from_path(&hive).expect("folder").is_hive());
}

#[test]
fn product_rows_sum_to_partners_and_world_stays_apart() {
    let dir = tempfile::tempdir().expect("tmp");
    let csv = write(
        dir.path(),
        "p.csv",
        "year,reporter,partner,flow,product,value_usd,quantity,source\n\
         2022,KAZ,CHN,exports,2709,100,5,s\n\
         2022,KAZ,CHN,exports,7403,50,,s\n\
         2022,KAZ,RUS,exports,2709,30,,t\n\
         2022,KAZ,WLD,exports,2709,200,,s\n\
         2022,KAZ,ITA,exports,,70,,s\n\
         2022,KAZ,ITA,exports,2709,60,,s\n",
    );
    let src = Source::from_path(&csv).expect("csv");
    let cells = aggregate_blocking(&src, &Filter::default(), By::Partner).expect("cells");
    let v: Vec<(&str, f64)> = cells
        .iter()
        .map(|c| (c.partner.as_str(), c.value_usd))
        .collect();
    // ITA has a total row (70): it wins over its product rows (60).
    assert_eq!(
        v,
        vec![("CHN", 150.0), ("ITA", 70.0), ("RUS", 30.0), ("WLD", 200.0)]
    );
    let cells = aggregate_blocking(&src, &Filter::default(), By::Product).expect("cells");
    let v: Vec<(&str, Option<&str>, f64)> = cells
        .iter()
        .map(|c| (c.partner.as_str(), c.product.as_deref(), c.value_usd))
        .collect();
    assert_eq!(
        v,
        vec![
            ("*", None, 70.0),
            ("*", Some("2709"), 190.0),
            ("*", Some("7403"), 50.0),
            ("WLD", Some("2709"), 200.0)
        ]
    );
    let sources: Vec<&str> = cells.iter().map(|c| c.source.as_str()).collect();
    assert_eq!(sources, vec!["s", "s … t", "s", "s"]);
}

#[test]
fn from_path_names_the_accepted_forms() {
    let dir = tempfile::tempdir().expect("tmp");
    let x = write(dir.path(), "flows.xlsx", "x");
    let e = Source::from_path(&x).expect_err("xlsx").list().to_string();
    assert!(
        e.contains("flows.xlsx") && e.contains("unknown file extension"),
        "{e}"
    );
    assert!(e.contains(".csv file, a .parquet file, or a folder"), "{e}");
    let e = Source::from_path(dir.path())
        .expect_err("empty folder")
        .list()
        .to_string();
    assert!(e.contains("holds no .parquet files"), "{e}");
    let e = Source::from_path(&dir.path().join("none.parquet"))
        .expect_err("absent")
        .list()
        .to_string();
    assert!(e.contains("cannot read"), "{e}");
}
