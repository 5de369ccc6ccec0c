//! Routes and flows against brute force on random small networks, and name lookup.

use astana_freight_corridor::flow::max_flow;
use astana_freight_corridor::{k_best, By, Filter, Network, Weights};
use astana_model::corridor::{Link, Node};

fn node(id: &str, name: &str, country: &str, dwell: f64) -> Node {
    Node {
        id: id.into(),
        name: name.into(),
        country: country.into(),
        lat: 0.0,
        lon: 0.0,
        kind: "hub".into(),
        dwell_hours: dwell,
        handling_usd_feu: dwell * 10.0,
        servers: None,
        source: "s".into(),
        note: String::new(),
    }
}

fn link(id: usize, from: &str, to: &str, hours: f64, cap: Option<f64>) -> Link {
    Link {
        id: format!("L{id:03}"),
        from: from.into(),
        to: to.into(),
        mode: "rail".into(),
        km: hours * 40.0,
        hours,
        gauge: Some(1520),
        cost_usd_feu: hours * 3.0,
        capacity_teu_year: cap,
        departures_week: None,
        family: None,
        crosses: Vec::new(),
        source: "s".into(),
        note: String::new(),
    }
}

struct Gen(u64);
impl Gen {
    fn next(&mut self, m: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % m.max(1)
    }
}

fn random_network(g: &mut Gen, n: usize, m: usize) -> Network {
    let nodes: Vec<Node> = (0..n)
        .map(|i| {
            node(
                &format!("N{i}"),
                &format!("Node {i}"),
                if i % 3 == 0 { "KAZ" } else { "RUS" },
                g.next(5) as f64,
            )
        })
        .collect();
    let mut links = Vec::new();
    for k in 0..m {
        let a = g.next(n as u64) as usize;
        let mut b = g.next(n as u64) as usize;
        if a == b {
            b = (b + 1) % n;
        }
        let cap = if g.next(4) == 0 {
            None
        } else {
            Some(1.0 + g.next(20) as f64)
        };
        links.push(link(
            k,
            &format!("N{a}"),
            &format!("N{b}"),
            1.0 + g.next(30) as f64,
            cap,
        ));
    }
    Network::new(&nodes, &links)
}

/// Every simple path's weight (links plus intermediate nodes), by depth-first search.
fn all_paths(net: &Network, s: usize, t: usize, w: &dyn Fn(usize, usize) -> f64) -> Vec<f64> {
    fn go(
        net: &Network,
        u: usize,
        t: usize,
        seen: &mut Vec<bool>,
        acc: f64,
        w: &dyn Fn(usize, usize) -> f64,
        out: &mut Vec<f64>,
    ) {
        if u == t {
            out.push(acc);
            return;
        }
        for a in &net.out[u] {
            if seen[a.to] {
                continue;
            }
            seen[a.to] = true;
            let node = if a.to == t {
                0.0
            } else {
                net.nodes[a.to].dwell_hours
            };
            go(net, a.to, t, seen, acc + w(a.link, a.to) + node, w, out);
            seen[a.to] = false;
        }
    }
    let mut seen = vec![false; net.nodes.len()];
    seen[s] = true;
    let mut out = Vec::new();
    go(net, s, t, &mut seen, 0.0, w, &mut out);
    out.sort_by(f64::total_cmp);
    out
}

/// Yen's k best loopless routes have exactly the k smallest weights among all simple paths
/// (parallel links make distinct paths).
#[test]
fn k_best_equals_brute_force() {
    let mut g = Gen(0x1234_5678_9abc_def1);
    let w = Weights {
        by: By::Time,
        value_of_time: 0.0,
    };
    for round in 0..40 {
        let net = random_network(&mut g, 4 + round % 5, 6 + round % 9);
        let (s, t) = (0, net.nodes.len() - 1);
        let brute = all_paths(&net, s, t, &|l, _| net.links[l].hours);
        let k = 6;
        let ours: Vec<f64> = k_best(&net, s, t, k, &w, &Filter::default())
            .expect("runs")
            .iter()
            .map(|r| r.days * 24.0)
            .collect();
        let want: Vec<f64> = brute.iter().take(k).copied().collect();
        assert_eq!(ours.len(), want.len(), "round {round}");
        for (a, b) in ours.iter().zip(&want) {
            assert!((a - b).abs() < 1e-9, "round {round}: {ours:?} vs {want:?}");
        }
    }
}

/// The maximum flow equals the capacity of the smallest cut, found by trying every split
/// of the nodes (links both ways; unlimited links never cut).
#[test]
fn max_flow_equals_brute_force_min_cut() {
    let mut g = Gen(0xdead_beef_0bad_f00d);
    for round in 0..40 {
        let n = 4 + round % 5;
        let net = random_network(&mut g, n, 5 + round % 8);
        let cap: Vec<f64> = net
            .links
            .iter()
            .map(|l| l.capacity_teu_year.unwrap_or(f64::INFINITY))
            .collect();
        let ok = vec![true; net.links.len()];
        let (s, t) = (0, n - 1);
        let mut best = f64::INFINITY;
        for mask in 0u32..(1 << n) {
            if mask & 1 == 0 || mask >> t & 1 == 1 {
                continue;
            }
            let c: f64 = net
                .ends
                .iter()
                .enumerate()
                .filter(|(_, (a, b))| (mask >> a & 1) != (mask >> b & 1))
                .map(|(l, _)| cap[l])
                .sum();
            best = best.min(c);
        }
        let r = max_flow(&net, s, t, &cap, &ok).expect("distinct ends");
        match r.max_flow_teu_year {
            Some(f) => {
                assert!(
                    (f - best).abs() < 1e-6,
                    "round {round}: flow {f} vs cut {best}"
                );
                let cut: f64 = r.cut.iter().map(|c| c.capacity_teu_year).sum();
                assert!(
                    (cut - best).abs() < 1e-6,
                    "round {round}: reported cut {cut} vs {best}"
                );
            }
            None => assert!(
                best.is_infinite(),
                "round {round}: unbounded but the cut is {best}"
            ),
        }
    }
}

#[test]
fn names_are_found_without_case_accents_or_punctuation() {
    let nodes = vec![
        node("XIAN", "Xi'an (Xinzhu)", "CHN", 0.0),
        node("MERSIN", "Mersin (port)", "TUR", 0.0),
        node("KAPIKULE", "Kapıkule (TR-BG border)", "TUR", 0.0),
        node("POTI", "Poti port", "GEO", 0.0),
        node("POTSDAM", "Potsdam", "DEU", 0.0),
    ];
    let links = vec![
        link(1, "XIAN", "MERSIN", 1.0, None),
        link(2, "MERSIN", "KAPIKULE", 1.0, None),
        link(3, "KAPIKULE", "POTI", 1.0, None),
        link(4, "POTI", "POTSDAM", 1.0, None),
    ];
    let net = Network::new(&nodes, &links);
    for q in ["Xi'an", "xian", "XIAN", "xi an (xinzhu)"] {
        assert_eq!(net.find(q), Ok(0), "{q}");
    }
    assert_eq!(net.find("Mersin"), Ok(1));
    assert_eq!(net.find("kapikule"), Ok(2));
    assert_eq!(net.find("poti"), Ok(3));
    let e = net.find("Pot").expect_err("ambiguous");
    assert!(
        e.contains("ambiguous") && e.contains("POTI") && e.contains("POTSDAM"),
        "{e}"
    );
    let e = net.find("Duisburg").expect_err("unknown");
    assert!(e.contains("no node is called"), "{e}");
}

/// Avoided countries and closed links are honoured; an avoided endpoint is an error.
#[test]
fn avoid_and_close() {
    let nodes = vec![
        node("A", "A", "CHN", 0.0),
        node("B", "B", "RUS", 0.0),
        node("C", "C", "KAZ", 0.0),
        node("D", "D", "DEU", 0.0),
    ];
    let links = vec![
        link(1, "A", "B", 1.0, None),
        link(2, "B", "D", 1.0, None),
        link(3, "A", "C", 2.0, None),
        link(4, "C", "D", 2.0, None),
    ];
    let net = Network::new(&nodes, &links);
    let w = Weights {
        by: By::Time,
        value_of_time: 0.0,
    };
    let all = k_best(&net, 0, 3, 5, &w, &Filter::default()).expect("runs");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].countries, vec!["CHN", "RUS", "DEU"]);
    let f = Filter {
        avoid: vec!["RUS".into()],
        ..Filter::default()
    };
    let r = k_best(&net, 0, 3, 5, &w, &f).expect("runs");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].countries, vec!["CHN", "KAZ", "DEU"]);
    let f = Filter {
        close: vec!["L003".into()],
        ..Filter::default()
    };
    assert_eq!(k_best(&net, 0, 3, 5, &w, &f).expect("runs").len(), 1);
    let f = Filter {
        avoid: vec!["DEU".into()],
        ..Filter::default()
    };
    assert!(k_best(&net, 0, 3, 5, &w, &f).is_err());
}
