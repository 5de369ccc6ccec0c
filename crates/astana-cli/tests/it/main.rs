//! End-to-end tests of the `astana` binary: help texts (snapshotted), JSON output shapes,
//! and the documented exit codes (0 success, 1 computation failed, 2 bad usage or input).

mod balance_columnar;
mod balance_trust;
mod brief_date;
// Needs the `cluster` build feature (CI enables it: .ci/run).
#[cfg(feature = "cluster")]
mod cluster;
mod cluster_feature;
mod corridor_trust;
mod forum_io;
mod forum_solve;
mod hostile;
mod mediate_trust;
mod mediation_kill;
mod negforum_limits;
mod output;
mod power_float;
mod power_trust;
mod query_equality;
mod reference;
mod scenario_forum_check;
mod scenario_init;
mod serve_crash;
mod serve_equality;
mod trade_import;
mod turkiye;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A scratch directory for this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("astana-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// `astana ARGS`, run in a scratch directory so no relative path finds anything by
/// accident, with a fixed terminal width and no reference directory from the environment.
fn astana_cmd(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_astana"));
    cmd.args(args)
        .current_dir(scratch("cwd"))
        .env("COLUMNS", "100")
        .env_remove("ASTANA_REFERENCE_DIR");
    cmd
}

fn astana(args: &[&str]) -> Output {
    astana_cmd(args).output().expect("run astana")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `args`, expects exit 0 and stdout that is exactly one JSON document.
fn json(args: &[&str]) -> Value {
    let o = astana(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    // `from_slice` rejects anything but whitespace after the document.
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not one JSON document: {e}\n{}",
            stdout(&o)
        )
    })
}

#[track_caller]
fn exit_code(args: &[&str], want: i32) -> Output {
    let o = astana(args);
    assert_eq!(
        o.status.code(),
        Some(want),
        "{args:?}\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    o
}

fn number(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("`{key}` is not a number: {}", v[key]))
}

// ---------------------------------------------------------------------------------------
// Help texts

#[test]
fn help_texts() {
    for (name, args) in [
        ("help", &["--help"][..]),
        ("balance_help", &["balance", "--help"][..]),
        (
            "balance_alignment_help",
            &["balance", "alignment", "--help"][..],
        ),
        ("scenario_check_help", &["scenario", "check", "--help"][..]),
        ("mediate_help", &["mediate", "--help"][..]),
        ("mediate_run_help", &["mediate", "run", "--help"][..]),
        ("corridor_help", &["corridor", "--help"][..]),
        (
            "corridor_routes_help",
            &["corridor", "routes", "--help"][..],
        ),
    ] {
        let o = exit_code(args, 0);
        assert!(o.stderr.is_empty(), "{name}: {}", stderr(&o));
        insta::assert_snapshot!(name, stdout(&o));
    }
}

// ---------------------------------------------------------------------------------------
// JSON output

#[test]
fn balance_json_shape() {
    let v = json(&["balance", "--reporter", "KAZ", "--year", "2023", "--json"]);
    assert_eq!(v["reporter"], "KAZ");
    assert_eq!(v["year"], 2023);
    let total = number(&v, "total");
    assert!(total > 0.0);
    for key in [
        "hhi",
        "hhi_normalized",
        "unctad",
        "entropy",
        "effective_partners",
        "cr3",
    ] {
        number(&v, key);
    }
    let hhi = number(&v, "hhi");
    assert!((0.0..=1.0).contains(&hhi));

    let partners = v["partners"].as_array().expect("partners array");
    assert!(partners.len() >= 2);
    for p in partners {
        assert!(p["id"].is_string(), "{p}");
        number(p, "value");
        number(p, "share");
    }
    let (last, named) = partners.split_last().expect("non-empty");
    // 2023 has an (estimated) world total larger than the named partners: the residual
    // ROW row comes last, the named partners before it by value, largest first.
    assert_eq!(last["id"], "ROW");
    assert_eq!(last["residual"], true);
    assert!(named.iter().all(|p| p["residual"] == false));
    let values: Vec<f64> = named.iter().map(|p| number(p, "value")).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    assert_eq!(named[0]["id"], "CHN");
    let share_sum: f64 = partners.iter().map(|p| number(p, "share")).sum();
    assert!((share_sum - 1.0).abs() < 1e-9);
    let value_sum: f64 = partners.iter().map(|p| number(p, "value")).sum();
    assert!((value_sum - total).abs() < 1.0);

    let blocs = v["blocs"].as_object().expect("blocs object");
    assert!(blocs["partners"].as_array().is_some_and(|a| !a.is_empty()));
    number(&v["blocs"], "hhi");
    // No negative zero anywhere in the bloc totals.
    for t in v["bloc_totals"].as_array().expect("bloc_totals") {
        assert!(number(t, "members_value").is_sign_positive(), "{}", t["id"]);
    }
}

#[test]
fn balance_shock_json() {
    let v = json(&["balance", "--shock", "CHN=-0.5,RUS=-1", "--json"]);
    let shock = v["shock"].as_object().expect("shock object");
    let shocked = shock["shocked"].as_array().expect("shocked");
    let ids: Vec<&str> = shocked.iter().filter_map(|p| p["id"].as_str()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&"CHN") && ids.contains(&"RUS"));
    let lost = number(&v["shock"], "lost");
    let before = number(&v["shock"], "total_before");
    let after = number(&v["shock"], "total_after");
    assert!((before - after - lost).abs() < 1.0);
    assert!((before - number(&v, "total")).abs() < 1.0);
    number(&v["shock"]["after"], "hhi");
}

#[test]
fn balance_trend_json() {
    let v = json(&["balance", "--trend", "--json"]);
    let points = v["points"].as_array().expect("points");
    let years: Vec<i64> = points.iter().filter_map(|p| p["year"].as_i64()).collect();
    assert!(years.contains(&2022) && years.contains(&2023), "{years:?}");
    for p in points {
        number(p, "hhi");
    }
}

#[test]
fn balance_alignment_json() {
    // Without roll-call data (no reference dir, nothing at ../shared from the scratch cwd)
    // the command falls back to the scenario's derived table and says so on stderr only.
    let o = exit_code(&["balance", "alignment", "--json"], 0);
    let v: Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert!(stderr(&o).contains("alignment.csv"), "{}", stderr(&o));
    assert_eq!(v["data"], "the scenario's alignment.csv");
    let chn = &v["partners"]["CHN"];
    let share = number(chn, "identical_share");
    let index = number(chn, "agreement_index");
    assert!(0.0 < share && share <= index && index <= 1.0);
    assert!(chn["roll_calls"].as_u64().is_some_and(|n| n > 0));
    let by_year = chn["by_year"].as_object().expect("by_year object");
    assert_eq!(by_year.len(), 13, "2007..=2019");
    assert_eq!(v["ranking"][0], "CHN");

    // With the raw roll calls (when the reference folder is present) the numbers agree.
    let Some(reference) = reference::reference_dir() else {
        return;
    };
    let o = astana_cmd(&["balance", "alignment", "--json"])
        .env("ASTANA_REFERENCE_DIR", &reference)
        .output()
        .expect("run astana");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let raw: Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert!(raw["data"]
        .as_str()
        .is_some_and(|d| d.starts_with("roll-call data")));
    assert_eq!(raw["partners"], v["partners"]);
    assert_eq!(raw["ranking"], v["ranking"]);
}

#[test]
fn scenario_check_json_of_embedded() {
    let v = json(&["scenario", "check", "--json"]);
    assert_eq!(v["ok"], true);
    assert_eq!(v["errors"], 0);
}

// ---------------------------------------------------------------------------------------
// Exit codes

#[test]
fn scenario_check_of_broken_fixture_lists_every_error() {
    let dir = workspace_root().join("crates/astana-scenario/tests/fixtures/many_errors");
    let dir = dir.to_str().expect("UTF-8 path");
    let o = exit_code(&["scenario", "check", dir], 2);
    let out = stdout(&o);
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 8, "{out}");
    for place in [
        "scenario.toml:18:26: field `blocs.EU27.members`",
        "sources.csv:3: field `url`",
        "flows.csv:2: field `partner`",
        "flows.csv:4: field `value_usd`",
        "flows.csv:5: field `source`",
        "flows.csv:7: field `period`",
        "memberships.csv:3: field `iso3`",
        "alignment.csv:3: field `identical`",
    ] {
        assert!(
            errors.iter().any(|l| l.contains(place)),
            "missing `{place}` in:\n{out}"
        );
    }
    assert!(out.trim_end().ends_with("8 errors, 0 warnings"), "{out}");
    insta::assert_snapshot!("scenario_check_many_errors", out.replace(dir, "[DIR]"));

    // The JSON form has the same problems, and still exits 2.
    let o = exit_code(&["scenario", "check", dir, "--json"], 2);
    let v: Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"], 8);
    assert_eq!(v["problems"].as_array().map(Vec::len), Some(8));
}

#[test]
fn valid_fixture_checks_ok() {
    let dir = workspace_root().join("crates/astana-scenario/tests/fixtures/valid");
    let o = exit_code(&["scenario", "check", dir.to_str().expect("UTF-8")], 0);
    assert!(stdout(&o).contains(": ok"), "{}", stdout(&o));
}

#[test]
fn unknown_shock_target_is_bad_input() {
    let o = exit_code(&["balance", "--shock", "XXX=-0.5"], 2);
    assert!(o.stdout.is_empty(), "nothing on stdout on failure");
    assert!(stderr(&o).contains("XXX"));
}

#[test]
fn shock_below_minus_one_is_bad_input() {
    let o = exit_code(&["balance", "--shock", "CHN=-2"], 2);
    assert!(stderr(&o).contains("below -1"), "{}", stderr(&o));
}

#[test]
fn malformed_shock_is_bad_input() {
    exit_code(&["balance", "--shock", "CHN"], 2);
}

#[test]
fn year_without_data_is_a_computation_failure() {
    let o = exit_code(&["balance", "--year", "1990"], 1);
    assert!(stderr(&o).contains("years with data"), "{}", stderr(&o));
    // The JSON flag does not change the exit code or print a partial document.
    let o = exit_code(&["balance", "--year", "1990", "--json"], 1);
    assert!(o.stdout.is_empty());
}

#[test]
fn unknown_subcommand_is_bad_usage() {
    exit_code(&["frobnicate"], 2);
    exit_code(&["balance", "frobnicate"], 2);
    exit_code(&["scenario", "frobnicate"], 2);
}

#[test]
fn bad_reporter_and_period_are_bad_input() {
    exit_code(&["balance", "--reporter", "XXX"], 2);
    exit_code(&["balance", "--period", "Q5"], 2);
}

#[test]
fn bare_flows_file_with_reporter() {
    let dir = scratch("flows");
    let path = dir.join("flows.csv");
    std::fs::write(
        &path,
        "year,reporter,partner,flow,value_usd,source\n\
         2023,KAZ,CHN,turnover,31400000000,BNS\n\
         2023,KAZ,RUS,turnover,26000000000,BNS\n\
         2023,KAZ,ITA,turnover,16100000000,BNS\n\
         2023,KAZ,WLD,turnover,135900000000,BNS\n",
    )
    .expect("write flows");
    let flows = path.to_str().expect("UTF-8");
    let v = json(&[
        "balance",
        "--flows",
        flows,
        "--reporter",
        "KAZ",
        "--year",
        "2023",
        "--json",
    ]);
    let partners = v["partners"].as_array().expect("partners");
    let ids: Vec<&str> = partners.iter().filter_map(|p| p["id"].as_str()).collect();
    assert_eq!(ids, ["CHN", "RUS", "ITA", "ROW"]);
    assert!((number(&v, "total") - 135.9e9).abs() < 1.0);
    // Text output works too.
    let o = exit_code(
        &[
            "balance",
            "--flows",
            flows,
            "--reporter",
            "KAZ",
            "--year",
            "2023",
        ],
        0,
    );
    assert!(stdout(&o).contains("China (CHN)"));
    // A bare file has no focal country: --reporter is required.
    let o = exit_code(&["balance", "--flows", flows, "--year", "2023"], 2);
    assert!(stderr(&o).contains("--reporter"), "{}", stderr(&o));
    // A broken bare file is bad input, with the line in the message.
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "year,reporter,partner,flow,value_usd,source\n2023,KAZ,CHN,turnover,lots,BNS\n",
    )
    .expect("write bad flows");
    let o = exit_code(
        &[
            "balance",
            "--flows",
            bad.to_str().expect("UTF-8"),
            "--reporter",
            "KAZ",
        ],
        2,
    );
    assert!(
        stderr(&o).contains(":2: field `value_usd`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn json_flag_prints_only_json() {
    for args in [
        &["balance", "--json"][..],
        &["balance", "--dependence", "--json"][..],
        &["balance", "--mirror", "--json"][..],
        &["balance", "--flow", "exports", "--year", "2022", "--json"][..],
        &["balance", "--trend", "--mirror", "--json"][..],
    ] {
        let v = json(args);
        assert!(v.is_object(), "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------
// astana power

fn power_game(name: &str) -> String {
    format!(
        "{}/../../data/scenarios/kazakhstan/power/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn power_json_follows_the_contract() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_astana"))
        .args(["power", &power_game("unsc.toml"), "--json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v["game"], "UN Security Council");
    assert_eq!(v["method"], "exact");
    assert_eq!(v["players"].as_array().map(Vec::len), Some(15));
    let ss = &v["indices"]["shapley_shubik"]["CHN"];
    assert_eq!(ss["exact"], "421/2145");
    assert!((ss["value"].as_f64().unwrap_or(0.0) - 0.196_270_396_27).abs() < 1e-9);
    for ix in [
        "banzhaf",
        "banzhaf_absolute",
        "johnston",
        "deegan_packel",
        "holler",
    ] {
        assert!(v["indices"][ix]["E01"]["exact"].is_string(), "{ix}");
    }
}

#[test]
fn power_errors_have_exit_codes() {
    let dir = std::env::temp_dir().join(format!("astana-power-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "rule = \"seats >= 2 and votes >= 1\"\n[[player]]\nid = \"A\"\nvotes = -1\n",
    )
    .expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_astana"))
        .args(["power", bad.to_str().unwrap_or_default()])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown weight `seats`") && err.contains("`-1` is negative"),
        "{err}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_astana"))
        .args(["power", &power_game("unsc.toml"), "--index", "nonsense"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn power_compare_lines_up_rules() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_astana"))
        .args([
            "power",
            "compare",
            &power_game("unsc.toml"),
            &power_game("unsc-g4-2005-q14.toml"),
            "--player",
            "E*",
            "--json",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        v["games"][0]["indices"]["shapley_shubik"]["exact"],
        "4/2145"
    );
    assert_eq!(v["games"][1]["players"], 25);
}

// ---------------------------------------------------------------------------------------
// mediate

fn trans_caspian() -> String {
    workspace_root()
        .join("data/scenarios/kazakhstan/negotiation/trans-caspian.toml")
        .display()
        .to_string()
}

/// The analysis contract: outcome count, frontier of utility vectors, and each settlement
/// with `outcome` (issue → value) and `utilities` in party order.
#[test]
fn mediate_analyze_json_contract() {
    let file = trans_caspian();
    let v = json(&["mediate", "analyze", "--domain", &file, "--json"]);
    assert_eq!(number(&v, "outcomes"), 720.0);
    assert_eq!(number(&v, "rational_outcomes"), 417.0);
    let pareto = v["pareto"].as_array().expect("pareto");
    assert_eq!(pareto.len(), 53);
    assert!(pareto
        .iter()
        .all(|p| p.as_array().is_some_and(|u| u.len() == 3)));
    for key in ["nash", "kalai_smorodinsky", "egalitarian", "max_welfare"] {
        let s = &v[key];
        assert_eq!(s["utilities"].as_array().map(Vec::len), Some(3), "{key}");
        assert_eq!(s["outcome"].as_object().map(|o| o.len()), Some(5), "{key}");
    }
    assert_eq!(v["nash"]["outcome"]["through_tariff"], "USD 1,800/FEU");
    assert_eq!(v["nash"]["utilities"][0].as_f64(), Some(0.695));
}

/// A mediated single text converges on the Nash point; alternating offers report the
/// agreement, its round, efficiency and distance to Nash.
#[test]
fn mediate_run_json() {
    let file = trans_caspian();
    let v = json(&[
        "mediate",
        "run",
        "--domain",
        &file,
        "--protocol",
        "single-text",
        "--json",
    ]);
    let steps = v["steps"].as_array().expect("steps");
    assert!(steps.len() >= 2);
    assert_eq!(number(&v, "distance_to_nash"), 0.0);
    assert_eq!(v["agreement"], v["nash"]["outcome"]);
    let v = json(&[
        "mediate",
        "run",
        "--domain",
        &file,
        "--agents",
        "boulware,conceder,linear",
        "--json",
    ]);
    assert!(v["agreement"].is_object(), "{v}");
    assert!(v["pareto_efficient"].is_boolean());
    assert!(number(&v, "distance_to_nash") >= 0.0);
}

#[test]
fn mediate_bad_input_exits_2_with_located_errors() {
    let dir = scratch("mediate-bad");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"x\"\n[[issue]]\nname = \"a\"\nvalues = [\"p\", \"p\"]\n",
    )
    .expect("write");
    let o = exit_code(
        &[
            "mediate",
            "analyze",
            "--domain",
            bad.to_str().expect("path"),
        ],
        2,
    );
    let e = stderr(&o);
    assert!(e.contains("bad.toml:4:"), "{e}");
    assert!(e.contains("value \"p\" appears twice"), "{e}");
    assert!(e.contains("at least two [[party]] tables"), "{e}");
    let file = trans_caspian();
    let o = exit_code(
        &[
            "mediate",
            "run",
            "--domain",
            &file,
            "--agents",
            "boulware,bogus",
        ],
        2,
    );
    assert!(stderr(&o).contains("unknown agent"), "{}", stderr(&o));
    exit_code(
        &["mediate", "run", "--domain", &file, "--agents", "boulware"],
        2,
    );
    exit_code(&["mediate", "analyze", "--domain", "missing.xml"], 2);
}

// ---------------------------------------------------------------------------------------
// corridor

/// The routes contract: `from`, `to`, `by`, and per route `rank`, `corridor`, `days`, `km`,
/// `cost_usd_feu`, `countries`, `transshipments` and `legs`.
#[test]
fn corridor_routes_json_contract() {
    let v = json(&[
        "corridor", "routes", "--from", "Xi'an", "--to", "duisburg", "--k", "3", "--json",
    ]);
    assert_eq!(v["from"], "XIAN");
    assert_eq!(v["to"], "DUISBURG");
    assert_eq!(v["by"], "time");
    let routes = v["routes"].as_array().expect("routes");
    assert_eq!(routes.len(), 3);
    for (i, r) in routes.iter().enumerate() {
        assert_eq!(r["rank"].as_u64(), Some(i as u64 + 1));
        for key in ["days", "km", "cost_usd_feu"] {
            assert!(number(r, key) > 0.0, "{key}");
        }
        assert!(r["countries"].as_array().is_some_and(|c| c.len() >= 2));
        assert!(r["transshipments"].is_u64());
        let legs = r["legs"].as_array().expect("legs");
        assert!(legs
            .iter()
            .all(|l| l["mode"].is_string() && l["hours"].is_f64()));
        assert!([
            "northern",
            "middle-caspian",
            "middle-turkiye",
            "southern",
            "sea-suez",
            "sea-cape",
            "other"
        ]
        .contains(&r["corridor"].as_str().unwrap_or("")));
    }
    // Avoiding Russia and Belarus leaves no Northern route.
    let v = json(&[
        "corridor", "routes", "--from", "XIAN", "--to", "DUISBURG", "--avoid", "RUS,BLR", "--json",
    ]);
    assert!(v["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .all(|r| r["corridor"] != "northern"));
}

#[test]
fn corridor_commands_run_with_json() {
    let v = json(&[
        "corridor",
        "bottleneck",
        "--from",
        "Altynkol",
        "--to",
        "Poti",
        "--corridor",
        "middle-caspian",
        "--set",
        "L030.capacity=150000",
        "--json",
    ]);
    assert!(number(&v, "max_flow_teu_year") > 0.0);
    assert!(number(&v["investment"], "gain_teu_year") > 0.0);
    let v = json(&[
        "corridor", "assign", "--demand", "100000", "--from", "xian", "--to", "duisburg",
        "--avoid", "RUS", "--json",
    ]);
    let shares: f64 = v["assignment"]["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .map(|r| number(r, "share"))
        .sum();
    assert!((shares - 1.0).abs() < 1e-9, "{shares}");
    let v = json(&[
        "corridor", "simulate", "--days", "60", "--from", "xian", "--to", "duisburg", "--json",
    ]);
    let c = v["corridors"].as_object().expect("corridors");
    assert!(!c.is_empty());
    for s in c.values() {
        assert!(number(s, "p95_days") >= number(s, "p50_days"));
    }
    assert!(v["nodes"]
        .as_object()
        .is_some_and(|n| n.values().all(|x| x["utilisation"].is_f64())));
    let v = json(&[
        "corridor",
        "queue",
        "--servers",
        "2",
        "--arrival-rate",
        "1.6",
        "--service-rate",
        "1",
        "--customers",
        "200000",
        "--json",
    ]);
    for key in [
        "utilisation",
        "mean_wait_hours",
        "erlang_c_mean_wait_hours",
        "relative_error",
        "ci95_hours",
    ] {
        assert!(v[key].is_f64(), "{key}");
    }
    let v = json(&["corridor", "volumes", "--json"]);
    assert!(v["series"].as_array().is_some_and(|s| s.len() >= 5));
}

#[test]
fn corridor_bad_names_exit_2_with_candidates() {
    let o = exit_code(
        &["corridor", "routes", "--from", "Al", "--to", "Duisburg"],
        2,
    );
    let e = stderr(&o);
    assert!(
        e.contains("ambiguous") && e.contains("ALMATY") && e.contains("ALTYNKOL"),
        "{e}"
    );
    let o = exit_code(
        &[
            "corridor", "routes", "--from", "Atlantis", "--to", "Duisburg",
        ],
        2,
    );
    assert!(stderr(&o).contains("no node is called"), "{}", stderr(&o));
    exit_code(
        &[
            "corridor",
            "routes",
            "--from",
            "xian",
            "--to",
            "duisburg",
            "--corridor",
            "arctic",
        ],
        2,
    );
    exit_code(
        &[
            "corridor",
            "bottleneck",
            "--from",
            "xian",
            "--to",
            "poti",
            "--set",
            "L999.capacity=5",
        ],
        2,
    );
}

// ---------------------------------------------------------------------------------------
// forum

fn example_forum() -> String {
    workspace_root()
        .join("data/scenarios/kazakhstan/forum")
        .display()
        .to_string()
}

/// The schedule contract, calendars written, the checker accepting the schedule and
/// rejecting a broken one, and re-planning.
#[test]
fn forum_schedule_check_replan() {
    let dir = example_forum();
    let out = scratch("forum-out");
    let v = json(&[
        "forum",
        "schedule",
        &dir,
        "--seconds",
        "1",
        "--json",
        "--out",
        out.to_str().expect("path"),
    ]);
    for key in [
        "objective",
        "upper_bound",
        "gap",
        "scheduled",
        "requests",
        "panels_placed",
    ] {
        assert!(v[key].is_number(), "{key}");
    }
    assert!(number(&v, "objective") <= number(&v, "upper_bound"));
    for key in ["assignments", "panel_assignments", "unscheduled"] {
        assert!(v[key].is_array(), "{key}");
    }
    let a = &v["assignments"][0];
    for key in ["request", "day", "slot", "room"] {
        assert!(!a[key].is_null(), "{key}");
    }
    assert!(out.join("calendars/KAZ-P.ics").is_file());
    assert!(out.join("rooms/B1.csv").is_file());
    let schedule = out.join("schedule.json");
    let sched = schedule.to_str().expect("path");
    let v = json(&["forum", "check", &dir, sched, "--json"]);
    assert_eq!(v["feasible"], true);
    // A meeting moved onto another in the same room is caught, exit 1.
    let mut broken: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schedule).expect("schedule")).expect("json");
    let first = broken["assignments"][0].clone();
    broken["assignments"][1]["day"] = first["day"].clone();
    broken["assignments"][1]["slot"] = first["slot"].clone();
    broken["assignments"][1]["room"] = first["room"].clone();
    let bad = out.join("broken.json");
    std::fs::write(&bad, broken.to_string()).expect("write");
    let o = exit_code(&["forum", "check", &dir, bad.to_str().expect("path")], 1);
    assert!(stdout(&o).contains("double-booked"), "{}", stdout(&o));
    // Re-plan after a cancellation and a late arrival.
    let changes = out.join("changes.csv");
    std::fs::write(
        &changes,
        "change,id,value\ncancel_request,R03,\narrive,USA-DS,0:6\n",
    )
    .expect("write");
    let v = json(&[
        "forum",
        "replan",
        &dir,
        sched,
        "--change",
        changes.to_str().expect("path"),
        "--json",
    ]);
    assert!(v["kept"].as_u64().is_some_and(|k| k > 0));
    assert!(v["moved"].is_u64() && v["dropped"].is_u64());
}

#[test]
fn forum_generate_then_schedule() {
    let dir = scratch("forum-gen");
    let d = dir.to_str().expect("path");
    exit_code(
        &[
            "forum",
            "generate",
            d,
            "--participants",
            "300",
            "--requests",
            "1000",
            "--panels",
            "10",
            "--days",
            "2",
            "--slots-per-day",
            "8",
            "--bilateral-rooms",
            "8",
            "--halls",
            "2",
            "--seed",
            "5",
        ],
        0,
    );
    let v = json(&["forum", "schedule", d, "--seconds", "0.5", "--json"]);
    assert_eq!(number(&v, "requests"), 1000.0);
    assert!(number(&v, "scheduled") > 0.0);
}

#[test]
fn forum_bad_files_exit_2_with_lines() {
    let dir = scratch("forum-bad");
    for (name, text) in [
        ("forum.toml", "name = \"x\"\ntimezone = \"Asia/Almaty\"\ndays = [\"2025-13-01\"]\nslots = [\"9:00\"]\nslot_minutes = 30\n"),
        ("rooms.csv", "id,name,kind,capacity\nB1,Room,bilateral,4\n"),
        ("participants.csv", "id,name,delegation,role,priority,arrives,departs\nA,A,D,r,1,0:0,0:0\n"),
        ("requests.csv", "id,participants,priority,slots\nR1,A;B,2,1\n"),
        ("panels.csv", "id,title,speakers,slots,audience\n"),
    ] {
        std::fs::write(dir.join(name), text).expect("write");
    }
    let o = exit_code(&["forum", "schedule", dir.to_str().expect("path")], 2);
    let e = stderr(&o);
    assert!(e.contains("`2025-13-01` is not an ISO date"), "{e}");
    assert!(e.contains("`9:00` is not a time HH:MM"), "{e}");
    assert!(e.contains("requests.csv:2"), "{e}");
    assert!(e.contains("unknown participant `B`"), "{e}");
}
