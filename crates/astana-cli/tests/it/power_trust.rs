//! `astana power` on hostile and misleading game files (issues 10.14, 11.5–11.8): located
//! errors with exit 2, short error output, costs estimated and said before the work.

use super::{astana, scratch, stderr, stdout};
use serde_json::Value;

/// Writes a game file into a scratch folder and returns its path.
fn game(name: &str, text: &str) -> String {
    let path = scratch("power-trust").join(name);
    std::fs::write(&path, text).expect("write game");
    path.to_string_lossy().into_owned()
}

/// The 500-player game of reproducer 12: weights 1..1000, quota half the total + 1.
fn players_500() -> String {
    let mut seed = 12_345u64;
    let w: Vec<u64> = (0..500)
        .map(|_| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            1 + (seed >> 33) % 1000
        })
        .collect();
    let mut text = format!(
        "name = \"random 500\"\nquota = {}\n",
        w.iter().sum::<u64>() / 2 + 1
    );
    for (i, x) in w.iter().enumerate() {
        text.push_str(&format!("[[player]]\nid = \"P{i}\"\nweight = {x}\n"));
    }
    game("p500.toml", &text)
}

#[test]
fn power_numeric_flags_are_validated() {
    let g = super::power_game("unsc.toml");
    for args in [
        vec!["power", &g, "--monte-carlo", "--samples", "0"],
        vec!["power", &g, "--monte-carlo", "--samples", "nan"],
        vec!["power", &g, "--monte-carlo", "--samples", "10000000000"],
        vec!["power", &g, "--monte-carlo", "--seed", "nan"],
        vec!["power", &g, "--monte-carlo", "--seed", "-1"],
    ] {
        let o = astana(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    let nan = game(
        "nan.toml",
        "quota = 1\n[[player]]\nid = \"A\"\nweight = nan\n",
    );
    let o = astana(&["power", &nan]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("nan.toml:4:1: weight `weight` of player `A`: `nan` is not a number"),
        "{}",
        stderr(&o)
    );
}

/// Invalid UTF-8 is located by line and column.
#[test]
fn power_invalid_utf8_names_its_line() {
    let path = scratch("power-trust").join("latin1.toml");
    std::fs::write(
        &path,
        b"quota = 1\n[[player]]\nid = \"Bj\xf6rk\"\nweight = 1\n",
    )
    .expect("write");
    let o = astana(&["power", &path.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("latin1.toml:3:9: not valid UTF-8"),
        "{}",
        stderr(&o)
    );
}

/// A misspelt weight used to count as 0 with exit 0.
#[test]
fn power_misspelt_weight_is_exit_2_with_did_you_mean() {
    let g = game(
        "typo.toml",
        "quota = 3\n[[player]]\nid = \"A\"\nweigth = 5\n[[player]]\nid = \"B\"\nweight = 3\n",
    );
    let o = astana(&["power", &g]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("typo.toml:4:1: `weigth` of player `A` is not a weight the rule uses"),
        "{e}"
    );
    assert!(e.contains("did you mean `weight`?"), "{e}");
}

/// Quota 0 printed all zeros (and meet in the middle 0 minimal winning coalitions where
/// enumeration said 1): now a located error for every method (reproducer 17).
#[test]
fn power_quota_zero_is_refused_by_every_method() {
    let g = game(
        "q0.toml",
        "quota = 0\n[[player]]\nid = \"P0\"\nweight = 0\n[[player]]\nid = \"P1\"\nweight = 0\n",
    );
    for m in ["enumeration", "meet-in-the-middle"] {
        let o = astana(&["power", &g, "--json", "--method", m]);
        assert_eq!(o.status.code(), Some(2), "{m}");
        assert!(stdout(&o).is_empty());
        assert!(
            stderr(&o).contains("q0.toml:1:9: every coalition wins, even the empty one"),
            "{}",
            stderr(&o)
        );
    }
}

/// A typed float weight equal to the quota makes a dictator (reproducer 14-a printed 0.5).
#[test]
fn power_float_literal_above_2_53_is_exact() {
    let g = game(
        "f.toml",
        "quota = 9007199254740993\n[[player]]\nid = \"A\"\nweight = 9007199254740993.0\n[[player]]\nid = \"B\"\nweight = 1\n",
    );
    let o = astana(&["power", &g, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["indices"]["shapley_shubik"]["A"]["exact"], "1");
    assert_eq!(v["indices"]["banzhaf"]["B"]["exact"], "0");
}

/// 470 errors each repeating a 17 KB line printed 11.8 MB (reproducer 09): now one error,
/// its snippet clipped.
#[test]
fn power_error_output_stays_small() {
    let rule: Vec<String> = (0..470)
        .map(|i| format!("(count >= {} or permanent >= {})", i % 20, i % 5))
        .collect();
    let g = game(
        "amp.toml",
        &format!(
            "rule = \"{}\"\n[[player]]\nid = \"A\"\n",
            rule.join(" and ")
        ),
    );
    let o = astana(&["power", &g]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("unknown weight `permanent` in the rule"), "{e}");
    assert!(e.len() < 1_000, "{} bytes", e.len());
}

/// Reproducer 12 ran 4 min 45 s and 5.36 GB (Shapley–Shubik twice, past the 3 GB guard).
/// Now the cost is estimated first: exact Shapley–Shubik is refused with the estimate
/// named and all three swing-based indices are computed in double precision, the method
/// and its error bound named (issue 14; before, Banzhaf alone was computed exactly);
/// `--exact --index shapley_shubik` fails with exit 1 and the flag that insists;
/// `--monte-carlo` still estimates.
#[test]
fn power_500_players_says_what_it_leaves_out() {
    let g = players_500();
    let o = astana(&["power", &g, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("127 players"), "{e}");
    assert!(
        e.contains("exact shapley_shubik by generating functions would take about"),
        "{e}"
    );
    assert!(
        e.contains(
            "computing in double precision instead (Gauss–Legendre, 250 nodes; every value within"
        ),
        "{e}"
    );
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["method"], "float");
    assert_eq!(v["algorithm"], "Gauss–Legendre, 250 nodes");
    let bound = v["max_abs_error"]["shapley_shubik"]
        .as_f64()
        .expect("bound");
    assert!(bound > 0.0 && bound < 1e-12, "{bound}");
    assert!(v["indices"]["shapley_shubik"]["P0"]["value"].is_f64());
    assert!(v["indices"]["banzhaf"]["P0"]["exact"].is_null());
    assert!(v["indices"].get("holler").is_none());

    let o = astana(&["power", &g, "--index", "shapley_shubik", "--exact"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--no-cost-limit"), "{}", stderr(&o));

    let o = astana(&[
        "power",
        &g,
        "--index",
        "shapley_shubik",
        "--monte-carlo",
        "--samples",
        "2000",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["method"], "monte-carlo");
}

/// A rule nested 7,000 deep overflowed the stack in `power`, `power compare`, `scenario
/// check` and `brief`; the reader now stops at 64 levels with a location.
#[test]
fn power_deep_rule_is_a_located_error_everywhere() {
    let g = game(
        "deep.toml",
        &format!(
            "rule = \"{}count >= 1{}\"\n[[player]]\nid = \"A\"\n",
            "(".repeat(7_000),
            ")".repeat(7_000)
        ),
    );
    for args in [
        vec!["power", &g],
        vec!["power", "compare", &g, "--player", "A"],
    ] {
        let o = astana(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        assert!(
            e.contains("deep.toml:1:73: the rule nests parentheses more than 64 deep"),
            "{e}"
        );
        assert!(e.len() < 1_000, "{} bytes", e.len());
    }
}
