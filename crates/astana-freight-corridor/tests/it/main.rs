//! Integration tests: the queueing check against Erlang C, the default network's routes,
//! bottleneck and assignment, and the published calibration cases of
//! `../shared/reference/corridor/validation.md`.

mod astar;
mod calibration;
mod crosses;
mod from_rows;
mod network;
mod pair_table;
mod queue;
mod trust;
