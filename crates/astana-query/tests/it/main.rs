//! astana-query: parameters from URL query strings, errors, and reports on the embedded
//! scenario. (The CLI/library equality test lives in astana-cli's tests, where the binary is.)

mod all_pairs;
mod into_network;
#[cfg(feature = "openapi")]
mod openapi;
mod params;
