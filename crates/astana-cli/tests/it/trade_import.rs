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

/// An import killed mid-way (SIGKILL: no clean-up can run) never leaves a partial table at
/// `--out`: rows go to `OUT.partial-PID` and only a finished import renames it. The kill
/// waits until that file holds a written row group, so it lands mid-write, not before the
/// first row or after the rename. A second import then writes the whole table.
#[test]
fn a_killed_import_leaves_no_output_and_the_next_one_completes() {
    let dir = scratch("trade-import-kill");
    let input = dir.join("big.csv");
    // 2 million rows: the first row group (10^6 rows) is written half-way, and the rest
    // takes a debug build seconds, so the kill lands while it writes.
    let mut text = String::from("t,i,j,k,v,q\n");
    let countries = ["398", "156", "643", "860", "792", "276"];
    for n in 0..2_000_000u32 {
        let i = countries[(n % 6) as usize];
        let j = countries[((n / 6 + 1 + n % 6) % 6) as usize];
        let j = if j == i {
            countries[((n % 6) as usize + 1) % 6]
        } else {
            j
        };
        text += &format!(
            "{},{i},{j},{},{}.5,NA\n",
            2000 + n % 20,
            10_000 + n % 5_000,
            n % 997
        );
    }
    std::fs::write(&input, text).expect("write");
    let out = dir.join("t.parquet");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_astana"))
        .args(["trade", "import", "baci"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let partial = dir.join(format!("t.parquet.partial-{}", child.id()));
    // Until the first row group is written the file holds only its 4-byte magic number.
    let started = std::time::Instant::now();
    while std::fs::metadata(&partial).map_or(0, |m| m.len()) <= 4 {
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the import finished before it could be killed: make the input larger"
        );
        assert!(
            started.elapsed().as_secs() < 300,
            "no partial output after 300 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    assert!(!out.exists(), "a killed import left {}", out.display());
    assert!(
        partial.exists(),
        "the partial file is where the kill left it"
    );
    // The next import is not confused by the leftover and writes the whole table.
    let o = out.to_str().expect("path");
    let v = json(&[
        "trade",
        "import",
        "baci",
        input.to_str().expect("path"),
        "--out",
        o,
        "--json",
    ]);
    assert_eq!(v["records"], 2_000_000);
    assert!(out.is_file());
    let _ = std::fs::remove_dir_all(&dir); // 56 MB of input
}
