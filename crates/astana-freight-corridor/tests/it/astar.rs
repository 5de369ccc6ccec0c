//! Issue 14 item 1: Yen's spur searches guided by A* find exactly the routes plain Yen
//! finds, all-pairs trees agree with single-pair searches, and large networks load.

use astana_freight_corridor::routes::{all_pairs, k_best_unguided};
use astana_freight_corridor::{k_best, By, Filter, Network, Route, Weights};
use astana_model::corridor::{Link, Node, FAMILIES};

struct Gen(u64);
impl Gen {
    fn next(&mut self, m: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % m.max(1)
    }
}

fn node(i: usize, country: &str, dwell: f64) -> Node {
    Node {
        id: format!("N{i}"),
        name: format!("Node {i}"),
        country: country.into(),
        lat: 0.0,
        lon: 0.0,
        kind: "hub".into(),
        dwell_hours: dwell,
        handling_usd_feu: dwell * 7.0,
        servers: None,
        source: "s".into(),
        note: String::new(),
    }
}

fn link(id: usize, a: usize, b: usize, hours: f64, cost: f64, family: Option<&str>) -> Link {
    Link {
        id: format!("L{id}"),
        from: format!("N{a}"),
        to: format!("N{b}"),
        mode: if id.is_multiple_of(4) { "sea" } else { "rail" }.into(),
        km: hours * 40.0,
        hours,
        gauge: None,
        cost_usd_feu: cost,
        capacity_teu_year: None,
        departures_week: None,
        family: family.map(str::to_string),
        crosses: Vec::new(),
        source: "s".into(),
        note: String::new(),
    }
}

/// A sparse network: a ring (connected) and random chords, some of them parallel links,
/// some labelled with a corridor family. With `ties`, small integer weights, so many
/// routes weigh exactly the same; without, fractional ones.
fn random_network(g: &mut Gen, n: usize, chords: usize, ties: bool) -> Network {
    let weight = |g: &mut Gen| {
        if ties {
            1.0 + g.next(4) as f64
        } else {
            1.0 + g.next(100_000) as f64 / 997.0
        }
    };
    let nodes: Vec<Node> = (0..n)
        .map(|i| {
            let dwell = if ties {
                g.next(2) as f64
            } else {
                g.next(1000) as f64 / 331.0
            };
            node(i, if i % 4 == 1 { "RUS" } else { "KAZ" }, dwell)
        })
        .collect();
    let mut links = Vec::new();
    for i in 0..n {
        let (h, c) = (weight(g), weight(g));
        links.push(link(links.len(), i, (i + 1) % n, h, c, None));
    }
    for _ in 0..chords {
        let a = g.next(n as u64) as usize;
        let b = (a + 1 + g.next(n as u64 - 1) as usize) % n;
        let family = match g.next(6) {
            0 => Some(FAMILIES[g.next(FAMILIES.len() as u64) as usize]),
            _ => None,
        };
        let (h, c) = (weight(g), weight(g));
        links.push(link(links.len(), a, b, h, c, family));
    }
    Network::new(&nodes, &links)
}

fn paths(r: &[Route]) -> Vec<(Vec<usize>, Vec<usize>)> {
    r.iter()
        .map(|r| (r.nodes.clone(), r.links.clone()))
        .collect()
}

fn weights() -> [Weights; 3] {
    [By::Time, By::Cost, By::Generalized].map(|by| Weights {
        by,
        value_of_time: 2.5,
    })
}

fn filters() -> Vec<Filter> {
    let mut f = vec![
        Filter::default(),
        Filter {
            avoid: vec!["RUS".into()],
            ..Filter::default()
        },
        Filter {
            close: vec!["L3".into(), "L20".into()],
            ..Filter::default()
        },
    ];
    f.extend(["middle-caspian", "northern", "southern"].map(|c| Filter {
        corridor: Some(c.into()),
        ..Filter::default()
    }));
    f
}

/// On random seeded networks, with ties and without, by every criterion and filter, A*-guided
/// Yen returns the same routes in the same order as plain Yen.
#[test]
fn a_star_yen_finds_exactly_the_routes_of_plain_yen() {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let mut compared = 0;
    for round in 0..24 {
        let ties = round % 2 == 0;
        let n = 12 + round * 3;
        let net = random_network(&mut g, n, n + n / 2, ties);
        for _ in 0..3 {
            let s = g.next(n as u64) as usize;
            let t = (s + 1 + g.next(n as u64 - 1) as usize) % n;
            for w in &weights() {
                for f in &filters() {
                    let k = 1 + g.next(9) as usize;
                    let plain = k_best_unguided(&net, s, t, k, w, f);
                    let guided = k_best(&net, s, t, k, w, f);
                    match (plain, guided) {
                        (Ok(a), Ok(b)) => {
                            assert_eq!(paths(&a), paths(&b), "round {round}, {s}→{t}, k {k}");
                            assert_eq!(a, b);
                            compared += a.len();
                        }
                        (Err(a), Err(b)) => assert_eq!(a, b),
                        (a, b) => panic!("round {round}: {a:?} vs {b:?}"),
                    }
                }
            }
        }
    }
    assert!(compared > 3_000, "{compared} routes compared");
}

/// The same on the default network: every ordered pair, k = 5, every criterion, with no
/// filter and with each corridor family imposed.
#[test]
fn a_star_yen_finds_the_default_networks_routes_of_plain_yen() {
    let (sc, _) = astana_scenario::load_embedded().expect("default scenario");
    let net = Network::new(&sc.corridor_nodes, &sc.corridor_links);
    let n = net.nodes.len();
    let mut filters = vec![Filter::default()];
    filters.extend(FAMILIES.map(|c| Filter {
        corridor: Some(c.into()),
        ..Filter::default()
    }));
    let mut compared = 0;
    for w in &weights() {
        for f in &filters {
            // Every pair unfiltered; a sample of pairs per family (plain Yen is the slow path).
            let step = if f.corridor.is_some() { 7 } else { 1 };
            for s in 0..n {
                for t in (0..n).filter(|&t| t != s && (s * n + t).is_multiple_of(step)) {
                    let a = k_best_unguided(&net, s, t, 5, w, f).expect("runs");
                    let b = k_best(&net, s, t, 5, w, f).expect("runs");
                    assert_eq!(paths(&a), paths(&b), "{s}→{t} {:?}", f.corridor);
                    compared += a.len();
                }
            }
        }
    }
    assert!(compared > 40_000, "{compared} routes compared");
}

/// All-pairs weights (k = 1 by one tree per origin; k = 3 by Yen per destination) are
/// exactly those of the single-pair searches, pair by pair, filtered or not.
#[test]
fn all_pairs_agree_with_single_pair_searches() {
    let mut g = Gen(0x2545_f491_4f6c_dd1d);
    for round in 0..6 {
        let ties = round % 2 == 0;
        let n = 20 + round * 5;
        let net = random_network(&mut g, n, n, ties);
        for w in &weights() {
            for f in filters().iter().filter(|f| f.avoid.is_empty()) {
                for k in [1, 3] {
                    let all = all_pairs(&net, k, w, f).expect("runs");
                    assert_eq!(all.pairs(), n * (n - 1));
                    for (s, t, got) in all.iter() {
                        let want: Vec<f64> = k_best_unguided(&net, s, t, k, w, f)
                            .expect("runs")
                            .iter()
                            .map(|r| match w.by {
                                By::Time => r.days * 24.0,
                                By::Cost => r.cost_usd_feu,
                                By::Generalized => r.generalized_usd_feu,
                            })
                            .collect();
                        assert_eq!(
                            got.len(),
                            want.len(),
                            "{s}→{t} k {k} {:?} {:?} {:?}",
                            f.corridor,
                            f.close,
                            w.by
                        );
                        for (a, b) in got.iter().zip(&want) {
                            assert!(
                                (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                                "{s}→{t}: {a} vs {b}"
                            );
                        }
                    }
                }
            }
        }
    }
}

/// k = 1 all-pairs weights are bit for bit those of the single-pair search (summed in the
/// same order), and an avoided node is the same error as a single pair's.
#[test]
fn all_pairs_trees_are_exact_and_report_avoided_nodes() {
    let mut g = Gen(77);
    let net = random_network(&mut g, 40, 50, false);
    let w = weights()[2];
    let f = Filter::default();
    // The tree's weight is the search's; the search's is what k_best_unguided returns.
    let direct = |s: usize, t: usize| -> f64 {
        let r = &k_best_unguided(&net, s, t, 1, &w, &f).expect("runs")[0];
        r.generalized_usd_feu
    };
    for (s, t, v) in all_pairs(&net, 1, &w, &f).expect("runs").iter() {
        let d = direct(s, t);
        // The route's generalised cost is recomputed from its totals: equal to rounding.
        assert!((v[0] - d).abs() <= 1e-9 * d, "{s}→{t}: {} vs {d}", v[0]);
    }
    let avoid = Filter {
        avoid: vec!["RUS".into()],
        ..Filter::default()
    };
    let e = all_pairs(&net, 1, &w, &avoid).expect_err("node 1 is in Russia");
    assert_eq!(e, "Node 1 lies in an avoided country (RUS)");
}

/// A road-like grid of `side × side` nodes with fractional times (the bench's generator
/// writes the same kind of network to CSV).
fn grid(side: usize, g: &mut Gen) -> (Vec<Node>, Vec<Link>) {
    let nodes: Vec<Node> = (0..side * side)
        .map(|i| node(i, "KAZ", g.next(4) as f64 * 0.5))
        .collect();
    let mut links = Vec::new();
    for r in 0..side {
        for c in 0..side {
            let v = r * side + c;
            if c + 1 < side {
                let h = 1.0 + g.next(1000) as f64 / 250.0;
                links.push(link(links.len(), v, v + 1, h, h * 30.0, None));
            }
            if r + 1 < side {
                let h = 1.0 + g.next(1000) as f64 / 250.0;
                links.push(link(links.len(), v, v + side, h, h * 30.0, None));
            }
        }
    }
    (nodes, links)
}

/// A 20,164-node network loads (a hash lookup per link end, not a scan of the nodes) and
/// answers k = 5 across it; on a smaller grid the same query matches plain Yen.
#[test]
fn a_20000_node_network_loads_and_routes() {
    let mut g = Gen(2024);
    let (nodes, links) = grid(142, &mut g);
    let net = Network::new(&nodes, &links);
    assert_eq!((net.nodes.len(), net.links.len()), (20_164, 2 * 142 * 141));
    let w = weights()[0];
    let r = k_best(&net, 0, net.nodes.len() - 1, 5, &w, &Filter::default()).expect("runs");
    assert_eq!(r.len(), 5);
    assert!(r.windows(2).all(|p| p[0].days <= p[1].days));
    assert!(r.iter().all(|r| r.legs.len() >= 2 * 141));

    let (nodes, links) = grid(30, &mut g);
    let net = Network::new(&nodes, &links);
    let (s, t) = (0, net.nodes.len() - 1);
    let a = k_best_unguided(&net, s, t, 8, &w, &Filter::default()).expect("runs");
    let b = k_best(&net, s, t, 8, &w, &Filter::default()).expect("runs");
    assert_eq!(paths(&a), paths(&b));
}
