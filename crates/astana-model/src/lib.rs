//! Shared domain types for astana: country codes, trade and investment flows, blocs,
//! memberships and their provenance ([`Source`]).
//!
//! # Brief overview
//!
//! * [`iso`] holds the ISO 3166-1 table (alpha-3, alpha-2, numeric, name), embedded at
//!   compile time, so every engine agrees on what a country code is.
//! * [`FlowRecord`] is one published figure: who reported it, about which partner, which
//!   [`FlowKind`], for which year and [`Period`], and its `source` id.
//! * [`Bloc`], [`Membership`] and [`Source`] describe groupings and provenance.
//! * [`Scenario`] bundles a validated scenario; `astana-scenario` builds it from files.
//!
//! This crate performs no I/O; everything here is plain data.
//!
//! ```
//! use astana_model::{iso, FlowKind};
//! assert_eq!(iso::alpha2_to_alpha3("KZ"), Some("KAZ"));
//! assert_eq!(iso::country("KAZ").map(|c| c.name), Some("Kazakhstan"));
//! assert_eq!("fdi_inflow".parse::<FlowKind>(), Ok(FlowKind::FdiInflow));
//! ```
#![deny(missing_docs)]

mod code;
pub mod corridor;
mod gaps;
pub mod iso;
mod period;
pub mod rng;
pub mod text;
pub mod units;

pub use code::Code;
pub use gaps::Gap;
pub use period::Period;

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The code of the world total in flow tables (a partner, never a country).
pub const WORLD: &str = "WLD";
/// The code of the explicit rest-of-world remainder row produced by the balance engine.
pub const REST_OF_WORLD: &str = "ROW";

/// What a flow figure measures. Gross and net FDI are separate kinds and never mixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FlowKind {
    /// Goods exported by the reporter to the partner.
    Exports,
    /// Goods imported by the reporter from the partner.
    Imports,
    /// Exports plus imports, as published (when only the sum is known).
    Turnover,
    /// Gross foreign direct investment inflow into the reporter from the partner.
    FdiInflow,
    /// Net FDI inflow (balance-of-payments concept, e.g. UNCTAD WIR).
    FdiNetInflow,
}

impl FlowKind {
    /// Every kind, in the order used in help texts.
    pub const ALL: [FlowKind; 5] = [
        FlowKind::Exports,
        FlowKind::Imports,
        FlowKind::Turnover,
        FlowKind::FdiInflow,
        FlowKind::FdiNetInflow,
    ];

    /// The name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            FlowKind::Exports => "exports",
            FlowKind::Imports => "imports",
            FlowKind::Turnover => "turnover",
            FlowKind::FdiInflow => "fdi_inflow",
            FlowKind::FdiNetInflow => "fdi_net_inflow",
        }
    }

    /// The same flow seen from the partner's statistics (my exports are their imports).
    pub fn mirrored(self) -> FlowKind {
        match self {
            FlowKind::Exports => FlowKind::Imports,
            FlowKind::Imports => FlowKind::Exports,
            other => other,
        }
    }
}

impl fmt::Display for FlowKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FlowKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FlowKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = FlowKind::ALL.iter().map(|k| k.as_str()).collect();
                format!("unknown flow `{s}`; expected one of {}", names.join(", "))
            })
    }
}

/// One published figure: `reporter`'s statistics on its flow with `partner`.
///
/// `reporter` names whose statistics these are. A partner-side ("mirror") figure for
/// Kazakhstan's trade with China is therefore a row with `reporter = CHN`,
/// `partner = KAZ`, and its exports are Kazakhstan's imports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlowRecord {
    /// Calendar year.
    pub year: i32,
    /// Which part of the year the figure covers.
    pub period: Period,
    /// ISO3 code of the country whose statistics report the figure.
    pub reporter: Code,
    /// ISO3 code, a bloc id, or [`WORLD`] for the reporter's total.
    pub partner: Code,
    /// What is measured.
    pub flow: FlowKind,
    /// Value in current US dollars.
    pub value_usd: f64,
    /// True when the team derived the figure rather than finding it published.
    pub estimate: bool,
    /// Id of the row in `sources.csv`.
    pub source: String,
    /// Free text: quote, caveats, how an estimate was made.
    pub note: String,
}

/// One published figure of a country's trade in a product group (`products.csv`).
///
/// `product` is an HS code (digits: a chapter `27`, a heading `2709`, a subheading
/// `270900`), [`ProductRecord::OTHER`] for the published remainder, or
/// [`ProductRecord::TOTAL`] for the country's total of the same flow, year and period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductRecord {
    /// Calendar year.
    pub year: i32,
    /// Which part of the year the figure covers.
    pub period: Period,
    /// ISO3 code of the country whose trade this is.
    pub reporter: Code,
    /// Exports or imports.
    pub flow: FlowKind,
    /// HS code (digits), `other` or `total`.
    pub product: String,
    /// The group's name as the source gives it ("crude oil", "wheat and meslin").
    pub product_name: String,
    /// Value in current US dollars.
    pub value_usd: f64,
    /// True when the team derived the figure rather than finding it published.
    pub estimate: bool,
    /// Id of the row in `sources.csv`.
    pub source: String,
    /// Free text: quote, caveats, how an estimate was made.
    pub note: String,
}

impl ProductRecord {
    /// The `product` of a total row.
    pub const TOTAL: &'static str = "total";
    /// The `product` of a published remainder ("other goods").
    pub const OTHER: &'static str = "other";

    /// Whether this row is the total of its year, period and flow.
    pub fn is_total(&self) -> bool {
        self.product == Self::TOTAL
    }

    /// Whether `product` is an HS code (2, 4 or 6 digits).
    pub fn is_hs(code: &str) -> bool {
        matches!(code.len(), 2 | 4 | 6) && code.bytes().all(|b| b.is_ascii_digit())
    }
}

/// Where a figure comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    /// Short stable id referenced by data rows.
    pub id: String,
    /// Title of the page or document.
    pub title: String,
    /// Outlet or institution.
    pub publisher: String,
    /// Address of the page.
    pub url: String,
    /// Publication date as given (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), or empty when unknown.
    pub published: String,
    /// Caveats, what the source says, or how an estimate was derived.
    pub note: String,
}

/// A named group of countries used in roll-ups (EU27, EAEU, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bloc {
    /// Short id, also usable as a partner code in flow tables.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Member ISO3 codes.
    pub members: Vec<String>,
    /// Source id of the membership list.
    pub source: String,
}

impl Bloc {
    /// Whether `code` is a member.
    pub fn contains(&self, code: &str) -> bool {
        self.members.iter().any(|m| m == code)
    }
}

/// Membership of a country in an organisation, with its status and dates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Membership {
    /// Organisation name or acronym (SCO, OTS, CICA, …).
    pub organization: String,
    /// Member's name as written by the source.
    pub country: String,
    /// ISO3 code, a bloc id, or empty for an entity without one.
    pub iso3: String,
    /// `member`, `observer`, `dialogue_partner`, …
    pub status: String,
    /// Start date as published, or empty.
    pub since: String,
    /// End date as published, or empty while current.
    pub until: String,
    /// Source id.
    pub source: String,
}

/// Share of identical UN General Assembly votes between two countries in one year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlignmentRow {
    /// Calendar year of the roll calls.
    pub year: i32,
    /// ISO3 code of the focal country.
    pub country: String,
    /// ISO3 code of the partner.
    pub partner: String,
    /// Roll calls on which both voted yes, no or abstain.
    pub roll_calls: u32,
    /// Roll calls with the same vote.
    pub identical: u32,
    /// Roll calls where exactly one of the two abstained.
    pub half: u32,
    /// Source id.
    pub source: String,
}

/// A validated scenario: everything the engines need about one focal country.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Scenario {
    /// Display name.
    pub name: String,
    /// ISO3 of the focal country.
    pub focal: String,
    /// Year shown when none is asked for.
    pub default_year: i32,
    /// One paragraph shown in the brief.
    pub description: String,
    /// Provenance table.
    pub sources: Vec<Source>,
    /// Published figures.
    pub flows: Vec<FlowRecord>,
    /// Published figures by product group (`products.csv`; empty when the scenario has none).
    pub products: Vec<ProductRecord>,
    /// Blocs, in roll-up priority order.
    pub blocs: Vec<Bloc>,
    /// Bloc ids whose members are merged in the roll-up (first match wins).
    pub rollup: Vec<String>,
    /// The focal country's main partners (the essay's "vectors").
    pub vectors: Vec<String>,
    /// Organisation memberships.
    pub memberships: Vec<Membership>,
    /// Derived UN General Assembly voting alignment table.
    pub alignment: Vec<AlignmentRow>,
    /// Voting game files (path relative to the scenario, TOML text), validated by the loader.
    pub games: Vec<(String, String)>,
    /// Regional groups and seats per rule (TOML text), if the scenario has them.
    pub tenure: Option<String>,
    /// Negotiation domains (path relative to the scenario, native TOML text), validated by
    /// the loader.
    pub negotiations: Vec<(String, String)>,
    /// Freight corridor network nodes.
    pub corridor_nodes: Vec<corridor::Node>,
    /// Freight corridor network links.
    pub corridor_links: Vec<corridor::Link>,
    /// Corridor volume figures.
    pub volumes: Vec<corridor::Volume>,
    /// An example forum's files (name, text), read by the forum scheduler (and validated with
    /// its reader when the scenario loads).
    pub forum: Vec<(String, String)>,
    /// The forum folder as `scenario.toml` names it (`forum`), for the commands the brief
    /// prints; empty without a forum.
    pub forum_dir: String,
    /// Texts of the brief that belong to the country, not to the code (`[brief]`).
    pub brief: BriefTexts,
    /// The corridor the brief's connectivity section follows (`[corridor]`).
    pub corridor_focus: CorridorFocus,
}

/// Country-specific texts of the brief, from the optional `[brief]` table of
/// `scenario.toml`. An empty field means "derive it" (see each field).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BriefTexts {
    /// A published finding on the country's UN votes that the alignment table lets a reader
    /// check; none when empty.
    pub alignment_note: String,
    /// Who publishes the FDI figures ("the National Bank"); "the scenario's sources" when empty.
    pub fdi_reporter: String,
    /// How the summary names the first negotiation domain; the domain's `name` when empty.
    pub mediation: String,
    /// Heading of the mediation section; "Mediation: " and the domain's name when empty.
    pub mediation_heading: String,
    /// The country's UN regional group for Security Council elections, a `[groups]` key of
    /// the tenure file (`WEOG`); the tenure file's `[focal] group` when empty.
    pub un_group: String,
    /// Why the country's own trade figures by partner are missing and which publication would
    /// fill them; a generic sentence when empty.
    pub trade_gap: String,
}

/// The corridor the brief follows, from the optional `[corridor]` table of `scenario.toml`.
/// Empty fields are derived from the network (see each field).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CorridorFocus {
    /// Its name in headings ("Middle Corridor"); "corridor network" when empty.
    pub name: String,
    /// Corridor family of the bottleneck (a `family` of links.csv).
    pub family: String,
    /// Bottleneck origin: node ids or names, the first the network has is used.
    pub from: Vec<String>,
    /// Bottleneck destination: a node id or name. No bottleneck when `from` or `to` is empty.
    pub to: String,
    /// The `corridor` id of volumes.csv whose series the brief draws.
    pub volumes: String,
    /// The route that series measures ("Trans-Caspian route"); `name` when empty.
    pub volumes_name: String,
    /// Example origin of `astana corridor routes`; the network's first origin when empty.
    pub routes_from: String,
    /// Example destination of `astana corridor routes`; the first destination when empty.
    pub routes_to: String,
}

impl Scenario {
    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The bloc with this id.
    pub fn bloc(&self, id: &str) -> Option<&Bloc> {
        self.blocs.iter().find(|b| b.id == id)
    }

    /// A display name for a country, bloc or aggregate code.
    pub fn display_name(&self, code: &str) -> String {
        if let Some(b) = self.bloc(code) {
            return b.name.clone();
        }
        match code {
            WORLD => "World".to_string(),
            REST_OF_WORLD => "Rest of world (unallocated)".to_string(),
            _ => iso::country(code)
                .map(|c| c.short_name().to_string())
                .unwrap_or_else(|| code.to_string()),
        }
    }
}

/// UN General Assembly roll-call votes, in the layout of the R package `unvotes`
/// (Voeten's data), with country codes already converted to alpha-3.
pub mod unvotes {
    use serde::Serialize;

    /// A recorded vote. Absences are not recorded in the source data.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Vote {
        /// In favour.
        Yes,
        /// Against.
        No,
        /// Abstained.
        Abstain,
    }

    /// One roll call (a recorded vote on a resolution).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
    pub struct RollCall {
        /// Roll-call id.
        pub rcid: u32,
        /// Calendar year of the vote date.
        pub year: i32,
        /// Whether the US State Department flagged it as an important vote.
        pub important: bool,
    }

    /// One country's vote on one roll call.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    pub struct VoteRecord {
        /// Roll-call id.
        pub rcid: u32,
        /// ISO3 code.
        pub country: &'static str,
        /// The vote.
        pub vote: Vote,
    }

    /// The whole table.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
    pub struct UnVotes {
        /// Roll calls, in file order.
        pub roll_calls: Vec<RollCall>,
        /// Votes, in file order.
        pub votes: Vec<VoteRecord>,
        /// Alpha-2 codes in the data that have no current ISO alpha-3 code (e.g. `YU`), with
        /// the number of votes skipped for each.
        pub skipped_codes: Vec<(String, usize)>,
    }
}
