//! The embedded Natural Earth outlines (`data/geo/countries-110m.json`).

use crate::svg::Shape;
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct File {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    iso3: String,
    name: String,
    rings: Vec<Vec<[f64; 2]>>,
}

const DATA: &str = include_str!("../../../data/geo/countries-110m.json");

/// Country outlines; empty if the embedded file were unreadable (checked by a test).
pub(crate) fn shapes() -> &'static [Shape] {
    static CELL: OnceLock<Vec<Shape>> = OnceLock::new();
    CELL.get_or_init(|| {
        serde_json::from_str::<File>(DATA)
            .map(|f| {
                f.features
                    .into_iter()
                    .map(|f| Shape {
                        iso3: f.iso3,
                        name: f.name,
                        rings: f
                            .rings
                            .into_iter()
                            .map(|r| {
                                unwrap_antimeridian(r.into_iter().map(|[x, y]| (x, y)).collect())
                            })
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// A ring that spans more than 180° of longitude crosses the antimeridian: shift its
/// western points east by 360° so it is drawn as one shape, not a band across the map.
fn unwrap_antimeridian(mut ring: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let (lo, hi) = ring.iter().fold((f64::MAX, f64::MIN), |(a, b), (x, _)| {
        (a.min(*x), b.max(*x))
    });
    if hi - lo > 180.0 {
        for p in &mut ring {
            if p.0 < 0.0 {
                p.0 += 360.0;
            }
        }
    }
    ring
}

/// The maritime network (`data/geo/marnet.json`, from Eurostat SeaRoute via PyPI `searoute`).
const MARNET: &str = include_str!("../../../data/geo/marnet.json");

/// Farthest a port may lie from the sea-lane network (km) and still be routed over it; a
/// port farther off (an inland sea the network lacks) keeps its straight, schematic leg.
pub(crate) const MAX_SNAP_KM: f64 = 150.0;

/// The maritime network as a graph: nodes are the lines' points (those equal after the
/// converter's rounding are one node), edges join consecutive points, weighted in km.
pub(crate) struct SeaNet {
    pub(crate) nodes: Vec<(f64, f64)>,
    adj: Vec<Vec<(u32, f64)>>,
}

#[derive(Deserialize)]
struct MarnetFile {
    lines: Vec<Vec<[f64; 2]>>,
}

/// A sea path: (lon, lat) points from port to port, and its length.
#[derive(Clone, Debug, PartialEq)]
pub struct SeaPath {
    /// (lon, lat), the first and last the ports themselves.
    pub points: Vec<(f64, f64)>,
    /// Great-circle length along the points, km.
    pub km: f64,
}

/// Great-circle distance between two (lon, lat) points, km (haversine, mean radius).
pub(crate) fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let (dla, dlo) = ((b.1 - a.1).to_radians(), (b.0 - a.0).to_radians());
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// The network, parsed once; empty if the embedded file were unreadable (checked by a test).
pub(crate) fn sea_net() -> &'static SeaNet {
    static CELL: OnceLock<SeaNet> = OnceLock::new();
    CELL.get_or_init(|| {
        let lines = serde_json::from_str::<MarnetFile>(MARNET)
            .map(|f| f.lines)
            .unwrap_or_default();
        let mut index = std::collections::HashMap::new();
        let mut net = SeaNet {
            nodes: Vec::new(),
            adj: Vec::new(),
        };
        let mut id = |p: [f64; 2], net: &mut SeaNet| -> u32 {
            // Points are rounded to 0.01° by the converter: key on hundredths.
            let key = ((p[0] * 100.0).round() as i64, (p[1] * 100.0).round() as i64);
            *index.entry(key).or_insert_with(|| {
                net.nodes.push((p[0], p[1]));
                net.adj.push(Vec::new());
                (net.nodes.len() - 1) as u32
            })
        };
        for line in &lines {
            for w in line.windows(2) {
                let (a, b) = (id(w[0], &mut net), id(w[1], &mut net));
                if a != b {
                    let d = km(net.nodes[a as usize], net.nodes[b as usize]);
                    net.adj[a as usize].push((b, d));
                    net.adj[b as usize].push((a, d));
                }
            }
        }
        net
    })
}

impl SeaNet {
    /// The node nearest to `p` and its distance (km), if within [`MAX_SNAP_KM`].
    fn snap(&self, p: (f64, f64)) -> Option<(usize, f64)> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, &q)| (i, km(p, q)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .filter(|(_, d)| *d <= MAX_SNAP_KM)
    }

    /// The shortest path between the network nodes nearest to two ports (Dijkstra), with
    /// the ports joined to it by straight lines; `None` when a port is off the network or
    /// the two are not connected.
    pub(crate) fn path(&self, from: (f64, f64), to: (f64, f64)) -> Option<SeaPath> {
        use std::cmp::Reverse;
        let ((s, ds), (t, dt)) = (self.snap(from)?, self.snap(to)?);
        let mut dist = vec![f64::INFINITY; self.nodes.len()];
        let mut prev = vec![u32::MAX; self.nodes.len()];
        let mut heap = std::collections::BinaryHeap::new();
        dist[s] = 0.0;
        // Non-negative f64s order as their bit patterns do.
        heap.push(Reverse((0f64.to_bits(), s as u32)));
        while let Some(Reverse((d, v))) = heap.pop() {
            let (d, v) = (f64::from_bits(d), v as usize);
            if v == t {
                break;
            }
            if d > dist[v] {
                continue;
            }
            for &(w, len) in &self.adj[v] {
                let nd = d + len;
                if nd < dist[w as usize] {
                    dist[w as usize] = nd;
                    prev[w as usize] = v as u32;
                    heap.push(Reverse((nd.to_bits(), w)));
                }
            }
        }
        if !dist[t].is_finite() {
            return None;
        }
        let mut points = vec![to];
        let mut v = t;
        loop {
            points.push(self.nodes[v]);
            if v == s {
                break;
            }
            v = prev[v] as usize;
        }
        points.push(from);
        points.reverse();
        points.dedup();
        Some(SeaPath {
            points,
            km: ds + dist[t] + dt,
        })
    }
}

/// The sea path between two (lon, lat) ports over the maritime network (see [`SeaNet::path`]).
pub(crate) fn sea_path(from: (f64, f64), to: (f64, f64)) -> Option<SeaPath> {
    sea_net().path(from, to)
}

/// Whether (lon, lat) lies inside a country outline (even–odd rule over all rings).
#[cfg(test)]
pub(crate) fn on_land(p: (f64, f64)) -> bool {
    shapes().iter().flat_map(|s| &s.rings).any(|ring| {
        let mut inside = false;
        for (i, &(x1, y1)) in ring.iter().enumerate() {
            let (x0, y0) = ring[(i + ring.len() - 1) % ring.len()];
            if (y0 > p.1) != (y1 > p.1) && p.0 < x0 + (p.1 - y0) / (y1 - y0) * (x1 - x0) {
                inside = !inside;
            }
        }
        inside
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHANGHAI: (f64, f64) = (121.47, 31.23);
    const SINGAPORE: (f64, f64) = (103.85, 1.29);
    const PORT_SAID: (f64, f64) = (32.30, 31.26);
    const CAPE: (f64, f64) = (18.47, -34.36);
    const ROTTERDAM: (f64, f64) = (4.14, 51.95);

    #[test]
    fn outlines_load() {
        let s = shapes();
        assert!(s.len() > 150);
        assert!(s.iter().any(|s| s.iso3 == "KAZ" && !s.rings.is_empty()));
    }

    #[test]
    fn marnet_loads() {
        let n = sea_net();
        assert!(n.nodes.len() > 9000, "{} nodes", n.nodes.len());
    }

    /// Distance from `p` to the path, sampling each leg every ~1/20 of its length.
    fn near(path: &SeaPath, p: (f64, f64)) -> f64 {
        path.points
            .windows(2)
            .flat_map(|w| {
                (0..=20).map(move |i| {
                    let t = f64::from(i) / 20.0;
                    (
                        w[0].0 + t * (w[1].0 - w[0].0),
                        w[0].1 + t * (w[1].1 - w[0].1),
                    )
                })
            })
            .map(|q| km(p, q))
            .fold(f64::INFINITY, f64::min)
    }

    /// Today's straight Singapore–Port Said leg crosses Arabia; the lane goes by Bab-el-Mandeb
    /// and the canal.
    #[test]
    fn the_suez_leg_goes_through_bab_el_mandeb_and_the_canal() {
        let p = sea_path(SINGAPORE, PORT_SAID).expect("a path");
        assert_eq!(p.points[0], SINGAPORE);
        assert_eq!(p.points[p.points.len() - 1], PORT_SAID);
        let bab = near(&p, (43.4, 12.6));
        let suez = near(&p, (32.55, 29.95));
        let ismailia = near(&p, (32.33, 30.6));
        assert!(bab < 40.0, "{bab:.0} km from Bab-el-Mandeb");
        assert!(suez < 30.0, "{suez:.0} km from Suez");
        assert!(
            ismailia < 30.0,
            "{ismailia:.0} km from the canal at Ismailia"
        );
        // Riyadh is ~1000 km from the Red Sea; the straight leg passes within 200 km of it.
        assert!(near(&p, (46.7, 24.7)) > 700.0);
        assert!(p.km > 9000.0 && p.km < 10_000.0, "{:.0} km", p.km);
    }

    #[test]
    fn the_cape_leg_rounds_the_cape() {
        let a = sea_path(SINGAPORE, CAPE).expect("to the Cape");
        let b = sea_path(CAPE, ROTTERDAM).expect("from the Cape");
        let south = a
            .points
            .iter()
            .chain(&b.points)
            .map(|p| p.1)
            .fold(f64::INFINITY, f64::min);
        assert!(south < -34.0, "southernmost {south}");
        // The Cape–Rotterdam lane stays in the Atlantic: west of Africa's interior, never
        // through the Mediterranean.
        assert!(b
            .points
            .iter()
            .all(|&(lon, lat)| lat < 30.0 && lon < 20.0 || lat >= 30.0 && lon < 10.0));
    }

    /// On land, and so are the points 40 km north, south, east and west.
    fn inland(q: (f64, f64)) -> bool {
        let (dy, dx) = (0.36, 0.36 / q.1.to_radians().cos());
        [(0.0, 0.0), (dx, 0.0), (-dx, 0.0), (0.0, dy), (0.0, -dy)]
            .iter()
            .all(|(x, y)| on_land((q.0 + x, q.1 + y)))
    }

    #[test]
    fn straight_legs_cross_land_and_the_check_sees_it() {
        // The straight legs drawn before: Cape–Rotterdam's midpoint is in Nigeria, and the
        // Singapore–Port Said leg crosses central Arabia at 45°E.
        let at =
            |a: (f64, f64), b: (f64, f64), t: f64| (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
        assert!(inland(at(CAPE, ROTTERDAM, 0.5)));
        assert!(inland(at(
            SINGAPORE,
            PORT_SAID,
            (103.85 - 45.0) / (103.85 - 32.3)
        )));
    }

    #[test]
    fn sea_paths_stay_off_land() {
        for (a, b) in [
            (SHANGHAI, SINGAPORE),
            (SINGAPORE, PORT_SAID),
            (PORT_SAID, ROTTERDAM),
            (SINGAPORE, CAPE),
            (CAPE, ROTTERDAM),
            // Poti–Constanta, Aktau–Alat (Caspian), Singapore–Bandar Abbas.
            ((41.66, 42.16), (28.65, 44.17)),
            ((51.20, 43.62), (49.40, 39.95)),
            (SINGAPORE, (56.27, 27.19)),
        ] {
            let p = sea_path(a, b).expect("a path");
            // The 1:110m outlines are coarse (capes overlap coastal lanes) and close the
            // Suez canal: a point fails when it and its four neighbours 40 km away are all
            // on land, except on the canal and within 60 km of the ports.
            let inland: Vec<_> = p
                .points
                .iter()
                .filter(|&&q| km(q, a) > 60.0 && km(q, b) > 60.0 && km(q, (32.4, 30.5)) > 120.0)
                .filter(|&&q| inland(q))
                .collect();
            assert!(inland.is_empty(), "{a:?} → {b:?}: on land at {inland:?}");
        }
    }

    #[test]
    fn off_network_ports_have_no_path() {
        // Central Kazakhstan is 1000 km from any sea lane.
        assert_eq!(sea_path((71.45, 51.17), ROTTERDAM), None);
    }
}
