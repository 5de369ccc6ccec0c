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

#[cfg(test)]
mod tests {
    #[test]
    fn outlines_load() {
        let s = super::shapes();
        assert!(s.len() > 150);
        assert!(s.iter().any(|s| s.iso3 == "KAZ" && !s.rings.is_empty()));
    }
}
