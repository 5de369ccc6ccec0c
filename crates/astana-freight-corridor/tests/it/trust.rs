//! Issue 10 (corridor items 6–8) and issue 11 (classes 3–5): countries crossed inside
//! links, unknown codes, parameter ranges, instability reported the same way by the
//! assignment and the simulation, and inputs large enough to break recursion or quadratic
//! look-ups.

use astana_freight_corridor::flow::max_flow;
use astana_freight_corridor::sim::{self, SimError, Stream};
use astana_freight_corridor::{assign, k_best, By, Filter, Network, Weights};
use astana_model::corridor::{Link, Node};

fn default_network() -> Network {
    let (s, _) = astana_scenario::load_embedded().expect("default scenario");
    Network::new(&s.corridor_nodes, &s.corridor_links)
}

fn node(id: &str, country: &str, dwell: f64, servers: Option<u32>) -> Node {
    Node {
        id: id.into(),
        name: id.into(),
        country: country.into(),
        lat: 0.0,
        lon: 0.0,
        kind: "hub".into(),
        dwell_hours: dwell,
        handling_usd_feu: 0.0,
        servers,
        source: "s".into(),
        note: String::new(),
    }
}

fn link(id: &str, from: &str, to: &str, hours: f64, cap: Option<f64>) -> Link {
    Link {
        id: id.into(),
        from: from.into(),
        to: to.into(),
        mode: "rail".into(),
        km: hours * 40.0,
        hours,
        gauge: None,
        cost_usd_feu: hours,
        capacity_teu_year: cap,
        departures_week: None,
        family: None,
        crosses: Vec::new(),
        source: "s".into(),
        note: String::new(),
    }
}

fn time() -> Weights {
    Weights {
        by: By::Time,
        value_of_time: 0.0,
    }
}

fn ends(net: &Network, a: &str, b: &str) -> (usize, usize) {
    (net.find(a).expect("node"), net.find(b).expect("node"))
}

/// 10.6: the Kazakh–Turkmen–Iranian line runs through Turkmenistan: avoiding TKM leaves
/// it out, and routes on it list TKM. (On the old data the parallel Zhanaozen–Incheh Burun
/// link carried no TKM, so `--avoid TKM` still used it.)
#[test]
fn avoiding_turkmenistan_avoids_the_line_through_it() {
    let net = default_network();
    let (s, t) = ends(&net, "ZHANAOZEN", "TEHRAN");
    let all = k_best(&net, s, t, 2, &time(), &Filter::default()).expect("runs");
    assert_eq!(all.len(), 2);
    for r in &all {
        assert!(
            r.countries.iter().any(|c| c == "TKM"),
            "{:?} via {:?}",
            r.countries,
            r.legs.iter().map(|l| &l.link).collect::<Vec<_>>()
        );
    }
    let avoid = Filter {
        avoid: vec!["TKM".into()],
        ..Filter::default()
    };
    let routes = k_best(&net, s, t, 5, &time(), &avoid).expect("runs");
    for r in &routes {
        assert!(!r.countries.iter().any(|c| c == "TKM"), "{:?}", r.countries);
    }
}

/// 10.6: countries crossed inside long links appear in route country lists, in order.
#[test]
fn route_countries_include_those_crossed_inside_links() {
    let net = default_network();
    let (s, t) = ends(&net, "ISTANBUL", "DUISBURG");
    let r = k_best(&net, s, t, 1, &time(), &Filter::default()).expect("runs");
    let r = r.first().expect("a route");
    assert_eq!(
        r.countries,
        ["TUR", "BGR", "SRB", "HUN", "AUT", "DEU"],
        "{:?}",
        r.legs.iter().map(|l| &l.link).collect::<Vec<_>>()
    );
    // Reversed, the crossed countries come in the other order.
    let back = k_best(&net, t, s, 1, &time(), &Filter::default()).expect("runs");
    assert_eq!(
        back.first().expect("a route").countries,
        ["DEU", "AUT", "HUN", "SRB", "BGR", "TUR"]
    );
    // Avoiding a country with no node of its own bars the links through it.
    let no_srb = Filter {
        avoid: vec!["SRB".into()],
        ..Filter::default()
    };
    for r in k_best(&net, s, t, 5, &time(), &no_srb).expect("runs") {
        assert!(!r.countries.iter().any(|c| c == "SRB"), "{:?}", r.countries);
    }
}

/// 10.6: no parallel duplicate of a path: the k best routes are distinct journeys, not one
/// line counted twice (the old data had Zhanaozen–Incheh Burun and the same line split at
/// Bereket, two routes of equal days and km).
#[test]
fn no_route_is_listed_twice() {
    let net = default_network();
    let (s, t) = ends(&net, "XIAN", "DUISBURG");
    let avoid = Filter {
        avoid: vec!["RUS".into(), "BLR".into()],
        ..Filter::default()
    };
    let routes = k_best(&net, s, t, 10, &time(), &avoid).expect("runs");
    for (i, a) in routes.iter().enumerate() {
        for b in &routes[i + 1..] {
            let same = (a.days - b.days).abs() < 1e-9 && (a.km - b.km).abs() < 1e-9;
            assert!(
                !same,
                "routes {} and {} are the same journey ({:.2} days, {} km)",
                a.rank, b.rank, a.days, a.km
            );
        }
    }
}

/// 10.7: an unknown country code is an error that suggests the intended one.
#[test]
fn unknown_avoided_country_is_an_error_with_a_suggestion() {
    let net = default_network();
    let (s, t) = ends(&net, "XIAN", "DUISBURG");
    let f = |c: &str| Filter {
        avoid: vec![c.into()],
        ..Filter::default()
    };
    let e = k_best(&net, s, t, 3, &time(), &f("RSU")).expect_err("RSU is no country");
    assert!(
        e.contains("\"RSU\"") && e.contains("(did you mean ROU or RUS?)"),
        "{e}"
    );
    let e = k_best(&net, s, t, 3, &time(), &f("XXX")).expect_err("XXX is no country");
    assert!(e.contains("\"XXX\"") && e.contains("KAZ"), "{e}");
    // Lower case names a country of the network.
    assert!(k_best(&net, s, t, 3, &time(), &f("rus")).is_ok());
}

/// 11.5: the same node at both ends, k out of range and a NaN value of time are errors,
/// not an endless search or a false "no route".
#[test]
fn route_and_flow_arguments_are_checked() {
    let net = default_network();
    let (s, t) = ends(&net, "XIAN", "DUISBURG");
    let e = k_best(&net, s, s, 3, &time(), &Filter::default()).expect_err("same node");
    assert!(e.contains("same node"), "{e}");
    let cap = vec![1.0; net.links.len()];
    let ok = vec![true; net.links.len()];
    let e = max_flow(&net, s, s, &cap, &ok).expect_err("same node");
    assert!(e.contains("same node (XIAN)"), "{e}");
    // A capacity of 1e308 would overflow the sum that stands in for "unlimited".
    let mut huge = cap.clone();
    huge[0] = 1e308;
    let e = max_flow(&net, s, t, &huge, &ok).expect_err("huge");
    assert!(e.contains("from 0 to 1e12"), "{e}");
    for k in [0, 100_000] {
        let e = k_best(&net, s, t, k, &time(), &Filter::default()).expect_err("k");
        assert!(e.contains("1000"), "{e}");
    }
    let nan = Weights {
        by: By::Generalized,
        value_of_time: f64::NAN,
    };
    let e = k_best(&net, s, t, 3, &nan, &Filter::default()).expect_err("NaN");
    assert!(e.contains("--value-of-time NaN"), "{e}");
}

/// 11.3 and reproducer 20's class: a 60,000-node chain. The recursive augmenting-path
/// search overflowed the stack, and finding link ends by a linear scan took
/// O(nodes × links).
#[test]
fn a_chain_of_60000_nodes() {
    let n = 60_000;
    let nodes: Vec<Node> = (0..n)
        .map(|i| node(&format!("N{i}"), "KAZ", 0.0, None))
        .collect();
    let links: Vec<Link> = (1..n)
        .map(|i| {
            // One link in the middle is the narrowest.
            let cap = if i == n / 2 { 1_000.0 } else { 5_000.0 };
            link(
                &format!("L{i}"),
                &format!("N{}", i - 1),
                &format!("N{i}"),
                1.0,
                Some(cap),
            )
        })
        .collect();
    let net = Network::new(&nodes, &links);
    assert_eq!(net.links.len(), n - 1);
    let (s, t) = (0, n - 1);
    let cap: Vec<f64> = net
        .links
        .iter()
        .map(|l| l.capacity_teu_year.unwrap_or(f64::INFINITY))
        .collect();
    let b = max_flow(&net, s, t, &cap, &vec![true; n - 1]).expect("distinct ends");
    assert_eq!(b.max_flow_teu_year, Some(1_000.0));
    assert_eq!(b.cut.len(), 1);
    assert_eq!(b.cut[0].link, format!("L{}", n / 2));
    let r = k_best(&net, s, t, 1, &time(), &Filter::default()).expect("runs");
    assert_eq!(r.len(), 1, "a chain has one route");
    assert_eq!(r[0].legs.len(), n - 1);
    assert!((r[0].days - (n - 1) as f64 / 24.0).abs() < 1e-6);
    // A second route is a spur search from each of the 60,000 nodes; guided by A*, each
    // ends at once (the way on is barred), so the chain's one route is all there is.
    let r = k_best(&net, s, t, 2, &time(), &Filter::default()).expect("cheap with A*");
    assert_eq!(r.len(), 1, "a chain has one route");
}

/// A three-node line A–B–C where B queues: 1 server, 10 h dwell, so B passes 876 trains
/// a year, 71,832 TEU in trains of 82.
fn line() -> Network {
    Network::new(
        &[
            node("A", "KAZ", 0.0, None),
            node("B", "KAZ", 10.0, Some(1)),
            node("C", "KAZ", 0.0, None),
        ],
        &[
            link("AB", "A", "B", 5.0, None),
            link("BC", "B", "C", 5.0, Some(60_000.0)),
        ],
    )
}

fn settings(closure: f64, teu: f64, days: f64) -> sim::Settings {
    sim::Settings {
        days,
        seed: 1,
        teu_per_shipment: teu,
        caspian_closure: closure,
    }
}

/// 10.8: the assignment and the simulation call the same loads infeasible, name the
/// place, its load and its capacity; below capacity both run.
#[test]
fn assign_and_simulate_agree_on_feasibility() {
    let net = line();
    let (a, c) = (0, 2);
    let routes = k_best(&net, a, c, 1, &time(), &Filter::default()).expect("runs");
    let settings_a = assign::Settings {
        theta: 0.002,
        value_of_time: 2.0,
        iterations: 50,
        teu_per_train: 82.0,
    };
    let stream = |teu: f64| Stream {
        nodes: routes[0].nodes.clone(),
        links: routes[0].links.clone(),
        family: "other".into(),
        teu_year: teu,
    };
    // 80,000 TEU/yr: over the link (60,000) and the station (71,832).
    let x = assign::assign(&net, &routes, 80_000.0, &settings_a).expect("valid");
    assert!(!x.feasible);
    let ids: Vec<&str> = x.overloads.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["BC", "B"]);
    let b = &x.overloads[1];
    assert_eq!(b.load_teu_year, 80_000.0);
    assert!((b.capacity_teu_year - 71_832.0).abs() < 1e-6, "{b:?}");
    match sim::simulate(
        &net,
        &[stream(80_000.0)],
        &settings(0.0, 82.0, 60.0),
        &mut |_| {},
    ) {
        Err(SimError::Unstable(o)) => assert_eq!(o, x.overloads),
        other => panic!("{other:?}"),
    }
    let msg = SimError::Unstable(x.overloads.clone()).to_string();
    assert!(
        msg.contains("B (B): load 80000 TEU/yr against a capacity of 71832 TEU/yr"),
        "{msg}"
    );
    // 65,000: the link is over, the station is not; both say so.
    let x = assign::assign(&net, &routes, 65_000.0, &settings_a).expect("valid");
    assert_eq!(x.overloads.len(), 1);
    assert!(matches!(
        sim::simulate(&net, &[stream(65_000.0)], &settings(0.0, 82.0, 60.0), &mut |_| {}),
        Err(SimError::Unstable(o)) if o == x.overloads
    ));
    // 30,000: feasible for both.
    let x = assign::assign(&net, &routes, 30_000.0, &settings_a).expect("valid");
    assert!(x.feasible && x.overloads.is_empty());
    let r = sim::simulate(
        &net,
        &[stream(30_000.0)],
        &settings(0.0, 82.0, 60.0),
        &mut |_| {},
    )
    .expect("stable");
    assert_eq!(r.undelivered, 0);
    assert!(r.corridors["other"].shipments > 0);
}

/// 10.8 and 11.5: settings out of range are input errors before anything runs: a closure
/// of 1 (no sailing ever leaves: it hung), NaN, a train of 0 TEU, 2³² − 1 days, a demand
/// of 10¹² TEU (memory grew until killed).
#[test]
fn simulation_settings_are_checked() {
    let net = default_network();
    let streams = sim::streams(&net, &net.od_pairs(), 120_000.0, &Filter::default())
        .expect("default streams");
    let input = |s: sim::Settings| match sim::simulate(&net, &streams, &s, &mut |_| {}) {
        Err(SimError::Input(e)) => e,
        other => panic!("{:?}", other.map(|r| r.corridors)),
    };
    assert!(input(settings(1.0, 82.0, 365.0)).contains("--caspian-closure 1"));
    assert!(input(settings(f64::NAN, 82.0, 365.0)).contains("--caspian-closure NaN"));
    assert!(input(settings(0.08, 0.0, 365.0)).contains("--teu-per-train 0"));
    assert!(input(settings(0.08, 82.0, 4_294_967_295.0)).contains("--days 4294967295"));
    assert!(input(settings(0.08, 82.0, f64::INFINITY)).contains("--days inf"));
    // A train of a thousandth of a TEU over a year: 10⁸ trains, over the limit.
    assert!(input(settings(0.08, 0.001, 365.0)).contains("limit is 2000000"));
    for demand in [1e12, f64::NAN, -1.0] {
        assert!(sim::streams(&net, &net.od_pairs(), demand, &Filter::default()).is_err());
    }
}

/// 10.8: the default network at ten times the default demand overloads a station; the
/// simulation names it instead of printing means of hundreds of days.
#[test]
fn an_overloaded_default_network_is_named() {
    let net = default_network();
    let streams =
        sim::streams(&net, &net.od_pairs(), 1_200_000.0, &Filter::default()).expect("streams");
    match sim::simulate(&net, &streams, &settings(0.08, 82.0, 365.0), &mut |_| {}) {
        Err(SimError::Unstable(o)) => {
            assert!(!o.is_empty());
            assert!(o.iter().all(|x| x.utilisation >= 1.0));
        }
        other => panic!("{:?}", other.map(|r| r.corridors)),
    }
}

/// 11.5: the assignment's flags: NaN θ, value of time or demand, and demands beyond any
/// real corridor, are errors.
#[test]
fn assignment_settings_are_checked() {
    let net = line();
    let routes = k_best(&net, 0, 2, 1, &time(), &Filter::default()).expect("runs");
    let s = |theta: f64, vot: f64| assign::Settings {
        theta,
        value_of_time: vot,
        iterations: 10,
        teu_per_train: 82.0,
    };
    for (theta, vot) in [
        (f64::NAN, 2.0),
        (-1.0, 2.0),
        (f64::INFINITY, 2.0),
        (0.002, f64::NAN),
    ] {
        assert!(assign::assign(&net, &routes, 1_000.0, &s(theta, vot)).is_err());
    }
    for demand in [f64::NAN, -5.0, 1e12, f64::INFINITY] {
        let e = assign::assign(&net, &routes, demand, &s(0.002, 2.0)).expect_err("demand");
        assert!(e.starts_with("--demand"), "{e}");
    }
}
