//! The brief's charts and views, public so that other pages (the `astana serve` dashboard)
//! draw with the same code instead of a copy: one chart code for brief and dashboard.
//!
//! The primitives ([`hbar`], [`lines`], [`map`], [`map_with`], [`scatter`]) are plain SVG
//! strings sized by `viewBox`; style them with [`CSS`]. The views render one part of a brief
//! section from an engine's result, citing sources through [`Notes`].

use astana_forum_scheduler::{Forum, Schedule};
use astana_freight_corridor::{Network, Route};
use astana_model::Scenario;
use astana_negotiation::{Analysis, Negotiation};
use astana_partner_balance::{Balance, ShockResult};

pub use crate::geo::SeaPath;
pub use crate::svg::{
    around, esc, hbar, labels_svg, lines, lines_axes, map, map_described, map_with, nice_ticks,
    overlaps, place_labels, scatter, text_box, Band, Bar, Dots, LabelBox, MapStyle, Placed,
    Project, Series, Shape, Spot,
};
pub use crate::Notes;

/// The brief's stylesheet: the classes the charts, map and tables use.
pub const CSS: &str = crate::CSS;

/// Natural Earth 1:110m country outlines (public domain), embedded.
pub fn shapes() -> &'static [Shape] {
    crate::geo::shapes()
}

/// The sea path between two ports given as (lon, lat), over the embedded maritime network
/// (Eurostat SeaRoute's, `data/geo/marnet.json`): the shortest path between the network
/// nodes nearest each port, joined to the ports by straight lines, and its length in km.
/// `None` when a port is more than 150 km from the network or the two are not connected.
pub fn sea_path(from: (f64, f64), to: (f64, f64)) -> Option<SeaPath> {
    crate::geo::sea_path(from, to)
}

/// The partners on a map, darker for larger shares, with the balance's year and flow.
pub fn balance_map(s: &Scenario, b: &Balance) -> String {
    crate::sections::map_section(s, b)
}

/// Partner shares as bars and the concentration table (HHI, normalised HHI, UNCTAD,
/// effective partners, CR3/CR5): each a range when part of the total is not broken down
/// by partner, labelled as such. Without a world total, the named partners' values only.
pub fn balance_shares(s: &Scenario, b: &Balance, notes: &mut Notes<'_>) -> String {
    crate::sections::shares_section(s, b, notes)
}

/// The bloc roll-up (empty when the balance has no world total).
pub fn balance_blocs(s: &Scenario, b: &Balance, notes: &mut Notes<'_>) -> String {
    if b.measures.bounds.is_none() {
        return String::new();
    }
    crate::sections::blocs_section(s, b, notes)
}

/// The focal country's turnover concentration by year (lower and upper bounds) and each
/// vector's bilateral turnover in both sides' statistics.
pub fn balance_trend(s: &Scenario, notes: &mut Notes<'_>) -> String {
    crate::sections::trend_section(s, notes)
}

/// Asymmetric dependence with each partner in `year` (empty without data).
pub fn balance_dependence(s: &Scenario, year: i32, notes: &mut Notes<'_>) -> String {
    crate::sections::dependence_section(s, year, notes)
}

/// UN General Assembly voting alignment with each partner, by year (empty without data).
pub fn balance_alignment(s: &Scenario, notes: &mut Notes<'_>) -> String {
    match crate::sections::alignment(s) {
        Some(a) => crate::sections::alignment_section(s, &a, notes),
        None => String::new(),
    }
}

/// Partner shares after a shock, the shocked partners in red.
pub fn shock_chart(s: &Scenario, r: &ShockResult) -> String {
    crate::sections::shock_chart(s, r)
}

/// The voting-power section of the brief: an elected member's voice in the Security
/// Council today and under each reform model of the scenario (empty without `unsc*` games).
/// Its sources follow as a numbered list.
pub fn power_section(s: &Scenario) -> String {
    let mut notes = Notes::new(s);
    let mut h = crate::power::section(
        s,
        &crate::Options::default(),
        &mut notes,
        &mut Vec::new(),
        &mut Vec::new(),
    );
    if !h.is_empty() {
        h.push_str(&notes.render());
    }
    h
}

/// Routes drawn on the map, coloured by corridor family, sea and ferry legs along the sea
/// lanes, routes sharing track side by side, the main places labelled without overlaps; the
/// map frames the routes (with a margin of 8° and at least 40° of longitude and 25° of
/// latitude, widened to the sea lanes drawn).
pub fn routes_map(net: &Network, routes: &[Route], title: &str) -> String {
    let points = routes
        .iter()
        .flat_map(|r| r.nodes.iter())
        .map(|&v| (net.nodes[v].lon, net.nodes[v].lat));
    let (lon0, lon1, lat0, lat1) = points.fold(
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
        |(a, b, c, d), (x, y)| (a.min(x), b.max(x), c.min(y), d.max(y)),
    );
    let window = if lon0 > lon1 {
        // No route: the brief's window, China to Europe by land and by sea.
        (-12.0, 125.0, -37.0, 60.0)
    } else {
        let widen = |lo: f64, hi: f64, min: f64| {
            let (lo, hi) = (lo - 8.0, hi + 8.0);
            let extra = (min - (hi - lo)).max(0.0) / 2.0;
            (lo - extra, hi + extra)
        };
        let (a, b) = widen(lon0, lon1, 40.0);
        let (c, d) = widen(lat0, lat1, 25.0);
        (a, b, c.max(-80.0), d.min(80.0))
    };
    crate::corridor::routes_map(net, routes, window, title)
}

/// The colour of a corridor family on the map (grey for an unknown one).
pub fn family_color(family: &str) -> &'static str {
    crate::corridor::color(family)
}

/// The utilities of the rational outcomes, the Pareto frontier, Nash and
/// Kalai–Smorodinsky, by the first two parties' utilities.
pub fn frontier_chart(neg: &Negotiation, a: &Analysis) -> String {
    crate::negotiation::frontier_chart(neg, a)
}

/// The settlements table: each party's utility and the terms.
pub fn settlements_table(neg: &Negotiation, a: &Analysis) -> String {
    crate::negotiation::settlements_table(neg, a)
}

/// Meeting requests satisfied by priority.
pub fn priority_chart(f: &Forum, s: &Schedule) -> String {
    crate::forum::priority_chart(f, s)
}

/// The rooms by slot.
pub fn room_grid(f: &Forum, s: &Schedule) -> String {
    crate::forum::room_grid(f, s)
}
