//! Keys are normalised on the groups, not on the rows: blanks trimmed and an empty period
//! read as FY (as the row reader does), groups that are one key once normalised joined,
//! and a filter that fixes a key gives the cells of the unfiltered table that it keeps.

use crate::common::*;
use astana_trade::{aggregate_blocking, By, Cell, Filter, Source};
use datafusion::arrow::array::{ArrayRef, Float64Array, Int32Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use std::sync::Arc;

/// A Parquet file of `text` (a CSV without quotes): `year` Int32, `value_usd` Float64,
/// every other column text, an empty field a null.
fn parquet_of(path: &std::path::Path, text: &str) {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let mut fields = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        fn at<'a>(r: &[&'a str], i: usize) -> Option<&'a str> {
            Some(r[i]).filter(|s| !s.is_empty())
        }
        let (t, a): (DataType, ArrayRef) = match *h {
            "year" => (
                DataType::Int32,
                Arc::new(Int32Array::from(
                    rows.iter()
                        .map(|r| at(r, i).map(|s| s.parse::<i32>().expect("year")))
                        .collect::<Vec<_>>(),
                )),
            ),
            "value_usd" => (
                DataType::Float64,
                Arc::new(Float64Array::from(
                    rows.iter()
                        .map(|r| at(r, i).map(|s| s.parse::<f64>().expect("value")))
                        .collect::<Vec<_>>(),
                )),
            ),
            _ => (
                DataType::Utf8,
                Arc::new(StringArray::from(
                    rows.iter().map(|r| at(r, i)).collect::<Vec<_>>(),
                )),
            ),
        };
        fields.push(Field::new(*h, t, true));
        cols.push(a);
    }
    let b = RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).expect("batch");
    write_parquet(path, &b);
}

fn brief(cells: &[Cell]) -> Vec<String> {
    cells
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {} {} {} {} {}",
                c.year,
                c.period,
                c.reporter,
                c.partner,
                c.flow,
                c.product.as_deref().unwrap_or("-"),
                c.value_usd,
                c.source
            )
        })
        .collect()
}

#[test]
fn padded_keys_and_empty_periods_join_their_groups() {
    let dir = tempfile::tempdir().expect("tmp");
    let csv = write(
        dir.path(),
        "p.csv",
        "year,period,reporter,partner,flow,product,value_usd,source\n\
         2022,FY,KAZ,CHN,exports,2709,100,b\n\
         2022,, KAZ,CHN ,exports,2709,5,a\n\
         2022,FY,KAZ,CHN,exports, 7403,50,a \n\
         2022,H1,KAZ,CHN,exports,2709,7,a\n",
    );
    let src = Source::from_path(&csv).expect("csv");
    let cells = aggregate_blocking(&src, &Filter::default(), By::Product).expect("cells");
    assert_eq!(
        brief(&cells),
        vec![
            "2022 FY KAZ * exports 2709 105 a … b",
            "2022 FY KAZ * exports 7403 50 a",
            "2022 H1 KAZ * exports 2709 7 a",
        ]
    );
    let cells = aggregate_blocking(&src, &Filter::default(), By::Partner).expect("cells");
    assert_eq!(
        brief(&cells),
        vec![
            "2022 FY KAZ CHN exports - 155 a … b",
            "2022 H1 KAZ CHN exports - 7 a",
        ]
    );
}

#[test]
fn a_filter_that_fixes_keys_keeps_the_cells_of_the_whole_table() {
    let text = "year,period,reporter,partner,flow,product,value_usd,source\n\
                2021,FY,KAZ,CHN,exports,2709,100,s\n\
                2021,,KAZ,CHN,exports,7403,1,t\n\
                2021,H1,KAZ,CHN,exports,2709,40,s\n\
                2021,FY,KAZ,CHN,imports,8703,30,s\n\
                2021,FY,KAZ,RUS,exports,2709,20,s\n\
                2021,FY,KAZ,WLD,exports,2709,500,s\n\
                2021,FY,UZB,RUS,exports,5201,9,s\n\
                2022,FY,KAZ,ITA,exports,2709,60,s\n\
                2022,FY,UZB,KAZ,exports,5201,3,s\n";
    let dir = tempfile::tempdir().expect("tmp");
    let pq = dir.path().join("f.parquet");
    parquet_of(&pq, text);
    let csv = write(dir.path(), "f.csv", text);
    for path in [&pq, &csv] {
        let src = Source::from_path(path).expect("source");
        for by in [By::Partner, By::Product, By::PartnerProduct] {
            let all = aggregate_blocking(&src, &Filter::default(), by).expect("all");
            for filter in [
                Filter {
                    flow: Some("exports".into()),
                    period: Some("FY".into()),
                    ..Filter::default()
                },
                Filter {
                    reporter: Some("KAZ".into()),
                    flow: Some("exports".into()),
                    ..Filter::default()
                },
                Filter {
                    reporter: Some("UZB".into()),
                    period: Some("FY".into()),
                    year: Some(2022),
                    ..Filter::default()
                },
            ] {
                let got = aggregate_blocking(&src, &filter, by).expect("filtered");
                let want: Vec<Cell> = all
                    .iter()
                    .filter(|c| {
                        filter.reporter.as_deref().is_none_or(|r| r == &*c.reporter)
                            && filter.flow.as_deref().is_none_or(|f| f == &*c.flow)
                            && filter.period.as_deref().is_none_or(|p| p == &*c.period)
                            && filter.year.is_none_or(|y| y == c.year)
                    })
                    .cloned()
                    .collect();
                assert!(!want.is_empty());
                assert_eq!(
                    brief(&got),
                    brief(&want),
                    "{} {by:?} {filter:?}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn a_blank_source_is_an_error_in_csv_and_parquet() {
    let text = "year,period,reporter,partner,flow,product,value_usd,source\n\
                2021,FY,KAZ,CHN,exports,2709,100,s\n\
                2021,FY,KAZ,RUS,exports,2709,20,  \n";
    let dir = tempfile::tempdir().expect("tmp");
    let pq = dir.path().join("f.parquet");
    parquet_of(&pq, text);
    let csv = write(dir.path(), "f.csv", text);
    for path in [&pq, &csv] {
        let src = Source::from_path(path).expect("source");
        for by in [By::Partner, By::Product] {
            let e = aggregate_blocking(&src, &Filter::default(), by)
                .expect_err("blank source")
                .to_string();
            assert!(e.contains("empty source"), "{} {by:?}: {e}", path.display());
        }
    }
}

#[test]
fn a_parquet_table_of_one_source_gives_it_to_every_cell() {
    // The statistics prove a single source, so it is not a key; the cells still carry it.
    let one = "year,reporter,partner,flow,product,value_usd,source\n\
               2021,KAZ,CHN,exports,2709,100,baci\n\
               2021,KAZ,RUS,exports,2709,20,baci\n\
               2022,KAZ,RUS,exports,7403,5,baci\n";
    let two = format!("{one}2022,KAZ,RUS,exports,7403,1,comtrade\n");
    let dir = tempfile::tempdir().expect("tmp");
    for (name, text, want) in [
        ("one.parquet", one.to_string(), ["baci", "baci"]),
        ("two.parquet", two, ["baci", "baci … comtrade"]),
    ] {
        let pq = dir.path().join(name);
        parquet_of(&pq, &text);
        let src = Source::from_path(&pq).expect("source");
        let cells = aggregate_blocking(&src, &Filter::default(), By::Product).expect("cells");
        let got: Vec<&str> = cells.iter().map(|c| &*c.source).collect();
        assert_eq!(got, want, "{name}");
    }
}
