//! Multi-issue negotiation for mediators: GENIUS/ANAC XML and native TOML domains with
//! additive utilities, the Pareto frontier of the rational outcomes, the Nash,
//! Kalai–Smorodinsky, egalitarian and welfare settlements, and two protocols: stacked
//! alternating offers between time-dependent agents, and a mediator's single negotiating
//! text for any number of parties.

pub mod analysis;
pub mod domain;
pub mod error;
pub mod genius;
pub mod protocol;

pub use analysis::{analyze, pareto, Analysis, Point, Settlement};
pub use domain::{Issue, Negotiation, Profile};
pub use error::{DomainError, DomainErrors};
