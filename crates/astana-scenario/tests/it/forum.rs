//! The scenario's forum folder is validated at load with the forum scheduler's own reader
//! (issue 12): `scenario check` gives the errors `forum check` gives, named from the
//! scenario folder, with line and field, every one collected.

use super::workspace_root;
use astana_scenario::{load_dir, load_embedded, load_from_memory, Diagnostics};
use std::path::{Path, PathBuf};

/// Every file under `dir`, as (path relative to `dir` with `/`, text).
fn files_under(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("under dir");
                let rel = rel.to_str().expect("UTF-8 path").replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&p).expect("text file")));
            }
        }
    }
    out.sort();
    out
}

/// The Kazakhstan scenario copied into a temporary folder, `edit` applied to each
/// (relative path, text) first.
fn damaged(edit: impl Fn(&str, &mut String)) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("kz");
    for (rel, mut text) in files_under(&workspace_root().join("data/scenarios/kazakhstan")) {
        edit(&rel, &mut text);
        let p = root.join(&rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
    (tmp, root)
}

/// An unknown participant, a duplicate room and a slot past the day's end, in three files.
fn three_forum_errors(rel: &str, text: &mut String) {
    match rel {
        "forum/requests.csv" => {
            *text = text.replace("R02,KAZ-P;GEO-PM,1,1", "R02,KAZ-P;GEO-PN,1,1")
        }
        "forum/rooms.csv" => text.push_str("B1,Bilateral room Esil,bilateral,4\n"),
        "forum/participants.csv" => {
            *text = text.replacen("minister,2,0:0,0:9", "minister,2,0:0,0:10", 1)
        }
        _ => {}
    }
}

fn errors(d: &Diagnostics) -> Vec<(&str, Option<usize>, Option<&str>, &str)> {
    d.0.iter()
        .filter(|x| x.is_error())
        .map(|x| {
            (
                x.file.as_str(),
                x.line,
                x.field.as_deref(),
                x.message.as_str(),
            )
        })
        .collect()
}

#[test]
fn scenario_load_reports_every_forum_error_with_file_line_and_field() {
    let (_tmp, dir) = damaged(three_forum_errors);
    let d = load_dir(&dir).expect_err("a damaged forum fails the scenario");
    assert_eq!(
        errors(&d),
        [
            (
                "forum/rooms.csv",
                Some(6),
                Some("id"),
                "duplicate room `B1`"
            ),
            (
                "forum/participants.csv",
                Some(3),
                Some("departs"),
                "departs `0:10` is not DAY:SLOT within the forum"
            ),
            (
                "forum/requests.csv",
                Some(3),
                Some("participants"),
                "unknown participant `GEO-PN`"
            ),
        ],
        "{d}"
    );
    let hint = |file: &str| {
        d.0.iter()
            .find(|x| x.file == file)
            .and_then(|x| x.hint.clone())
    };
    // participants.csv has an error of its own, so no guess at the unknown id.
    assert_eq!(
        hint("forum/requests.csv").as_deref(),
        Some("participants.csv has errors (above): fix those first")
    );
    assert_eq!(
        hint("forum/rooms.csv").as_deref(),
        Some("line 2 has the same id")
    );
}

/// The same errors as the forum scheduler's own loader (`astana forum check DIR/forum`),
/// but for the file names, which start at the scenario folder.
#[test]
fn scenario_forum_errors_are_the_forum_readers_errors() {
    let (_tmp, dir) = damaged(three_forum_errors);
    let from_scenario = load_dir(&dir).expect_err("damaged");
    let own = astana_forum_scheduler::load(&dir.join("forum")).expect_err("damaged");
    assert_eq!(own.errors(), 3, "{own}");
    let renamed: Vec<_> = own
        .0
        .into_iter()
        .map(|mut x| {
            x.file = format!("forum/{}", x.file);
            x
        })
        .collect();
    assert_eq!(from_scenario.0, renamed);
}

/// A bad time in `forum.toml` is located by line and column; the other files' slot
/// references are then not checked (one error, not one per participant).
#[test]
fn a_bad_slot_time_in_forum_toml_is_located() {
    let (_tmp, dir) = damaged(|rel, text| {
        if rel == "forum/forum.toml" {
            *text = text.replace("\"15:30\"]", "\"25:30\"]");
        }
    });
    let d = load_dir(&dir).expect_err("damaged");
    assert_eq!(
        errors(&d),
        [(
            "forum/forum.toml",
            Some(8),
            Some("slots"),
            "slot `25:30` is not a time HH:MM"
        )],
        "{d}"
    );
    assert_eq!(d.0[0].column, Some(9), "{d}");
}

/// A forum file that cannot be read is one error (the loader's), not also "file missing".
#[test]
fn a_missing_forum_file_is_reported_once() {
    let (_tmp, dir) = damaged(|_, _| {});
    std::fs::remove_file(dir.join("forum/panels.csv")).expect("remove");
    let d = load_dir(&dir).expect_err("missing file");
    assert_eq!(d.errors(), 1, "{d}");
    assert_eq!(d.0[0].file, "forum/panels.csv");
    assert_eq!(d.0[0].field.as_deref(), Some("files.forum"));
}

/// The server validates uploads from memory: the same diagnostics as from the folder.
#[test]
fn load_from_memory_gives_the_diagnostics_of_load_dir() {
    let (_tmp, dir) = damaged(three_forum_errors);
    let files = files_under(&dir);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let from_memory = load_from_memory(&refs).expect_err("damaged");
    let from_dir = load_dir(&dir).expect_err("damaged");
    assert_eq!(from_memory, from_dir);
    assert_eq!(from_memory.errors(), 3, "{from_memory}");
}

#[test]
fn the_embedded_and_shipped_forums_pass() {
    let (s, warnings) = load_embedded().unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(warnings.errors(), 0);
    assert_eq!(s.forum.len(), 5);
    let (_tmp, dir) = damaged(|_, _| {});
    load_dir(&dir).unwrap_or_else(|d| panic!("{d}"));
}

/// The other part that was checked only loosely: `tenure.toml`. A group typo made the
/// brief's "years seated" column "—" with no reason; it is now a located error at load.
#[test]
fn a_tenure_group_typo_is_an_error_at_load() {
    let (_tmp, dir) = damaged(|rel, text| {
        if rel == "power/tenure.toml" {
            *text = text.replacen("group = \"ASIA_PACIFIC\"", "group = \"ASIA-PACIFIC\"", 1);
        }
    });
    let d = load_dir(&dir).expect_err("damaged tenure");
    assert_eq!(
        errors(&d),
        [(
            "power/tenure.toml",
            Some(120),
            Some("focal.group"),
            "unknown group `ASIA-PACIFIC`"
        )],
        "{d}"
    );
    assert_eq!(d.0[0].hint.as_deref(), Some("did you mean `ASIA_PACIFIC`?"));
}
