//! Freight corridor network rows as read from a scenario: nodes, links and volumes.

/// A place on the network: an origin, border crossing, port, hub or destination.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Node {
    /// Unique id (`XIAN`, `AKTAU`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// ISO 3166 alpha-3 of the country it lies in.
    pub country: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// origin, border, port, hub or destination.
    pub kind: String,
    /// Mean time a shipment spends at the node when passing through (customs, gauge
    /// change, transshipment, port handling), hours.
    pub dwell_hours: f64,
    /// Money cost per FEU at the node, USD.
    pub handling_usd_feu: f64,
    /// Parallel service channels where the node queues (`None`: it does not queue).
    pub servers: Option<u32>,
    /// Source id.
    pub source: String,
    /// Free text (says ESTIMATE and how for estimated values).
    pub note: String,
}

/// A leg between two nodes, usable in both directions.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Link {
    /// Unique id (`L001`).
    pub id: String,
    /// One end (written westbound).
    pub from: String,
    /// The other end.
    pub to: String,
    /// rail, ferry, sea or road.
    pub mode: String,
    /// Length, km.
    pub km: f64,
    /// Running time, hours.
    pub hours: f64,
    /// Track gauge in mm for rail links.
    pub gauge: Option<u32>,
    /// Freight cost per FEU, USD.
    pub cost_usd_feu: f64,
    /// Capacity per direction, TEU per year (`None`: not binding).
    pub capacity_teu_year: Option<f64>,
    /// Scheduled departures per week (ferries, ships).
    pub departures_week: Option<f64>,
    /// The corridor family this link is specific to (`None`: shared).
    pub family: Option<String>,
    /// Countries (ISO3) the line passes through between its two ends, in order from
    /// `from` to `to`, without the ends' own countries (a long link can cross a country
    /// that has no node of its own, e.g. Turkmenistan between Zhanaozen and Sarakhs).
    pub crosses: Vec<String>,
    /// Source id.
    pub source: String,
    /// Free text.
    pub note: String,
}

/// A corridor volume figure.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Volume {
    /// Year.
    pub year: i32,
    /// FY, Jan-Sep, ...
    pub period: String,
    /// Corridor id (`middle` for the TITR).
    pub corridor: String,
    /// Tonnes.
    pub tonnes: f64,
    /// actual, projection or potential.
    pub kind: String,
    /// Estimated by the team.
    pub estimate: bool,
    /// Source id.
    pub source: String,
    /// Free text.
    pub note: String,
}

/// Most parallel servers a station may have: a queue's servers are allocated, so the
/// number is bounded before anything is allocated (the busiest real crossings have tens).
pub const MAX_SERVERS: u32 = 10_000;

/// The corridor families a route can belong to, in the priority order used to label a
/// route by its links' families.
pub const FAMILIES: [&str; 6] = [
    "sea-cape",
    "sea-suez",
    "southern",
    "middle-turkiye",
    "middle-caspian",
    "northern",
];

/// Families whose links a family's routes also use: a route through Türkiye still crosses
/// the Caspian, and the southern route reaches Europe on Turkish rail.
pub const USES: [(&str, &[&str]); 2] = [
    ("middle-turkiye", &["middle-caspian"]),
    ("southern", &["middle-turkiye"]),
];
