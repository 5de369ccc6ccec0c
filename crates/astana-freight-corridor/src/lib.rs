//! Freight corridors as a multimodal network: the Middle Corridor and its rivals.
//!
//! [`Network`] is built from a scenario's nodes and links. [`routes::k_best`] finds k
//! loopless best routes by time, cost or generalised cost; [`flow::max_flow`] the maximum
//! annual flow and its binding links; [`assign::assign`] a logit demand split with
//! congestion; [`sim::simulate`] a discrete-event simulation of trains, queues at ports and
//! borders, and scheduled Caspian sailings; [`queue::mmc`] checks the queueing against
//! Erlang C; [`volumes::report`] the volume series and a capacity-capped projection.

pub mod assign;
pub mod capacity;
pub mod flow;
pub mod network;
pub mod queue;
pub mod routes;
pub mod sim;
pub mod volumes;

pub use network::Network;
pub use routes::{k_best, By, Filter, PairWeights, Route, Weights};
