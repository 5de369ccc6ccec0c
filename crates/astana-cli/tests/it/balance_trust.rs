//! `astana balance` and `astana brief`: every figure true or labelled (issue 10, items
//! 1–5) and bad numeric input located (issue 11, classes 5 and 8, balance part).

use super::{astana, astana_cmd, exit_code, json, scratch, stderr, stdout};
use serde_json::Value;

/// 10.1: years and views without a world total say so in text and JSON; no share of
/// the named partners is presented as a share of the country's trade.
#[test]
fn no_world_total_is_labelled_in_text_and_json() {
    for args in [
        &["balance", "--year", "2024"][..],
        &["balance", "--year", "2021"][..],
        &["balance", "--flow", "exports"][..],
        &["balance", "--mirror"][..],
    ] {
        let o = exit_code(args, 0);
        let out = stdout(&o);
        assert!(out.contains("No world total"), "{args:?}\n{out}");
        assert!(out.contains("share of named"), "{args:?}\n{out}");
        assert!(
            out.contains("Among the named partners only"),
            "{args:?}\n{out}"
        );
        assert!(!out.contains("highly concentrated"), "{args:?}\n{out}");
        let mut with_json = args.to_vec();
        with_json.push("--json");
        let v = json(&with_json);
        assert_eq!(v["coverage"], "unknown", "{args:?}");
        assert_eq!(v["share_basis"], "named_partners", "{args:?}");
        assert!(v["band"].is_null() && v["bounds"].is_null(), "{args:?}");
    }
    let out = stdout(&exit_code(&["balance", "--year", "2024"], 0));
    assert!(
        out.contains("Years with a world turnover total for KAZ: 2022, 2023"),
        "{out}"
    );
}

/// 10.1: the brief does not headline a year without a total.
#[test]
fn brief_does_not_headline_a_year_without_a_total() {
    let dir = scratch("brief-2024");
    let html = dir.join("b.html");
    let o = exit_code(
        &[
            "brief",
            "--year",
            "2024",
            "--out",
            html.to_str().expect("UTF-8"),
        ],
        0,
    );
    let out = stdout(&o);
    assert!(out.contains("2024: no world turnover total"), "{out}");
    assert!(!out.contains("largest partner"), "{out}");
    let page = std::fs::read_to_string(&html).expect("brief written");
    assert!(page.contains("no world turnover total for 2024"));
    assert!(!page.contains("share of Kazakhstan trade turnover, 2024"));
    // No partner concentration card; the product panel (latest full year, 2022) has its own.
    assert!(!page.contains(r#"<div class="cap">HHI points ("#));
    assert!(page.contains(r#"<div class="cap">product HHI points, 2022: a bound"#));
}

/// 10.3 and 10.4: 2023 has a remainder of 34.1%: both ends of HHI, the band, CR3 and the
/// shock; normalised indices on N = 248 economies and within [0, 1].
#[test]
fn bounds_both_ways_in_text_and_json() {
    let out = stdout(&exit_code(&["balance", "--year", "2023"], 0));
    assert!(
        out.contains(
            "HHI 0.1093–0.2254 = 1093–2254 points, unconcentrated to moderately concentrated"
        ),
        "{out}"
    );
    assert!(
        out.contains("N = 248: economies in the ISO 3166 list"),
        "{out}"
    );
    assert!(out.contains("CR3 54.1%–76.4%"), "{out}");
    assert!(
        !out.contains("-0.0695") && !out.contains("-0.1325"),
        "{out}"
    );
    let v = json(&["balance", "--year", "2023", "--json"]);
    let hn = &v["bounds"]["hhi_normalized"];
    let (lo, hi) = (hn["min"].as_f64(), hn["max"].as_f64());
    assert!(
        lo.zip(hi)
            .is_some_and(|(lo, hi)| 0.0 < lo && lo < hi && hi < 1.0),
        "{hn}"
    );
    assert_eq!(v["bounds"]["band"]["min"], "unconcentrated");
    assert_eq!(v["bounds"]["band"]["max"], "moderately_concentrated");
    assert!(v["band"].is_null());
    let out = stdout(&exit_code(
        &["balance", "--year", "2023", "--shock", "CHN=-0.5,RUS=-1"],
        0,
    ));
    assert!(out.contains("HHI 0.1093–0.2254 → 0.0679–0.3095"), "{out}");
}

/// 10.4: `--n 200` is the N shown; n = 0 or below the partners is bad input.
#[test]
fn n_is_reported_as_given_and_validated() {
    let out = stdout(&exit_code(&["balance", "--year", "2023", "--n", "200"], 0));
    assert!(out.contains("(N = 200 (--n))"), "{out}");
    let v = json(&["balance", "--year", "2023", "--n", "200", "--json"]);
    assert_eq!(v["n"], 200);
    assert_eq!(v["n_basis"], "given");
    let o = exit_code(&["balance", "--n", "0"], 2);
    assert!(stderr(&o).contains("--n 0"), "{}", stderr(&o));
    let o = exit_code(&["balance", "--year", "2023", "--n", "3"], 2);
    assert!(stderr(&o).contains("use at least 7"), "{}", stderr(&o));
}

fn flows_file(name: &str, body: &str) -> String {
    let path = scratch("balance-trust").join(name);
    std::fs::write(
        &path,
        format!("year,reporter,partner,flow,value_usd,source\n{body}"),
    )
    .expect("write flows");
    path.to_str().expect("UTF-8").to_string()
}

/// 10.2: a partner with one side only is kept and named; a year whose rows are all
/// one-sided is analysed, not "no data".
#[test]
fn one_sided_turnover_partners_are_kept_and_named() {
    let f = flows_file(
        "one-sided.csv",
        "2023,KAZ,CHN,exports,14700000000,x\n2023,KAZ,RUS,imports,16000000000,x\n",
    );
    let o = exit_code(
        &[
            "balance",
            "--flows",
            &f,
            "--reporter",
            "KAZ",
            "--year",
            "2023",
        ],
        0,
    );
    let out = stdout(&o);
    assert!(
        out.contains("China (CHN)") && out.contains("Russia (RUS)"),
        "{out}"
    );
    assert!(out.contains("(imports unknown: a lower bound)"), "{out}");
    let note = out
        .lines()
        .find(|l| l.contains("known on one side only"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        note.contains("CHN (imports unknown)") && note.contains("RUS (exports unknown)"),
        "{out}"
    );
}

/// 11.8: values near the largest double are located errors (file, row, field), not
/// HHI 0, $inf and NaN with exit 0.
#[test]
fn huge_values_are_located_errors() {
    let f = flows_file(
        "huge.csv",
        "2023,KAZ,CHN,turnover,1e308,x\n2023,KAZ,RUS,turnover,1.7e308,x\n",
    );
    let o = exit_code(
        &[
            "balance",
            "--flows",
            &f,
            "--reporter",
            "KAZ",
            "--year",
            "2023",
        ],
        2,
    );
    let e = stderr(&o);
    assert!(e.contains("huge.csv:2: field `value_usd`"), "{e}");
    assert!(e.contains("huge.csv:3: field `value_usd`"), "{e}");
    assert!(o.stdout.is_empty());
}

/// 11.5: shock values must be finite numbers in range.
#[test]
fn shock_values_are_validated() {
    for spec in ["CHN=NaN", "CHN=inf", "CHN=1e400", "CHN=-0.5,CHN=-1"] {
        let o = exit_code(&["balance", "--shock", spec], 2);
        assert!(stderr(&o).contains("--shock"), "{spec}: {}", stderr(&o));
    }
    let o = exit_code(&["balance", "--shock", "CNH=-0.5"], 2);
    assert!(stderr(&o).contains("did you mean CHN"), "{}", stderr(&o));
}

/// 10.5: UN alignment with no roll calls is "no data" with the data's last year, exit 1
/// when nothing at all is found.
#[test]
fn alignment_without_data_says_no_data() {
    // The scenario's table (no reference folder from the scratch directory).
    let o = exit_code(&["balance", "alignment", "--with", "IND"], 1);
    let e = stderr(&o);
    assert!(e.contains("no data") && e.contains("IND"), "{e}");
    assert!(e.contains("last year is 2019"), "{e}");
    assert!(o.stdout.is_empty());
    let o = exit_code(
        &[
            "balance",
            "alignment",
            "--from",
            "2021",
            "--to",
            "2023",
            "--json",
        ],
        1,
    );
    assert!(stderr(&o).contains("last year is 2019"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    // Some partners with data, one without: exit 0, the missing one says "no data".
    let o = exit_code(&["balance", "alignment", "--with", "CHN,IND"], 0);
    let out = stdout(&o);
    let ind = out
        .lines()
        .find(|l| l.contains("India"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(ind.contains("no data") && !ind.contains("0.0%"), "{out}");
    let o = astana(&["balance", "alignment", "--with", "CHN,IND", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert!(v["partners"]["IND"]["identical_share"].is_null());
    assert_eq!(v["no_data"][0], "IND");
    assert_eq!(v["data_to"], 2019);
    // A period running past the data's end says where it ends.
    let o = astana_cmd(&["balance", "alignment", "--from", "2015", "--to", "2022"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("the data ends in 2019"),
        "{}",
        stdout(&o)
    );
}
