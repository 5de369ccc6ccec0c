//! Findings of the fuzz campaign (issue 11, `fuzz/`), one test per finding, each on the
//! minimised reproducer (also in `fuzz/seeds/<target>/`).

use astana_forum_scheduler::check::{check, Placed, ScheduleFile};
use astana_forum_scheduler::output::from_file;
use astana_forum_scheduler::replan::read_changes;
use astana_forum_scheduler::{load, Forum};
use std::path::Path;

fn example() -> Forum {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios/kazakhstan/forum");
    load(&dir).unwrap_or_else(|d| panic!("{d}"))
}

/// A day near 2^64 (`forum_changes` crash-d574b810): `day * slots_per_day` was computed
/// before the range check and overflowed; it is now a located error.
#[test]
fn a_change_at_a_huge_day_is_a_located_error_not_an_overflow() {
    let f = example();
    let e = read_changes(
        &f,
        "changes.csv",
        "change,id,value\nclose_room\x0c,H2,3333333333333333333:05\narrive,KAZ-P,18446744073709551615:0\n",
    )
    .expect_err("days outside the forum");
    assert_eq!(e.errors(), 2, "{e}");
    let text = e.to_string();
    assert!(text.contains("changes.csv:2"), "{text}");
    assert!(text.contains("changes.csv:3"), "{text}");
    assert!(text.contains("is not DAY:SLOT within the forum"), "{text}");
}

/// The same class in `participants.csv` (arrives, departs): a located error.
#[test]
fn a_participant_arriving_at_a_huge_day_is_a_located_error_not_an_overflow() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios/kazakhstan/forum");
    let files: Vec<(&str, String)> = [
        "forum.toml",
        "rooms.csv",
        "participants.csv",
        "requests.csv",
        "panels.csv",
    ]
    .into_iter()
    .map(|n| {
        let mut t = std::fs::read_to_string(dir.join(n)).expect("example forum");
        if n == "participants.csv" {
            t = t.replacen(",0:0,0:9\n", ",3333333333333333333:0,0:9\n", 1);
        }
        (n, t)
    })
    .collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let e = astana_forum_scheduler::model::read(&refs)
        .expect_err("a day outside the forum")
        .to_string();
    assert!(e.contains("participants.csv:2"), "{e}");
    assert!(e.contains("arrives `3333333333333333333:0`"), "{e}");
}

/// And in a schedule JSON read back (`output::from_file`, which skips what the checker
/// names): the place is skipped, not multiplied.
#[test]
fn a_schedule_entry_at_a_huge_day_is_skipped_not_an_overflow() {
    let f = example();
    let file = ScheduleFile {
        forum: None,
        assignments: vec![Placed {
            id: f.requests[0].id.clone(),
            day: usize::MAX / 2,
            slot: 0,
            room: f.rooms[0].id.clone(),
        }],
        panel_assignments: Vec::new(),
    };
    assert!(!check(&f, &file).is_empty());
    let s = from_file(&f, &file);
    assert_eq!(s.requests[0], None);
}
