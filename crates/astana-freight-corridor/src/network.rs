//! The network built from a scenario's nodes and links, and name lookup.

use astana_model::corridor::{Link, Node, FAMILIES, USES};
use foldhash::{HashMap, HashMapExt};

/// An arc of the network: a link taken in one direction.
#[derive(Clone, Copy, Debug)]
pub struct Arc {
    /// Index of the link.
    pub link: usize,
    /// Node the arc leads to.
    pub to: usize,
}

/// Nodes, links and, per node, the arcs leaving it (every link both ways).
#[derive(Clone, Debug)]
pub struct Network {
    /// The nodes.
    pub nodes: Vec<Node>,
    /// The links.
    pub links: Vec<Link>,
    /// `out[v]`: arcs leaving node v.
    pub out: Vec<Vec<Arc>>,
    /// `ends[l]`: (from, to) node indices of link l as written.
    pub ends: Vec<(usize, usize)>,
}

/// Folds a name for matching: lower case, accents dropped, punctuation and spaces removed
/// between words (`Xi'an` → `xian`).
fn fold(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ī' | 'ı' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' | 'ő' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
            'ç' | 'ć' | 'č' => 'c',
            'ş' | 'ś' | 'š' | 'ș' => 's',
            'ğ' => 'g',
            'ł' => 'l',
            'ñ' | 'ń' | 'ň' => 'n',
            'ž' | 'ź' | 'ż' => 'z',
            'ț' => 't',
            'ý' | 'ÿ' => 'y',
            c => c,
        };
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            cur.push(c);
        } else if c == '\'' || c == '’' || c == '-' {
            // Apostrophes and hyphens join: Xi'an → xian.
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

impl Network {
    /// Builds the network; links naming unknown nodes are skipped (the scenario loader
    /// reports them). Copies the rows: [`Network::from_rows`] takes them instead.
    pub fn new(nodes: &[Node], links: &[Link]) -> Network {
        Network::from_rows(nodes.to_vec(), links.to_vec())
    }

    /// [`Network::new`] on rows the caller gives up, e.g. a scenario loaded for one
    /// query: copying them (a dozen strings a row) was most of building a large network.
    pub fn from_rows(nodes: Vec<Node>, mut links: Vec<Link>) -> Network {
        // A hash lookup: a linear scan per link end is O(nodes × links), minutes on a
        // 10,000-node network. The first of duplicate ids wins, as the scan did.
        let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            by_id.entry(n.id.as_str()).or_insert(i);
        }
        let found: Vec<Option<(usize, usize)>> = links
            .iter()
            .map(|l| Some((*by_id.get(l.from.as_str())?, *by_id.get(l.to.as_str())?)))
            .collect();
        let ends: Vec<(usize, usize)> = found.iter().flatten().copied().collect();
        if ends.len() < links.len() {
            let mut keep = found.iter().map(Option::is_some);
            links.retain(|_| keep.next().unwrap_or(false));
        }
        // Each node's arcs in one allocation of the right size.
        let mut degree = vec![0usize; nodes.len()];
        for &(a, b) in &ends {
            degree[a] += 1;
            degree[b] += 1;
        }
        let mut out: Vec<Vec<Arc>> = degree.into_iter().map(Vec::with_capacity).collect();
        for (k, &(a, b)) in ends.iter().enumerate() {
            out[a].push(Arc { link: k, to: b });
            out[b].push(Arc { link: k, to: a });
        }
        Network {
            nodes,
            links,
            out,
            ends,
        }
    }

    /// The node a query names: an id (any case), or a name or its leading words, matched
    /// without regard to case, accents and punctuation.
    ///
    /// # Errors
    /// An unknown or ambiguous name, with the candidates.
    pub fn find(&self, query: &str) -> Result<usize, String> {
        if let Some(i) = self
            .nodes
            .iter()
            .position(|n| n.id.eq_ignore_ascii_case(query.trim()))
        {
            return Ok(i);
        }
        let words = fold(query);
        let q = words.concat();
        if q.is_empty() {
            return Err("an empty node name".into());
        }
        // The name's leading characters, spaces and punctuation ignored.
        let hits: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| fold(&self.nodes[i].name).concat().starts_with(&q))
            .collect();
        match hits.as_slice() {
            [one] => Ok(*one),
            [] => {
                // Suggest nodes sharing a word with the query.
                let near: Vec<String> = self
                    .nodes
                    .iter()
                    .filter(|n| {
                        let name = fold(&n.name);
                        words.iter().any(|w| {
                            name.iter()
                                .any(|x| x.starts_with(w.get(..3.min(w.len())).unwrap_or(w)))
                        })
                    })
                    .map(|n| format!("{} ({})", n.name, n.id))
                    .take(8)
                    .collect();
                Err(if near.is_empty() {
                    format!("no node is called {query:?}")
                } else {
                    format!(
                        "no node is called {query:?}; did you mean: {}",
                        near.join(", ")
                    )
                })
            }
            many => {
                // An exact full-name match wins over longer names with the same start.
                if let Some(&i) = many
                    .iter()
                    .find(|&&i| fold(&self.nodes[i].name).concat() == q)
                {
                    return Ok(i);
                }
                Err(format!(
                    "{query:?} is ambiguous: {}",
                    many.iter()
                        .map(|&i| format!("{} ({})", self.nodes[i].name, self.nodes[i].id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        }
    }

    /// The countries link `l` touches when taken from node `from`: its ends' countries and
    /// those it crosses, in travel order, without repeats in a row.
    pub fn link_countries(&self, l: usize, from: usize) -> Vec<&str> {
        let (a, b) = self.ends[l];
        let (start, end) = if from == b { (b, a) } else { (a, b) };
        let inner: Vec<&str> = self.links[l].crosses.iter().map(String::as_str).collect();
        let mut out: Vec<&str> = vec![self.nodes[start].country.as_str()];
        let mid: Box<dyn Iterator<Item = &str>> = if start == a {
            Box::new(inner.into_iter())
        } else {
            Box::new(inner.into_iter().rev())
        };
        for c in mid.chain(std::iter::once(self.nodes[end].country.as_str())) {
            if out.last() != Some(&c) {
                out.push(c);
            }
        }
        out
    }

    /// Every country of the network (nodes' and those links cross), sorted.
    pub fn countries(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .nodes
            .iter()
            .map(|n| n.country.as_str())
            .chain(
                self.links
                    .iter()
                    .flat_map(|l| l.crosses.iter().map(String::as_str)),
            )
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Every (origin, destination) pair of nodes of those kinds, in file order.
    pub fn od_pairs(&self) -> Vec<(usize, usize)> {
        let kind = |k: &str| -> Vec<usize> {
            (0..self.nodes.len())
                .filter(|&v| self.nodes[v].kind == k)
                .collect()
        };
        let destinations = kind("destination");
        kind("origin")
            .into_iter()
            .flat_map(|s| destinations.iter().map(move |&t| (s, t)))
            .collect()
    }

    /// The index of the link with this id.
    pub fn link_index(&self, id: &str) -> Option<usize> {
        self.links
            .iter()
            .position(|l| l.id.eq_ignore_ascii_case(id))
    }

    /// Whether a route of family `family` may use link `l`: shared links, the family's own,
    /// and those of the families it passes through ([`USES`]); never another corridor's
    /// (a route to Poti via Moscow and the Black Sea is not the Middle Corridor).
    pub fn allows(&self, family: &str, l: usize) -> bool {
        match self.links[l].family.as_deref() {
            None => true,
            Some(x) if x == family => true,
            Some(x) => USES
                .iter()
                .any(|(f, uses)| *f == family && uses.contains(&x)),
        }
    }

    /// The family a route through these links belongs to: the highest-priority family
    /// among its links ([`FAMILIES`] order), else `other`.
    pub fn family(&self, links: &[usize]) -> &'static str {
        FAMILIES
            .iter()
            .find(|f| {
                links
                    .iter()
                    .any(|&l| self.links[l].family.as_deref() == Some(**f))
            })
            .copied()
            .unwrap_or("other")
    }
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_names() {
        assert_eq!(fold("Xi'an (Xinzhu)"), vec!["xian", "xinzhu"]);
        assert_eq!(fold("XIAN"), vec!["xian"]);
        assert_eq!(fold("Kapıkule"), vec!["kapikule"]);
        assert_eq!(fold("Constanța"), vec!["constanta"]);
    }
}
