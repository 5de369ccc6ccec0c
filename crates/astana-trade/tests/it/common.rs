//! Test tables: the Kazakhstan scenario's flows (without bloc rows, which a bare flows
//! table does not take) as CSV, Parquet and a hive folder.

use astana_model::FlowRecord;
use datafusion::arrow::array::{ArrayRef, Float64Array, Int32Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The Kazakhstan scenario's flows.csv without its bloc rows.
pub(crate) fn kz_csv_text() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios/kazakhstan/flows.csv");
    let text = std::fs::read_to_string(path).expect("flows.csv");
    text.lines()
        .filter(|l| !l.contains(",EU27,") && !l.contains(",EAEU,"))
        .map(|l| format!("{l}\n"))
        .collect()
}

pub(crate) fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

/// The records of a CSV as read by the row reader.
pub(crate) fn records(csv: &Path) -> Vec<FlowRecord> {
    astana_scenario::load_flows(csv).expect("valid").0.flows
}

/// A batch of records in the contract's Parquet layout; `with_year` false for a hive file.
pub(crate) fn batch(rows: &[FlowRecord], with_year: bool) -> RecordBatch {
    let s = |f: &dyn Fn(&FlowRecord) -> String| -> ArrayRef {
        Arc::new(StringArray::from(rows.iter().map(f).collect::<Vec<_>>()))
    };
    let mut fields = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    if with_year {
        fields.push(Field::new("year", DataType::Int32, false));
        cols.push(Arc::new(Int32Array::from(
            rows.iter().map(|r| r.year).collect::<Vec<_>>(),
        )));
    }
    for (name, col) in [
        ("period", s(&|r| r.period.to_string())),
        ("reporter", s(&|r| r.reporter.to_string())),
        ("partner", s(&|r| r.partner.to_string())),
        ("flow", s(&|r| r.flow.as_str().to_string())),
    ] {
        fields.push(Field::new(name, DataType::Utf8, false));
        cols.push(col);
    }
    fields.push(Field::new("value_usd", DataType::Float64, false));
    cols.push(Arc::new(Float64Array::from(
        rows.iter().map(|r| r.value_usd).collect::<Vec<_>>(),
    )));
    for (name, col) in [
        (
            "estimate",
            s(&|r| {
                if r.estimate {
                    "yes".into()
                } else {
                    "no".into()
                }
            }),
        ),
        ("source", s(&|r| r.source.clone())),
        ("note", s(&|r| r.note.clone())),
    ] {
        fields.push(Field::new(name, DataType::Utf8, false));
        cols.push(col);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).expect("batch")
}

pub(crate) fn write_parquet(path: &Path, batch: &RecordBatch) {
    let f = std::fs::File::create(path).expect("create");
    let mut w = ArrowWriter::try_new(f, batch.schema(), None).expect("writer");
    w.write(batch).expect("write");
    w.close().expect("close");
}

/// `dir/year=YYYY/part-0.parquet`, one per year, without a year column.
pub(crate) fn write_hive(dir: &Path, rows: &[FlowRecord]) {
    let mut years: Vec<i32> = rows.iter().map(|r| r.year).collect();
    years.sort_unstable();
    years.dedup();
    for y in years {
        let part = dir.join(format!("year={y}"));
        std::fs::create_dir_all(&part).expect("mkdir");
        let these: Vec<FlowRecord> = rows.iter().filter(|r| r.year == y).cloned().collect();
        write_parquet(&part.join("part-0.parquet"), &batch(&these, false));
    }
}
