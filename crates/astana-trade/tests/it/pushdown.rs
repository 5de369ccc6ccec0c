//! The filter is in the plan: a year=YYYY folder the filter excludes is never opened
//! (here it is not even a Parquet file), and the reporter filter keeps only its rows.

use crate::common::*;
use astana_trade::{aggregate_blocking, By, Filter, Source};

#[test]
fn year_filter_prunes_hive_folders_and_reporter_filter_keeps_its_rows() {
    let dir = tempfile::tempdir().expect("tmp");
    let csv = write(dir.path(), "flows.csv", &kz_csv_text());
    let rows = records(&csv);
    let hive = dir.path().join("hive");
    write_hive(&hive, &rows);
    // A year the filter excludes, holding garbage: reading it would fail.
    std::fs::create_dir_all(hive.join("year=1999")).expect("mkdir");
    std::fs::write(hive.join("year=1999/part-0.parquet"), b"not parquet").expect("write");
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
