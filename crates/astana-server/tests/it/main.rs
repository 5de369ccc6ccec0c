//! Integration tests of `astana serve`: one binary, one module per topic.

mod api;
mod brief_date;
mod browser;
mod mediation;
mod pages;
mod support;
