//! Conflict vs Invalid: every wrong event is refused with what is wrong, and changes
//! nothing.

use astana_mediation::{Accept, Event, Mediation, ProfileInput, Protocol, Reject, Setup, Status};
use std::collections::BTreeMap;

const DOMAIN: &str = r#"name = "Picnic"
[[issue]]
name = "place"
values = ["park", "beach", "lake"]
[[issue]]
name = "food"
values = ["sandwich", "pizza"]
"#;

fn setup(protocol: Protocol) -> Setup {
    Setup {
        domain_toml: DOMAIN.into(),
        parties: vec!["alice".into(), "bob".into()],
        protocol,
        rounds: 5,
        seed: 3,
        post_settlement: true,
    }
}

fn profile(place: [f64; 3], food: [f64; 2]) -> ProfileInput {
    ProfileInput {
        reservation: 0.1,
        weights: BTreeMap::from([("place".into(), 0.6), ("food".into(), 0.4)]),
        evaluations: BTreeMap::from([
            ("place".into(), place.to_vec()),
            ("food".into(), food.to_vec()),
        ]),
        discount: None,
    }
}

fn profiles() -> [ProfileInput; 2] {
    [
        profile([1.0, 5.0, 3.0], [1.0, 4.0]),
        profile([5.0, 1.0, 4.0], [4.0, 1.0]),
    ]
}

fn started(protocol: Protocol) -> Mediation {
    let mut m = Mediation::new(setup(protocol)).expect("setup");
    for (party, profile) in profiles().into_iter().enumerate() {
        m.apply(&Event::Profile { party, profile })
            .expect("profile");
    }
    m.apply(&Event::Start).expect("start");
    m
}

fn conflict(r: Result<bool, Reject>) -> String {
    match r {
        Err(Reject::Conflict(m)) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn invalid(r: Result<bool, Reject>) -> Vec<String> {
    match r {
        Err(Reject::Invalid(e)) => {
            e.0.iter()
                .map(|e| format!("{}: {}", e.element, e.message))
                .collect()
        }
        other => panic!("expected invalid, got {other:?}"),
    }
}

fn json(m: &Mediation) -> String {
    let views: Vec<_> = [
        astana_mediation::Caller::Mediator,
        astana_mediation::Caller::Party(0),
        astana_mediation::Caller::Party(1),
    ]
    .into_iter()
    .map(|c| m.view(c))
    .collect();
    serde_json::to_string(&views).expect("json")
}

#[test]
fn start_waits_for_every_profile_and_profiles_stop_at_start() {
    let mut m = Mediation::new(setup(Protocol::SingleText)).expect("setup");
    assert_eq!(
        conflict(m.apply(&Event::Start)),
        "waiting for the profile of alice, bob"
    );
    let [a, b] = profiles();
    assert_eq!(
        m.apply(&Event::Profile {
            party: 0,
            profile: a.clone()
        }),
        Ok(true)
    );
    // The same profile again changes nothing; another one replaces it.
    assert_eq!(
        m.apply(&Event::Profile {
            party: 0,
            profile: a.clone()
        }),
        Ok(false)
    );
    assert_eq!(
        conflict(m.apply(&Event::Start)),
        "waiting for the profile of bob"
    );
    assert_eq!(
        m.apply(&Event::Profile {
            party: 1,
            profile: b
        }),
        Ok(true)
    );
    assert_eq!(m.apply(&Event::Start), Ok(true));
    assert_eq!(m.status(), Status::Running);
    let before = json(&m);
    assert_eq!(
        conflict(m.apply(&Event::Profile {
            party: 0,
            profile: a
        })),
        "the mediation has started: profiles are fixed"
    );
    assert_eq!(
        conflict(m.apply(&Event::Start)),
        "the mediation has already started"
    );
    assert_eq!(json(&m), before);
}

#[test]
fn past_future_repeated_and_changed_responses() {
    let mut m = started(Protocol::SingleText);
    assert_eq!(m.round(), 1);
    let respond = |party, round, yes| Event::Respond {
        party,
        round,
        accept: Accept::Text(yes),
    };
    let before = json(&m);
    assert_eq!(
        conflict(m.apply(&respond(0, 2, true))),
        "round 2 is a future round; the current round is 1"
    );
    assert_eq!(
        conflict(m.apply(&respond(0, 0, true))),
        "round 0 is a past round; the current round is 1"
    );
    assert_eq!(json(&m), before);
    assert_eq!(m.apply(&respond(0, 1, true)), Ok(true));
    let after = json(&m);
    assert_eq!(m.apply(&respond(0, 1, true)), Ok(false), "idempotent");
    assert_eq!(
        conflict(m.apply(&respond(0, 1, false))),
        "alice has already answered round 1 differently"
    );
    assert_eq!(json(&m), after);
    // A list answers blind bidding only.
    assert_eq!(
        invalid(m.apply(&Event::Respond {
            party: 1,
            round: 1,
            accept: Accept::Suggestions(vec![])
        })),
        ["accept: this round asks for true or false, not a list of suggestions"]
    );
    assert_eq!(
        conflict(m.apply(&Event::Propose {
            party: 1,
            round: 1,
            package: BTreeMap::new()
        })),
        "proposals belong to blind bidding; this mediation uses a single text"
    );
    assert_eq!(m.apply(&respond(1, 1, false)), Ok(true));
    assert_eq!(
        m.round(),
        2,
        "a rejected revision moves on to the next round"
    );
    assert_eq!(
        conflict(m.apply(&respond(1, 1, false))),
        "round 1 is a past round; the current round is 2"
    );
    assert_eq!(
        invalid(m.apply(&respond(7, 2, true))),
        ["party: party 7 does not exist (the mediation has 2)"]
    );
}

#[test]
fn unknown_issues_options_and_suggestions_are_all_listed() {
    let mut m = started(Protocol::BlindBidding);
    let package = BTreeMap::from([
        ("plase".to_string(), "park".to_string()),
        ("food".to_string(), "pizzza".to_string()),
    ]);
    let before = json(&m);
    assert_eq!(
        invalid(m.apply(&Event::Propose {
            party: 0,
            round: 1,
            package
        })),
        [
            "package.plase: \"plase\" is not an issue; did you mean `place`?",
            "package: no option for issue \"place\"",
            "package.food: \"pizzza\" is not an option of \"food\"; did you mean `pizza`?",
        ]
    );
    assert_eq!(json(&m), before);
    let pkg = |place: &str, food: &str| {
        BTreeMap::from([
            ("place".to_string(), place.to_string()),
            ("food".to_string(), food.to_string()),
        ])
    };
    assert_eq!(
        m.apply(&Event::Propose {
            party: 0,
            round: 1,
            package: pkg("beach", "pizza")
        }),
        Ok(true)
    );
    assert_eq!(
        m.apply(&Event::Propose {
            party: 0,
            round: 1,
            package: pkg("beach", "pizza")
        }),
        Ok(false)
    );
    assert_eq!(
        conflict(m.apply(&Event::Propose {
            party: 0,
            round: 1,
            package: pkg("park", "pizza")
        })),
        "alice has already posted a different proposal for round 1"
    );
    assert_eq!(
        conflict(m.apply(&Event::Respond {
            party: 0,
            round: 1,
            accept: Accept::Suggestions(vec![])
        })),
        "no response is asked now (phase proposals)"
    );
    assert_eq!(
        m.apply(&Event::Propose {
            party: 1,
            round: 1,
            package: pkg("park", "sandwich")
        }),
        Ok(true)
    );
    let ids: Vec<String> = m_suggestions(&m);
    assert!(!ids.is_empty() && ids[0] == "S1");
    let known = ids.join(", ");
    assert_eq!(
        invalid(m.apply(&Event::Respond {
            party: 0,
            round: 1,
            accept: Accept::Suggestions(vec!["S1".into(), "S99".into(), "X".into()])
        })),
        [
            format!("accept: \"S99\" is not a suggestion of this round; they are {known}"),
            format!("accept: \"X\" is not a suggestion of this round; they are {known}"),
        ]
    );
    assert_eq!(
        invalid(m.apply(&Event::Respond { party: 0, round: 1, accept: Accept::Text(true) })),
        ["accept: blind bidding's responses list the suggestions accepted, e.g. [\"S3\"] (or [] for none)"]
    );
    // Order and repeats do not make a different answer.
    let twice = vec![ids[0].clone(), ids[0].clone()];
    assert_eq!(
        m.apply(&Event::Respond {
            party: 0,
            round: 1,
            accept: Accept::Suggestions(twice)
        }),
        Ok(true)
    );
    assert_eq!(
        m.apply(&Event::Respond {
            party: 0,
            round: 1,
            accept: Accept::Suggestions(vec![ids[0].clone()])
        }),
        Ok(false)
    );
}

fn m_suggestions(m: &Mediation) -> Vec<String> {
    match m.view(astana_mediation::Caller::Mediator) {
        astana_mediation::View::Mediator(v) => {
            v.public.suggestions.iter().map(|s| s.id.clone()).collect()
        }
        astana_mediation::View::Party(_) => unreachable!(),
    }
}

#[test]
fn bad_profiles_list_every_problem() {
    let mut m = Mediation::new(setup(Protocol::SingleText)).expect("setup");
    let mut p = profile([1.0, f64::NAN, 3.0], [1.0, 4.0]);
    p.weights.insert("place".into(), -0.5);
    p.weights.insert("fod".into(), 0.5);
    p.evaluations.insert("food".into(), vec![1.0]);
    p.reservation = f64::INFINITY;
    p.discount = Some(0.0);
    assert_eq!(
        invalid(m.apply(&Event::Profile {
            party: 1,
            profile: p
        })),
        [
            "reservation: reservation inf must be a number in 0..=1",
            "discount: discount 0 must lie in (0, 1] (1 = no discounting)",
            "weights.fod: \"fod\" is not an issue; did you mean `food`?",
            "weights.place: weight -0.5 must be a finite, non-negative number",
            "evaluations.place[1]: evaluation NaN must be a finite, non-negative number",
            "evaluations.food: 1 evaluations for issue \"food\", which has 2 options",
        ]
    );
    let mut zero = profile([1.0, 2.0, 3.0], [1.0, 4.0]);
    zero.weights.values_mut().for_each(|w| *w = 0.0);
    zero.evaluations.remove("food");
    assert_eq!(
        invalid(m.apply(&Event::Profile {
            party: 0,
            profile: zero.clone()
        })),
        ["evaluations: no evaluations for issue \"food\""]
    );
    zero.evaluations.insert("food".into(), vec![0.0, 0.0]);
    assert_eq!(
        invalid(m.apply(&Event::Profile {
            party: 0,
            profile: zero
        })),
        ["weights: every weight is zero: the profile would be indifferent to everything"]
    );
    assert_eq!(
        m.view(astana_mediation::Caller::Party(0)),
        Mediation::new(setup(Protocol::SingleText))
            .expect("s")
            .view(astana_mediation::Caller::Party(0))
    );
}

#[test]
fn setups_are_checked() {
    let bad = Setup {
        domain_toml: format!("{DOMAIN}[[party]]\nid = \"alice\"\n"),
        parties: vec!["alice".into(), "alice".into(), "b c".into()],
        protocol: Protocol::SingleText,
        rounds: 0,
        seed: 0,
        post_settlement: false,
    };
    let e = Mediation::new(bad).expect_err("invalid");
    let got: Vec<String> =
        e.0.iter()
            .map(|e| format!("{}:{} {}: {}", e.file, e.line, e.element, e.message))
            .collect();
    assert_eq!(
        got,
        [
            "domain:8 party: a live mediation's domain has no [[party]] tables: profiles are private, each party submits its own",
            "setup:0 parties[1]: duplicate party \"alice\"",
            "setup:0 parties[2]: party id \"b c\" must be 1 to 32 characters of A-Z, a-z, 0-9, _ and -",
            "setup:0 rounds: rounds 0 must lie in 1..=1000",
        ]
    );
    // 10 issues of 4 options: 1,048,576 outcomes.
    let mut big = String::from("name = \"big\"\n");
    for k in 0..10 {
        big += &format!("[[issue]]\nname = \"i{k}\"\nvalues = [\"a\", \"b\", \"c\", \"d\"]\n");
    }
    let e = Mediation::new(Setup {
        domain_toml: big,
        ..setup(Protocol::BlindBidding)
    })
    .expect_err("too big");
    assert_eq!(
        e.0[0].message,
        "1048576 outcomes: a live mediation allows at most 1000000 (suggestions and improvements scan every outcome)"
    );
}

#[test]
fn wire_formats() {
    let e: Event = serde_json::from_str(
        r#"{"kind": "respond", "party": 1, "round": 3, "accept": ["S3", "S7"]}"#,
    )
    .expect("event");
    assert_eq!(
        e,
        Event::Respond {
            party: 1,
            round: 3,
            accept: Accept::Suggestions(vec!["S3".into(), "S7".into()])
        }
    );
    let e: Event =
        serde_json::from_str(r#"{"kind": "respond", "party": 0, "round": 1, "accept": false}"#)
            .expect("event");
    assert_eq!(
        e,
        Event::Respond {
            party: 0,
            round: 1,
            accept: Accept::Text(false)
        }
    );
    assert_eq!(
        serde_json::to_string(&Event::Start).expect("json"),
        r#"{"kind":"start"}"#
    );
    let s: Setup = serde_json::from_str(r#"{"domain_toml": "", "parties": [], "protocol": "blind-bidding", "rounds": 3, "seed": 9}"#).expect("setup");
    assert!(s.post_settlement && s.protocol == Protocol::BlindBidding);
    let err = serde_json::from_str::<ProfileInput>(
        r#"{"reservation": 0.2, "weights": {}, "evaluations": {}, "colour": 1}"#,
    )
    .expect_err("unknown field");
    assert!(err.to_string().contains("unknown field `colour`"), "{err}");
}
