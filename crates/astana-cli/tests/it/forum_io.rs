//! `astana forum …` under hostile or mistaken input (issues 10.10, 10.13, 11.1, 11.2, 11.4,
//! 11.5, 11.8, 11.9): exit codes, what is written where, and what is said.

use super::{astana, example_forum, exit_code, json, scratch, stderr, stdout};
use std::path::{Path, PathBuf};

/// A fresh, empty folder for one test.
fn fresh(name: &str) -> PathBuf {
    let dir = scratch(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// A copy of the example forum in `dir`, with `edit` applied to (file name, text).
fn forum_copy(dir: &Path, edit: impl Fn(&str, &mut String)) -> String {
    std::fs::create_dir_all(dir).expect("dir");
    for n in [
        "forum.toml",
        "rooms.csv",
        "participants.csv",
        "requests.csv",
        "panels.csv",
    ] {
        let mut t =
            std::fs::read_to_string(Path::new(&example_forum()).join(n)).expect("example forum");
        edit(n, &mut t);
        std::fs::write(dir.join(n), t).expect("write");
    }
    dir.display().to_string()
}

fn p(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// Reproducer 05: a participant id `../../../x` and an absolute room id are located
/// errors (exit 2) and nothing is written anywhere.
#[test]
fn forum_ids_cannot_write_outside_out() {
    let root = fresh("fio-traversal");
    let abs = root.join("abs-room");
    let forum = forum_copy(&root.join("forum"), |n, t| match n {
        "participants.csv" => {
            t.push_str("../../../escaped-participant,Escaper,X,r,5,0:0,0:9\n");
        }
        "rooms.csv" => t.push_str(&format!("{},Abs,bilateral,4\n", abs.display())),
        _ => {}
    });
    let out = root.join("t/a/b/out");
    let o = exit_code(&["forum", "schedule", &forum, "--out", p(&out)], 2);
    let e = stderr(&o);
    assert!(
        e.contains("participants.csv:20: field `id`: id `../../../escaped-participant` holds `/`"),
        "{e}"
    );
    assert!(e.contains("rooms.csv:6: field `id`"), "{e}");
    assert!(!out.exists());
    assert!(!root.join("escaped-participant.ics").exists());
    assert!(!root.join("t/escaped-participant.ics").exists());
    assert!(!abs.with_extension("csv").exists());
}

/// Reproducer 06: CRLF in a request id and in the time zone are exit 2; line breaks in
/// names and titles are escaped, never new calendar lines or sheet rows.
#[test]
fn forum_calendars_cannot_be_forged() {
    let root = fresh("fio-forge");
    let forum = forum_copy(&root.join("bad"), |n, t| match n {
        "forum.toml" => *t = t.replace("Asia/Almaty", "Europe/Nowhere\\r\\nBEGIN:VEVENT"),
        "requests.csv" => *t = t.replacen("R01,", "\"R01\r\nUID:injected\",", 1),
        _ => {}
    });
    let o = exit_code(
        &["forum", "schedule", &forum, "--out", p(&root.join("o"))],
        2,
    );
    let e = stderr(&o);
    assert!(e.contains("forum.toml:6:12: field `timezone`"), "{e}");
    assert!(e.contains("requests.csv:2: field `id`"), "{e}");
    assert!(!root.join("o").exists());
    let forum = forum_copy(&root.join("good"), |n, t| match n {
        "participants.csv" => {
            *t = t.replacen(
                "President of Kazakhstan",
                "\"President\r\nBEGIN:VEVENT\r\nSUMMARY:forged\"",
                1,
            )
        }
        "panels.csv" => *t = t.replacen("Trade under sanctions: who gains?", "\"Trade\n9,9,9\"", 1),
        _ => {}
    });
    let out = root.join("o2");
    exit_code(
        &[
            "forum",
            "schedule",
            &forum,
            "--seconds",
            "0.2",
            "--out",
            p(&out),
        ],
        0,
    );
    for entry in std::fs::read_dir(out.join("calendars"))
        .expect("calendars")
        .flatten()
    {
        let cal = std::fs::read_to_string(entry.path()).expect("ics");
        let unfolded = cal.replace("\r\n ", "");
        let begins = unfolded.matches("\r\nBEGIN:VEVENT\r\n").count();
        let ends = unfolded.matches("\r\nEND:VEVENT\r\n").count();
        let uids = unfolded.matches("\r\nUID:").count();
        assert!(begins == ends && begins == uids, "{cal}");
        assert!(!unfolded.contains("\r\nSUMMARY:forged"), "{cal}");
    }
    let mut titles = Vec::new();
    for entry in std::fs::read_dir(out.join("rooms"))
        .expect("rooms")
        .flatten()
    {
        let sheet = std::fs::read_to_string(entry.path()).expect("sheet");
        for r in csv::Reader::from_reader(sheet.as_bytes()).records() {
            let r = r.expect("CSV");
            assert_eq!(r.len(), 7, "{sheet}");
            titles.push(r[6].to_string());
        }
    }
    assert!(titles.iter().any(|t| t == "Trade\n9,9,9"), "{titles:?}");
}

/// Reproducer 07 and a time-zone typo: exit 2, each once, with a suggestion.
#[test]
fn forum_duplicate_rooms_and_zone_typos_are_errors() {
    let root = fresh("fio-dup");
    let forum = forum_copy(&root.join("f"), |n, t| match n {
        "rooms.csv" => *t = t.replacen("B2,", "B1,", 1),
        "forum.toml" => *t = t.replace("Asia/Almaty", "Asia/Almatyy"),
        _ => {}
    });
    let o = exit_code(&["forum", "schedule", &forum], 2);
    let e = stderr(&o);
    assert!(
        e.contains("rooms.csv:3: field `id`: duplicate room `B1`"),
        "{e}"
    );
    assert!(e.contains("did you mean `Asia/Almaty`?"), "{e}");
    assert!(e.contains("2 errors"), "{e}");
}

/// `--seconds` NaN, infinities, negatives and absurd budgets are usage errors.
#[test]
fn forum_seconds_must_be_finite() {
    let dir = example_forum();
    for bad in ["NaN", "inf", "-inf", "-1", "1e9"] {
        let flag = format!("--seconds={bad}");
        let o = exit_code(&["forum", "schedule", &dir, &flag], 2);
        assert!(stderr(&o).contains("--seconds"), "{bad}: {}", stderr(&o));
        let o = exit_code(
            &[
                "forum", "replan", &dir, "s.json", "--change", "c.csv", &flag,
            ],
            2,
        );
        assert!(stderr(&o).contains("--seconds"), "{bad}: {}", stderr(&o));
    }
}

/// `forum generate`: no panic on any size, limits named before anything is allocated, the
/// counts printed are the counts written, and an existing forum is kept without --force.
#[test]
fn forum_generate_checks_sizes_and_keeps_existing_forums() {
    let root = fresh("fio-gen");
    let d = root.join("g");
    for (n, want) in [
        (
            "0",
            "--participants 0 is out of range: the generator takes 1 to 1000000",
        ),
        ("1000000000", "--participants 1000000000 is out of range"),
    ] {
        let o = exit_code(&["forum", "generate", p(&d), "--participants", n], 2);
        assert!(stderr(&o).contains(want), "{}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
    assert!(!d.exists());
    let o = exit_code(
        &[
            "forum",
            "generate",
            p(&d),
            "--participants",
            "1",
            "--requests",
            "5",
        ],
        0,
    );
    let text = stdout(&o);
    assert!(
        text.contains("(1 participants in 1 delegations, 0 requests,"),
        "{text}"
    );
    assert!(
        text.contains("note: 0 of the 5 requests asked for could be drawn"),
        "{text}"
    );
    let requests = std::fs::read_to_string(d.join("requests.csv")).expect("requests");
    assert_eq!(requests.lines().count(), 1);
    // Again into the same folder: refused, the forum untouched; with --force, replaced.
    std::fs::write(d.join("notes.txt"), "mine").expect("notes");
    let o = exit_code(&["forum", "generate", p(&d), "--participants", "20"], 2);
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(d.join("notes.txt")).expect("kept"),
        "mine"
    );
    let o = exit_code(
        &[
            "forum",
            "generate",
            p(&d),
            "--participants",
            "20",
            "--force",
        ],
        0,
    );
    assert!(
        stdout(&o).contains("replaced (--force) what was there: forum.toml, notes.txt"),
        "{}",
        stdout(&o)
    );
    assert!(!d.join("notes.txt").exists());
}

/// `--out` is written as a whole: stale calendars go, a foreign folder is kept without
/// --force, the forum folder itself is never the output.
#[test]
fn forum_out_is_replaced_whole() {
    let root = fresh("fio-out");
    let dir = example_forum();
    let out = root.join("out");
    exit_code(
        &[
            "forum",
            "schedule",
            &dir,
            "--seconds",
            "0.2",
            "--out",
            p(&out),
        ],
        0,
    );
    std::fs::write(out.join("calendars/OLD-RUN.ics"), "stale").expect("stale");
    let o = exit_code(
        &[
            "forum",
            "schedule",
            &dir,
            "--seconds",
            "0.2",
            "--out",
            p(&out),
        ],
        0,
    );
    assert!(
        stdout(&o).contains("replaced the earlier output there (24 files)"),
        "{}",
        stdout(&o)
    );
    assert!(!out.join("calendars/OLD-RUN.ics").exists());
    assert_eq!(
        std::fs::read_dir(&root).expect("root").count(),
        1,
        "a temporary folder left"
    );
    // With --json, stdout stays one document; the note goes to stderr.
    let v = json(&[
        "forum",
        "schedule",
        &dir,
        "--seconds",
        "0.2",
        "--json",
        "--out",
        p(&out),
    ]);
    assert_eq!(v["forum"], "Astana forum (illustrative example)");
    // A folder of other things is kept.
    let mine = root.join("mine");
    std::fs::create_dir_all(&mine).expect("dir");
    std::fs::write(mine.join("notes.txt"), "keep").expect("notes");
    let o = exit_code(
        &[
            "forum",
            "schedule",
            &dir,
            "--seconds",
            "0.2",
            "--out",
            p(&mine),
        ],
        2,
    );
    assert!(
        stderr(&o).contains("it already holds other files (notes.txt)"),
        "{}",
        stderr(&o)
    );
    assert!(mine.join("notes.txt").exists());
    // The forum folder itself: refused even with --force.
    let copy = forum_copy(&root.join("copy"), |_, _| {});
    let o = exit_code(&["forum", "schedule", &copy, "--out", &copy, "--force"], 2);
    assert!(
        stderr(&o).contains("is the forum folder itself"),
        "{}",
        stderr(&o)
    );
    assert!(Path::new(&copy).join("forum.toml").exists());
}

/// A schedule of another forum: said once, exit 2, not one violation per item.
#[test]
fn forum_check_names_another_forum_once() {
    let root = fresh("fio-other");
    let g = root.join("g");
    exit_code(
        &[
            "forum",
            "generate",
            p(&g),
            "--participants",
            "200",
            "--requests",
            "400",
            "--panels",
            "4",
            "--days",
            "2",
            "--slots-per-day",
            "8",
        ],
        0,
    );
    let out = root.join("out");
    exit_code(
        &[
            "forum",
            "schedule",
            p(&g),
            "--seconds",
            "0.2",
            "--out",
            p(&out),
        ],
        0,
    );
    let o = astana(&[
        "forum",
        "check",
        &example_forum(),
        p(&out.join("schedule.json")),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert_eq!(
        e.matches("this schedule is for another forum").count(),
        1,
        "{e}"
    );
    assert!(e.contains("made for \"Synthetic forum (seed 1)\""), "{e}");
    assert!(!stdout(&o).contains("violation"), "{}", stdout(&o));
}
