//! `astana corridor` under bad and hostile flags (issue 10, items 6–8; issue 11, classes
//! 4–5): every one ends at once with exit 2 and names the flag and its range, or exit 1
//! naming the overloaded place; countries crossed inside links are in the routes.

use super::{exit_code, json, stderr};

#[track_caller]
fn bad(args: &[&str], needle: &str) {
    let mut all = vec!["corridor"];
    all.extend_from_slice(args);
    let o = exit_code(&all, 2);
    let e = stderr(&o);
    assert!(e.contains(needle), "{args:?}: {e}");
}

#[test]
fn unknown_avoided_countries_exit_2_with_a_suggestion() {
    bad(
        &[
            "routes", "--from", "xian", "--to", "duisburg", "--avoid", "RSU",
        ],
        "did you mean ROU or RUS?",
    );
    bad(
        &[
            "routes", "--from", "xian", "--to", "duisburg", "--avoid", "RUS,XXX",
        ],
        "\"XXX\"",
    );
    bad(
        &[
            "bottleneck",
            "--from",
            "altynkol",
            "--to",
            "poti",
            "--avoid",
            "XXX",
        ],
        "\"XXX\"",
    );
}

#[test]
fn hostile_flags_exit_2_at_once() {
    let xd = ["--from", "xian", "--to", "duisburg"];
    let with = |head: &[&'static str], tail: &[&'static str]| -> Vec<&'static str> {
        let mut v = head.to_vec();
        v.extend_from_slice(&xd);
        v.extend_from_slice(tail);
        v
    };
    bad(
        &["bottleneck", "--from", "xian", "--to", "xian"],
        "same node",
    );
    bad(&with(&["routes"], &["--k", "100000"]), "--k 100000");
    bad(&with(&["routes"], &["--k", "0"]), "--k 0");
    bad(
        &with(&["routes"], &["--value-of-time", "NaN"]),
        "--value-of-time NaN",
    );
    bad(&with(&["assign", "--demand", "NaN"], &[]), "--demand NaN");
    bad(
        &with(&["assign", "--demand", "1e12"], &[]),
        "--demand 1000000000000",
    );
    bad(
        &with(&["assign", "--demand", "1000"], &["--theta", "nan"]),
        "--theta NaN",
    );
    bad(
        &with(&["assign", "--demand", "1000"], &["--theta=-1"]),
        "--theta -1",
    );
    bad(
        &["simulate", "--caspian-closure", "1.0"],
        "--caspian-closure 1",
    );
    bad(
        &["simulate", "--caspian-closure", "nan"],
        "--caspian-closure NaN",
    );
    bad(&["simulate", "--teu-per-train", "0"], "--teu-per-train 0");
    bad(&["simulate", "--demand", "1e12"], "--demand");
    bad(&["simulate", "--demand", "NaN"], "--demand NaN");
    bad(&["simulate", "--days", "4294967295"], "--days 4294967295");
    bad(
        &[
            "queue",
            "--servers",
            "1000000000",
            "--arrival-rate",
            "1",
            "--service-rate",
            "1",
        ],
        "from 1 to 10000",
    );
    bad(
        &[
            "queue",
            "--servers",
            "2",
            "--arrival-rate",
            "inf",
            "--service-rate",
            "1",
        ],
        "--arrival-rate inf",
    );
    bad(&["volumes", "--to", "2147483647"], "--to 2147483647");
    bad(
        &[
            "bottleneck",
            "--from",
            "altynkol",
            "--to",
            "poti",
            "--set",
            "L030.capacity=inf",
        ],
        "finite",
    );
}

#[test]
fn an_overloaded_simulation_exits_1_naming_the_place() {
    let o = exit_code(&["corridor", "simulate", "--demand", "1200000"], 1);
    let e = stderr(&o);
    assert!(
        e.contains("TEU/yr against a capacity of") && e.contains("ρ = "),
        "{e}"
    );
}

#[test]
fn routes_list_countries_crossed_inside_links() {
    let v = json(&[
        "corridor", "routes", "--from", "istanbul", "--to", "duisburg", "--k", "1", "--json",
    ]);
    let c: Vec<&str> = v["routes"][0]["countries"]
        .as_array()
        .expect("countries")
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    assert_eq!(c, ["TUR", "BGR", "SRB", "HUN", "AUT", "DEU"]);
    let v = json(&[
        "corridor",
        "routes",
        "--from",
        "zhanaozen",
        "--to",
        "tehran",
        "--avoid",
        "TKM",
        "--json",
    ]);
    for r in v["routes"].as_array().expect("routes") {
        assert!(
            !r["countries"]
                .as_array()
                .expect("countries")
                .iter()
                .any(|c| c == "TKM"),
            "{r}"
        );
    }
}

/// The same seed gives the same simulation, to the last bit, in every process (a link's
/// utilisation once summed its sailings in hash-map order, which changes per process).
#[test]
fn a_seeded_simulation_is_the_same_in_every_process() {
    let args = [
        "corridor", "simulate", "--days", "60", "--seed", "4", "--json",
    ];
    let first = super::stdout(&super::astana(&args));
    for _ in 0..5 {
        assert!(
            super::stdout(&super::astana(&args)) == first,
            "a run differed"
        );
    }
}
