//! The voting game parser (TOML and the rule language) must never panic, and whatever it
//! accepts must compute or fail cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(game) = astana_voting_power::Game::from_toml("fuzz.toml", text) {
            if game.n() <= 12 {
                let _ = astana_voting_power::compute(&game, &astana_voting_power::Index::ALL);
            }
        }
    }
});
