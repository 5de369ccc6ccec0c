//! The native negotiation TOML reader: never panics; small domains that load are analysed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(neg) = astana_negotiation::native::read("d.toml", text) {
        if neg.outcome_count() <= 100_000 {
            let _ = astana_negotiation::analyze(&neg);
        }
    }
});
