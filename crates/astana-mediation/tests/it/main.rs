//! Integration tests of the live mediation engine: bots on the Trans-Caspian domain and
//! converted GENIUS domains, secrecy of the views, replay, and rejected events.

use astana_mediation::{bot, Caller, Event, Mediation, ProfileInput, Protocol, Setup, View};
use astana_negotiation::domain::normalise;
use astana_negotiation::{Negotiation, Profile};
use std::collections::BTreeMap;
use std::path::PathBuf;

mod large;
mod protocols;
mod rejects;
mod replay;
mod secrecy;

/// `$ASTANA_REFERENCE_DIR` or `../shared/reference` (as astana-negotiation's tests).
pub(crate) fn reference_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ASTANA_REFERENCE_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
        PathBuf::from,
    );
    if dir.join("negotiation").is_dir() {
        return Some(dir.join("negotiation"));
    }
    let ci = std::env::var_os("CI").is_some();
    if !ci && std::env::var_os("ASTANA_SKIP_REFERENCE").is_some_and(|v| v == "1") {
        eprintln!(
            "skipped (ASTANA_SKIP_REFERENCE=1): {} not found",
            dir.display()
        );
        return None;
    }
    panic!(
        "reference directory {} not found: set ASTANA_REFERENCE_DIR to it",
        dir.display()
    )
}

/// A domain as a live mediation gets it (no parties), and the parties' private profiles.
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) domain_toml: String,
    pub(crate) ids: Vec<String>,
    pub(crate) profiles: Vec<ProfileInput>,
}

fn quote(s: &str) -> String {
    // A JSON string is a valid TOML basic string.
    serde_json::to_string(s).expect("string")
}

/// The domain TOML of `neg` without its parties.
pub(crate) fn domain_toml(neg: &Negotiation) -> String {
    let mut t = format!("name = {}\n", quote(&neg.name));
    for i in &neg.issues {
        let values: Vec<String> = i.values.iter().map(|v| quote(v)).collect();
        t += &format!(
            "[[issue]]\nname = {}\nvalues = [{}]\n",
            quote(&i.name),
            values.join(", ")
        );
    }
    t
}

/// A profile as input: weights as written and the terms divided by the weight (any
/// positive list for a zero weight), so that it compiles back to the same utilities up
/// to rounding.
pub(crate) fn input(neg: &Negotiation, p: &Profile) -> ProfileInput {
    let mut weights = BTreeMap::new();
    let mut evaluations = BTreeMap::new();
    for ((issue, w), t) in neg.issues.iter().zip(&p.weights).zip(&p.terms) {
        weights.insert(issue.name.clone(), *w);
        let e = if *w > 0.0 {
            t.iter().map(|x| x / w).collect()
        } else {
            vec![1.0; t.len()]
        };
        evaluations.insert(issue.name.clone(), e);
    }
    ProfileInput {
        reservation: p.reservation,
        weights,
        evaluations,
        discount: None,
    }
}

/// The negotiation the engine sees once every profile is in (compiled as the engine and
/// the native reader compile: normalise, then times the weight), for offline analysis.
pub(crate) fn offline(case: &Case) -> Negotiation {
    let mut neg =
        astana_negotiation::native::read_issues("domain", &case.domain_toml).expect("domain reads");
    neg.parties = case
        .profiles
        .iter()
        .zip(&case.ids)
        .map(|(p, id)| Profile {
            name: id.clone(),
            terms: neg
                .issues
                .iter()
                .map(|i| {
                    let w = p.weights[&i.name];
                    normalise(&p.evaluations[&i.name])
                        .into_iter()
                        .map(|x| w * x)
                        .collect()
                })
                .collect(),
            weights: neg.issues.iter().map(|i| p.weights[&i.name]).collect(),
            reservation: p.reservation,
            discount: 1.0,
        })
        .collect();
    neg
}

#[derive(serde::Deserialize)]
struct NativeFile {
    party: Vec<NativeParty>,
}

#[derive(serde::Deserialize)]
struct NativeParty {
    id: String,
    reservation: f64,
    weights: BTreeMap<String, f64>,
    evaluations: BTreeMap<String, Vec<f64>>,
}

/// The Trans-Caspian domain: its profiles become the parties' private profiles, exactly
/// as written; the domain is the same file's issues.
pub(crate) fn trans_caspian() -> Case {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/scenarios/kazakhstan/negotiation/trans-caspian.toml");
    let text = std::fs::read_to_string(&path).expect("trans-caspian.toml");
    let neg = astana_negotiation::native::read("trans-caspian.toml", &text).expect("reads");
    let file: NativeFile = toml::from_str(&text).expect("parties");
    Case {
        name: "trans-caspian".into(),
        domain_toml: domain_toml(&neg),
        ids: file.party.iter().map(|p| p.id.clone()).collect(),
        profiles: file
            .party
            .into_iter()
            .map(|p| ProfileInput {
                reservation: p.reservation,
                weights: p.weights,
                evaluations: p.evaluations,
                discount: None,
            })
            .collect(),
    }
}

/// A GENIUS reference domain, converted: issues to a domain TOML, profiles to inputs.
pub(crate) fn genius(name: &str) -> Option<Case> {
    let dir = reference_dir()?.join("domains").join(name);
    let neg = astana_negotiation::open(&dir, &[]).expect("GENIUS domain reads");
    Some(Case {
        name: name.into(),
        domain_toml: domain_toml(&neg),
        ids: (1..=neg.parties.len()).map(|k| format!("P{k}")).collect(),
        profiles: neg.parties.iter().map(|p| input(&neg, p)).collect(),
    })
}

pub(crate) fn setup(case: &Case, protocol: Protocol, rounds: u32, seed: u64) -> Setup {
    Setup {
        domain_toml: case.domain_toml.clone(),
        parties: case.ids.clone(),
        protocol,
        rounds,
        seed,
        post_settlement: true,
    }
}

/// Profiles in, started.
pub(crate) fn started(case: &Case, setup: Setup) -> Mediation {
    let mut m = Mediation::new(setup).expect("setup valid");
    for (party, profile) in case.profiles.iter().enumerate() {
        assert_eq!(
            m.apply(&Event::Profile {
                party,
                profile: profile.clone()
            }),
            Ok(true)
        );
    }
    assert_eq!(m.apply(&Event::Start), Ok(true));
    m
}

pub(crate) fn party_view(m: &Mediation, k: usize) -> astana_mediation::PartyView {
    match m.view(Caller::Party(k)) {
        View::Party(p) => p,
        View::Mediator(_) => panic!("party {k} got the mediator's view"),
    }
}

/// Bots play until none has anything to do; every event applied is returned (the log).
/// Party k acts through the JSON view when k is odd (the server's path), typed otherwise.
pub(crate) fn play(m: &mut Mediation) -> Vec<Event> {
    let mut log = Vec::new();
    for _ in 0..100_000 {
        let mut acted = false;
        for k in 0..m.setup().parties.len() {
            let action = if k % 2 == 1 {
                let json = serde_json::to_value(m.view(Caller::Party(k))).expect("json");
                bot::act(&json)
            } else {
                bot::act_view(&party_view(m, k))
            };
            if let Some(a) = action {
                let e = a.event(k);
                assert_eq!(m.apply(&e), Ok(true), "{e:?}");
                log.push(e);
                acted = true;
            }
        }
        if !acted {
            return log;
        }
    }
    panic!("bots did not finish");
}
