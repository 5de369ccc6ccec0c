//! Issue 14: all-pairs weights come back as one flat table indexed by node (no list of
//! per-pair vectors); a pair without a route, or with fewer than k, shows exactly the
//! routes found.

use astana_freight_corridor::routes::all_pairs;
use astana_freight_corridor::{By, Filter, Network, Weights};
use astana_model::corridor::{Link, Node};

fn node(i: usize, dwell: f64) -> Node {
    Node {
        id: format!("N{i}"),
        name: format!("Node {i}"),
        country: "KAZ".into(),
        lat: 0.0,
        lon: 0.0,
        kind: "hub".into(),
        dwell_hours: dwell,
        handling_usd_feu: 0.0,
        servers: None,
        source: "s".into(),
        note: String::new(),
    }
}

fn link(id: usize, a: usize, b: usize, hours: f64) -> Link {
    Link {
        id: format!("L{id}"),
        from: format!("N{a}"),
        to: format!("N{b}"),
        mode: "rail".into(),
        km: hours * 40.0,
        hours,
        gauge: None,
        cost_usd_feu: hours,
        capacity_teu_year: None,
        departures_week: None,
        family: None,
        crosses: Vec::new(),
        source: "s".into(),
        note: String::new(),
    }
}

/// A path 0–1–2 (1 h dwell at node 1), a triangle 3–4–5 and a lone node 6.
fn network() -> Network {
    let nodes: Vec<Node> = (0..7)
        .map(|i| node(i, if i == 1 { 1.0 } else { 0.0 }))
        .collect();
    let links = vec![
        link(0, 0, 1, 2.0),
        link(1, 1, 2, 3.0),
        link(2, 3, 4, 1.0),
        link(3, 4, 5, 1.0),
        link(4, 3, 5, 5.0),
    ];
    Network::new(&nodes, &links)
}

const TIME: Weights = Weights {
    by: By::Time,
    value_of_time: 0.0,
};

#[test]
fn table_holds_each_pairs_routes_and_nothing_for_missing_ones() {
    let net = network();
    let one = all_pairs(&net, 1, &TIME, &Filter::default()).expect("runs");
    assert_eq!(
        (one.nodes(), one.k(), one.pairs(), one.routes()),
        (7, 1, 42, 12)
    );
    assert_eq!(one.get(0, 2), &[6.0]);
    assert_eq!(one.get(2, 0), &[6.0]);
    assert_eq!(one.get(3, 5), &[2.0]);
    assert_eq!(one.get(0, 3), &[] as &[f64]);
    assert_eq!(one.get(6, 0), &[] as &[f64]);
    assert_eq!(one.get(4, 4), &[] as &[f64]);
    // Origin, then destination, the diagonal left out.
    let order: Vec<(usize, usize)> = one.iter().map(|(s, t, _)| (s, t)).take(7).collect();
    assert_eq!(
        order,
        [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (0, 6), (1, 0)]
    );

    // k = 3: the path has one route per pair, the triangle two; the rest stay empty.
    let three = all_pairs(&net, 3, &TIME, &Filter::default()).expect("runs");
    assert_eq!((three.pairs(), three.routes()), (42, 6 + 6 * 2));
    assert_eq!(three.get(0, 2), &[6.0]);
    assert_eq!(three.get(3, 5), &[2.0, 5.0]);
    assert_eq!(three.get(3, 4), &[1.0, 6.0]);
    assert_eq!(three.get(5, 0), &[] as &[f64]);
    for (s, t, v) in three.iter() {
        assert_eq!(v, three.get(s, t));
    }
}

#[test]
fn closing_a_link_empties_the_pairs_it_alone_joined() {
    let net = network();
    let f = Filter {
        close: vec!["L1".into()],
        ..Filter::default()
    };
    let one = all_pairs(&net, 1, &TIME, &f).expect("runs");
    assert_eq!(one.get(0, 1), &[2.0]);
    assert_eq!(one.get(0, 2), &[] as &[f64]);
    assert_eq!(one.routes(), 8);
}
