//! A scenario whose flows file is arbitrary bytes must load or report errors, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const TOML: &str = "name = \"fuzz\"\nfocal = \"KAZ\"\ndefault_year = 2023\n[files]\nsources = \"sources.csv\"\nflows = \"flows.csv\"\n";
const SOURCES: &str = "id,title,publisher,url,published,note\ns,t,p,https://example.org,2024,\n";

fuzz_target!(|data: &[u8]| {
    let flows = String::from_utf8_lossy(data);
    let _ = astana_scenario::load_from_memory(&[
        ("scenario.toml", TOML),
        ("sources.csv", SOURCES),
        ("flows.csv", &flows),
    ]);
});
