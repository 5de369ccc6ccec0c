//! Params as the server takes them: `serde_urlencoded` from a query string (flat scalars,
//! lists as one comma-separated string), unknown keys refused, enum-like values checked
//! with a "did you mean".

use astana_query::{balance, corridor, mediate, power, ErrorKind};

fn embedded() -> astana_model::Scenario {
    astana_scenario::load_embedded().expect("embedded").0
}

#[test]
fn an_unknown_key_is_an_error_naming_it() {
    let e = serde_urlencoded::from_str::<balance::Params>("year=2023&yeer=2022")
        .expect_err("unknown key");
    assert!(e.to_string().contains("unknown field `yeer`"), "{e}");
    let e = serde_urlencoded::from_str::<corridor::RoutesParams>("from=xian&avoided=RUS")
        .expect_err("unknown key");
    assert!(e.to_string().contains("unknown field `avoided`"), "{e}");
}

#[test]
fn query_strings_fill_the_cli_defaults() {
    let p: corridor::RoutesParams =
        serde_urlencoded::from_str("from=xian&to=duisburg").expect("params");
    assert_eq!((p.k, p.by.as_str(), p.value_of_time), (5, "time", 2.0));
    let p: balance::Params =
        serde_urlencoded::from_str("shock=CHN%3D-0.5&mirror=true&n=200").expect("params");
    assert_eq!(p.shock.as_deref(), Some("CHN=-0.5"));
    assert!(p.mirror);
    assert_eq!(p.n, Some(200));
    let p: mediate::RunParams = serde_urlencoded::from_str("protocol=single-text").expect("params");
    assert_eq!((p.rounds, p.sessions, p.tolerance), (100, 1, 0.1));
}

#[test]
fn avoid_takes_a_comma_separated_list() {
    let s = embedded();
    let p: corridor::RoutesParams =
        serde_urlencoded::from_str("from=Xi%27an&to=Duisburg&k=3&avoid=RUS,BLR").expect("params");
    let r = corridor::routes(&s, &p).expect("routes");
    let corridor::RoutesReport::Od(r) = r else {
        panic!("one origin and destination");
    };
    assert_eq!(r.routes.len(), 3);
    for route in &r.routes {
        assert!(
            !route.countries.iter().any(|c| c == "RUS" || c == "BLR"),
            "{:?}",
            route.countries
        );
    }
    // Without the list, the fastest route crosses Russia (so the list did the work).
    let p: corridor::RoutesParams =
        serde_urlencoded::from_str("from=Xi%27an&to=Duisburg&k=1").expect("params");
    let corridor::RoutesReport::Od(r) = corridor::routes(&s, &p).expect("routes") else {
        panic!("one origin and destination");
    };
    assert!(
        r.routes[0].countries.iter().any(|c| c == "RUS"),
        "{:?}",
        r.routes[0].countries
    );
}

#[test]
fn a_bad_enum_value_is_an_input_error_with_a_did_you_mean() {
    let s = embedded();
    let p: balance::Params = serde_urlencoded::from_str("flow=exprts").expect("params");
    let e = balance::run(&s, &p).expect_err("bad flow");
    assert_eq!(e.kind, ErrorKind::Input);
    assert_eq!(e.exit_code(), 2);
    assert_eq!(e.http_status(), 400);
    assert_eq!(
        e.to_string(),
        "error: --flow: unknown value `exprts`; expected one of exports, imports, turnover, fdi-inflow (did you mean `exports`?)"
    );
    assert_eq!(e.detail, "--flow: unknown value `exprts`; expected one of exports, imports, turnover, fdi-inflow (did you mean `exports`?)");
    let p: corridor::RoutesParams =
        serde_urlencoded::from_str("from=xian&to=poti&by=costs").expect("params");
    let e = corridor::routes(&s, &p).expect_err("bad by");
    assert!(e.to_string().contains("(did you mean `cost`?)"), "{e}");
    let p: mediate::RunParams = serde_urlencoded::from_str("protocol=single_text").expect("params");
    let neg = mediate::read_files(&[(
        "t.toml".to_string(),
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/scenarios/kazakhstan/negotiation/trans-caspian.toml"
        ))
        .expect("read"),
    )])
    .expect("domain");
    let e = mediate::run(neg, &p, None).expect_err("bad protocol");
    assert!(
        e.to_string().contains("(did you mean `single-text`?)"),
        "{e}"
    );
    let p: power::Params = serde_urlencoded::from_str("method=kind").expect("params");
    let e = power::run_text(
        "g.toml",
        "quota = 2\n[[player]]\nid = \"A\"\nweight = 1\n[[player]]\nid = \"B\"\nweight = 1\n",
        &p,
        None,
    )
    .expect_err("bad method");
    assert!(e.to_string().contains("(did you mean `kinds`?)"), "{e}");
}

#[test]
fn located_errors_are_listed_one_by_one() {
    let e = power::run_text(
        "g.toml",
        "quota = 2\n[[player]]\nid = \"A\"\nweight = -1\n",
        &power::Params::default(),
        None,
    )
    .expect_err("negative weight");
    assert_eq!(e.kind, ErrorKind::Input);
    assert_eq!(e.http_status(), 422);
    assert!(!e.errors.is_empty());
    assert_eq!(e.errors[0].file, "g.toml");
    assert_eq!(e.errors[0].line, Some(4), "{:?}", e.errors);
    let bad = astana_query::scenario::check_files(
        "upload",
        &[(
            "scenario.toml",
            "name = \"x\"\nfocal = \"KAZ\"\nunknown_key = 1\n",
        )],
    );
    assert!(!bad.ok);
    let e = bad.error();
    assert_eq!(e.errors.len(), bad.errors);
    assert!(e.errors.iter().all(|l| !l.file.is_empty()));
}

#[test]
fn cancelling_stops_with_a_compute_error_named_cancelled() {
    let s = embedded();
    let report = |_: f64, _: &str| {};
    let yes = || true;
    let progress = astana_query::Progress {
        report: &report,
        cancelled: &yes,
    };
    let p = corridor::SimulateParams {
        days: 10.0,
        ..Default::default()
    };
    let e = corridor::simulate(&s, &p, Some(&progress)).expect_err("cancelled");
    assert_eq!(
        (e.kind, e.title.as_str(), e.exit_code()),
        (ErrorKind::Compute, "cancelled", 1)
    );
}

#[test]
fn progress_reaches_one_on_a_finished_simulation() {
    let s = embedded();
    let last = std::sync::Mutex::new(-1.0_f64);
    let report = |x: f64, _: &str| {
        let mut l = last.lock().expect("lock");
        assert!(
            x >= *l - 1e-12 || x == 0.0,
            "progress went back: {x} after {l}"
        );
        *l = x;
    };
    let no = || false;
    let progress = astana_query::Progress {
        report: &report,
        cancelled: &no,
    };
    let p = corridor::SimulateParams {
        days: 20.0,
        ..Default::default()
    };
    corridor::simulate(&s, &p, Some(&progress)).expect("simulate");
    assert_eq!(*last.lock().expect("lock"), 1.0);
}

#[test]
fn the_embedded_files_are_the_embedded_scenario() {
    let files = astana_scenario::embedded_files();
    assert!(files.iter().any(|(n, _)| *n == "scenario.toml"));
    assert!(files.iter().any(|(n, _)| *n == "forum/rooms.csv"));
    let from_files = astana_scenario::load_from_memory(files).expect("loads").0;
    let embedded = embedded();
    assert_eq!(from_files.flows.len(), embedded.flows.len());
    assert_eq!(
        from_files.corridor_links.len(),
        embedded.corridor_links.len()
    );
}

#[test]
fn a_scenario_game_is_found_by_name_or_not_found_with_a_did_you_mean() {
    let files = astana_scenario::embedded_files();
    let (name, text) = power::scenario_game(files, "unsc").expect("unsc");
    assert_eq!(name, "power/unsc.toml");
    let r = power::run_text(&name, &text, &power::Params::default(), None).expect("indices");
    let doc = serde_json::to_value(&r).expect("json");
    // Each permanent member's Shapley–Shubik index in the UN Security Council: 421/2145.
    assert_eq!(doc["indices"]["shapley_shubik"]["CHN"]["exact"], "421/2145");
    let e = power::scenario_game(files, "unsk").expect_err("no such game");
    // Stored uploads come as bytes.
    let stored = vec![("power/sco.toml".to_string(), b"x".to_vec())];
    assert_eq!(power::scenario_game(&stored, "sco").expect("sco").1, "x");
    assert_eq!(
        (e.kind, e.http_status(), e.exit_code()),
        (ErrorKind::NotFound, 404, 2)
    );
    assert!(e.to_string().contains("did you mean `unsc`?"), "{e}");
}
