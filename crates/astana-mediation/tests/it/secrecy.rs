//! Secrecy by construction: every view of full runs of both protocols, serialised, scanned.

use crate::{offline, play, setup, trans_caspian, Case};
use astana_mediation::{bot, Caller, Event, Mediation, Protocol};
use serde_json::Value;
use std::collections::BTreeSet;

/// Trans-Caspian with planted profile values: reservations 0.123456789 + k/10, weights
/// scaled by 1 − (k+1)·1e-7, evaluations shifted and scaled per party (the utilities
/// barely move, every number becomes the party's own).
fn planted() -> Case {
    let mut case = trans_caspian();
    for (k, p) in case.profiles.iter_mut().enumerate() {
        let k = k as f64;
        p.reservation = 0.123456789 + k / 10.0;
        for w in p.weights.values_mut() {
            *w *= 1.0 - (k + 1.0) * 1e-7;
        }
        for e in p.evaluations.values_mut() {
            for x in e {
                *x = (*x + 0.001) * (2.718_281_9 + k);
            }
        }
    }
    case
}

fn numbers(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Number(n) => {
            out.insert(n.to_string());
        }
        Value::Array(a) => a.iter().for_each(|x| numbers(x, out)),
        Value::Object(o) => o.values().for_each(|x| numbers(x, out)),
        _ => {}
    }
}

fn keys(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
        Value::Object(o) => {
            for (k, x) in o {
                out.insert(k.clone());
                keys(x, out);
            }
        }
        _ => {}
    }
}

fn json(x: f64) -> String {
    serde_json::to_value(x).expect("number").to_string()
}

/// Party k's secrets as JSON prints them: its profile's numbers and its utility of every
/// outcome (integers left out: rounds are integers too).
fn secrets(case: &Case, k: usize) -> BTreeSet<String> {
    let neg = offline(case);
    let p = &case.profiles[k];
    let mut s: BTreeSet<String> = std::iter::once(p.reservation)
        .chain(p.weights.values().copied())
        .chain(p.evaluations.values().flatten().copied())
        .filter(|x| x.fract() != 0.0)
        .map(json)
        .collect();
    neg.for_each_outcome(|o, _| {
        let u = neg.parties[k].utility(o);
        if u.fract() != 0.0 {
            s.insert(json(u));
        }
    });
    s
}

/// The keys only a party's own view may have.
const OWN: [&str; 5] = ["you", "profile", "tolerance", "responses", "utilities"];

fn check(
    m: &Mediation,
    case: &Case,
    secrets: &[BTreeSet<String>],
    (seen, own): (&mut usize, &mut usize),
) {
    let mediator = serde_json::to_value(m.view(Caller::Mediator)).expect("json");
    let mut names = BTreeSet::new();
    keys(&mediator, &mut names);
    for key in OWN
        .iter()
        .chain(&["accept", "reservation", "weights", "evaluations"])
    {
        assert!(!names.contains(*key), "mediator sees {key}: {mediator}");
    }
    let mut found = BTreeSet::new();
    numbers(&mediator, &mut found);
    assert!(
        found.iter().all(|n| n.parse::<u64>().is_ok()),
        "a non-integer in the mediator's view: {found:?}"
    );
    for k in 0..case.ids.len() {
        let mut v = serde_json::to_value(m.view(Caller::Party(k))).expect("json");
        // Party k's numbers: none of another party's secrets.
        let mut found = BTreeSet::new();
        numbers(&v, &mut found);
        for (j, s) in secrets.iter().enumerate() {
            if j == k {
                // The scan would see them: a party's own secrets do show in its view.
                *own += found.intersection(s).count();
            } else {
                let leak: Vec<&String> = found.intersection(s).collect();
                assert!(leak.is_empty(), "party {k} sees party {j}'s {leak:?}");
            }
        }
        // Without its own fields, a party's view is exactly the mediator's: nothing else
        // (no other party's answers) can be in it.
        let o = v.as_object_mut().expect("object");
        for key in OWN {
            assert!(o.remove(key).is_some(), "{key} missing");
        }
        assert_eq!(v, mediator, "party {k}'s view beyond its own fields");
        *seen += 1;
    }
}

/// Every view of the mediator and each party, after every event of full runs of both
/// protocols (with post-settlement), holds no other party's profile values, utilities or
/// answers; the mediator's has no non-integer number at all.
#[test]
fn views_hold_only_their_owners_secrets() {
    let case = planted();
    let secrets: Vec<_> = (0..case.ids.len()).map(|k| secrets(&case, k)).collect();
    // The planted values are distinct per party.
    for j in 0..secrets.len() {
        for k in j + 1..secrets.len() {
            assert!(
                secrets[j].is_disjoint(&secrets[k]),
                "{j} and {k} share a value"
            );
        }
    }
    for (protocol, rounds) in [(Protocol::SingleText, 3), (Protocol::BlindBidding, 6)] {
        let mut m = Mediation::new(setup(&case, protocol, rounds, 11)).expect("setup");
        let (mut seen, mut own) = (0, 0);
        check(&m, &case, &secrets, (&mut seen, &mut own));
        for (party, profile) in case.profiles.iter().enumerate() {
            m.apply(&Event::Profile {
                party,
                profile: profile.clone(),
            })
            .expect("profile");
            check(&m, &case, &secrets, (&mut seen, &mut own));
        }
        m.apply(&Event::Start).expect("start");
        check(&m, &case, &secrets, (&mut seen, &mut own));
        // Step the bots one event at a time, checking after each.
        loop {
            let next = (0..case.ids.len()).find_map(|k| {
                let json = serde_json::to_value(m.view(Caller::Party(k))).ok()?;
                bot::act(&json).map(|a| a.event(k))
            });
            let Some(e) = next else { break };
            m.apply(&e).expect("bot event");
            check(&m, &case, &secrets, (&mut seen, &mut own));
        }
        assert!(m.outcome().is_some(), "{protocol:?}: no agreement");
        assert!(seen > 20, "{protocol:?}: only {seen} views");
        assert!(own > 100, "{protocol:?}: own secrets not seen ({own})");
        let _ = play(&mut m);
    }
}
