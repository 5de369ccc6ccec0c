//! The recorded alternating-offers sessions (NegMAS 0.16.0, time-based agents, 100
//! rounds) reproduce offer by offer.

use crate::{labels, load, reference_dir};
use astana_negotiation::protocol::{alternating_offers, Strategy};

#[test]
fn recorded_sessions_reproduce() {
    let Some(dir) = reference_dir() else {
        return;
    };
    let mut sessions = 0;
    for name in ["Laptop", "ItexvsCypress", "Camera"] {
        let (neg, r) = load(&dir, name);
        for rec in r["negotiations"].as_array().expect("negotiations") {
            let agents: Vec<Strategy> = rec["agents"]
                .as_array()
                .expect("agents")
                .iter()
                .map(|a| a.as_str().expect("name").parse().expect("known agent"))
                .collect();
            let steps = rec["n_steps_limit"].as_u64().expect("steps") as u32;
            let s = alternating_offers(&neg, &agents, steps).expect("runs");
            let what = format!("{name} {:?}", rec["agents"]);
            let trace = rec["trace"].as_array().expect("trace");
            assert_eq!(s.trace.len(), trace.len(), "{what}: offers");
            for (ours, theirs) in s.trace.iter().zip(trace) {
                assert_eq!(
                    u64::from(ours.round),
                    theirs["round"].as_u64().expect("round"),
                    "{what}"
                );
                assert_eq!(
                    ours.proposer as u64,
                    theirs["proposer_index"].as_u64().expect("p"),
                    "{what}"
                );
                assert_eq!(
                    neg.labels(&ours.outcome),
                    labels(&theirs["offer"]),
                    "{what} round {}",
                    ours.round
                );
            }
            let agreement = s.agreement.expect("agreement");
            assert_eq!(
                neg.labels(&agreement.outcome),
                labels(&rec["agreement"]),
                "{what}"
            );
            assert_eq!(
                u64::from(s.round),
                rec["agreement_round_0based"].as_u64().expect("round"),
                "{what}"
            );
            sessions += 1;
        }
    }
    assert_eq!(sessions, 12);
}

/// The mediator's single text: every adopted revision raises the product of gains, no
/// party loses more than its tolerance at that step, and on these domains every start
/// reaches the reference Nash point (NegMAS's `nash_rv`).
#[test]
fn single_text_climbs_to_the_reference_nash_point() {
    use astana_negotiation::{analyze, single_text};
    let Some(dir) = reference_dir() else {
        return;
    };
    for name in [
        "Camera",
        "EnglandZimbabwe",
        "NewSporthal3p",
        "FitnessA",
        "ItexvsCypress",
    ] {
        let (neg, r) = load(&dir, name);
        let nash = analyze(&neg).nash.expect("nash").point;
        let reference: Vec<f64> = r["nash_rv"]["points"][0]["utilities"]
            .as_array()
            .expect("utilities")
            .iter()
            .map(|x| x.as_f64().expect("number"))
            .collect();
        let rv: Vec<f64> = neg.parties.iter().map(|p| p.reservation).collect();
        let product =
            |u: &[f64]| -> f64 { u.iter().zip(&rv).map(|(x, r)| (x - r).max(0.0)).product() };
        let mut reached = 0;
        for seed in 1..=8 {
            let (steps, tolerance) = (100, 0.1);
            let path = single_text(&neg, &nash, steps, tolerance, seed);
            for (k, w) in path.windows(2).enumerate() {
                let (a, b) = (&w[0].text.utilities, &w[1].text.utilities);
                assert!(
                    product(b) + 1e-12 >= product(a),
                    "{name} seed {seed}: product fell"
                );
                let slack = tolerance * (1.0 - k as f64 / f64::from(steps));
                assert!(
                    a.iter().zip(b).all(|(x, y)| *y >= x - slack - 1e-12),
                    "{name}: a party lost too much"
                );
                assert!(!w[1].changed.is_empty() && w[1].changed.len() <= 2);
            }
            let last = path.last().expect("a text");
            if last
                .text
                .utilities
                .iter()
                .zip(&reference)
                .all(|(x, y)| (x - y).abs() < 1e-9)
            {
                reached += 1;
            }
        }
        let expected = if name == "ItexvsCypress" { 4 } else { 8 };
        assert!(
            reached >= expected,
            "{name}: {reached} of 8 starts reached Nash"
        );
    }
}
