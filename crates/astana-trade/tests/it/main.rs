//! Integration tests of astana-trade.

mod import;
