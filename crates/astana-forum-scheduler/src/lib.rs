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

/// "1 day", "3 days": the forum's length as every summary prints it.
pub fn days_text(n: usize) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

#[cfg(test)]
mod days_tests {
    #[test]
    fn one_day_is_singular_and_others_plural() {
        assert_eq!(super::days_text(1), "1 day");
        assert_eq!(super::days_text(0), "0 days");
        assert_eq!(super::days_text(3), "3 days");
    }
}
