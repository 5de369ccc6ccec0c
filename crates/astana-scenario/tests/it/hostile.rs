//! Hostile and careless input: invalid UTF-8 located, every unknown key reported with a
//! suggestion, and error output that does not grow with the input (issues 10.14, 11.6, 11.8).

use crate::{fixture, load_with, VALID_FILES};
use astana_scenario::{load_dir, load_flows, Diagnostics};
use std::path::Path;

/// A copy of the valid fixture in a temporary folder with `name` replaced by `bytes`.
fn folder_with(name: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for n in VALID_FILES {
        std::fs::copy(fixture("valid").join(n), dir.path().join(n)).expect("copy");
    }
    std::fs::write(dir.path().join(name), bytes).expect("write");
    dir
}

fn errors_of(dir: &Path) -> Diagnostics {
    match load_dir(dir) {
        Ok(_) => panic!("loaded"),
        Err(d) => d,
    }
}

#[test]
fn invalid_utf8_in_a_csv_names_line_and_field() {
    let mut flows = std::fs::read(fixture("valid").join("flows.csv")).expect("fixture");
    // Line 3's partner becomes "C\xffN" (Latin-1 bytes in a UTF-8 file).
    let at = flows
        .windows(3)
        .enumerate()
        .filter(|(_, w)| *w == b"CHN")
        .nth(1)
        .map(|(i, _)| i)
        .expect("a second CHN");
    flows[at + 1] = 0xff;
    let dir = folder_with("flows.csv", &flows);
    let d = errors_of(dir.path());
    let e = &d.0[0];
    assert_eq!(
        (e.file.as_str(), e.line, e.field.as_deref()),
        ("flows.csv", Some(3), Some("partner")),
        "{d}"
    );
    assert_eq!(e.column, Some(14), "{d}");
    assert!(e.message.contains("UTF-8"), "{d}");
    // The bare flows reader too.
    let bare = dir.path().join("flows.csv");
    let Err(d) = load_flows(&bare) else {
        panic!("loaded")
    };
    assert_eq!(
        (d.0[0].line, d.0[0].field.as_deref()),
        (Some(3), Some("partner"))
    );
}

#[test]
fn invalid_utf8_in_scenario_toml_names_line_and_column() {
    let toml = std::fs::read_to_string(fixture("valid").join("scenario.toml")).expect("fixture");
    let mut bytes = toml.into_bytes();
    let at = bytes
        .windows(7)
        .position(|w| w == b"Minimal")
        .expect("the name");
    bytes[at + 2] = 0xe9; // "Mi\xe9imal": a Latin-1 é
    let dir = folder_with("scenario.toml", &bytes);
    let d = errors_of(dir.path());
    assert_eq!(d.errors(), 1, "{d}");
    let e = &d.0[0];
    assert_eq!((e.line, e.column), (Some(2), Some(11)), "{d}");
    assert!(d.to_string().contains("scenario.toml:2:11"), "{d}");
}

#[test]
fn every_unknown_key_is_an_error_with_a_suggestion() {
    let toml = std::fs::read_to_string(fixture("valid").join("scenario.toml")).expect("fixture");
    let toml = toml
        .replace("focal =", "foacl = \"KAZ\"\nfocal =")
        .replace(
            "flows = \"flows.csv\"",
            "flows = \"flows.csv\"\nflow = \"x.csv\"",
        )
        .replace("members = [", "membres = []\nmembers = [");
    let Err(d) = load_with("scenario.toml", &toml) else {
        panic!("loaded")
    };
    let got: Vec<_> =
        d.0.iter()
            .map(|e| (e.line, e.field.as_deref(), e.hint.as_deref()))
            .collect();
    assert_eq!(
        got,
        vec![
            (Some(3), Some("foacl"), Some("did you mean `focal`?")),
            (Some(13), Some("files.flow"), Some("did you mean `flows`?")),
            (
                Some(20),
                Some("blocs.EU27.membres"),
                Some("did you mean `members`?")
            ),
        ],
        "{d}"
    );
}

/// Reproducer 10's scenario part: 3,000 unknown bloc members on one line printed 95 MB.
#[test]
fn thousands_of_errors_on_one_line_print_a_few_kilobytes() {
    let toml = std::fs::read_to_string(fixture("valid").join("scenario.toml")).expect("fixture");
    let members = vec!["\"QQQ\""; 3000].join(", ");
    let toml = toml.replace(
        "members = [\"DEU\", \"FRA\", \"ITA\"]",
        &format!("members = [{members}]"),
    );
    let Err(d) = load_with("scenario.toml", &toml) else {
        panic!("loaded")
    };
    assert_eq!(d.errors(), 3000);
    let text = d.to_string();
    assert!(text.len() < 20_000, "{} bytes", text.len());
    assert!(text.contains("… and 2950 more not shown"));
    assert!(text.ends_with("3000 errors, 0 warnings"));
}
