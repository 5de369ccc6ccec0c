//! `astana scenario check` validates the scenario's forum folder too (issue 12): the
//! forum's errors are named by file (from the scenario folder), line and field, every one
//! collected, and the check exits 2.

use super::{exit_code, json, scratch, stdout, workspace_root};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Copies `from` into `to` recursively, applying `edit` to (relative path, text).
fn copy(from: &Path, to: &Path, rel: &str, edit: &dyn Fn(&str, &mut String)) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let p = e.expect("entry").path();
        let name = p.file_name().and_then(|n| n.to_str()).expect("UTF-8 name");
        let r = if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        };
        if p.is_dir() {
            copy(&p, &to.join(name), &r, edit);
        } else {
            let mut t = std::fs::read_to_string(&p).expect("text");
            edit(&r, &mut t);
            std::fs::write(to.join(name), t).expect("write");
        }
    }
}

/// The Kazakhstan scenario with an unknown participant in requests.csv, a duplicate room
/// id and a departure slot past the end of the day.
fn damaged_scenario() -> PathBuf {
    let dir = scratch("scenario-forum-check");
    let _ = std::fs::remove_dir_all(&dir);
    copy(
        &workspace_root().join("data/scenarios/kazakhstan"),
        &dir,
        "",
        &|rel, t| match rel {
            "forum/requests.csv" => *t = t.replace("R02,KAZ-P;GEO-PM,1,1", "R02,KAZ-P;GEO-PN,1,1"),
            "forum/rooms.csv" => t.push_str("B1,Bilateral room Esil,bilateral,4\n"),
            "forum/participants.csv" => {
                *t = t.replacen("minister,2,0:0,0:9", "minister,2,0:0,0:10", 1)
            }
            _ => {}
        },
    );
    dir
}

#[test]
fn scenario_check_names_every_forum_error() {
    let dir = damaged_scenario();
    let d = dir.to_str().expect("UTF-8 path");
    let o = exit_code(&["scenario", "check", d], 2);
    let out = stdout(&o);
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(
        errors,
        [
            "error: forum/rooms.csv:6: field `id`: duplicate room `B1`",
            "error: forum/participants.csv:3: field `departs`: departs `0:10` is not DAY:SLOT within the forum",
            "error: forum/requests.csv:3: field `participants`: unknown participant `GEO-PN`",
        ],
        "{out}"
    );
    assert!(out.trim_end().ends_with("3 errors, 0 warnings"), "{out}");

    let o = exit_code(&["scenario", "check", d, "--json"], 2);
    let v: Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"], 3);
    let places: Vec<(String, u64, String)> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["file"].as_str().unwrap_or_default().to_string(),
                p["line"].as_u64().unwrap_or_default(),
                p["field"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("forum/rooms.csv".into(), 6, "id".into()),
            ("forum/participants.csv".into(), 3, "departs".into()),
            ("forum/requests.csv".into(), 3, "participants".into()),
        ]
    );
}

#[test]
fn the_embedded_scenario_still_checks_ok() {
    let v = json(&["scenario", "check", "--json"]);
    assert_eq!(
        (v["ok"].as_bool(), v["errors"].as_u64()),
        (Some(true), Some(0))
    );
}
