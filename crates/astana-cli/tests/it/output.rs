//! Output files and the README's figures: the brief replaces its file whole (issue 11.9),
//! and the transcripts the README quotes are what the binary prints (issue 10.18).

use crate::{astana_cmd, scratch, stderr, stdout, workspace_root};

/// The lines of the README's fenced block that starts with `$ {command}` (prompt excluded).
fn readme_transcript(command: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).expect("README");
    let prompt = format!("$ {command}");
    let mut lines = readme.lines().skip_while(|l| *l != prompt);
    assert!(lines.next().is_some(), "README has no `{prompt}` block");
    lines
        .take_while(|l| !l.starts_with("```"))
        .map(str::to_string)
        .collect()
}

/// Parses "(435 KB, 84 sources cited)" from a line.
fn size_and_sources(line: &str) -> Option<(f64, u64)> {
    let inner = line.split_once('(')?.1.split_once(')')?.0;
    let (kb, sources) = inner.split_once(" KB, ")?;
    Some((
        kb.parse().ok()?,
        sources.strip_suffix(" sources cited")?.parse().ok()?,
    ))
}

/// The README's `astana brief` transcript is what the binary prints: the summary lines
/// word for word, the size within 10 % and the number of sources exactly. On failure,
/// paste the printed output into the README.
#[test]
fn readme_brief_transcript_is_current() {
    let dir = scratch("readme-brief");
    let o = astana_cmd(&["brief", "--out", "brief.html"])
        .current_dir(&dir)
        .output()
        .expect("run astana");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let got: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    let want = readme_transcript("astana brief --out brief.html");
    let (head_got, last_got) = got.split_at(got.len() - 1);
    let (head_want, last_want) = want.split_at(want.len().max(1) - 1);
    let current = format!("the binary prints:\n{}", got.join("\n"));
    assert_eq!(
        head_got, head_want,
        "README's brief transcript is stale; {current}"
    );
    let (kb, sources) = size_and_sources(&last_got[0]).expect("a size line");
    let (readme_kb, readme_sources) =
        size_and_sources(last_want.first().map_or("", String::as_str))
            .unwrap_or_else(|| panic!("README's last brief line has no size; {current}"));
    assert_eq!(readme_sources, sources, "{current}");
    assert!(
        (kb - readme_kb).abs() <= 0.1 * kb,
        "README says {readme_kb} KB, the brief is {kb} KB; {current}"
    );
    // The file holds what was reported.
    let html = std::fs::read(dir.join("brief.html")).expect("the brief");
    assert_eq!(html.len() / 1024, kb as usize);
}

/// The README's `scenario check` transcript is what the binary prints, exactly.
#[test]
fn readme_scenario_check_transcript_is_current() {
    let o = astana_cmd(&[
        "scenario",
        "check",
        "crates/astana-scenario/tests/fixtures/many_errors",
    ])
    .current_dir(workspace_root())
    .output()
    .expect("run astana");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let got: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    assert_eq!(
        got,
        readme_transcript(
            "astana scenario check crates/astana-scenario/tests/fixtures/many_errors"
        ),
        "README's scenario check transcript is stale; the binary prints:\n{}",
        stdout(&o)
    );
}

/// `brief` replaces its output by renaming a complete temporary file: a second hard link
/// to the previous brief keeps the old content (written in place, it would change too,
/// and an interrupted run would leave a truncated file).
#[cfg(unix)]
#[test]
fn brief_replaces_its_file_whole() {
    let dir = scratch("brief-rename");
    let out = dir.join("brief.html");
    let keep = dir.join("previous.html");
    let _ = std::fs::remove_file(&out);
    let _ = std::fs::remove_file(&keep);
    std::fs::write(&out, "previous brief").expect("write");
    std::fs::hard_link(&out, &keep).expect("hard link");
    let o = astana_cmd(&["brief", "--out", out.to_str().expect("UTF-8 path")])
        .output()
        .expect("run astana");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&keep).expect("read"),
        "previous brief"
    );
    let html = std::fs::read_to_string(&out).expect("read");
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..50.min(html.len())]
    );
    // No temporary file is left beside it.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["brief.html", "previous.html"]);
}

/// An unwritable target is an error and leaves nothing behind.
#[test]
fn brief_into_a_missing_folder_fails_cleanly() {
    let dir = scratch("brief-missing");
    let out = dir.join("no/such/folder/brief.html");
    let o = astana_cmd(&["brief", "--out", out.to_str().expect("UTF-8 path")])
        .output()
        .expect("run astana");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
}
