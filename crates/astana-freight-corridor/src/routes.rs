//! k loopless best routes (Yen's algorithm over Dijkstra) by time, cost or generalised
//! cost, with countries avoided, links closed and a corridor family imposed.

use crate::network::Network;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};

/// What a route minimises.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    /// Hours: running time plus dwell at the nodes passed.
    Time,
    /// USD per FEU: freight plus handling at the nodes passed.
    Cost,
    /// Cost plus the value of time: USD per FEU.
    Generalized,
}

/// Which parts of the network a search may use.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Countries (ISO3) whose nodes are not entered.
    pub avoid: Vec<String>,
    /// Link ids closed.
    pub close: Vec<String>,
    /// Only routes labelled with this family (see [`Network::allows`]).
    pub corridor: Option<String>,
}

/// How routes are weighed.
#[derive(Clone, Copy, Debug)]
pub struct Weights {
    /// The criterion.
    pub by: By,
    /// USD per FEU-hour for the generalised cost.
    pub value_of_time: f64,
}

/// One leg of a route.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Leg {
    /// From node id.
    pub from: String,
    /// To node id.
    pub to: String,
    /// Link id.
    pub link: String,
    /// Mode.
    pub mode: String,
    /// km.
    pub km: f64,
    /// Running hours.
    pub hours: f64,
}

/// A route and its totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Route {
    /// 1-based rank.
    pub rank: usize,
    /// Corridor family.
    pub corridor: String,
    /// Total days (running time plus dwell at intermediate nodes).
    pub days: f64,
    /// Total km.
    pub km: f64,
    /// USD per FEU: freight plus handling at intermediate nodes.
    pub cost_usd_feu: f64,
    /// Generalised cost, USD per FEU.
    pub generalized_usd_feu: f64,
    /// Countries crossed, in order.
    pub countries: Vec<String>,
    /// Changes of mode or of rail gauge along the way.
    pub transshipments: usize,
    /// The legs.
    pub legs: Vec<Leg>,
    /// Node indices (internal).
    #[serde(skip)]
    pub nodes: Vec<usize>,
    /// Link indices (internal).
    #[serde(skip)]
    pub links: Vec<usize>,
}

impl Weights {
    fn link(&self, net: &Network, l: usize) -> f64 {
        let link = &net.links[l];
        match self.by {
            By::Time => link.hours,
            By::Cost => link.cost_usd_feu,
            By::Generalized => link.cost_usd_feu + self.value_of_time * link.hours,
        }
    }

    fn node(&self, net: &Network, v: usize) -> f64 {
        let n = &net.nodes[v];
        match self.by {
            By::Time => n.dwell_hours,
            By::Cost => n.handling_usd_feu,
            By::Generalized => n.handling_usd_feu + self.value_of_time * n.dwell_hours,
        }
    }
}

#[derive(PartialEq)]
struct State(f64, usize);
impl Eq for State {}
impl Ord for State {
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
    }
}
impl PartialOrd for State {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Dijkstra from `s` to `t` with nodes and links barred; weight of entering v includes
/// v's node weight (the destination's is constant over routes and removed later).
/// With `must`, the path has to use at least one of those links: the search runs over
/// (node, used-one-yet) states, starting in state `used`. A path that would pass a node
/// twice (once in each state) is rejected.
#[allow(clippy::too_many_arguments)]
fn shortest(
    net: &Network,
    w: &Weights,
    s: usize,
    t: usize,
    node_ok: &[bool],
    link_ok: &[bool],
    must: Option<&[bool]>,
    used: bool,
) -> Option<(Vec<usize>, Vec<usize>)> {
    let n = net.nodes.len();
    let state = |v: usize, f: bool| v * 2 + usize::from(f);
    let start_flag = must.is_none() || used;
    let mut dist = vec![f64::INFINITY; 2 * n];
    let mut prev: Vec<Option<(usize, usize)>> = vec![None; 2 * n];
    let mut heap = BinaryHeap::new();
    dist[state(s, start_flag)] = 0.0;
    heap.push(State(0.0, state(s, start_flag)));
    let goal = state(t, true);
    while let Some(State(d, x)) = heap.pop() {
        if d > dist[x] {
            continue;
        }
        if x == goal {
            break;
        }
        let (u, flag) = (x / 2, x % 2 == 1);
        for a in &net.out[u] {
            if !link_ok[a.link] || !node_ok[a.to] {
                continue;
            }
            let nf = flag || must.is_some_and(|m| m[a.link]);
            let y = state(a.to, nf);
            let nd = d + w.link(net, a.link) + w.node(net, a.to);
            if nd < dist[y] {
                dist[y] = nd;
                prev[y] = Some((x, a.link));
                heap.push(State(nd, y));
            }
        }
    }
    if !dist[goal].is_finite() {
        return None;
    }
    let (mut nodes, mut links) = (vec![t], Vec::new());
    let mut x = goal;
    while let Some((y, l)) = prev[x] {
        nodes.push(y / 2);
        links.push(l);
        x = y;
    }
    nodes.reverse();
    links.reverse();
    let mut seen = vec![false; n];
    for &v in &nodes {
        if std::mem::replace(&mut seen[v], true) {
            return None;
        }
    }
    Some((nodes, links))
}

fn weight_of(net: &Network, w: &Weights, nodes: &[usize], links: &[usize]) -> f64 {
    let inner: f64 = nodes
        .iter()
        .skip(1)
        .take(nodes.len().saturating_sub(2))
        .map(|&v| w.node(net, v))
        .sum();
    links.iter().map(|&l| w.link(net, l)).sum::<f64>() + inner
}

/// Totals of a path.
pub fn describe(
    net: &Network,
    w: &Weights,
    nodes: Vec<usize>,
    links: Vec<usize>,
    rank: usize,
) -> Route {
    let inner = &nodes[1..nodes.len().saturating_sub(1).max(1)];
    let dwell: f64 = inner.iter().map(|&v| net.nodes[v].dwell_hours).sum();
    let handling: f64 = inner.iter().map(|&v| net.nodes[v].handling_usd_feu).sum();
    let hours: f64 = links.iter().map(|&l| net.links[l].hours).sum::<f64>() + dwell;
    let cost: f64 = links
        .iter()
        .map(|&l| net.links[l].cost_usd_feu)
        .sum::<f64>()
        + handling;
    let mut countries: Vec<String> = Vec::new();
    for &v in &nodes {
        let c = &net.nodes[v].country;
        if countries.last() != Some(c) {
            countries.push(c.clone());
        }
    }
    let transshipments = links
        .windows(2)
        .filter(|p| {
            let (a, b) = (&net.links[p[0]], &net.links[p[1]]);
            a.mode != b.mode || (a.gauge.is_some() && b.gauge.is_some() && a.gauge != b.gauge)
        })
        .count();
    let legs = links
        .iter()
        .zip(nodes.windows(2))
        .map(|(&l, p)| {
            let link = &net.links[l];
            Leg {
                from: net.nodes[p[0]].id.clone(),
                to: net.nodes[p[1]].id.clone(),
                link: link.id.clone(),
                mode: link.mode.clone(),
                km: link.km,
                hours: link.hours,
            }
        })
        .collect();
    Route {
        rank,
        corridor: net.family(&links).to_string(),
        days: hours / 24.0,
        km: links.iter().map(|&l| net.links[l].km).sum(),
        cost_usd_feu: cost,
        generalized_usd_feu: cost + w.value_of_time * hours,
        countries,
        transshipments,
        legs,
        nodes,
        links,
    }
}

/// Up to `k` loopless best routes from `s` to `t` (Yen's algorithm), best first.
///
/// # Errors
/// When the origin or destination lies in an avoided country, or a closed link id is
/// unknown.
pub fn k_best(
    net: &Network,
    s: usize,
    t: usize,
    k: usize,
    w: &Weights,
    filter: &Filter,
) -> Result<Vec<Route>, String> {
    let node_ok: Vec<bool> = net
        .nodes
        .iter()
        .map(|n| {
            !filter
                .avoid
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&n.country))
        })
        .collect();
    for end in [s, t] {
        if !node_ok[end] {
            return Err(format!(
                "{} lies in an avoided country ({})",
                net.nodes[end].name, net.nodes[end].country
            ));
        }
    }
    let mut link_ok: Vec<bool> = vec![true; net.links.len()];
    for id in &filter.close {
        let Some(l) = net.link_index(id) else {
            return Err(format!("no link has the id {id:?}"));
        };
        link_ok[l] = false;
    }
    if let Some(f) = &filter.corridor {
        for (l, ok) in link_ok.iter_mut().enumerate() {
            *ok &= net.allows(f, l);
        }
    }
    let wanted = |links: &[usize]| {
        filter
            .corridor
            .as_deref()
            .is_none_or(|f| net.family(links) == f)
    };
    // With a family imposed, routes using only shared links are skipped: look further.
    let budget = if filter.corridor.is_some() {
        k * 8 + 8
    } else {
        k
    };
    let mut found: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    let must: Option<Vec<bool>> = filter.corridor.as_ref().map(|f| {
        net.links
            .iter()
            .map(|l| l.family.as_deref() == Some(f.as_str()))
            .collect()
    });
    let must = must.as_deref();
    let Some(first) = shortest(net, w, s, t, &node_ok, &link_ok, must, false) else {
        return Ok(Vec::new());
    };
    found.push(first);
    let mut candidates: Vec<(f64, Vec<usize>, Vec<usize>)> = Vec::new();
    let mut seen: HashSet<Vec<usize>> = HashSet::new();
    seen.insert(found[0].1.clone());
    while found.len() < budget {
        let (last_nodes, last_links) = found.last().cloned().unwrap_or_default();
        for i in 0..last_links.len() {
            let spur = last_nodes[i];
            let root_nodes = &last_nodes[..=i];
            let root_links = &last_links[..i];
            let mut lk = link_ok.clone();
            for (pn, pl) in &found {
                // Same root (nodes and the links between them: links may be parallel).
                if pl.len() > i && pn[..=i] == *root_nodes && pl[..i] == *root_links {
                    lk[pl[i]] = false;
                }
            }
            let mut nk = node_ok.clone();
            for &v in &root_nodes[..i] {
                nk[v] = false;
            }
            let used = must.is_some_and(|m| root_links.iter().any(|&l| m[l]));
            if let Some((sn, sl)) = shortest(net, w, spur, t, &nk, &lk, must, used) {
                let mut nodes = root_nodes[..i].to_vec();
                nodes.extend(sn);
                let mut links = root_links.to_vec();
                links.extend(sl);
                if seen.insert(links.clone()) {
                    let c = weight_of(net, w, &nodes, &links);
                    candidates.push((c, nodes, links));
                }
            }
        }
        if candidates.is_empty() {
            break;
        }
        // The cheapest candidate (ties: fewer links, then link order) becomes the next route.
        let best = (0..candidates.len())
            .min_by(|&a, &b| {
                candidates[a]
                    .0
                    .total_cmp(&candidates[b].0)
                    .then(candidates[a].2.len().cmp(&candidates[b].2.len()))
                    .then(candidates[a].2.cmp(&candidates[b].2))
            })
            .unwrap_or(0);
        let (_, nodes, links) = candidates.swap_remove(best);
        found.push((nodes, links));
        if found.iter().filter(|(_, l)| wanted(l)).count() >= k {
            break;
        }
    }
    Ok(found
        .into_iter()
        .filter(|(_, l)| wanted(l))
        .take(k)
        .enumerate()
        .map(|(r, (n, l))| describe(net, w, n, l, r + 1))
        .collect())
}
