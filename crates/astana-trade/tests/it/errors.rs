//! Located errors: every bad CSV row with its line and field; Parquet rows with their
//! index and field; unknown columns with a "did you mean".

use crate::common::*;
use astana_trade::{aggregate_blocking, By, Filter, Source, TradeError};
use datafusion::arrow::array::{ArrayRef, Float64Array, Int32Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use std::sync::Arc;

fn errors(src: &Source) -> String {
    match aggregate_blocking(src, &Filter::default(), By::Partner) {
        Err(TradeError::Input(d)) => d.list().to_string(),
        other => panic!("expected located errors, got {other:?}"),
    }
}

#[test]
fn csv_reports_every_bad_row_with_line_and_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let csv = write(
        dir.path(),
        "bad.csv",
        "year,reporter,partner,flow,value_usd,source\n\
         2022,KAZ,CHN,exports,100,s\n\
         2022,KAZ,XXX,exports,100,s\n\
         2022,KAZ,RUS,exports,-5,s\n\
         2022,KAZ,DEU,exports,1e400,s\n\
         2022,KAZ,CHN,exports,7,s\n",
    );
    let e = errors(&Source::Csv(csv));
    assert!(
        e.contains("bad.csv:3") && e.contains("unknown ISO3 code `XXX`"),
        "{e}"
    );
    assert!(
        e.contains("bad.csv:4") && e.contains("negative value `-5`"),
        "{e}"
    );
    assert!(
        e.contains("bad.csv:5") && e.contains("`1e400` is not a number"),
        "{e}"
    );
    assert!(
        e.contains("bad.csv:6") && e.contains("duplicate row"),
        "{e}"
    );
}

#[test]
fn parquet_reports_row_and_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let schema = Arc::new(Schema::new(vec![
        Field::new("year", DataType::Int32, true),
        Field::new("reporter", DataType::Utf8, true),
        Field::new("partner", DataType::Utf8, true),
        Field::new("flow", DataType::Utf8, true),
        Field::new("value_usd", DataType::Float64, true),
        Field::new("source", DataType::Utf8, true),
    ]));
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int32Array::from(vec![
            Some(2022),
            Some(2022),
            None,
            Some(2022),
            Some(2022),
        ])),
        Arc::new(StringArray::from(vec!["KAZ", "KAZ", "KAZ", "KAZ", "KAZ"])),
        Arc::new(StringArray::from(vec!["CHN", "RUS", "DEU", "ITA", "USA"])),
        Arc::new(StringArray::from(vec![
            "exports", "exports", "exports", "export", "exports",
        ])),
        Arc::new(Float64Array::from(vec![1.0, f64::NAN, 3.0, 4.0, 5.0])),
        Arc::new(StringArray::from(vec!["s", "s", "s", "s", ""])),
    ];
    let pq = dir.path().join("bad.parquet");
    write_parquet(&pq, &RecordBatch::try_new(schema, cols).expect("batch"));
    let e = errors(&Source::Parquet(pq));
    assert!(e.contains("row 1: `NaN` is not a number"), "{e}");
    assert!(
        e.contains("row 2: missing value") && e.contains("year"),
        "{e}"
    );
    assert!(e.contains("row 3: unknown flow `export`"), "{e}");
    assert!(e.contains("row 4: empty source"), "{e}");
    assert!(!e.contains("row 0"), "{e}");
}

#[test]
fn unknown_columns_get_a_did_you_mean() {
    let dir = tempfile::tempdir().expect("tmp");
    let csv = write(
        dir.path(),
        "c.csv",
        "year,reporter,partner,flow,value_usd,source,prodcut\n2022,KAZ,CHN,exports,1,s,27\n",
    );
    let e = errors(&Source::Csv(csv));
    assert!(
        e.contains("c.csv:1") && e.contains("unknown column `prodcut`"),
        "{e}"
    );
    assert!(e.contains("did you mean `product`?"), "{e}");
    let schema = Arc::new(Schema::new(vec![
        Field::new("year", DataType::Int32, true),
        Field::new("reporter", DataType::Utf8, true),
        Field::new("partner", DataType::Utf8, true),
        Field::new("flow", DataType::Utf8, true),
        Field::new("value", DataType::Float64, true),
        Field::new("source", DataType::Utf8, true),
    ]));
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int32Array::from(vec![2022])),
        Arc::new(StringArray::from(vec!["KAZ"])),
        Arc::new(StringArray::from(vec!["CHN"])),
        Arc::new(StringArray::from(vec!["exports"])),
        Arc::new(Float64Array::from(vec![1.0])),
        Arc::new(StringArray::from(vec!["s"])),
    ];
    let pq = dir.path().join("v.parquet");
    write_parquet(&pq, &RecordBatch::try_new(schema, cols).expect("batch"));
    let e = errors(&Source::Parquet(pq));
    assert!(
        e.contains("unknown column `value`") && e.contains("did you mean `value_usd`?"),
        "{e}"
    );
}
