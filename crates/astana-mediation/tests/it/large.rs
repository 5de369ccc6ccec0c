//! The largest live domain: 12 parties on 10⁶ outcomes, where the Pareto frontier would
//! take minutes (3·10⁵ points); suggestions come from one bounded pass instead.

use crate::{offline, Case};
use astana_mediation::{
    Accept, Caller, Event, Mediation, ProfileInput, Protocol, Setup, Status, View,
};
use std::collections::BTreeMap;

fn case() -> Case {
    let mut s: u64 = 0x2545_f491;
    let mut rnd = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s % 1000) as f64
    };
    let mut domain = String::from("name = \"large\"\n");
    for j in 0..6 {
        let values: Vec<String> = (0..10).map(|v| format!("\"v{v}\"")).collect();
        domain += &format!(
            "[[issue]]\nname = \"i{j}\"\nvalues = [{}]\n",
            values.join(", ")
        );
    }
    let profiles = (0..12)
        .map(|_| ProfileInput {
            reservation: 0.2,
            weights: (0..6).map(|j| (format!("i{j}"), 1.0 / 6.0)).collect(),
            evaluations: (0..6)
                .map(|j| (format!("i{j}"), (0..10).map(|_| rnd() + 1.0).collect()))
                .collect(),
            discount: None,
        })
        .collect();
    Case {
        name: "large".into(),
        domain_toml: domain,
        ids: (1..=12).map(|k| format!("P{k}")).collect(),
        profiles,
    }
}

/// Every party proposes its own best package; the suggestions (at most 8) are not
/// dominated by any of the 10⁶ outcomes; everyone accepting the first agrees, and
/// post-settlement (a scan) finds nothing to improve.
#[test]
fn twelve_parties_on_a_million_outcomes() {
    let case = case();
    let neg = offline(&case);
    assert_eq!(neg.outcome_count(), 1_000_000);
    let mut m = Mediation::new(Setup {
        domain_toml: case.domain_toml.clone(),
        parties: case.ids.clone(),
        protocol: Protocol::BlindBidding,
        rounds: 3,
        seed: 0,
        post_settlement: true,
    })
    .expect("setup");
    for (party, profile) in case.profiles.iter().enumerate() {
        m.apply(&Event::Profile {
            party,
            profile: profile.clone(),
        })
        .expect("profile");
    }
    m.apply(&Event::Start).expect("start");
    for (party, p) in neg.parties.iter().enumerate() {
        let package: BTreeMap<String, String> = neg
            .issues
            .iter()
            .zip(&p.terms)
            .map(|(i, t)| {
                let best = (0..t.len()).fold(0, |b, v| if t[v] > t[b] { v } else { b });
                (i.name.clone(), i.values[best].clone())
            })
            .collect();
        m.apply(&Event::Propose {
            party,
            round: 1,
            package,
        })
        .expect("proposal");
    }
    let View::Mediator(v) = m.view(Caller::Mediator) else {
        panic!("mediator")
    };
    let suggestions = v.public.suggestions;
    assert!(
        (1..=8).contains(&suggestions.len()),
        "{}",
        suggestions.len()
    );
    let outcomes: Vec<Vec<u32>> = suggestions
        .iter()
        .map(|s| {
            neg.issues
                .iter()
                .map(|i| {
                    i.values
                        .iter()
                        .position(|x| *x == s.package[&i.name])
                        .expect("label") as u32
                })
                .collect()
        })
        .collect();
    let us: Vec<Vec<f64>> = outcomes.iter().map(|o| neg.utilities(o)).collect();
    for u in &us {
        assert!(
            u.iter().zip(&neg.parties).all(|(x, p)| *x >= p.reservation),
            "{u:?} is not rational"
        );
    }
    let mut dominated = vec![false; us.len()];
    neg.for_each_outcome(|_, sums| {
        for (d, u) in dominated.iter_mut().zip(&us) {
            if sums.iter().zip(u).all(|(s, x)| s.min(1.0) >= *x)
                && sums.iter().zip(u).any(|(s, x)| s.min(1.0) > *x)
            {
                *d = true;
            }
        }
    });
    assert!(
        dominated.iter().all(|d| !d),
        "a dominated suggestion: {dominated:?}"
    );
    for party in 0..12 {
        let accept = Accept::Suggestions(vec![suggestions[0].id.clone()]);
        m.apply(&Event::Respond {
            party,
            round: 1,
            accept,
        })
        .expect("response");
    }
    assert_eq!(m.status(), Status::Agreed);
    assert_eq!(
        m.round(),
        1,
        "no improvement offered for an efficient agreement"
    );
}
