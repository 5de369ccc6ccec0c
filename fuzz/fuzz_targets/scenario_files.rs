//! Any one file of a scenario folder (scenario.toml or a CSV) replaced by arbitrary bytes:
//! the loader returns the scenario or located diagnostics, never panics, and renders them.
#![no_main]

mod common;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((which, text)) = common::split(data, common::VALID.len()) else {
        return;
    };
    let files = common::replace(&common::VALID, which, &text);
    if let Err(d) = astana_scenario::load_from_memory(&files) {
        let _ = d.to_string();
    }
});
