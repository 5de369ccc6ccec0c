//! `Network::from_rows`: the network built on the caller's rows, moved rather than copied
//! (copying a dozen strings per row was most of building a 10,000-node network).

use astana_freight_corridor::Network;
use astana_model::corridor::{Link, Node};

fn node(id: &str) -> Node {
    Node {
        id: id.into(),
        name: format!("Node {id}"),
        country: "KAZ".into(),
        lat: 0.0,
        lon: 0.0,
        kind: "hub".into(),
        dwell_hours: 0.0,
        handling_usd_feu: 0.0,
        servers: None,
        source: "s".into(),
        note: String::new(),
    }
}

fn link(id: &str, from: &str, to: &str) -> Link {
    Link {
        id: id.into(),
        from: from.into(),
        to: to.into(),
        mode: "rail".into(),
        km: 10.0,
        hours: 1.0,
        gauge: None,
        cost_usd_feu: 1.0,
        capacity_teu_year: None,
        departures_week: None,
        family: None,
        crosses: Vec::new(),
        source: "s".into(),
        note: String::new(),
    }
}

/// The same network as `Network::new` (a link to an unknown node skipped, the kept links
/// renumbered, arcs both ways), and the rows' own strings, not copies.
#[test]
fn from_rows_moves_the_rows_and_builds_what_new_builds() {
    let nodes = vec![node("A"), node("B"), node("C"), node("A")];
    let links = vec![
        link("L1", "A", "B"),
        link("L2", "B", "X"),
        link("L3", "C", "B"),
        link("L4", "A", "C"),
    ];
    let copied = Network::new(&nodes, &links);
    let (node_id, link_id) = (nodes[2].id.as_ptr(), links[3].id.as_ptr());
    let moved = Network::from_rows(nodes, links);
    assert_eq!(format!("{copied:?}"), format!("{moved:?}"));
    let ids: Vec<&str> = moved.links.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["L1", "L3", "L4"]);
    assert_eq!(moved.ends, [(0, 1), (2, 1), (0, 2)]);
    let arcs =
        |v: usize| -> Vec<(usize, usize)> { moved.out[v].iter().map(|a| (a.link, a.to)).collect() };
    assert_eq!(arcs(0), [(0, 1), (2, 2)]);
    assert_eq!(arcs(1), [(0, 0), (1, 2)]);
    assert_eq!(arcs(2), [(1, 1), (2, 0)]);
    // The first of duplicate ids wins; the duplicate has no arcs.
    assert!(moved.out[3].is_empty());
    assert_eq!(moved.nodes[2].id.as_ptr(), node_id);
    assert_eq!(moved.links[2].id.as_ptr(), link_id);
}
