//! The double-precision method (Gauss–Legendre on the multilinear extension) against exact
//! values: within its stated bound on the random 200-player reference and on seeded random
//! games checked by the exact generating function; n = 800 runs.

use super::{reference, weighted_from};
use astana_voting_power::{compute_with, float_indices, Game, Index, Method, Options};

const BASIC: [Index; 3] = [Index::ShapleyShubik, Index::Banzhaf, Index::BanzhafAbsolute];

/// A seeded game: `n` players, weights 1..=`top`, quota a share of the total plus one.
fn random_game(n: usize, top: u64, share: f64, seed: u64) -> Game {
    let mut s = seed;
    let w: Vec<u128> = (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            u128::from(1 + (s >> 33) % top)
        })
        .collect();
    let total: u128 = w.iter().sum();
    let quota = (total as f64 * share) as u128 + 1;
    let players = (0..n).map(|i| format!("p{i}")).collect();
    Game::weighted("random", players, w, quota)
}

/// The largest error against `exact`, asserted within the stated bound.
fn check(game: &Game, ix: Index, exact: &[f64]) -> f64 {
    let r = float_indices(game, &BASIC, &Options::default()).expect("float");
    let bound = r.bounds[&ix];
    let got = r.get(ix);
    assert_eq!(got.len(), exact.len());
    let worst = got
        .iter()
        .zip(exact)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    // The exact value rounded to f64 is off by up to half an ulp of a value ≤ 1.
    assert!(
        worst <= bound + f64::EPSILON,
        "{}: {} error {worst:e} over the bound {bound:e}",
        game.name,
        ix.name()
    );
    worst
}

#[test]
fn float_random200_within_bound_of_the_exact_reference() {
    let Some(r) = reference("random200.json") else {
        return;
    };
    let game = weighted_from(&r);
    let exact = |key: &str| -> Vec<f64> {
        game.players
            .iter()
            .map(|p| r["expected"][key][p].as_f64().expect("value"))
            .collect()
    };
    let f = float_indices(&game, &BASIC, &Options::default()).expect("float");
    assert_eq!(f.nodes, Some(100));
    // The stated bounds are small: about 1e-13 for 200 players.
    assert!(f.bounds[&Index::ShapleyShubik] < 3e-13, "{:?}", f.bounds);
    let ss = check(&game, Index::ShapleyShubik, &exact("shapley_shubik"));
    let bz = check(&game, Index::Banzhaf, &exact("banzhaf_normalized"));
    let ba = check(&game, Index::BanzhafAbsolute, &exact("banzhaf_absolute"));
    eprintln!("random200 max errors: ss {ss:e}, banzhaf {bz:e}, absolute {ba:e}");
}

#[test]
fn float_random_games_within_bound_of_the_exact_method() {
    let mut worst = [0.0f64; 3];
    for (k, n) in (20..=60).step_by(5).enumerate() {
        for (share, top) in [(0.5, 1000), (0.67, 50), (0.3, 20_000)] {
            let game = random_game(n, top, share, 7 + k as u64);
            let exact =
                compute_with(&game, &BASIC, Some(Method::GeneratingFunction)).expect("exact");
            for (j, ix) in BASIC.into_iter().enumerate() {
                let e: Vec<f64> = exact.get(ix).iter().map(|r| r.to_f64()).collect();
                worst[j] = worst[j].max(check(&game, ix, &e));
            }
        }
    }
    eprintln!(
        "n = 20..60 max errors (ss, banzhaf, absolute): {:e} {:e} {:e}",
        worst[0], worst[1], worst[2]
    );
}

#[test]
fn float_handles_dummies_heavy_players_and_ties() {
    // A zero weight is a dummy; a player at the quota is a dictator among light players.
    let game = Game::weighted(
        "g",
        ["A", "B", "C", "D"].map(String::from).to_vec(),
        vec![0, 10, 3, 3],
        10,
    );
    let r = float_indices(&game, &BASIC, &Options::default()).expect("float");
    let ss = r.get(Index::ShapleyShubik);
    assert_eq!(ss[0], 0.0);
    assert!((ss[1] - 1.0).abs() < 1e-15, "{ss:?}");
    assert!(ss[2].abs() < 1e-15 && ss[3].abs() < 1e-15, "{ss:?}");
}

#[test]
fn float_refuses_what_it_cannot_do() {
    let game = Game::from_toml("t.toml", "rule = \"a >= 2 and b >= 1\"\n[[player]]\nid = \"X\"\na = 1\nb = 1\n[[player]]\nid = \"Y\"\na = 1\nb = 0\n").expect("game");
    let e = float_indices(&game, &BASIC, &Options::default()).unwrap_err();
    assert!(e.to_string().contains("one weighted clause"), "{e}");
    // Huge weights are refused even without cost limits (no unbounded allocation).
    let huge = Game::weighted(
        "huge",
        ["A", "B", "C"].map(String::from).to_vec(),
        vec![1 << 38, 1 << 38, 1],
        (1 << 38) + 1,
    );
    let no_limits = Options {
        limits: astana_voting_power::Limits::NONE,
        ..Options::default()
    };
    let e = float_indices(&huge, &BASIC, &no_limits).unwrap_err();
    assert!(e.to_string().contains("exceed 2^30"), "{e}");
    let g = random_game(30, 100, 0.5, 1);
    let e = float_indices(&g, &[Index::Holler], &Options::default()).unwrap_err();
    assert!(
        e.to_string()
            .contains("holler has no floating-point method"),
        "{e}"
    );
}

#[test]
fn float_shapley_shubik_800_players_sums_to_one() {
    let game = random_game(800, 1000, 0.5, 800);
    let r = float_indices(&game, &[Index::ShapleyShubik], &Options::default()).expect("float");
    assert_eq!(r.nodes, Some(400));
    let ss = r.get(Index::ShapleyShubik);
    let sum: f64 = ss.iter().sum();
    assert!((sum - 1.0).abs() < 1e-9, "{sum}");
    assert!(ss.iter().all(|&x| x >= -1e-12));
    // Heavier players have at least the power of lighter ones.
    let mut by: Vec<(u128, f64)> = game.weights[0]
        .iter()
        .copied()
        .zip(ss.iter().copied())
        .collect();
    by.sort_by_key(|a| a.0);
    assert!(by.windows(2).all(|p| p[1].1 >= p[0].1 - 1e-12));
}
