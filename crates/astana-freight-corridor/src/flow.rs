//! Maximum annual flow between two nodes and the minimum cut that binds it (Dinic's
//! algorithm on the links' capacities, each link usable in both directions).

use crate::network::Network;
use serde::Serialize;
use std::collections::VecDeque;

/// Largest finite capacity [`max_flow`] accepts, TEU per year.
pub const MAX_CAPACITY: f64 = 1e12;

/// A link of the minimum cut.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CutLink {
    /// Link id.
    pub link: String,
    /// From node id (direction of the flow).
    pub from: String,
    /// To node id.
    pub to: String,
    /// Mode.
    pub mode: String,
    /// Capacity, TEU per year.
    pub capacity_teu_year: f64,
}

/// The bottleneck between two nodes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bottleneck {
    /// Maximum flow, TEU per year (`None`: some path has no capacity limit).
    pub max_flow_teu_year: Option<f64>,
    /// The binding links.
    pub cut: Vec<CutLink>,
    /// Flow per link used (link id, TEU per year), largest first.
    pub flows: Vec<(String, f64)>,
}

struct Edge {
    to: usize,
    cap: f64,
    link: usize,
}

/// Maximum flow from `s` to `t` over the links allowed by `link_ok`, with `capacity[l]`
/// per direction (`f64::INFINITY` where unlimited).
///
/// # Errors
/// The origin and destination are one node (the flow from a node to itself is not a
/// question of capacity), or a capacity is negative or NaN.
pub fn max_flow(
    net: &Network,
    s: usize,
    t: usize,
    capacity: &[f64],
    link_ok: &[bool],
) -> Result<Bottleneck, String> {
    if s == t {
        return Err(format!(
            "the origin and the destination are the same node ({})",
            net.nodes[s].id
        ));
    }
    // Finite capacities are summed (the stand-in for "unlimited" is four times the sum), so
    // they are bounded far above any corridor (world container traffic is under 10⁹ TEU).
    if let Some(l) = capacity
        .iter()
        .position(|c| c.is_nan() || *c < 0.0 || (c.is_finite() && *c > MAX_CAPACITY))
    {
        return Err(format!(
            "link {}: capacity {} is not a number of TEU per year from 0 to {MAX_CAPACITY:e}",
            net.links[l].id, capacity[l]
        ));
    }
    let n = net.nodes.len();
    let mut edges: Vec<Edge> = Vec::new();
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    let big = capacity
        .iter()
        .filter(|c| c.is_finite())
        .sum::<f64>()
        .max(1.0)
        * 4.0;
    for (l, &(a, b)) in net.ends.iter().enumerate() {
        if !link_ok[l] {
            continue;
        }
        let c = if capacity[l].is_finite() {
            capacity[l]
        } else {
            big
        };
        // Two arcs, each the other's reverse: an undirected edge of capacity c.
        for (u, v) in [(a, b), (b, a)] {
            adj[u].push(edges.len());
            edges.push(Edge {
                to: v,
                cap: c,
                link: l,
            });
        }
    }
    let original: Vec<f64> = edges.iter().map(|e| e.cap).collect();
    let mut total = 0.0;
    loop {
        // BFS levels on the residual graph.
        let mut level = vec![usize::MAX; n];
        level[s] = 0;
        let mut q = VecDeque::from([s]);
        while let Some(u) = q.pop_front() {
            for &e in &adj[u] {
                if edges[e].cap > 1e-9 && level[edges[e].to] == usize::MAX {
                    level[edges[e].to] = level[u] + 1;
                    q.push_back(edges[e].to);
                }
            }
        }
        if level[t] == usize::MAX {
            break;
        }
        let mut it = vec![0usize; n];
        let mut path = Vec::new();
        loop {
            let f = push(&mut edges, &adj, &level, &mut it, &mut path, s, t);
            if f <= 1e-9 {
                break;
            }
            total += f;
        }
    }
    // The cut: arcs from the residual-reachable side to the other.
    let mut seen = vec![false; n];
    seen[s] = true;
    let mut q = VecDeque::from([s]);
    while let Some(u) = q.pop_front() {
        for &e in &adj[u] {
            if edges[e].cap > 1e-9 && !seen[edges[e].to] {
                seen[edges[e].to] = true;
                q.push_back(edges[e].to);
            }
        }
    }
    let mut cut = Vec::new();
    let mut unbounded = false;
    for u in 0..n {
        if !seen[u] {
            continue;
        }
        for &e in &adj[u] {
            let v = edges[e].to;
            if !seen[v] && original[e] > 0.0 {
                let l = edges[e].link;
                if !capacity[l].is_finite() {
                    unbounded = true;
                }
                cut.push(CutLink {
                    link: net.links[l].id.clone(),
                    from: net.nodes[u].id.clone(),
                    to: net.nodes[v].id.clone(),
                    mode: net.links[l].mode.clone(),
                    capacity_teu_year: capacity[l],
                });
            }
        }
    }
    // Net flow per link: each link's two arcs sit next to each other.
    let mut flows: Vec<(String, f64)> = Vec::new();
    for pair in (0..edges.len()).step_by(2) {
        let f = (original[pair] - edges[pair].cap).abs();
        if f > 1e-6 {
            flows.push((net.links[edges[pair].link].id.clone(), f));
        }
    }
    flows.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(Bottleneck {
        max_flow_teu_year: (!unbounded && total < big * 0.5).then_some(total),
        cut: if unbounded { Vec::new() } else { cut },
        flows,
    })
}

/// One augmenting path of the level graph from `s` to `t` and the flow pushed along it
/// (0: the level graph is blocked). Iterative, with the path as an explicit stack of
/// edges: a recursive search overflows the stack on long chains (60,000 nodes).
fn push(
    edges: &mut [Edge],
    adj: &[Vec<usize>],
    level: &[usize],
    it: &mut [usize],
    path: &mut Vec<usize>,
    s: usize,
    t: usize,
) -> f64 {
    path.clear();
    let mut u = s;
    loop {
        if u == t {
            let f = path
                .iter()
                .map(|&e| edges[e].cap)
                .fold(f64::INFINITY, f64::min);
            for &e in path.iter() {
                edges[e].cap -= f;
                edges[e ^ 1].cap += f;
            }
            return f;
        }
        let mut next = None;
        while it[u] < adj[u].len() {
            let e = adj[u][it[u]];
            if edges[e].cap > 1e-9 && level[edges[e].to] == level[u] + 1 {
                next = Some(e);
                break;
            }
            it[u] += 1;
        }
        match next {
            Some(e) => {
                path.push(e);
                u = edges[e].to;
            }
            // A dead end: retreat one edge and skip it from now on.
            None => match path.pop() {
                Some(e) => {
                    u = edges[e ^ 1].to;
                    it[u] += 1;
                }
                None => return 0.0,
            },
        }
    }
}

/// The links a corridor family uses between two nodes: the union of its `k` fastest
/// routes (a family's network for the maximum flow, without detours through other
/// corridors that merely connect the same places).
///
/// # Errors
/// As [`crate::k_best`] (the same node at both ends, a search too large for the network).
pub fn family_links(
    net: &Network,
    s: usize,
    t: usize,
    family: &str,
    k: usize,
) -> Result<Vec<bool>, String> {
    let mut ok = vec![false; net.links.len()];
    let w = crate::Weights {
        by: crate::By::Time,
        value_of_time: 0.0,
    };
    let filter = crate::Filter {
        corridor: Some(family.to_string()),
        ..crate::Filter::default()
    };
    for r in crate::k_best(net, s, t, k, &w, &filter)? {
        for l in r.links {
            ok[l] = true;
        }
    }
    Ok(ok)
}
