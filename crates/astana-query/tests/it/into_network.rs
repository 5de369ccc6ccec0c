//! Issue 14: `corridor routes` on a network built from a scenario loaded for the one query
//! (`into_network`, the rows moved rather than copied) answers as `routes` on a borrowed
//! scenario does, errors included.

use astana_query::corridor;

#[test]
fn routes_on_a_moved_network_equal_routes_on_the_scenario() {
    let s = astana_scenario::load_embedded().expect("embedded").0;
    for q in [
        "from=Xian&to=Duisburg&k=5&by=time",
        "from=Xian&to=Duisburg&k=3&by=cost&avoid=RUS",
        "all_pairs=true&k=2&by=generalized",
    ] {
        let p: corridor::RoutesParams = serde_urlencoded::from_str(q).expect("params");
        let borrowed = serde_json::to_string(&corridor::routes(&s, &p).expect("routes"));
        let net = corridor::into_network(s.clone()).expect("network");
        let moved = serde_json::to_string(&corridor::routes_on(&net, &p).expect("routes"));
        assert_eq!(borrowed.expect("json"), moved.expect("json"), "{q}");
    }
    let p: corridor::RoutesParams =
        serde_urlencoded::from_str("from=Xian&to=Nowhere").expect("params");
    let net = corridor::into_network(s.clone()).expect("network");
    let (a, b) = (
        corridor::routes(&s, &p).expect_err("unknown node"),
        corridor::routes_on(&net, &p).expect_err("unknown node"),
    );
    assert_eq!(
        (a.to_string(), a.exit_code()),
        (b.to_string(), b.exit_code())
    );
    assert!(a.to_string().contains("--to"), "{a}");
    let empty = astana_model::Scenario::default();
    let e = corridor::into_network(empty).expect_err("no network");
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("no corridor network"), "{e}");
}
