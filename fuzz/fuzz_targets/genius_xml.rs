//! The GENIUS XML reader never panics: arbitrary bytes split into a domain and a profile,
//! and the native TOML reader on the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mid = (0..=text.len() / 2)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let (domain, profile) = text.split_at(mid);
    let profiles = [("a.xml", profile), ("b.xml", profile)];
    if let Ok(neg) = astana_negotiation::genius::read(("d.xml", domain), &profiles) {
        if neg.outcome_count() <= 100_000 {
            let _ = astana_negotiation::analyze(&neg);
        }
    }
    let _ = astana_negotiation::native::read("d.toml", text);
});
