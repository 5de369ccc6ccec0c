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
