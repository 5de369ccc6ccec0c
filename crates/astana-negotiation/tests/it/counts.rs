//! Issue 14, item 3: rational and tied outcomes are counted exactly by meeting in the
//! middle, whatever the size of the outcome space: the counts and first outcomes equal a
//! brute-force pass over every outcome on random domains of 2, 3 and 4 parties (spaces of
//! one and of many first-half outcomes, float and dyadic utilities, reservations sitting
//! exactly on reachable sums), and a 10⁹-outcome domain is counted exactly.

use astana_negotiation::domain::{Issue, Negotiation, Profile};
use astana_negotiation::{analyze, analyze_with, Analysis, Count, Limits, Method};

struct Rng(u64);
impl Rng {
    fn next(&mut self, m: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % m
    }
}

/// `values[j]` values per issue; terms are multiples of 1/64 (exact sums) when `dyadic`,
/// else tenths and random fractions (sums that round); reservations are sums of chosen
/// terms, so many outcomes sit exactly on them.
fn domain(seed: u64, parties: usize, values: &[usize], dyadic: bool) -> Negotiation {
    let mut g = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let k = values.len();
    let issues = values
        .iter()
        .enumerate()
        .map(|(j, &m)| Issue {
            name: format!("i{j}"),
            values: (0..m).map(|v| format!("v{v}")).collect(),
        })
        .collect();
    let parties = (0..parties)
        .map(|p| {
            let terms: Vec<Vec<f64>> = values
                .iter()
                .map(|&m| {
                    (0..m)
                        .map(|_| {
                            if dyadic {
                                g.next(9) as f64 / 64.0
                            } else if g.next(2) == 0 {
                                g.next(4) as f64 / 10.0 / k as f64
                            } else {
                                g.next(1000) as f64 / 997.0 / k as f64
                            }
                        })
                        .collect()
                })
                .collect();
            // A reachable sum: the first value of every issue, taken left to right.
            let reservation = if p == 0 {
                0.0
            } else {
                terms
                    .iter()
                    .map(|t| t[g.next(t.len() as u64) as usize])
                    .sum::<f64>()
            };
            Profile {
                name: format!("p{p}"),
                weights: vec![1.0; k],
                terms,
                reservation: reservation.min(1.0),
                discount: 1.0,
            }
        })
        .collect();
    Negotiation {
        name: format!("random {seed}"),
        description: String::new(),
        source: String::new(),
        issues,
        parties,
    }
}

fn key(u: f64) -> i64 {
    (u / 1e-12).round() as i64
}

/// Every count and first outcome of an analysis, recomputed by visiting every outcome.
fn check_against_brute_force(neg: &Negotiation, a: &Analysis, what: &str) {
    let r: Vec<f64> = neg.parties.iter().map(|p| p.reservation).collect();
    let mut points: Vec<&astana_negotiation::Settlement> = Vec::new();
    points.extend(a.nash.iter());
    points.extend(a.kalai_smorodinsky.iter());
    points.extend(a.egalitarian.iter());
    points.extend(a.max_welfare.iter());
    let keys: Vec<Vec<i64>> = points
        .iter()
        .map(|s| s.point.utilities.iter().map(|&u| key(u)).collect())
        .collect();
    let mut rational = 0u128;
    let mut ties = vec![0u128; points.len()];
    let mut firsts: Vec<Option<Vec<u32>>> = vec![None; points.len()];
    neg.for_each_outcome(|o, sums| {
        let u: Vec<f64> = sums.iter().map(|s| s.min(1.0)).collect();
        if u.iter().zip(&r).all(|(x, ri)| x >= ri) {
            rational += 1;
            let k: Vec<i64> = u.iter().map(|&x| key(x)).collect();
            for (i, pk) in keys.iter().enumerate() {
                if *pk == k {
                    ties[i] += 1;
                    firsts[i].get_or_insert_with(|| o.to_vec());
                }
            }
        }
    });
    assert_eq!(a.rational_outcomes, Count::Exact(rational), "{what}");
    for (i, s) in points.iter().enumerate() {
        assert_eq!(s.ties, Count::Exact(ties[i]), "{what}: point {i}");
        assert_eq!(
            Some(&s.point.outcome),
            firsts[i].as_ref(),
            "{what}: point {i}"
        );
    }
}

#[test]
fn counts_equal_brute_force_on_random_domains_of_two_to_four_parties() {
    let shapes: [&[usize]; 7] = [
        &[3, 4],
        &[5, 2, 6],
        &[4, 4, 4, 4],
        // More than 2¹⁶ outcomes: many first-half outcomes, bitset intersections.
        &[7, 5, 6, 8, 9, 7],
        &[3, 9, 9, 9, 9, 9],
        &[2, 300_000],
        &[6, 6, 6, 6, 6, 6, 6, 6],
    ];
    let mut seen_rational = 0;
    for seed in 1..=28u64 {
        let parties = 2 + (seed % 3) as usize;
        let shape = shapes[(seed % 7) as usize];
        let neg = domain(seed, parties, shape, seed % 2 == 0);
        let a = analyze(&neg);
        assert_eq!(a.method, Method::Frontier);
        check_against_brute_force(&neg, &a, &format!("seed {seed}, {parties} parties"));
        if a.rational_outcomes.exact() > Some(0) {
            seen_rational += 1;
        }
    }
    assert!(
        seen_rational >= 14,
        "too few domains with rational outcomes"
    );
}

/// Sums that round: 0.1 + 0.2 left to right is 0.30000000000000004, not 0.3, and an outcome
/// of that sum is not rational for a reservation of 0.3; summing the halves in another
/// order must not change that.
#[test]
fn borderline_sums_are_decided_left_to_right_as_the_scan_does() {
    let terms = vec![vec![0.1, 0.2, 0.0]; 8];
    let mine = Profile {
        name: "a".into(),
        weights: vec![1.0; 8],
        terms,
        reservation: 0.3,
        discount: 1.0,
    };
    let theirs = Profile {
        name: "b".into(),
        weights: vec![1.0; 8],
        terms: vec![vec![0.0, 0.05, 0.125]; 8],
        reservation: 0.25,
        discount: 1.0,
    };
    let neg = Negotiation {
        name: "border".into(),
        description: String::new(),
        source: String::new(),
        issues: (0..8)
            .map(|j| Issue {
                name: format!("i{j}"),
                values: vec!["x".into(), "y".into(), "z".into()],
            })
            .collect(),
        parties: vec![mine, theirs],
    };
    let a = analyze(&neg);
    check_against_brute_force(&neg, &a, "borderline");
    assert_eq!(a.outcomes, 6561);
}

/// Past the old 2·10⁸ scan limit the counts were null; now the rational outcomes of a
/// 10⁹-outcome domain (nine issues of ten values, two parties, sums exact in binary so an
/// independent dynamic programme over integer sums counts them too) are exact.
#[test]
fn a_billion_outcomes_are_counted_exactly() {
    let k = 9;
    let mut g = Rng(77);
    let c: Vec<Vec<[u32; 2]>> = (0..k)
        .map(|_| {
            (0..10)
                .map(|_| [g.next(9) as u32, g.next(9) as u32])
                .collect()
        })
        .collect();
    let (r0, r1) = (36u32, 40u32);
    let profile = |p: usize, r: u32| Profile {
        name: format!("p{p}"),
        weights: vec![1.0; k],
        terms: c
            .iter()
            .map(|t| t.iter().map(|x| f64::from(x[p]) / 64.0).collect())
            .collect(),
        reservation: f64::from(r) / 64.0,
        discount: 1.0,
    };
    let neg = Negotiation {
        name: "billion".into(),
        description: String::new(),
        source: String::new(),
        issues: (0..k)
            .map(|j| Issue {
                name: format!("i{j}"),
                values: (0..10).map(|v| v.to_string()).collect(),
            })
            .collect(),
        parties: vec![profile(0, r0), profile(1, r1)],
    };
    // Independent count: outcomes per pair of integer sums, issue by issue (sums ≤ 72).
    let mut dp = vec![[0u128; 73]; 73];
    dp[0][0] = 1;
    for t in &c {
        let mut next = vec![[0u128; 73]; 73];
        for x in 0..73 {
            for y in 0..73 {
                if dp[x][y] > 0 {
                    for v in t {
                        next[x + v[0] as usize][y + v[1] as usize] += dp[x][y];
                    }
                }
            }
        }
        dp = next;
    }
    let expected: u128 = (r0 as usize..73)
        .flat_map(|x| dp[x][r1 as usize..].iter())
        .sum();
    let a = analyze_with(&neg, &Limits::default(), &mut |_| {}).expect("analyses");
    assert_eq!(a.outcomes, 1_000_000_000);
    assert_eq!(a.method, Method::Frontier);
    assert_eq!(a.rational_outcomes, Count::Exact(expected));
    assert!(expected > 100_000_000, "{expected}");
    // Every settlement's ties are exact too.
    let nash = a.nash.expect("a Nash point");
    assert!(nash.ties.exact().is_some_and(|t| t > 0));
    // The Nash point's tie count, from the same table: its integer sums exactly.
    let (x, y) = (
        (nash.point.utilities[0] * 64.0).round() as usize,
        (nash.point.utilities[1] * 64.0).round() as usize,
    );
    assert_eq!(nash.ties, Count::Exact(dp[x][y]));
}

/// A count that would pass its work limit is given as labelled bounds, never left out.
#[test]
fn a_count_past_its_work_limit_is_labelled_bounds() {
    let neg = domain(5, 3, &[7, 5, 6, 8, 9, 7], false);
    let exact = analyze(&neg).rational_outcomes.exact().expect("exact");
    let limits = Limits {
        max_count_work: 1.0,
        ..Limits::default()
    };
    let a = analyze_with(&neg, &limits, &mut |_| {}).expect("analyses");
    let Count::Bounds {
        at_least,
        at_most,
        reason,
    } = a.rational_outcomes
    else {
        panic!("expected bounds, got {:?}", a.rational_outcomes);
    };
    assert!(
        at_least <= exact && exact <= at_most,
        "{at_least} {exact} {at_most}"
    );
    assert!(at_most <= a.outcomes);
    assert!(reason.contains("more than 1.0e0 steps"), "{reason}");
}
