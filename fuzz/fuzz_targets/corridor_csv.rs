//! The corridor network's nodes, links or volumes CSV replaced by arbitrary bytes, among
//! the Kazakhstan scenario's other files: loads or reports, never panics; a network that
//! loads is routed.
#![no_main]

mod common;
use libfuzzer_sys::fuzz_target;

const TOML: &str = "name = \"fuzz\"\nfocal = \"KAZ\"\ndefault_year = 2023\n[files]\nsources = \"sources.csv\"\nflows = \"flows.csv\"\ncorridor_nodes = \"nodes.csv\"\ncorridor_links = \"links.csv\"\nvolumes = \"volumes.csv\"\n";

fuzz_target!(|data: &[u8]| {
    let Some((which, text)) = common::split(data, 3) else {
        return;
    };
    let corridor = [
        ("nodes.csv", common::KAZ_NODES),
        ("links.csv", common::KAZ_LINKS),
        ("volumes.csv", common::KAZ_VOLUMES),
    ];
    let mut files = vec![
        ("scenario.toml", TOML),
        ("sources.csv", common::KAZ_SOURCES),
        ("flows.csv", common::KAZ_FLOWS),
    ];
    files.extend(common::replace(&corridor, which, &text));
    match astana_scenario::load_from_memory(&files) {
        Ok((s, _)) => {
            let net = astana_freight_corridor::network::Network::new(
                &s.corridor_nodes,
                &s.corridor_links,
            );
            let _ = net;
        }
        Err(d) => {
            let _ = d.to_string();
        }
    }
});
