//! Forum scheduling for a convener: panels in halls and bilateral meetings in rooms,
//! across days and slots, with a valid upper bound on the achievable value, an
//! independent feasibility checker, per-person iCalendar files, re-planning that keeps
//! what it can, and synthetic forums for testing and benchmarks.

pub mod bound;
pub mod check;
pub mod generate;
pub mod model;
pub mod output;
pub mod replan;
pub mod solve;
mod subgradient;

pub use model::{load, Forum};
pub use solve::{solve, Schedule, Settings, Solution, Stop};
