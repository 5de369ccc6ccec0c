//! The importers on small files written here from the layouts documented in the README
//! ("Trade data at scale → Importers"), read back with DataFusion.

use astana_trade::import::{import, Format, ImportError, Options, Summary, Unit};
use datafusion::arrow::array::{Array, Float64Array, Int32Array, StringArray, StringViewArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::parquet::basic::Compression;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("astana-trade-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write input");
    p
}

/// The rows of `columns` in the table at `path` (a file or a hive folder), read back with
/// DataFusion (partition column `year` for a folder), as text lines, sorted.
fn query(path: &Path, columns: &[&str]) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let ctx = SessionContext::new();
        let mut opts = ParquetReadOptions::default();
        let mut url = path.to_str().expect("utf-8 path").to_string();
        if path.is_dir() {
            opts = opts.table_partition_cols(vec![("year".to_string(), DataType::Int32)]);
            url.push('/');
        }
        let df = ctx.read_parquet(url, opts).await.expect("read parquet");
        let batches = df
            .select_columns(columns)
            .expect("columns")
            .collect()
            .await
            .expect("run");
        let mut out = lines(&batches);
        out.sort();
        out
    })
}

fn lines(batches: &[RecordBatch]) -> Vec<String> {
    let mut out = Vec::new();
    for b in batches {
        for r in 0..b.num_rows() {
            let cells: Vec<String> = b
                .columns()
                .iter()
                .map(|c| {
                    if c.is_null(r) {
                        return "∅".to_string();
                    }
                    // DataFusion reads Parquet text as string views by default.
                    if let Some(s) = c.as_any().downcast_ref::<StringArray>() {
                        s.value(r).to_string()
                    } else if let Some(s) = c.as_any().downcast_ref::<StringViewArray>() {
                        s.value(r).to_string()
                    } else if let Some(f) = c.as_any().downcast_ref::<Float64Array>() {
                        format!("{:?}", f.value(r))
                    } else if let Some(i) = c.as_any().downcast_ref::<Int32Array>() {
                        i.value(r).to_string()
                    } else {
                        format!("{:?}", c.data_type())
                    }
                })
                .collect();
            out.push(cells.join(","));
        }
    }
    out
}

/// The Arrow schema of a Parquet file as `name:type` and its row groups and compression.
fn layout(file: &Path) -> (Vec<String>, usize, Compression) {
    let f = std::fs::File::open(file).expect("open parquet");
    let b = ParquetRecordBatchReaderBuilder::try_new(f).expect("parquet");
    let fields = b
        .schema()
        .fields()
        .iter()
        .map(|f| format!("{}:{}", f.name(), f.data_type()))
        .collect();
    let md = b.metadata();
    let compression = md.row_group(0).column(0).compression();
    (fields, md.num_row_groups(), compression)
}

fn ok(format: Format, input: &Path, out: &Path, opts: &Options) -> Summary {
    match import(format, input, out, opts) {
        Ok(s) => s,
        Err(e) => panic!("import failed: {e}"),
    }
}

fn input_error(format: Format, input: &Path, out: &Path, opts: &Options) -> String {
    match import(format, input, out, opts) {
        Err(e @ ImportError::Input(_)) => {
            assert_eq!(e.exit_code(), 2);
            e.to_string()
        }
        Err(e) => panic!("not an input error: {e}"),
        Ok(s) => panic!("imported {s:?}"),
    }
}

const BACI: &str = "t,i,j,k,v,q
2022,398,156,010121,1.234,NA
2022,398,842,10121,0.5,
2022,251,699,270900,1000,   12.5
2021,4,757,710812,0.001,1
";

#[test]
fn baci_leading_zeros_na_quantities_and_thousands() {
    let dir = scratch("baci");
    let input = write(&dir, "BACI_HS17_Y2022_V202501.csv", BACI);
    let out = dir.join("baci.parquet");
    let s = ok(Format::Baci, &input, &out, &Options::default());
    assert_eq!((s.records, s.rows), (4, 4));
    assert_eq!(s.source, "baci-hs17-v202501");
    assert_eq!(s.files, vec![out.clone()]);
    let (fields, groups, compression) = layout(&out);
    assert_eq!(
        fields,
        [
            "year:Int32",
            "period:Utf8",
            "reporter:Utf8",
            "partner:Utf8",
            "flow:Utf8",
            "product:Utf8",
            "value_usd:Float64",
            "quantity:Float64",
            "estimate:Utf8",
            "source:Utf8",
            "note:Utf8"
        ]
    );
    assert_eq!(groups, 1);
    assert!(matches!(compression, Compression::ZSTD(_)));
    let all = [
        "year",
        "period",
        "reporter",
        "partner",
        "flow",
        "product",
        "value_usd",
        "quantity",
        "estimate",
        "source",
        "note",
    ];
    let rows = query(&out, &all);
    assert_eq!(
        rows,
        [
            // M49 4 is Afghanistan; BACI's 757 is Switzerland (with Liechtenstein).
            "2021,FY,AFG,CHE,exports,710812,1.0,1.0,no,baci-hs17-v202501,∅",
            // The integer product 10121 is HS6 010121; 1.234 thousand is exactly 1234.
            "2022,FY,FRA,IND,exports,270900,1000000.0,12.5,no,baci-hs17-v202501,∅",
            "2022,FY,KAZ,CHN,exports,010121,1234.0,∅,no,baci-hs17-v202501,∅",
            "2022,FY,KAZ,USA,exports,010121,500.0,∅,no,baci-hs17-v202501,∅",
        ]
    );
}

#[test]
fn baci_both_writes_the_mirror_imports_rows_into_a_hive_folder() {
    let dir = scratch("baci-hive");
    let input = write(&dir, "b.csv", BACI);
    let out = dir.join("flows");
    let opts = Options {
        both: true,
        ..Options::default()
    };
    let s = ok(Format::Baci, &input, &out, &opts);
    assert_eq!((s.records, s.rows), (4, 8));
    assert_eq!(s.source, "baci");
    assert_eq!(
        s.files,
        [
            out.join("year=2021").join("part-0.parquet"),
            out.join("year=2022").join("part-0.parquet")
        ]
    );
    // Inside the folder the year is the folder's name, not a column.
    let (fields, _, _) = layout(&s.files[0]);
    assert_eq!(fields.first().map(String::as_str), Some("period:Utf8"));
    assert_eq!(fields.len(), 10);
    let mut rows = query(
        &out,
        &[
            "year",
            "product",
            "flow",
            "reporter",
            "partner",
            "value_usd",
        ],
    );
    rows.retain(|r| r.starts_with("2022,010121,"));
    assert_eq!(
        rows,
        [
            "2022,010121,exports,KAZ,CHN,1234.0",
            "2022,010121,exports,KAZ,USA,500.0",
            "2022,010121,imports,CHN,KAZ,1234.0",
            "2022,010121,imports,USA,KAZ,500.0",
        ]
    );
    // An existing output is refused without --force, replaced with it.
    let again = input_error(Format::Baci, &input, &out, &opts);
    assert!(again.contains("already exists"), "{again}");
    let forced = Options {
        force: true,
        ..Options::default()
    };
    assert_eq!(ok(Format::Baci, &input, &out, &forced).rows, 4);
}

#[test]
fn baci_errors_are_located_and_all_collected_and_nothing_is_written() {
    let dir = scratch("baci-bad");
    let input = write(
        &dir,
        "bad.csv",
        "t,i,j,k,v,q\n2022,398,156,010121,1,NA\n2022,398,999,010121,1,NA\n2022,398,156,12,1,NA\n2022,398,156,010121,-1,x\n1850,398,156,010121,inf,NA\n",
    );
    let out = dir.join("bad.parquet");
    let e = input_error(Format::Baci, &input, &out, &Options::default());
    let name = input.display().to_string();
    for want in [
        format!("{name}:3: field `j`: `999` is not a known BACI country code"),
        "hint: pass BACI's country_codes_V*.csv with --countries".to_string(),
        format!("{name}:4: field `k`: `12` is not an HS6 product code"),
        format!("{name}:5: field `v`: `-1` is negative"),
        format!("{name}:5: field `q`: `x` is not a number"),
        format!("{name}:6: field `t`: `1850` is not a year (1900..=2100)"),
        format!("{name}:6: field `v`: `inf` is not a finite number"),
        "6 errors".to_string(),
    ] {
        assert!(e.contains(&want), "missing {want:?} in:\n{e}");
    }
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&dir).expect("dir").collect();
    assert_eq!(leftovers.len(), 1, "only the input is left");
}

#[test]
fn baci_country_table_from_file_replaces_the_builtin_one() {
    let dir = scratch("baci-countries");
    let input = write(
        &dir,
        "b.csv",
        "t,i,j,k,v,q\n2022,398,999,010121,2,NA\n2022,398,490,010121,1,NA\n",
    );
    let countries = write(
        &dir,
        "country_codes_V202501.csv",
        "country_code,country_name,country_iso2,country_iso3\n398,Kazakhstan,KZ,KAZ\n999,Testland,TL,KGZ\n490,\"Other Asia, nes\",N/A,S19\n",
    );
    let opts = Options {
        countries: Some(countries),
        ..Options::default()
    };
    let e = input_error(Format::Baci, &input, &dir.join("o.parquet"), &opts);
    assert!(
        e.contains(":3: field `j`: `490` is not a known BACI country code")
            && e.contains("add it to the --countries file"),
        "{e}"
    );
    let input = write(&dir, "b2.csv", "t,i,j,k,v,q\n2022,398,999,010121,2,NA\n");
    let out = dir.join("o.parquet");
    ok(Format::Baci, &input, &out, &opts);
    assert_eq!(query(&out, &["reporter", "partner"]), ["KAZ,KGZ"]);
}

#[test]
fn baci_missing_columns_are_listed() {
    let dir = scratch("baci-head");
    let input = write(&dir, "b.csv", "year,i,j,product,v\n2022,398,156,010121,1\n");
    let e = input_error(
        Format::Baci,
        &input,
        &dir.join("o.parquet"),
        &Options::default(),
    );
    assert!(
        e.contains(":1: not a BACI (t,i,j,k,v,q) file: missing columns `t`, `k`"),
        "{e}"
    );
}

#[test]
fn comtrade_world_total_and_flows() {
    let dir = scratch("comtrade");
    // Tab separated, as the bulk download; a few of the columns Comtrade adds.
    let text = "typeCode\tfreqCode\trefYear\tperiod\treporterCode\treporterISO\tflowCode\tpartnerCode\tpartnerISO\tpartner2Code\tcmdCode\tmotCode\tcustomsCode\tnetWgt\tprimaryValue\tisAggregate
C\tA\t2022\t2022\t398\tKAZ\tX\t0\tW00\t0\tTOTAL\t0\tC00\t\t84400000000\tTrue
C\tA\t2022\t2022\t398\tKAZ\tX\t156\tCHN\t0\t2709\t0\tC00\t1500000\t12000000000.5\tTrue
C\tA\t2022\t2022\t398\tKAZ\tM\t643\tRUS\t0\tTOTAL\t0\tC00\t\t17400000000\tTrue
C\tA\t2022\t2022\t398\tKAZ\tRX\t643\tRUS\t0\tTOTAL\t0\tC00\t\t5\tTrue
C\tA\t2022\t2022\t398\tKAZ\tX\t156\tCHN\t0\t2709\t9\tC00\t\t7\tTrue
C\tA\t2022\t2022\t398\tKAZ\tX\t899\t_X\t0\tTOTAL\t0\tC00\t\t3\tTrue
C\tA\t2022\t2022\t398\tKAZ\tX\t490\tS19\t0\tTOTAL\t0\tC00\t\t2\tTrue
";
    let input = write(&dir, "TradeData.txt", text);
    let out = dir.join("c.parquet");
    let s = ok(Format::Comtrade, &input, &out, &Options::default());
    assert_eq!((s.records, s.rows, s.source.as_str()), (7, 4, "comtrade"));
    let skipped: Vec<String> = s.skipped.iter().map(|(k, v)| format!("{v} {k}")).collect();
    assert_eq!(
        skipped,
        [
            "1 flowCode RX (re-exports, already within X)",
            "1 motCode other than the total",
            "1 partnerISO _X (an area, not a country)"
        ]
    );
    let rows = query(
        &out,
        &[
            "flow",
            "partner",
            "year",
            "period",
            "reporter",
            "product",
            "value_usd",
            "quantity",
        ],
    );
    assert_eq!(
        rows,
        [
            "exports,CHN,2022,FY,KAZ,2709,12000000000.5,1500.0",
            "exports,TWN,2022,FY,KAZ,∅,2.0,∅",
            "exports,WLD,2022,FY,KAZ,∅,84400000000.0,∅",
            "imports,RUS,2022,FY,KAZ,∅,17400000000.0,∅",
        ]
    );
}

#[test]
fn comtrade_unknown_layout_and_bad_codes() {
    let dir = scratch("comtrade-bad");
    let input = write(
        &dir,
        "c.csv",
        "refYear,reporterISO,partnerISO,cmdCode,value\n2022,KAZ,CHN,TOTAL,1\n",
    );
    let e = input_error(
        Format::Comtrade,
        &input,
        &dir.join("o.parquet"),
        &Options::default(),
    );
    assert!(
        e.contains("not a UN Comtrade file: missing columns `flowCode`, `primaryValue`"),
        "{e}"
    );
    let input = write(
        &dir,
        "c2.csv",
        "refYear,reporterISO,partnerISO,flowCode,cmdCode,primaryValue\n2022,KAZ,CHX,X,TOTAL,1\n2022,KAZ,CHN,X,27.09,NaN\n",
    );
    let e = input_error(
        Format::Comtrade,
        &input,
        &dir.join("o.parquet"),
        &Options::default(),
    );
    for want in [
        ":2: field `partnerISO`: `CHX` is not an ISO 3166 alpha-3 country code; did you mean",
        ":3: field `cmdCode`: `27.09` is not an HS code (digits) or TOTAL",
        ":3: field `primaryValue`: `NaN` is not a finite number",
    ] {
        assert!(e.contains(want), "missing {want:?} in:\n{e}");
    }
}

#[test]
fn dots_long_layout_reads_the_unit_column() {
    let dir = scratch("dots");
    let text = "\"Country Name\",\"Country Code\",\"Counterpart Country Name\",\"Counterpart Country Code\",\"Indicator Name\",\"Indicator Code\",\"Unit Name\",\"Time Period\",\"Value\",\"Status\"
Kazakhstan,916,China,924,\"Goods, Value of Exports, Free on board (FOB), US Dollars\",TXG_FOB_USD,Millions,2022,13.25,
Kazakhstan,916,World,001,\"Goods, Value of Exports, Free on board (FOB), US Dollars\",TXG_FOB_USD,US Dollars,2022Q1,2500000,
Kazakhstan,KZ,Russia,RUS,\"Goods, Value of Imports, Cost, Insurance, Freight (CIF), US Dollars\",TMG_CIF_USD,Millions,2022M03,1.5,
Kazakhstan,916,China,924,\"Goods, Value of Trade Balance, US Dollars\",TBG_USD,Millions,2022,4,
Kazakhstan,916,China,924,\"Goods, Value of Exports, Free on board (FOB), US Dollars\",TXG_FOB_USD,Millions,2021,,
";
    let input = write(&dir, "DOT.csv", text);
    let out = dir.join("dots.parquet");
    let s = ok(Format::Dots, &input, &out, &Options::default());
    assert_eq!((s.records, s.rows, s.source.as_str()), (5, 3, "imf-dots"));
    let rows = query(
        &out,
        &[
            "flow",
            "partner",
            "year",
            "period",
            "reporter",
            "product",
            "value_usd",
        ],
    );
    assert_eq!(
        rows,
        [
            "exports,CHN,2022,FY,KAZ,∅,13250000.0",
            "exports,WLD,2022,Q1,KAZ,∅,2500000.0",
            "imports,RUS,2022,Mar-Mar,KAZ,∅,1500000.0",
        ]
    );
}

#[test]
fn dots_wide_layout_takes_the_unit_flag() {
    let dir = scratch("dots-wide");
    let text = "Country Name,Country Code,Indicator Name,Indicator Code,Counterpart Country Name,Counterpart Country Code,Attribute,2021,2022
Kazakhstan,916,Exports,TXG_FOB_USD,China,924,Value,10.5,13
Kazakhstan,916,Exports,TXG_FOB_USD,China,924,Status,,
Kazakhstan,916,Imports,TMG_CIF_USD,Georgia,915,Value,,0.25
";
    let input = write(&dir, "dots_wide.csv", text);
    let out = dir.join("w.parquet");
    let opts = Options {
        unit: Some(Unit::Millions),
        ..Options::default()
    };
    let s = ok(Format::Dots, &input, &out, &opts);
    assert_eq!(s.rows, 3);
    let rows = query(&out, &["flow", "year", "reporter", "partner", "value_usd"]);
    assert_eq!(
        rows,
        [
            "exports,2021,KAZ,CHN,10500000.0",
            "exports,2022,KAZ,CHN,13000000.0",
            "imports,2022,KAZ,GEO,250000.0",
        ]
    );
    // An IMF number outside the built-in table is an error that says how to map it.
    let bad = write(&dir, "bad.csv", &text.replace(",915,", ",746,"));
    let e = input_error(Format::Dots, &bad, &dir.join("b.parquet"), &opts);
    assert!(
        e.contains(
            ":4: field `Counterpart Country Code`: IMF code `746` is not in the built-in table"
        ),
        "{e}"
    );
}
