//! `balance --flows` through the columnar engine: the same JSON from a CSV, a Parquet file
//! and a hive folder; Parquet errors located by row and field.

use super::*;
use datafusion::arrow::array::{ArrayRef, Float64Array, Int32Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use std::sync::Arc;

/// The Kazakhstan scenario's flows.csv without its bloc rows (a bare table takes none).
fn kz_rows() -> Vec<Vec<String>> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios/kazakhstan/flows.csv");
    let mut r = csv::Reader::from_path(path).expect("flows.csv");
    r.records()
        .map(|x| x.expect("row").iter().map(String::from).collect::<Vec<_>>())
        .filter(|x| x[3] != "EU27" && x[3] != "EAEU")
        .collect()
}

const HEAD: [&str; 9] = [
    "year",
    "period",
    "reporter",
    "partner",
    "flow",
    "value_usd",
    "estimate",
    "source",
    "note",
];

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).expect("csv");
    w.write_record(HEAD).expect("head");
    for r in rows {
        w.write_record(r).expect("row");
    }
    w.flush().expect("flush");
}

fn write_parquet(path: &Path, rows: &[Vec<String>], with_year: bool) {
    let mut fields = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    for (i, h) in HEAD.iter().enumerate() {
        match *h {
            "year" if !with_year => continue,
            "year" => {
                fields.push(Field::new("year", DataType::Int32, false));
                cols.push(Arc::new(Int32Array::from(
                    rows.iter()
                        .map(|r| r[i].parse::<i32>().expect("year"))
                        .collect::<Vec<_>>(),
                )));
            }
            "value_usd" => {
                fields.push(Field::new(*h, DataType::Float64, false));
                cols.push(Arc::new(Float64Array::from(
                    rows.iter()
                        .map(|r| r[i].parse::<f64>().expect("value"))
                        .collect::<Vec<_>>(),
                )));
            }
            _ => {
                fields.push(Field::new(*h, DataType::Utf8, false));
                cols.push(Arc::new(StringArray::from(
                    rows.iter().map(|r| r[i].clone()).collect::<Vec<_>>(),
                )));
            }
        }
    }
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).expect("batch");
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(path).expect("create"),
        batch.schema(),
        None,
    )
    .expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
}

#[test]
fn balance_json_is_the_same_from_csv_parquet_and_hive_folder() {
    let dir = scratch("columnar-same");
    let rows = kz_rows();
    let csv = dir.join("flows.csv");
    write_csv(&csv, &rows);
    let pq = dir.join("flows.parquet");
    write_parquet(&pq, &rows, true);
    let hive = dir.join("hive");
    let mut years: Vec<&String> = rows.iter().map(|r| &r[0]).collect();
    years.sort();
    years.dedup();
    for y in years {
        let part = hive.join(format!("year={y}"));
        std::fs::create_dir_all(&part).expect("mkdir");
        let these: Vec<Vec<String>> = rows.iter().filter(|r| &r[0] == y).cloned().collect();
        write_parquet(&part.join("part-0.parquet"), &these, false);
    }
    let views: [&[&str]; 6] = [
        &["--reporter", "KAZ", "--year", "2023"],
        &[
            "--reporter",
            "KAZ",
            "--year",
            "2022",
            "--flow",
            "exports",
            "--shock",
            "CHN=-0.5",
        ],
        &["--reporter", "KAZ", "--year", "2023", "--dependence"],
        &["--reporter", "KAZ", "--trend"],
        &["--all", "--flow", "turnover"],
        &["--reporter", "KAZ", "--year", "2023", "--mirror"],
    ];
    for v in views {
        let run = |p: &Path| {
            let p = p.display().to_string();
            let mut args = vec!["balance", "--flows", p.as_str(), "--json"];
            args.extend_from_slice(v);
            json(&args)
        };
        let want = run(&csv);
        assert!(want.to_string().contains("KAZ"), "{want}");
        assert_eq!(run(&pq), want, "{v:?} parquet");
        assert_eq!(run(&hive), want, "{v:?} hive");
    }
    // A year without data: the error lists the years of the whole table, filter or not.
    let e = |p: &Path| {
        let p = p.display().to_string();
        stderr(&exit_code(
            &[
                "balance",
                "--flows",
                &p,
                "--reporter",
                "KAZ",
                "--year",
                "1990",
            ],
            // No data for the year is a computation failure, as on the row reader.
            1,
        ))
    };
    let want = e(&csv);
    assert!(want.contains("years with data"), "{want}");
    assert_eq!(
        e(&hive).replace(&hive.display().to_string(), "X"),
        want.replace(&csv.display().to_string(), "X")
    );
}

#[test]
fn parquet_errors_name_file_row_and_field() {
    let dir = scratch("columnar-errors");
    let mut rows = kz_rows();
    rows[3][5] = "-1".into();
    rows[7][4] = "exprots".into();
    let pq = dir.join("bad.parquet");
    write_parquet(&pq, &rows, true);
    let o = exit_code(
        &[
            "balance",
            "--flows",
            &pq.display().to_string(),
            "--reporter",
            "KAZ",
        ],
        2,
    );
    let e = stderr(&o);
    assert!(
        e.contains("bad.parquet") && e.contains("row 3: negative value `-1`"),
        "{e}"
    );
    assert!(e.contains("row 7: unknown flow `exprots`"), "{e}");
    let x = dir.join("flows.txt");
    std::fs::write(&x, "x").expect("write");
    let e = stderr(&exit_code(
        &["balance", "--flows", &x.display().to_string()],
        2,
    ));
    assert!(
        e.contains("flows.txt") && e.contains("a .parquet file"),
        "{e}"
    );
}

#[test]
fn by_product_measures_each_reporter_year_from_the_summed_products() {
    let dir = scratch("columnar-product");
    let csv = dir.join("products.csv");
    // KAZ: 50/30/15/5 over four HS4 lines (2709 split over two partners, one of them 0);
    // by hand in a universe of 10: H = 0.365, Theil = ln 2.5 + 0.244174 = 1.160465.
    std::fs::write(
        &csv,
        "year,period,reporter,partner,flow,product,value_usd,source\n\
         2022,FY,KAZ,CHN,exports,2709,40,t\n2022,FY,KAZ,ITA,exports,2709,10,t\n\
         2022,FY,KAZ,ITA,exports,2710,0,t\n2022,FY,KAZ,CHN,exports,7403,30,t\n\
         2022,FY,KAZ,RUS,exports,1001,15,t\n2022,FY,KAZ,RUS,exports,2601,5,t\n\
         2022,FY,UZB,RUS,exports,2601,5,t\n2022,FY,KAZ,CHN,imports,8703,99,t\n",
    )
    .expect("write");
    let p = csv.display().to_string();
    let one = json(&[
        "balance",
        "--flows",
        &p,
        "--by",
        "product",
        "--reporter",
        "KAZ",
        "--flow",
        "exports",
        "--n",
        "10",
        "--json",
    ]);
    assert_eq!(one["products_active"], 4);
    assert_eq!(one["universe"], 10);
    // Exports are the default flow of the product view (turnover is the partner view's).
    let default_flow = json(&[
        "balance",
        "--flows",
        &p,
        "--by",
        "product",
        "--reporter",
        "KAZ",
        "--n",
        "10",
        "--json",
    ]);
    assert_eq!(default_flow, one);
    assert!(
        (one["hhi"].as_f64().expect("hhi") - 0.365).abs() < 1e-12,
        "{one}"
    );
    let t = &one["theil"];
    let total = t["total"].as_f64().expect("total");
    assert!((total - 1.160465).abs() < 1e-6, "{one}");
    assert!(
        (t["between"].as_f64().expect("b") - 2.5f64.ln()).abs() < 1e-12,
        "{one}"
    );
    assert_eq!(one["top"][0]["product"], "2709");
    let all = json(&[
        "balance", "--flows", &p, "--by", "product", "--all", "--flow", "exports", "--json",
    ]);
    let r = all["results"].as_array().expect("results");
    assert_eq!(r.len(), 2, "{all}");
    assert_eq!(
        (r[0]["reporter"].clone(), r[1]["reporter"].clone()),
        ("KAZ".into(), "UZB".into())
    );
    // HS4 codes: the universe is the 1,228 headings unless --n gives it.
    assert_eq!(r[0]["universe"], 1228);
    // Turnover has no product rows here: a computation failure that says so.
    let e = stderr(&exit_code(
        &[
            "balance",
            "--flows",
            &p,
            "--by",
            "product",
            "--reporter",
            "KAZ",
            "--flow",
            "turnover",
        ],
        1,
    ));
    assert!(e.contains("no product rows for KAZ (turnover, FY)"), "{e}");
}
