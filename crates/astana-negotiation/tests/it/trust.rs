//! Every figure true or labelled, every bad input a located error (issues 10 and 11):
//! unknown TOML keys, all errors at once, tiny evaluations, integer ranges, deep XML,
//! bounded work with a labelled switch to the scan method, and the tie rule.

use crate::{load, reference_dir};
use astana_negotiation::domain::{Issue, Negotiation, Profile};
use astana_negotiation::{analyze, analyze_with, genius, native, Limits, Method};

const PICNIC: &str = r#"name = "Picnic"

[[issue]]
name = "place"
values = ["park", "beach"]

[[party]]
id = "alice"
weights = { place = 1.0 }
[party.evaluations]
place = [4, 8]

[[party]]
id = "bob"
weights = { place = 1.0 }
[party.evaluations]
place = [5, 1]
"#;

/// 10.14: typos in keys at every level are located errors with a suggestion, all at once
/// (serde stopped at the first, and unknown issue names had no suggestion).
#[test]
fn toml_unknown_keys_are_located_with_did_you_mean() {
    let bad = PICNIC
        .replace("name = \"Picnic\"", "nmae = \"Picnic\"")
        .replace("values = [", "valus = [")
        .replace("id = \"alice\"", "id = \"alice\"\nreservaton = 0.3")
        .replace(
            "weights = { place = 1.0 }\n[party.evaluations]\nplace = [5, 1]",
            "weights = { plce = 1.0 }\n[party.evaluations]\nplace = [5, 1]",
        );
    let e = native::read("p.toml", &bad).expect_err("typos");
    let text = e.to_string();
    for want in [
        "p.toml:1:1: TOML: unknown key `nmae`; did you mean `name`?",
        "p.toml:5:1: issue: unknown key `valus`; did you mean `values`?",
        "p.toml:9:1: party: unknown key `reservaton`; did you mean `reservation`?",
        "p.toml:16:13: party.weights: \"plce\" is not an issue; did you mean `place`?",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

/// 10.14: wrong types in several places are all reported, each at its line.
#[test]
fn toml_type_errors_are_all_reported() {
    let bad = PICNIC
        .replace("name = \"Picnic\"", "name = \"Picnic\"\ndescription = 5")
        .replace(
            "weights = { place = 1.0 }\n[party.evaluations]\nplace = [4, 8]",
            "weights = { place = \"heavy\" }\n[party.evaluations]\nplace = [4, nan]",
        );
    let e = native::read("p.toml", &bad).expect_err("types");
    let at: Vec<(usize, &str)> = e.0.iter().map(|x| (x.line, x.element.as_str())).collect();
    assert!(at.contains(&(2, "description")), "{e}");
    assert!(at.contains(&(10, "party.weights")), "{e}");
    assert!(at.contains(&(12, "party.evaluations")), "{e}");
    assert!(
        e.to_string()
            .contains("an evaluation must be finite, found NaN"),
        "{e}"
    );
}

/// 11.8 (reproducer 15): evaluations are relative, so 1e-6 and 9e-6 are 1/9 and 1, not 0.
#[test]
fn tiny_evaluations_keep_their_ratios() {
    let text = PICNIC.replace("place = [4, 8]", "place = [0.000001, 0.000009]");
    let neg = native::read("tiny.toml", &text).expect("valid");
    let a = &neg.parties[0].terms[0];
    assert!((a[0] - 1.0 / 9.0).abs() < 1e-15 && a[1] == 1.0, "{a:?}");
    assert_eq!(analyze(&neg).ideal[0], 1.0);
}

const INT_DOMAIN: &str = r#"<negotiation_template><utility_space><objective index="0" name="root">
  <issue index="1" name="price" type="integer" lowerbound="LO" upperbound="HI"/>
  <issue index="2" name="volume" type="integer" lowerbound="1" upperbound="1000000"/>
</objective></utility_space></negotiation_template>"#;

fn int_profile(slope: &str) -> String {
    format!(
        r#"<utility_space><objective index="0" name="root">
  <issue index="1" name="price" type="integer"><evaluator ftype="linear" slope="{slope}" offset="0.5"/></issue>
  <issue index="2" name="volume" type="integer"><evaluator ftype="linear" slope="{slope}" offset="0.5"/></issue>
  <weight index="1" value="0.5"/><weight index="2" value="0.5"/>
</objective></utility_space>"#
    )
}

/// 11.4 (reproducer 03): an integer issue spanning the whole i64 range is a located error
/// naming the limit, not a capacity-overflow panic.
#[test]
fn integer_issue_spanning_i64_is_a_located_error() {
    let d = INT_DOMAIN
        .replace("LO", "-9223372036854775808")
        .replace("HI", "9223372036854775807");
    let e = genius::read(("d.xml", &d), &[]).expect_err("too many values");
    let text = e.to_string();
    assert!(
        text.contains("d.xml:2:3: <issue name=\"price\">: integer range -9223372036854775808..9223372036854775807 has 18446744073709551616 values; an issue has at most 1000000"),
        "{text}"
    );
    let d = INT_DOMAIN.replace("LO", "5").replace("HI", "4");
    let e = genius::read(("d.xml", &d), &[]).expect_err("empty");
    assert!(e.to_string().contains("is empty"), "{e}");
}

/// 11.4: two integer issues of a million values each (10¹² outcomes) are refused before
/// anything is allocated for them, and the message names both limits.
#[test]
fn a_trillion_outcomes_are_refused_with_the_limits_named() {
    let d = INT_DOMAIN.replace("LO", "1").replace("HI", "1000000");
    let (a, b) = (int_profile("0.0000004"), int_profile("-0.0000004"));
    let neg = genius::read(("d.xml", &d), &[("a.xml", &a), ("b.xml", &b)]).expect("valid");
    assert_eq!(neg.outcome_count(), 1_000_000_000_000);
    let e = analyze_with(&neg, &Limits::default(), &mut |_| {}).expect_err("too large");
    assert!(
        e.starts_with("1000000000000 outcomes: the Pareto frontier would"),
        "{e}"
    );
    assert!(e.contains("limited to 200000000 outcomes"), "{e}");
}

/// 11.3 (reproducer 02): XML nested 20,000 deep is refused before roxmltree recurses,
/// at the element that passes the limit; comments, quotes and empty elements do not count.
#[test]
fn deep_xml_is_refused_before_parsing() {
    let deep = format!(
        "<negotiation_template>\n{}{}</negotiation_template>",
        "<x>".repeat(20_000),
        "</x>".repeat(20_000)
    );
    let e = genius::read(("deep.xml", &deep), &[]).expect_err("too deep");
    assert_eq!(e.0.len(), 1, "{e}");
    assert_eq!((e.0[0].line, e.0[0].column), (2, 1 + 3 * 255), "{e}");
    assert!(e.0[0].message.contains("nested more than 256 deep"), "{e}");
    // 300 self-closing elements, a comment and a quoted `>` are not nesting.
    let flat = format!(
        "<negotiation_template a=\"x>y\"><!-- <x><x> -->{}<utility_space><objective name=\"root\"><issue index=\"1\" name=\"A\"><item value=\"v\"/></issue></objective></utility_space></negotiation_template>",
        "<y/>".repeat(300)
    );
    assert!(genius::read_domain("flat.xml", &flat).is_ok());
}

/// A random domain of `parties` parties and `issues` issues (seeded).
fn random_domain(seed: u64, parties: usize, issues: usize, values: usize) -> Negotiation {
    let mut state = seed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 11) as f64
    };
    let issues: Vec<Issue> = (0..issues)
        .map(|j| Issue {
            name: format!("i{j}"),
            values: (0..values).map(|v| format!("v{v}")).collect(),
        })
        .collect();
    let parties = (0..parties)
        .map(|p| {
            let weights: Vec<f64> = (0..issues.len()).map(|_| 1.0 + next()).collect();
            let total: f64 = weights.iter().sum();
            let terms = weights
                .iter()
                .map(|w| {
                    let ev: Vec<f64> = (0..values).map(|_| next()).collect();
                    astana_negotiation::domain::normalise(&ev)
                        .into_iter()
                        .map(|e| e * w / total)
                        .collect()
                })
                .collect();
            Profile {
                name: format!("p{p}"),
                terms,
                weights: weights.iter().map(|w| w / total).collect(),
                reservation: if p % 2 == 0 { 0.2 } else { 0.0 },
                discount: 1.0,
            }
        })
        .collect();
    Negotiation {
        name: "random".into(),
        description: String::new(),
        source: String::new(),
        issues,
        parties,
    }
}

/// 11.7: when the frontier's estimated work passes the limit, the settlements come from a
/// scan of every outcome, labelled with the reason; they equal the frontier's exactly
/// (points, first outcomes, tie counts) on random domains of 2 to 5 parties.
#[test]
fn the_scan_method_is_labelled_and_agrees_with_the_frontier() {
    for seed in 1..=40u64 {
        let parties = 2 + (seed % 4) as usize;
        let neg = random_domain(seed * 7919, parties, 2 + (seed % 3) as usize, 4);
        let frontier = analyze(&neg);
        assert_eq!(frontier.method, Method::Frontier);
        let limits = Limits {
            max_frontier_work: 1.0,
            ..Limits::default()
        };
        let scan = analyze_with(&neg, &limits, &mut |_| {}).expect("scans");
        let Method::Scan { reason } = &scan.method else {
            panic!("seed {seed}: expected the scan method");
        };
        assert!(reason.contains("more than the limit of 1.0e0"), "{reason}");
        assert!(scan.pareto.is_empty());
        assert_eq!(
            scan.rational_outcomes, frontier.rational_outcomes,
            "seed {seed}"
        );
        let pairs = [
            (&scan.nash, &frontier.nash),
            (&scan.kalai_smorodinsky, &frontier.kalai_smorodinsky),
            (&scan.egalitarian, &frontier.egalitarian),
        ];
        for (s, f) in pairs {
            assert_eq!(
                s.as_ref().map(|x| (&x.point.outcome, &x.ties)),
                f.as_ref().map(|x| (&x.point.outcome, &x.ties)),
                "seed {seed}"
            );
        }
        let outcomes =
            |a: &astana_negotiation::Analysis| -> Vec<(Vec<u32>, astana_negotiation::Count)> {
                a.max_welfare
                    .iter()
                    .map(|s| (s.point.outcome.clone(), s.ties.clone()))
                    .collect()
            };
        assert_eq!(outcomes(&scan), outcomes(&frontier), "seed {seed}");
    }
}

/// 11.7: the work estimate is made before each issue, so a frontier far over the limit is
/// refused early: a 9-party domain of 10⁶ outcomes switches to the scan after a few
/// issues' worth of work, and reports the frontier's sizes so far.
#[test]
fn nine_parties_switch_to_the_scan_with_the_estimate() {
    let neg = random_domain(11, 9, 6, 10);
    let limits = Limits {
        max_frontier_work: 1e6,
        ..Limits::default()
    };
    let mut phases = Vec::new();
    let a = analyze_with(&neg, &limits, &mut |p| {
        if phases.last() != Some(&p.phase) {
            phases.push(p.phase);
        }
    })
    .expect("scans");
    let Method::Scan { reason } = a.method else {
        panic!("expected the scan method");
    };
    // Progress is reported while the frontier is tried and while the outcomes are scanned.
    assert_eq!(phases, ["frontier", "settlements"]);
    assert!(
        reason.starts_with("the Pareto frontier would take about"),
        "{reason}"
    );
    assert!(
        reason.contains("frontier sizes so far, issue by issue: 10, "),
        "{reason}"
    );
    assert!(a.nash.is_some() && a.rational_outcomes.exact().is_some());
}

/// 10.16: max-welfare points tied within the resolution (sums an ulp apart) are all
/// listed, the first outcome in row-major order first, as the README says. Value 0 gives
/// (0.1, 0.6), value 1 (0.4, 0.1 + 0.2): welfare 0.7 and 0.7000000000000001.
#[test]
fn max_welfare_ties_are_all_listed_in_row_major_order() {
    let profile = |name: &str, terms: Vec<f64>| Profile {
        name: name.into(),
        terms: vec![terms],
        weights: vec![1.0],
        reservation: 0.0,
        discount: 1.0,
    };
    let neg = Negotiation {
        name: "ulp".into(),
        description: String::new(),
        source: String::new(),
        issues: vec![Issue {
            name: "x".into(),
            values: vec!["a".into(), "b".into()],
        }],
        parties: vec![
            profile("A", vec![0.1, 0.4]),
            profile("B", vec![0.6, 0.1 + 0.2]),
        ],
    };
    assert_ne!(
        0.1 + 0.6,
        0.4 + (0.1 + 0.2),
        "the sums must differ in the last bit"
    );
    let a = analyze(&neg);
    let firsts: Vec<&[u32]> = a
        .max_welfare
        .iter()
        .map(|s| s.point.outcome.as_slice())
        .collect();
    assert_eq!(firsts, vec![&[0][..], &[1][..]]);
}

/// 10.16 on a GENIUS domain: Grocery has two max-welfare points (NegMAS lists both); the
/// primary pick is the first in row-major order (Spreads = Jam before Peanut butter), and
/// every reference domain lists as many max-welfare points as NegMAS.
#[test]
fn reference_max_welfare_points_and_primary_pick() {
    let Some(dir) = reference_dir() else {
        return;
    };
    for name in crate::DOMAINS {
        let (neg, r) = load(&dir, name);
        let a = analyze(&neg);
        let points = r["max_welfare"]["points"].as_array().expect("points");
        assert_eq!(a.max_welfare.len(), points.len(), "{name}");
        let mut theirs: Vec<Vec<u32>> = points
            .iter()
            .map(|p| {
                crate::labels(&p["outcome"])
                    .iter()
                    .zip(&neg.issues)
                    .map(|(l, i)| i.values.iter().position(|v| v == l).expect("label") as u32)
                    .collect()
            })
            .collect();
        theirs.sort();
        let ours: Vec<Vec<u32>> = a
            .max_welfare
            .iter()
            .map(|s| s.point.outcome.clone())
            .collect();
        assert_eq!(ours, theirs, "{name}");
    }
    let (neg, _) = load(&dir, "Grocery");
    let a = analyze(&neg);
    assert_eq!(
        neg.labels(&a.max_welfare[0].point.outcome),
        ["Baguette", "Pears", "Doughnuts", "Jam", "Spinach"]
    );
}

/// 10.16: "reproduces NegMAS offer by offer" holds where the proposer has no other outcome
/// of the offered utility; on the twelve recorded sessions no offer is tied, so the tie
/// rule (first in row-major order) is never exercised there.
#[test]
fn recorded_offers_have_no_utility_ties() {
    let Some(dir) = reference_dir() else {
        return;
    };
    for name in ["Laptop", "ItexvsCypress", "Camera"] {
        let (neg, r) = load(&dir, name);
        for rec in r["negotiations"].as_array().expect("negotiations") {
            for offer in rec["trace"].as_array().expect("trace") {
                let p = offer["proposer_index"].as_u64().expect("p") as usize;
                let labels = crate::labels(&offer["offer"]);
                let o: Vec<u32> = labels
                    .iter()
                    .zip(&neg.issues)
                    .map(|(l, i)| i.values.iter().position(|v| v == l).expect("label") as u32)
                    .collect();
                let u = neg.parties[p].utility(&o);
                let mut same = 0;
                neg.for_each_outcome(|_, sums| {
                    if (sums[p].min(1.0) - u).abs() <= 1e-12 {
                        same += 1;
                    }
                });
                assert_eq!(same, 1, "{name}: offer {labels:?} is tied for party {p}");
            }
        }
    }
}

/// 11.6: thousands of errors are not all located (each costs a pass over the text): the
/// first hundred are listed, then how many more there are.
#[test]
fn errors_are_capped_with_a_count() {
    let typos: String = (0..5000).map(|k| format!("typo{k} = 1\n")).collect();
    let e = native::read("many.toml", &format!("{typos}{PICNIC}")).expect_err("typos");
    assert_eq!(e.0.len(), 101, "{}", e.0.len());
    assert_eq!(
        e.0[100].message,
        "… and 4900 more not shown (the first 100 are listed)"
    );
    let items: String = (0..3000)
        .map(|k| format!("<item value=\"v{k}\"/><item value=\"v{k}\"/>"))
        .collect();
    let d = format!("<negotiation_template><objective name=\"root\"><issue index=\"1\" name=\"A\">{items}</issue></objective></negotiation_template>");
    let e = genius::read_domain("d.xml", &d).expect_err("duplicates");
    assert_eq!(e.0.len(), 101);
    assert!(
        e.0[100].message.starts_with("… and 2900 more"),
        "{}",
        e.0[100].message
    );
}

/// Weights as large as a float allows (GENIUS caps the utility at 1) never overflow the
/// frontier's integer grid, with three parties (where the skyline sums keys).
#[test]
fn huge_weights_do_not_overflow() {
    let mut neg = random_domain(5, 3, 3, 3);
    for p in &mut neg.parties {
        for t in &mut p.terms {
            for x in t.iter_mut() {
                *x *= 1e300;
            }
        }
    }
    let a = analyze(&neg);
    assert_eq!(a.ideal, vec![1.0; 3]);
    assert!(a.nash.is_some());
}
