//! The balance engine: how concentrated a country's trade and investment partners are, and
//! how that changes under shocks, across years, and against its partners' view.
//!
//! It is the essay's "multi-vector" instrument: balanced ties to China, Russia, the EU and
//! the US, and no dependency on a single partner.
//!
//! # Brief overview
//!
//! * [`analyze`] takes a [`Scenario`](astana_model::Scenario) and a [`Query`] (reporter,
//!   year, flow, period, [`Side`]) and returns a [`Balance`]: partner shares against the
//!   published total with an explicit rest-of-world row, the [`Concentration`] measures
//!   (HHI, normalised HHI, UNCTAD's index with explicit `n`, entropy, effective partners,
//!   CR3/CR5) with both [`Bounds`] when the remainder is not broken down, the bloc roll-up
//!   and every bloc's share. Without a world total the shares are of the named partners
//!   only and [`Coverage::Unknown`] says so.
//! * [`shock`] cuts some partners by a fraction and reports what is lost and the new
//!   concentration; [`trend`] repeats [`analyze`] for every year with data;
//!   [`dependence`] sets my share of your trade against your share of mine.
//! * [`product_measures`] measures how concentrated exports are across products (HS
//!   codes): HHI and UNCTAD's index on a universe of potential lines, the Theil index with
//!   its extensive/intensive decomposition; [`rca_table`] gives Balassa's revealed
//!   comparative advantage and [`partner_product_cells`] the largest partner × product
//!   cells.
//! * [`alignment`] measures how often two countries vote alike in the UN General Assembly.
//! * The formulas alone are [`hhi`], [`hhi_normalized`], [`unctad_index`], [`entropy`]
//!   and [`concentration_ratio`].
//!
//! ```
//! use astana_model::FlowKind;
//! use astana_partner_balance::{analyze, parse_shocks, shock, Query};
//!
//! let (scenario, _) = astana_scenario::load_embedded().unwrap();
//! let b = analyze(&scenario, &Query::new("KAZ", 2023, FlowKind::Turnover))?;
//! assert_eq!(b.partners[0].id, "CHN");
//! let s = shock(&scenario, &b, &parse_shocks("CHN=-0.5")?)?;
//! assert!(s.lost > 15e9);
//! # Ok::<(), astana_partner_balance::BalanceError>(())
//! ```
#![deny(missing_docs)]

mod alignment;
mod balance;
mod dependence;
mod diversification;
mod error;
mod measures;
mod shock;
mod summary;
mod trend;

pub use alignment::{
    alignment, alignment_from_rows, alignment_rows, Agreement, Alignment, AlignmentQuery,
    PartnerAlignment, DEFINITION as ALIGNMENT_DEFINITION,
};
pub use balance::{
    analyze, Balance, BlocTotal, Coverage, PartnerShare, Query, Rollup, Side, Sourced,
};
pub use dependence::{dependence, Dependence};
pub use diversification::{
    partner_product_cells, product_measures, rca, rca_table, theil, PartnerProductCell,
    PartnerProductCells, ProductMeasures, ProductRca, ProductShare, RcaReference, RcaTable,
    TheilDecomposition, Universe, UniverseBasis, HS_CHAPTERS, HS_HEADINGS, HS_SUBHEADINGS,
    TOP_PRODUCTS,
};
pub use error::{BalanceError, MAX_SHOCK};
pub use measures::{
    concentration_ratio, entropy, hhi, hhi_normalized, unctad_index, Band, BandRange, Bounds,
    Concentration, NBasis, Range, Scope,
};
pub use shock::{parse_shocks, shock, ShockResult, ShockedPartner};
pub use summary::{summarize_all, Summary};
pub use trend::{trend, TrendPoint};
