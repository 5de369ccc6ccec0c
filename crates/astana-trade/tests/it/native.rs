//! The embedded run sums rows natively (`Grouping::Native`: the CSV and Parquet quick
//! paths, or per-partition maps over DataFusion's scan); a cluster runs DataFusion's own
//! aggregation (`Grouping::Plan`). Both must give the same cells, the same product groups
//! and the same errors, on tables with every feature the quick paths handle or hand over:
//! padded keys, empty periods and products, estimates, world rows, two sources, comments,
//! blank lines, CRLF, a quoted field, row groups of a few rows, plain-encoded Parquet, and
//! hive folders. Values are multiples of 1/4, so sums in any order are exact.

use crate::common::*;
use astana_trade::{
    aggregate_summed, aggregate_with, product_groups, session, By, Cell, Filter, Grouping, Source,
    TradeError,
};
use datafusion::arrow::array::{ArrayRef, Float64Array, Int32Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{Field, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::file::properties::WriterProperties;
use std::path::Path;
use std::sync::Arc;

const YEARS: std::ops::Range<i32> = 2000..2023;

/// A seeded table of valid rows (one figure per key): header and rows as fields.
fn table(seed: u64) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let mut x = seed;
    let mut next = move || {
        // xorshift64*
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33
    };
    let header = vec![
        "year",
        "period",
        "reporter",
        "partner",
        "flow",
        "product",
        "value_usd",
        "estimate",
        "source",
    ];
    let reporters = ["KAZ", "UZB", " TUR", "CHN "];
    let partners = ["RUS", "CHN", "DEU", "WLD", "USA", "TUR"];
    let products = ["", "2709", "7108", "1001", "7601", "2601", "8703"];
    let mut rows = Vec::new();
    for year in YEARS {
        for r in reporters {
            for p in partners.iter().filter(|p| !r.contains(**p)) {
                for flow in ["exports", "imports"] {
                    for product in products {
                        if next() % 10 < 3 {
                            continue;
                        }
                        let period = ["FY", ""][(next() % 2) as usize];
                        let value = format!(
                            "{}.{}",
                            next() % 1_000_000,
                            [0, 25, 5, 75][(next() % 4) as usize]
                        );
                        let estimate = ["yes", "no", ""][(next() % 3) as usize];
                        let source =
                            ["src-a", "a-source-longer-than-twelve"][(next() % 2) as usize];
                        rows.push(vec![
                            year.to_string(),
                            period.into(),
                            r.into(),
                            (*p).into(),
                            flow.into(),
                            product.into(),
                            value,
                            estimate.into(),
                            source.into(),
                        ]);
                    }
                }
            }
        }
    }
    (header, rows)
}

fn csv_text(header: &[&str], rows: &[Vec<String>], eol: &str) -> String {
    let mut s = header.join(",") + eol;
    for r in rows {
        s += &r.join(",");
        s += eol;
    }
    s
}

/// `rows` as a Parquet batch: `year` Int32, `value_usd` Float64, text otherwise (an
/// empty field a null).
fn batch_of(header: &[&str], rows: &[Vec<String>], with_year: bool) -> RecordBatch {
    let mut fields = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let a: ArrayRef = match *h {
            "year" if !with_year => continue,
            "year" => Arc::new(Int32Array::from(
                rows.iter()
                    .map(|r| r[i].parse::<i32>().expect("year"))
                    .collect::<Vec<_>>(),
            )),
            "value_usd" => Arc::new(Float64Array::from(
                rows.iter()
                    .map(|r| r[i].parse::<f64>().expect("value"))
                    .collect::<Vec<_>>(),
            )),
            _ => Arc::new(StringArray::from(
                rows.iter()
                    .map(|r| Some(r[i].as_str()).filter(|s| !s.is_empty()))
                    .collect::<Vec<_>>(),
            )),
        };
        fields.push(Field::new(*h, a.data_type().clone(), true));
        cols.push(a);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).expect("batch")
}

fn parquet(path: &Path, b: &RecordBatch, dictionary: bool) {
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(97))
        .set_dictionary_enabled(dictionary)
        .build();
    let f = std::fs::File::create(path).expect("create");
    let mut w = ArrowWriter::try_new(f, b.schema(), Some(props)).expect("writer");
    w.write(b).expect("write");
    w.close().expect("close");
}

fn brief(cells: &[Cell]) -> Vec<String> {
    cells.iter().map(|c| format!("{c:?}")).collect()
}

/// Plan and native on `src`: cells (or the error text) and product groups.
/// Cells (or the error text) and product groups, each as text.
type Answer = (Result<Vec<String>, String>, Vec<String>);

fn both(src: &Source, filter: &Filter, by: By) -> [Answer; 2] {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    [Grouping::Plan, Grouping::Native].map(|g| {
        let summed = rt.block_on(aggregate_summed(&session(), src, filter, by, g));
        let groups = match &summed {
            Ok(s) => s
                .product_groups()
                .iter()
                .map(|p| {
                    format!(
                        "{} {} {} {} {:?}",
                        p.year, p.period, p.reporter, p.flow, p.products
                    )
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let cells = rt.block_on(aggregate_with(&session(), src, filter, by, g));
        let cells = cells.map(|c| brief(&c)).map_err(|e| match e {
            TradeError::Input(d) => d.list().to_string(),
            e => e.to_string(),
        });
        // The product groups of the sums are those of the cells.
        if let (Ok(_), Ok(c)) = (
            &summed,
            rt.block_on(aggregate_with(&session(), src, filter, by, g)),
        ) {
            let of_cells: Vec<String> = product_groups(&c)
                .iter()
                .map(|p| {
                    format!(
                        "{} {} {} {} {:?}",
                        p.year, p.period, p.reporter, p.flow, p.products
                    )
                })
                .collect();
            assert_eq!(groups, of_cells, "{g:?} {by:?} {filter:?}");
        }
        (cells, groups)
    })
}

fn filters() -> Vec<Filter> {
    vec![
        Filter::default(),
        Filter {
            flow: Some("exports".into()),
            ..Filter::default()
        },
        Filter {
            flow: Some("exports".into()),
            period: Some("FY".into()),
            ..Filter::default()
        },
        Filter {
            reporter: Some("KAZ".into()),
            ..Filter::default()
        },
        Filter {
            year: Some(2020),
            world_totals_all_years: true,
            ..Filter::default()
        },
    ]
}

fn check(src: &Source) {
    for by in [By::Partner, By::Product, By::PartnerProduct] {
        for f in filters() {
            let [plan, native] = both(src, &f, by);
            assert_eq!(plan, native, "{src:?} {by:?} {f:?}");
            assert!(
                plan.0.as_ref().is_ok_and(|c| !c.is_empty()),
                "{src:?} {by:?} {f:?}: {:?}",
                plan.0
            );
        }
    }
}

#[test]
fn native_sums_equal_the_plans_on_csv() {
    let dir = tempfile::tempdir().expect("tmp");
    let (h, rows) = table(7);

    // Plain; CRLF with comments, blank lines and no final line break; one quoted field
    // (the quick path hands the file to the plan).
    let plain = write(dir.path(), "plain.csv", &csv_text(&h, &rows, "\n"));
    let mut messy = String::from("# a comment, with commas\r\n");
    messy += &csv_text(&h, &rows[..rows.len() / 2], "\r\n");
    messy += "\r\n# another\r\n\r\n";
    messy += csv_text(&h, &rows[rows.len() / 2..], "\r\n")
        .split_once("\r\n")
        .map(|(_, rest)| rest.trim_end())
        .unwrap_or_default();
    let messy = write(dir.path(), "messy.csv", &messy);
    let mut quoted = rows.clone();
    quoted[5][8] = "\"src-a\"".into();
    let quoted = write(dir.path(), "quoted.csv", &csv_text(&h, &quoted, "\n"));
    // The quick path cuts files into pieces of 64 KiB or more: these need several.
    assert!(std::fs::metadata(&plain).expect("size").len() > 4 * 65536);
    for p in [plain, messy, quoted] {
        check(&Source::Csv(p));
    }
}

#[test]
fn native_sums_equal_the_plans_on_parquet_and_hive_folders() {
    let dir = tempfile::tempdir().expect("tmp");
    let (h, rows) = table(11);
    let b = batch_of(&h, &rows, true);
    let dict = dir.path().join("dict.parquet");
    parquet(&dict, &b, true);
    let plain = dir.path().join("plain.parquet");
    parquet(&plain, &b, false);
    let hive = dir.path().join("hive");
    for y in YEARS {
        let these: Vec<Vec<String>> = rows
            .iter()
            .filter(|r| r[0] == y.to_string())
            .cloned()
            .collect();
        let part = hive.join(format!("year={y}"));
        std::fs::create_dir_all(&part).expect("mkdir");
        parquet(
            &part.join("part-0.parquet"),
            &batch_of(&h, &these, false),
            y % 2 == 0,
        );
    }
    check(&Source::Parquet(dict));
    check(&Source::Parquet(plain));
    check(&Source::Folder(hive));
}

#[test]
fn native_errors_equal_the_plans() {
    let dir = tempfile::tempdir().expect("tmp");
    let (h, rows) = table(3);
    // A negative value, a year out of range, a blank reporter, a bad estimate, a duplicate.
    let mut bad = rows.clone();
    bad[10][6] = "-5".into();
    bad[200][0] = "1800".into();
    bad[300][2] = String::new();
    bad[400][7] = "maybe".into();
    bad.push(bad[500].clone());
    let csv = write(dir.path(), "bad.csv", &csv_text(&h, &bad, "\n"));
    let pq = dir.path().join("bad.parquet");
    let mut typed_bad = bad.clone();
    typed_bad[200][0] = "1800".into();
    parquet(&pq, &batch_of(&h, &typed_bad, true), true);
    for src in [Source::Csv(csv), Source::Parquet(pq)] {
        for by in [By::Partner, By::Product] {
            let [plan, native] = both(&src, &Filter::default(), by);
            assert_eq!(plan, native, "{src:?} {by:?}");
            let err = plan.0.expect_err("invalid rows");
            assert!(err.contains("value_usd") && err.contains("year"), "{err}");
        }
    }
}
