//! Voting power: how much voice each member has under a voting rule, exactly.
//!
//! # Brief overview
//!
//! A [`Game`] is read from TOML ([`Game::from_toml`]): players with named weights (`count`
//! is implicit) and a rule that is a boolean formula of threshold clauses such as
//! `permanent >= 5 and count >= 9` or `count >= 55% and population >= 65% or count >= 24`.
//! Quotas, percentages included, become exact integer thresholds.
//!
//! [`compute`] returns the Shapley–Shubik, Penrose–Banzhaf (normalised and absolute),
//! Johnston, Deegan–Packel and Holler indices as exact reduced fractions ([`Ratio`]).
//!
//! ```
//! use astana_voting_power::{compute, Game, Index};
//! // EEC Council of Ministers 1958: Luxembourg is a dummy.
//! let g = Game::weighted("EEC", ["FR","DE","IT","BE","NL","LU"].map(String::from).to_vec(),
//!                        vec![4, 4, 4, 2, 2, 1], 12);
//! let r = compute(&g, &Index::ALL)?;
//! assert_eq!(r.get(Index::Banzhaf)[0].to_string(), "5/21");
//! assert_eq!(r.get(Index::Banzhaf)[5].to_string(), "0");
//! # Ok::<(), astana_voting_power::PowerError>(())
//! ```
#![deny(missing_docs)]

mod error;
mod float;
mod game;
mod indices;
mod mitm;
mod montecarlo;
mod multidim;
mod ratio;
mod tenure;
mod types;
mod weighted;
mod winning;

pub use error::{GameError, GameErrors, PowerError};
pub use float::{float_indices, FloatValues};
pub use game::{Game, Rule, MAX_NESTING};
pub use indices::{
    compute, compute_opts, compute_with, Index, Limits, Method, Options, PowerResult, Progress,
    ENUMERATION_LIMIT, FORCED_ENUMERATION_LIMIT,
};
pub use montecarlo::{monte_carlo, monte_carlo_opts, Estimate, Estimates};
pub use ratio::Ratio;
pub use tenure::{Tenure, TenureModel};
