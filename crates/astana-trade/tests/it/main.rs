//! Integration tests of astana-trade: the same cells from CSV, Parquet and a hive folder;
//! located errors; the filter pushed into the plan.

mod common;
mod errors;
mod import;
mod native;
mod normalise;
mod pushdown;
mod same;
