//! Integration tests of `astana serve`: one binary, one module per topic.

mod api;
mod brief_date;
mod browser;
mod live_pages;
mod mediation;
mod mediation_burst;
mod pages;
mod support;
mod view_cache;
