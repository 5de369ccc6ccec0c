//! `astana scenario export` and `astana scenario init` end to end (issue 18): the exported
//! folder checks clean and gives the default brief; skeletons for IDN, BRA and KOR check
//! with 0 errors and warnings naming what is missing, and their briefs say it too.

use super::{astana, json, scratch, stderr, stdout};

fn brief(scenario: Option<&str>, out: &str) -> String {
    let mut args = vec!["brief", "--date", "2026-11-30", "--out", out];
    if let Some(dir) = scenario {
        args.extend(["--scenario", dir]);
    }
    let o = astana(&args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    std::fs::read_to_string(out).expect("brief written")
}

#[test]
fn export_checks_clean_gives_the_default_brief_and_refuses_to_overwrite() {
    let root = scratch("export");
    let dir = root.join("kaz");
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.display().to_string();
    let o = astana(&["scenario", "export", &d]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("README.md"), "{}", stdout(&o));
    assert!(dir.join("README.md").is_file());

    let o = astana(&["scenario", "check", &d]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).trim_end().ends_with("0 errors, 0 warnings"),
        "{}",
        stdout(&o)
    );

    // Byte for byte, but for the commands the brief prints, which name the folder.
    let default = brief(None, &root.join("default.html").display().to_string());
    let exported = brief(Some(&d), &root.join("exported.html").display().to_string());
    assert!(exported.contains(&format!("--scenario {d}</code>")));
    let exported = exported
        .replace(&format!(" (with <code>--scenario {d}</code>)"), "")
        .replace(&format!(" --scenario {d}"), "")
        .replace(&format!("{d}/"), "data/scenarios/kazakhstan/");
    assert!(
        exported == default,
        "the exported scenario's brief differs from the default brief"
    );

    // A second export refuses, naming each file, and writes nothing; --force overwrites.
    std::fs::write(dir.join("flows.csv"), "edited\n").expect("edit");
    let o = astana(&["scenario", "export", &d]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "error: {}: already exists",
            dir.join("flows.csv").display()
        )),
        "{err}"
    );
    assert!(err.contains("hint: pass --force to overwrite it"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("flows.csv")).expect("read"),
        "edited\n"
    );
    let o = astana(&["scenario", "export", &d, "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_ne!(
        std::fs::read_to_string(dir.join("flows.csv")).expect("read"),
        "edited\n"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn init_idn_bra_kor_check_with_warnings_and_render_a_brief_naming_what_is_missing() {
    let root = scratch("init");
    for country in ["IDN", "BRA", "KOR"] {
        let dir = root.join(country);
        let _ = std::fs::remove_dir_all(&dir);
        let d = dir.display().to_string();
        let o = astana(&["scenario", "init", &d, "--country", country]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(
            text.contains(&format!(
                "  - Multi-vector balance: no flow rows with reporter {country} (flows.csv)"
            )),
            "{text}"
        );

        let o = astana(&["scenario", "check", &d]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("; 0 errors, "), "{text}");
        for needle in [
            "warning: flows.csv: field `reporter`: Multi-vector balance: no flow rows",
            "warning: scenario.toml: field `files.power`: Voice in councils",
            "warning: scenario.toml: field `files.negotiation`: Mediation",
            "warning: scenario.toml: field `files.forum`: Convening",
            "warning: scenario.toml: field `files.corridor_nodes`: Connectivity",
        ] {
            assert!(text.contains(needle), "{country}: no `{needle}` in\n{text}");
        }

        let out = root.join(format!("{country}.html")).display().to_string();
        let o = astana(&[
            "brief",
            "--scenario",
            &d,
            "--date",
            "2026-11-30",
            "--out",
            &out,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            stdout(&o)
                .contains("not in this scenario (notices in the brief): Multi-vector balance"),
            "{}",
            stdout(&o)
        );
        let html = std::fs::read_to_string(&out).expect("brief");
        assert_eq!(
            html.matches("<b>Not in this scenario:</b>").count(),
            if country == "BRA" { 7 } else { 6 }
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn init_json_lists_files_and_what_is_missing() {
    let root = scratch("init-json");
    let dir = root.join("kor");
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.display().to_string();
    let v = json(&["scenario", "init", &d, "--country", "kor", "--json"]);
    assert_eq!(v["country"], "KOR");
    assert_eq!(v["files"].as_array().map(Vec::len), Some(6));
    let parts: Vec<&str> = v["missing"]
        .as_array()
        .expect("missing")
        .iter()
        .filter_map(|g| g["part"].as_str())
        .collect();
    assert_eq!(
        parts,
        [
            "flows",
            "products",
            "power",
            "negotiation",
            "forum",
            "corridor"
        ]
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn init_with_an_unknown_country_exits_2_with_did_you_mean() {
    let dir = scratch("init-bad").join("x");
    let o = astana(&[
        "scenario",
        "init",
        &dir.display().to_string(),
        "--country",
        "IDX",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("error: --country: unknown ISO3 code `IDX`"),
        "{err}"
    );
    assert!(err.contains("hint: did you mean `IDN`?"), "{err}");
    assert!(!dir.exists(), "nothing written");
}

/// The README's `scenario init` transcript is what the binary prints, exactly.
#[test]
fn readme_scenario_init_transcript_is_current() {
    let readme =
        std::fs::read_to_string(super::workspace_root().join("README.md")).expect("README");
    let prompt = "$ astana scenario init indonesia --country IDN";
    let quoted: Vec<&str> = readme
        .lines()
        .skip_while(|l| *l != prompt)
        .skip(1)
        .take_while(|l| !l.starts_with("```"))
        .collect();
    assert!(!quoted.is_empty(), "README has no `{prompt}` block");
    let cwd = scratch("readme-init");
    let _ = std::fs::remove_dir_all(cwd.join("indonesia"));
    let o = super::astana_cmd(&["scenario", "init", "indonesia", "--country", "IDN"])
        .current_dir(&cwd)
        .output()
        .expect("run astana");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let got = stdout(&o);
    assert_eq!(
        got.lines().collect::<Vec<_>>(),
        quoted,
        "README's scenario init transcript is stale; the binary prints:\n{got}"
    );
    let _ = std::fs::remove_dir_all(&cwd);
}
