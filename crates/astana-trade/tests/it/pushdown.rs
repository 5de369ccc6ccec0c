//! The filter is in the plan: the rows of a year=YYYY folder the filter excludes are never
//! read (a bad row there goes unreported), and the reporter filter keeps only its rows.

use crate::common::*;
use astana_trade::{aggregate_blocking, By, Filter, Source};

#[test]
fn year_filter_prunes_hive_folders_and_reporter_filter_keeps_its_rows() {
    let dir = tempfile::tempdir().expect("tmp");
    let csv = write(dir.path(), "flows.csv", &kz_csv_text());
    let rows = records(&csv);
    let hive = dir.path().join("hive");
    write_hive(&hive, &rows);
    // A year the filter excludes, holding a bad row (a negative value): reading it fails.
    // (Schema inference opens every file's footer, so the file itself must be Parquet.)
    let mut bad = rows[0].clone();
    bad.year = 1999;
    bad.value_usd = -1.0;
    write_hive(&hive, &[bad]);
    let src = Source::from_path(&hive).expect("folder");
    assert!(aggregate_blocking(&src, &Filter::default(), By::Partner).is_err());
    let f = Filter {
        reporter: Some("KAZ".into()),
        year: Some(2023),
        ..Filter::default()
    };
    let cells = aggregate_blocking(&src, &f, By::Partner).expect("pruned");
    let want = rows
        .iter()
        .filter(|r| r.reporter == "KAZ" && r.year == 2023)
        .count();
    assert!(want > 5, "{want}");
    assert_eq!(cells.len(), want);
    assert!(cells.iter().all(|c| c.reporter == "KAZ" && c.year == 2023));
}
