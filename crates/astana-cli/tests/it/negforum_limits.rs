//! Issue 14, items 3 and 4 at the command line: `mediate analyze` counts the rational
//! outcomes of a 10⁹-outcome domain exactly (the count was null past 2·10⁸ outcomes), and
//! `forum schedule --work` gives the same schedule whatever the time cap, saying which limit
//! ended the search.

use super::{example_forum, exit_code, json, scratch, stdout};

/// Nine issues of ten values; party a scores the value index v, party b 9 − v, with
/// weights 1/9: u_a ≈ Σv / 81 and u_b ≈ Σ(9 − v) / 81. Rational (0.5 and 0.3) means
/// 41 ≤ Σv ≤ 56, far from any rounding.
fn billion_toml() -> String {
    let mut t = String::from("name = \"billion\"\n");
    let issues: Vec<String> = (0..9).map(|j| format!("i{j}")).collect();
    for i in &issues {
        t += &format!("\n[[issue]]\nname = \"{i}\"\nvalues = [\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]\n");
    }
    for (id, r, up) in [("a", 0.5, true), ("b", 0.3, false)] {
        let w: Vec<String> = issues
            .iter()
            .map(|i| format!("{i} = 0.1111111111111111"))
            .collect();
        t += &format!(
            "\n[[party]]\nid = \"{id}\"\nreservation = {r}\nweights = {{ {} }}\n[party.evaluations]\n",
            w.join(", ")
        );
        for i in &issues {
            let ev: Vec<String> = (0..10)
                .map(|v| (if up { v } else { 9 - v }).to_string())
                .collect();
            t += &format!("{i} = [{}]\n", ev.join(", "));
        }
    }
    t
}

#[test]
fn mediate_counts_a_billion_outcomes_exactly() {
    let dir = scratch("negforum-billion");
    let path = dir.join("billion.toml");
    std::fs::write(&path, billion_toml()).expect("write");
    // Nine-digit strings by digit sum.
    let mut by_sum = vec![1u64];
    for _ in 0..9 {
        let mut next = vec![0u64; by_sum.len() + 9];
        for (s, &c) in by_sum.iter().enumerate() {
            for v in 0..10 {
                next[s + v] += c;
            }
        }
        by_sum = next;
    }
    let expected: u64 = by_sum[41..=56].iter().sum();
    let v = json(&[
        "mediate",
        "analyze",
        "--domain",
        path.to_str().expect("path"),
        "--json",
    ]);
    assert_eq!(v["outcomes"], 1_000_000_000u64);
    assert_eq!(v["method"], "frontier");
    assert_eq!(v["rational_outcomes"], expected);
    assert!(
        v["nash"]["ties"].as_u64().is_some_and(|t| t > 0),
        "{}",
        v["nash"]
    );
    let text = stdout(&exit_code(
        &[
            "mediate",
            "analyze",
            "--domain",
            path.to_str().expect("path"),
        ],
        0,
    ));
    assert!(
        text.contains(&format!("1000000000 outcomes, {expected} rational")),
        "{text}"
    );
}

#[test]
fn forum_work_budget_gives_the_same_schedule_under_any_time_cap() {
    let dir = example_forum();
    let run = |seconds: &str| {
        exit_code(
            &[
                "forum",
                "schedule",
                &dir,
                "--work",
                "3",
                "--seconds",
                seconds,
                "--json",
            ],
            0,
        )
        .stdout
    };
    let (a, b) = (run("600"), run("86400"));
    assert_eq!(a, b, "byte-identical documents");
    let v: serde_json::Value = serde_json::from_slice(&a).expect("JSON");
    assert_eq!(v["stopped_by"], "work budget");
    assert_eq!(v["reproducible"], true);
    assert_eq!(v["work"], 3);
    // The default: the example forum ends at a local optimum, and the text says so.
    let text = stdout(&exit_code(&["forum", "schedule", &dir], 0));
    assert!(
        text.contains("search              ended at a local optimum after")
            && text
                .contains("(reproducible: the same seed and --work give this schedule anywhere)"),
        "{text}"
    );
    // A time cap of 0 ends the search before any work: said, and not reproducible.
    let v = json(&["forum", "schedule", &dir, "--seconds", "0", "--json"]);
    assert_eq!(v["stopped_by"], "time cap");
    assert_eq!(v["reproducible"], false);
    // The budget is a count: not a number is a usage error.
    exit_code(&["forum", "schedule", &dir, "--work", "lots"], 2);
}
