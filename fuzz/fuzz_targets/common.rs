//! Shared by the targets: the valid files each fuzzed file is placed among, and the split
//! of an input into a selector byte and a file.

#![allow(dead_code)]

/// The Kazakhstan scenario's own files (`data/scenarios/kazakhstan`).
pub const KAZ_SOURCES: &str = include_str!("../../data/scenarios/kazakhstan/sources.csv");
pub const KAZ_FLOWS: &str = include_str!("../../data/scenarios/kazakhstan/flows.csv");
pub const KAZ_NODES: &str = include_str!("../../data/scenarios/kazakhstan/corridor/nodes.csv");
pub const KAZ_LINKS: &str = include_str!("../../data/scenarios/kazakhstan/corridor/links.csv");
pub const KAZ_VOLUMES: &str = include_str!("../../data/scenarios/kazakhstan/corridor/volumes.csv");

/// The example forum folder (`data/scenarios/kazakhstan/forum`), by file name.
pub const FORUM: [(&str, &str); 5] = [
    (
        "forum.toml",
        include_str!("../../data/scenarios/kazakhstan/forum/forum.toml"),
    ),
    (
        "rooms.csv",
        include_str!("../../data/scenarios/kazakhstan/forum/rooms.csv"),
    ),
    (
        "participants.csv",
        include_str!("../../data/scenarios/kazakhstan/forum/participants.csv"),
    ),
    (
        "requests.csv",
        include_str!("../../data/scenarios/kazakhstan/forum/requests.csv"),
    ),
    (
        "panels.csv",
        include_str!("../../data/scenarios/kazakhstan/forum/panels.csv"),
    ),
];

/// The small valid scenario of the loader's tests.
pub const VALID: [(&str, &str); 5] = [
    (
        "scenario.toml",
        include_str!("../../crates/astana-scenario/tests/fixtures/valid/scenario.toml"),
    ),
    (
        "sources.csv",
        include_str!("../../crates/astana-scenario/tests/fixtures/valid/sources.csv"),
    ),
    (
        "flows.csv",
        include_str!("../../crates/astana-scenario/tests/fixtures/valid/flows.csv"),
    ),
    (
        "memberships.csv",
        include_str!("../../crates/astana-scenario/tests/fixtures/valid/memberships.csv"),
    ),
    (
        "alignment.csv",
        include_str!("../../crates/astana-scenario/tests/fixtures/valid/alignment.csv"),
    ),
];

/// The first byte picks one of `n` files; the rest is that file's text (invalid UTF-8
/// replaced: the loaders take text, and `decode` is tested on bytes in the crate).
pub fn split(data: &[u8], n: usize) -> Option<(usize, String)> {
    let (first, rest) = data.split_first()?;
    Some((
        *first as usize % n,
        String::from_utf8_lossy(rest).into_owned(),
    ))
}

/// `files` with the one at `which` replaced by `text`.
pub fn replace<'a>(
    files: &[(&'a str, &'a str)],
    which: usize,
    text: &'a str,
) -> Vec<(&'a str, &'a str)> {
    files
        .iter()
        .enumerate()
        .map(|(i, (n, t))| (*n, if i == which { text } else { *t }))
        .collect()
}
