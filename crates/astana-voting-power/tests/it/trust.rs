//! Every number true or labelled, and hostile game files refused with a located error
//! (issues 10.14, 10.15, 11.3, 11.6, 11.7, 11.8).

use super::{playable, reference_dir};
use astana_voting_power::{
    compute, compute_opts, compute_with, Game, GameErrors, Index, Limits, Method, Options,
    PowerError,
};
use std::sync::atomic::{AtomicU64, Ordering};

fn errors(text: &str) -> String {
    Game::from_toml("g.toml", text)
        .expect_err("should be refused")
        .to_string()
}

/// A misspelt weight no longer counts as 0: it is located, with the likely name.
#[test]
fn misspelt_weight_is_a_located_error_with_did_you_mean() {
    let e = errors(
        "quota = 3\n[[player]]\nid = \"A\"\nweigth = 5\n[[player]]\nid = \"B\"\nweight = 3\n",
    );
    assert!(
        e.contains("g.toml:4:1: `weigth` of player `A` is not a weight the rule uses"),
        "{e}"
    );
    assert!(e.contains("did you mean `weight`?"), "{e}");
    // A weight the rule does not use must be declared information only.
    let text =
        "rule = \"count >= 2\"\n[[player]]\nid = \"A\"\npermanent = 1\n[[player]]\nid = \"B\"\n";
    let e = errors(text);
    assert!(
        e.contains("`permanent` of player `A` is not a weight"),
        "{e}"
    );
    assert!(e.contains("unused = [\"permanent\"]"), "{e}");
    let ok = text.replace("rule =", "unused = [\"permanent\"]\nrule =");
    assert_eq!(Game::from_toml("g.toml", &ok).expect("declared").n(), 2);
    // Top-level typos and a weight the rule names but no player has.
    let e = errors("rul = \"count >= 1\"\nrule = \"count >= 1\"\n[[player]]\nid = \"A\"\n");
    assert!(
        e.contains("unknown field `rul`") && e.contains("did you mean `rule`?"),
        "{e}"
    );
    let e = errors("rule = \"populaton >= 1\"\n[[player]]\nid = \"A\"\npopulaton = 1\n[[player]]\nid = \"B\"\npopulation = 1\n");
    assert!(
        e.contains("`population` of player `B`") && e.contains("did you mean `populaton`?"),
        "{e}"
    );
}

/// Quota 0 (everything wins) and a quota above the total (nothing wins) are refused, by
/// the reader with a location and by every method; no zeros are printed for them.
#[test]
fn games_where_nothing_or_everything_wins_are_refused() {
    let e = errors("quota = 0\n[[player]]\nid = \"A\"\nweight = 1\n");
    assert!(
        e.contains("g.toml:1:9: every coalition wins, even the empty one"),
        "{e}"
    );
    let e = errors(
        "quota = 7\n[[player]]\nid = \"A\"\nweight = 3\n[[player]]\nid = \"B\"\nweight = 3\n",
    );
    assert!(e.contains("g.toml:1:9: no coalition wins"), "{e}");
    let e = errors("rule = \"count >= 50% and v > 100%\"\n[[player]]\nid = \"A\"\nv = 1\n");
    assert!(e.contains("no coalition wins"), "{e}");
    // Reproducer 17 built directly: meet in the middle counted 0 minimal winning
    // coalitions where enumeration counted 1; now no method answers.
    let names = ["P0", "P1", "P2"].map(String::from).to_vec();
    for quota in [0, 1] {
        let g = Game::weighted("q", names.clone(), vec![0, 0, 0], quota);
        for m in [
            None,
            Some(Method::Enumeration),
            Some(Method::MeetInTheMiddle),
            Some(Method::GeneratingFunction),
            Some(Method::Kinds),
            Some(Method::WinningCoalitions),
        ] {
            let r = compute_with(&g, &Index::SWING_BASED, m);
            assert!(matches!(r, Err(PowerError::NoDecision(_))), "{m:?}: {r:?}");
        }
    }
}

/// Float literals are read from their text: beyond 2^53 and past 17 digits a float has
/// lost the difference between a dictator and an equal partner (reproducers 14-a/b).
#[test]
fn float_literals_are_read_exactly() {
    let dictator = |text: &str| {
        let g = Game::from_toml("f.toml", text).expect("valid");
        let r = compute(&g, &[Index::ShapleyShubik, Index::Banzhaf]).expect("computed");
        (
            r.get(Index::ShapleyShubik)[0].to_string(),
            r.get(Index::Banzhaf)[0].to_string(),
        )
    };
    let a = "quota = 9007199254740993\n[[player]]\nid = \"A\"\nweight = 9007199254740993.0\n[[player]]\nid = \"B\"\nweight = 1\n";
    assert_eq!(dictator(a), ("1".to_string(), "1".to_string()));
    let b = "rule = \"weight >= 0.30000000000000001\"\n[[player]]\nid = \"A\"\nweight = 0.30000000000000001 # typed\n[[player]]\nid = \"B\"\nweight = 0.1\n";
    assert_eq!(dictator(b), ("1".to_string(), "1".to_string()));
    // Exponents and underscores are exact too; 1.5e1 + 5 = 20 = the quota.
    let c = "quota = 2e1\n[[player]]\nid = \"A\"\nweight = 1.5e1\n[[player]]\nid = \"B\"\nweight = 5_0.0e-1\n";
    let g = Game::from_toml("f.toml", c).expect("valid");
    assert_eq!(g.weights[0], vec![15, 5]);
    if let Some(dir) = reference_dir() {
        for f in [
            "14-power-float-literal-a.toml",
            "14-power-float-literal-b.toml",
        ] {
            let text = std::fs::read_to_string(dir.join("hostile").join(f)).expect("reproducer");
            assert_eq!(dictator(&text).0, "1", "{f}");
        }
    }
}

/// NaN, infinities and absurd magnitudes are located errors, not "negative weight".
#[test]
fn nan_and_infinite_numbers_are_located_errors() {
    for (v, want) in [
        ("nan", "`nan` is not a number"),
        ("inf", "is not finite"),
        ("-inf", "is not finite"),
        ("1e70", "too large or too finely divided"),
    ] {
        let e = errors(&format!(
            "quota = 1\n[[player]]\nid = \"A\"\nweight = {v}\n"
        ));
        assert!(
            e.contains("g.toml:4:1: weight `weight` of player `A`"),
            "{v}: {e}"
        );
        assert!(e.contains(want), "{v}: {e}");
    }
    let e = errors("quota = nan\n[[player]]\nid = \"A\"\nweight = 1\n");
    assert!(
        e.contains("g.toml:1:9: `quota` must be a non-negative number: `nan` is not a number"),
        "{e}"
    );
}

/// Rules nested 7,000 deep overflowed the stack; the reader stops at 64 with a location.
#[test]
fn deep_nesting_is_a_located_error() {
    let depth = 7_000;
    let text = format!(
        "rule = \"{}count >= 1{}\"\n[[player]]\nid = \"A\"\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let e = errors(&text);
    let col = 9 + astana_voting_power::MAX_NESTING;
    assert!(
        e.contains(&format!(
            "g.toml:1:{col}: the rule nests parentheses more than 64 deep"
        )),
        "{e}"
    );
    assert!(e.len() < 1_000, "{} bytes", e.len());
    // 64 levels are still a rule.
    let ok = format!(
        "rule = \"{}count >= 1{}\"\n[[player]]\nid = \"A\"\n",
        "(".repeat(64),
        ")".repeat(64)
    );
    assert!(Game::from_toml("g.toml", &ok).is_ok());
}

/// Error output grew with the square of the input (each error repeated the whole line):
/// one error per unknown weight, snippets clipped, at most 20 errors shown in full.
#[test]
fn error_output_stays_small_on_huge_lines() {
    let clauses: Vec<String> = (0..10_000)
        .map(|i| format!("(count >= {} or permanent >= {})", i % 20, i % 5))
        .collect();
    let text = format!(
        "rule = \"{}\"\n[[player]]\nid = \"A\"\n",
        clauses.join(" and ")
    );
    assert!(text.len() > 350_000);
    let errs = Game::from_toml("big.toml", &text).expect_err("unknown weight");
    assert_eq!(errs.0.len(), 1, "one error per unknown weight");
    let shown = errs.to_string();
    assert!(
        shown.contains("unknown weight `permanent` in the rule"),
        "{shown}"
    );
    assert!(shown.len() < 600, "{} bytes: {shown}", shown.len());
    // Many distinct errors on one long line: each snippet clipped, the list capped.
    let names: Vec<String> = (0..500).map(|i| format!("w{i} >= 1")).collect();
    let text = format!(
        "rule = \"{}\"\n[[player]]\nid = \"A\"\n",
        names.join(" or ")
    );
    let errs = Game::from_toml("many.toml", &text).expect_err("unknown weights");
    assert_eq!(errs.0.len(), 500);
    let shown = errs.to_string();
    assert!(
        shown.contains(&format!("... and {} more", 500 - GameErrors::SHOWN)),
        "{shown}"
    );
    assert!(shown.contains("500 errors"));
    assert!(shown.len() < 20 * 400, "{} bytes", shown.len());
}

/// The EU Council under the Treaty of Nice: a triple majority (255 of 345 weighted votes,
/// a majority of the 27 states, 62 % of the population). Johnston, Deegan–Packel and Holler
/// were refused; all six are now exact, by visiting the winning coalitions, and equal
/// full enumeration of the 2^27 coalitions. Votes: Treaty of Nice, Declaration 20 /
/// Act of Accession 2005; populations (thousands) are Eurostat's 1 January 2007 figures,
/// rounded, used here only to give the game its shape.
#[test]
fn nice_triple_majority_all_six_exact() {
    let members: [(&str, u32, u32); 27] = [
        ("DE", 29, 82_315),
        ("FR", 29, 63_392),
        ("GB", 29, 60_853),
        ("IT", 29, 59_131),
        ("ES", 27, 44_475),
        ("PL", 27, 38_126),
        ("RO", 14, 21_565),
        ("NL", 13, 16_358),
        ("GR", 12, 11_172),
        ("PT", 12, 10_599),
        ("BE", 12, 10_585),
        ("CZ", 12, 10_287),
        ("HU", 12, 10_066),
        ("SE", 10, 9_113),
        ("AT", 10, 8_299),
        ("BG", 10, 7_679),
        ("DK", 7, 5_447),
        ("SK", 7, 5_393),
        ("FI", 7, 5_277),
        ("IE", 7, 4_315),
        ("LT", 7, 3_385),
        ("LV", 4, 2_281),
        ("SI", 4, 2_010),
        ("EE", 4, 1_342),
        ("CY", 4, 778),
        ("LU", 4, 476),
        ("MT", 3, 408),
    ];
    let mut text = String::from(
        "name = \"Nice\"\nrule = \"votes >= 255 and count >= 14 and population >= 62%\"\n",
    );
    for (id, v, p) in members {
        text.push_str(&format!(
            "[[player]]\nid = \"{id}\"\nvotes = {v}\npopulation = {p}\n"
        ));
    }
    let g = Game::from_toml("nice.toml", &text).expect("valid");
    assert_eq!(g.weights[0].iter().sum::<u128>(), 345);
    let fast = compute(&g, &Index::ALL).expect("all six indices, exact");
    assert_eq!(fast.method, Method::WinningCoalitions);
    for ix in Index::ALL {
        let v = fast.get(ix);
        assert_eq!(v.len(), 27);
        if ix != Index::BanzhafAbsolute {
            let sum: f64 = v.iter().map(|r| r.to_f64()).sum();
            assert!((sum - 1.0).abs() < 1e-12, "{ix:?} sums to {sum}");
        }
        // More votes and more people never mean less power here (DE ≥ FR ≥ … ≥ MT).
        assert!(v[0].to_f64() >= v[26].to_f64(), "{ix:?}");
    }
    // Full enumeration, the independent check (2^27 coalitions).
    let all = compute_opts(
        &g,
        &Index::ALL,
        &Options {
            method: Some(Method::Enumeration),
            limits: Limits::NONE,
            progress: None,
        },
    )
    .expect("enumeration");
    for ix in Index::ALL {
        assert_eq!(fast.get(ix), all.get(ix), "{ix:?}");
    }
    assert_eq!(fast.winning_coalitions, all.winning_coalitions);
    assert_eq!(
        fast.minimal_winning_coalitions,
        all.minimal_winning_coalitions
    );
}

/// The winning-coalition search equals enumeration on random rules of two to four
/// clauses over two or three weights, all six indices.
#[test]
fn winning_coalitions_agree_with_enumeration() {
    let mut seed = 0x0ddc_0ffe_e0dd_f00d_u64;
    let mut next = move |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m
    };
    let rules = [
        "a >= {P}% and b >= {Q}% and count >= {C}",
        "a >= {P}% and count >= {C} or b > {Q}%",
        "(a >= {P}% or b >= {Q}%) and count >= {C}",
        "a >= {P}% and b >= {Q}% and c >= {R}%",
    ];
    let mut checked = 0;
    for round in 0..60 {
        let n = 2 + next(13) as usize;
        let rule = rules[round % rules.len()]
            .replace("{P}", &(30 + next(60)).to_string())
            .replace("{Q}", &(30 + next(60)).to_string())
            .replace("{R}", &(30 + next(60)).to_string())
            .replace("{C}", &(1 + next(n as u64)).to_string());
        let mut text = format!("rule = \"{rule}\"\nunused = [\"c\"]\n");
        for i in 0..n {
            text.push_str(&format!(
                "[[player]]\nid = \"P{i}\"\na = {}\nb = {}\nc = {}\n",
                next(30),
                1 + next(1_000_000),
                next(5)
            ));
        }
        let Some(g) = playable(Game::from_toml("w.toml", &text)) else {
            continue;
        };
        let a = compute_with(&g, &Index::ALL, Some(Method::WinningCoalitions)).expect("search");
        let b = compute_with(&g, &Index::ALL, Some(Method::Enumeration)).expect("enumeration");
        for i in Index::ALL {
            assert_eq!(a.get(i), b.get(i), "{i:?} on {text}");
        }
        assert_eq!(a.winning_coalitions, b.winning_coalitions);
        assert_eq!(a.minimal_winning_coalitions, b.minimal_winning_coalitions);
        checked += 1;
    }
    assert!(checked >= 40, "{checked}");
}

/// The 500-player game of reproducer 12 (weights 1..1000, quota half + 1).
fn random_weighted(n: usize) -> Game {
    let mut seed = n as u64 * 0x9e37_79b9 + 1;
    let weights: Vec<u128> = (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            u128::from(1 + seed % 1000)
        })
        .collect();
    let quota = weights.iter().sum::<u128>() / 2 + 1;
    Game::weighted(
        "random",
        (0..n).map(|i| format!("P{i}")).collect(),
        weights,
        quota,
    )
}

/// Cost is estimated before any work: Shapley–Shubik for 500 players (minutes, ~5 GB) and
/// Banzhaf for 5,000 (a quarter of an hour) are refused at once within the default limits,
/// naming the method and the estimate; Johnston & co. for 500 players are refused before
/// the generating function runs (Shapley–Shubik was computed twice).
#[test]
fn costs_are_estimated_before_the_work() {
    let g = random_weighted(500);
    let ticks = AtomicU64::new(0);
    let count = |_: u64, _: u64| {
        ticks.fetch_add(1, Ordering::Relaxed);
    };
    let opts = Options {
        progress: Some(&count),
        ..Options::default()
    };
    match compute_opts(&g, &[Index::ShapleyShubik], &opts) {
        Err(e @ PowerError::OverBudget { seconds, bytes, .. }) => {
            assert!(bytes > 3 << 30, "{bytes}");
            assert!(seconds > 10.0, "{seconds}");
            let m = e.to_string();
            assert!(
                m.starts_with("exact shapley_shubik by generating functions would take about"),
                "{m}"
            );
        }
        other => panic!("{other:?}"),
    }
    match compute_opts(&g, &Index::ALL, &opts) {
        Err(PowerError::TooLarge { reason, .. }) => assert!(reason.contains("127 players")),
        other => panic!("{other:?}"),
    }
    assert_eq!(ticks.load(Ordering::Relaxed), 0, "no work was started");
    // Banzhaf alone is cheap and exact, with progress.
    let r = compute_opts(&g, &[Index::Banzhaf], &opts).expect("banzhaf");
    assert_eq!(r.get(Index::Banzhaf).len(), 500);
    assert_eq!(
        ticks.load(Ordering::Relaxed),
        1000,
        "one tick per player per pass"
    );
    let big = random_weighted(5_000);
    assert!(matches!(
        compute(&big, &[Index::Banzhaf]),
        Err(PowerError::OverBudget { .. })
    ));
    // Monte Carlo is estimated too: 10⁹ samples of 5,000 players is refused.
    assert!(matches!(
        astana_voting_power::monte_carlo(&big, &[Index::Banzhaf], 1_000_000_000, 1),
        Err(PowerError::OverBudget { .. })
    ));
}

/// A double majority of 35 players with many distinct small sums: meet in the middle would
/// visit ~10¹¹ pairs of half-coalitions (hours) and 2^35 coalitions are too many to visit;
/// the estimate says so at once instead of running.
#[test]
fn hopeless_rules_are_refused_at_once() {
    let mut text = String::from("rule = \"a >= 50% and pop >= 50%\"\n");
    let mut seed = 77u64;
    for i in 0..35 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let a = (seed >> 33) % 2_800;
        let pop = (seed >> 20) % 90_000_000;
        text.push_str(&format!(
            "[[player]]\nid = \"P{i}\"\na = {a}\npop = {pop}\n"
        ));
    }
    let g = Game::from_toml("h.toml", &text).expect("valid");
    match compute(&g, &Index::SWING_BASED) {
        Err(e @ PowerError::OverBudget { .. }) => {
            assert!(
                e.to_string()
                    .contains("enumeration of the winning coalitions"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
}
