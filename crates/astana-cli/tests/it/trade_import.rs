//! `astana trade import`: exit codes, located errors, the summary, and the result read by
//! nothing but the file system here (the library's tests read the Parquet back).

use super::{exit_code, json, scratch, stderr, stdout};

#[test]
fn trade_import_baci_writes_parquet_and_reports_located_errors() {
    let dir = scratch("trade-import");
    let good = dir.join("BACI_HS22_Y2023_V202501.csv");
    std::fs::write(
        &good,
        "t,i,j,k,v,q\n2023,398,156,10121,1.5,NA\n2023,398,643,270900,2,  3\n",
    )
    .expect("write");
    let out = dir.join("b.parquet");
    let (g, o) = (good.to_str().expect("path"), out.to_str().expect("path"));
    let v = json(&["trade", "import", "baci", g, "--out", o, "--both", "--json"]);
    assert_eq!(v["records"], 2);
    assert_eq!(v["rows"], 4);
    assert_eq!(v["source"], "baci-hs22-v202501");
    assert_eq!(v["files"][0], o);
    assert!(out.is_file());
    // The output exists now: exit 2 without --force, text summary with it.
    let again = exit_code(&["trade", "import", "baci", g, "--out", o], 2);
    assert!(
        stderr(&again).contains("the output already exists"),
        "{}",
        stderr(&again)
    );
    let forced = exit_code(&["trade", "import", "baci", g, "--out", o, "--force"], 0);
    assert!(
        stdout(&forced).contains("2 records → 2 flow rows (source `baci-hs22-v202501`) in 1 file"),
        "{}",
        stdout(&forced)
    );

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "t,i,j,k,v,q\n2023,398,156,010121,1,NA\n2023,398,1000,010121,NA,NA\n",
    )
    .expect("write");
    let b = bad.to_str().expect("path");
    let out2 = dir.join("bad.parquet");
    let e = exit_code(
        &[
            "trade",
            "import",
            "baci",
            b,
            "--out",
            out2.to_str().expect("path"),
        ],
        2,
    );
    let err = stderr(&e);
    assert!(
        err.contains(&format!(
            "{b}:3: field `j`: `1000` is not a known BACI country code"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{b}:3: field `v`: `NA` is not a number")),
        "{err}"
    );
    assert!(err.contains("2 errors"), "{err}");
    assert!(!out2.exists());
}

#[test]
fn trade_import_flags_of_other_formats_are_refused() {
    let dir = scratch("trade-import-flags");
    let f = dir.join("x.csv");
    std::fs::write(&f, "a\n").expect("write");
    let f = f.to_str().expect("path");
    let e = exit_code(
        &[
            "trade",
            "import",
            "comtrade",
            f,
            "--out",
            "o.parquet",
            "--both",
        ],
        2,
    );
    assert!(
        stderr(&e).contains("--both applies to BACI only"),
        "{}",
        stderr(&e)
    );
    let e = exit_code(
        &[
            "trade",
            "import",
            "baci",
            f,
            "--out",
            "o.parquet",
            "--unit",
            "millions",
        ],
        2,
    );
    assert!(
        stderr(&e).contains("--unit applies to DOTS only"),
        "{}",
        stderr(&e)
    );
    let e = exit_code(&["trade", "import", "comtrade", f, "--out", "o.parquet"], 2);
    assert!(
        stderr(&e).contains("not a UN Comtrade file: missing columns"),
        "{}",
        stderr(&e)
    );
}
