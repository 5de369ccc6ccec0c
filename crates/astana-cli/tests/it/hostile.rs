//! Replays every reproducer of `$ASTANA_REFERENCE_DIR/hostile` (issue 11) against the
//! binary: each run ends within [`LIMIT`] (killed otherwise) under a 4 GiB memory cap, exits
//! 0, 1 or 2 without panicking, keeps stderr small, and writes nothing outside the folder
//! it was given. Per-case checks add the right answer or the located error. The
//! memory cap is `ulimit -v` (address space, 4 GiB), the time limit is for any build.

use crate::reference::reference_dir;
use crate::workspace_root;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a reproducer may run before it is killed (the issue's bound).
const LIMIT: Duration = Duration::from_secs(60);
/// Largest stderr accepted: errors are capped, snippets clipped.
const MAX_STDERR: u64 = 256 * 1024;

/// What one run did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    stdout_bytes: u64,
    work: PathBuf,
}

/// The hostile folder and a fresh working folder for `case`.
fn setup(case: &str) -> Option<(PathBuf, PathBuf)> {
    let hostile = reference_dir()?.join("hostile");
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hostile-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("work")).expect("work dir");
    Some((hostile, root))
}

/// Runs a generator script of the hostile folder in `work`, stdout to `to` if given.
fn generate(hostile: &Path, work: &Path, script: &str, args: &[&str], to: Option<&str>) {
    let mut cmd = Command::new("python3");
    cmd.arg(hostile.join(script)).args(args).current_dir(work);
    if let Some(to) = to {
        cmd.stdout(std::fs::File::create(work.join(to)).expect("output file"));
    }
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("python3 is needed to generate {script}: {e}"));
    assert!(status.success(), "{script} failed");
}

/// Every file under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap_or(&p).to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Runs `astana ARGS` in `root/work` and checks the contract common to every case: ends
/// in time, exit 0/1/2 (one of `codes`), no panic, bounded stderr, and no new file in the
/// working folder except under `outs`.
fn replay(root: &Path, args: &[&str], outs: &[&str], codes: &[i32]) -> Run {
    let work = root.join("work");
    let before = files_under(&work);
    let (out_file, err_file) = (root.join("stdout"), root.join("stderr"));
    // `exec` keeps the pid; ulimit caps memory at 4 GiB and output files at 64 MiB.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4194304 -f 131072 2>/dev/null; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_astana"))
        .args(args)
        .current_dir(&work)
        .env("COLUMNS", "100")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_file).expect("stdout file"))
        .stderr(std::fs::File::create(&err_file).expect("stderr file"))
        .spawn()
        .expect("run astana");
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("astana {args:?} still running after {LIMIT:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let head = |p: &Path| {
        use std::io::Read;
        let mut buf = Vec::new();
        if let Ok(f) = std::fs::File::open(p) {
            let _ = f.take(MAX_STDERR).read_to_end(&mut buf);
        }
        String::from_utf8_lossy(&buf).into_owned()
    };
    let run = Run {
        code: status.code(),
        stdout: head(&out_file),
        stderr: head(&err_file),
        stdout_bytes: size(&out_file),
        work: work.clone(),
    };
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "astana {args:?} panicked:\n{}",
        run.stderr
    );
    assert!(
        run.code.is_some_and(|c| codes.contains(&c)),
        "astana {args:?}: exit {:?} (signal when None), expected one of {codes:?}\n{}",
        run.code,
        run.stderr
    );
    assert!(
        size(&err_file) < MAX_STDERR,
        "astana {args:?}: {} bytes on stderr",
        size(&err_file)
    );
    let outside: Vec<PathBuf> = files_under(&work)
        .into_iter()
        .filter(|f| !before.contains(f) && !outs.iter().any(|o| f.starts_with(o)))
        .collect();
    assert!(
        outside.is_empty(),
        "astana {args:?} wrote outside {outs:?}: {outside:?}"
    );
    run
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// The error names a place: `file:line` (and column) or a field.
#[track_caller]
fn assert_located(run: &Run) {
    let located = run.stderr.lines().any(|l| {
        // `file:LINE:COL: message` (or `file:LINE`): some field after the first is a number.
        l.split(':')
            .skip(1)
            .any(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            || l.contains("line")
            || l.contains("field")
    });
    assert!(located, "no file:line or field in:\n{}", run.stderr);
}

/// Any line of any file under `dir` (split at CR and LF alike) that begins with `prefix`.
fn lines_starting(dir: &Path, prefix: &str) -> Vec<String> {
    files_under(dir)
        .iter()
        .flat_map(|f| {
            let text = String::from_utf8_lossy(&std::fs::read(dir.join(f)).unwrap_or_default())
                .into_owned();
            text.split(['\r', '\n'])
                .filter(|l| l.starts_with(prefix))
                .map(|l| format!("{}: {l}", f.display()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn laptop(hostile: &Path, file: &str) -> String {
    path(&hostile.join("../negotiation/domains/Laptop").join(file)).to_string()
}

#[test]
fn r02_deeply_nested_xml_is_a_located_error() {
    let Some((h, root)) = setup("02") else { return };
    generate(
        &h,
        &root.join("work"),
        "02-gen-deep-xml.py",
        &[&laptop(&h, "laptop_domain.xml")],
        Some("deep.xml"),
    );
    let run = replay(
        &root,
        &[
            "mediate",
            "analyze",
            "--domain",
            "deep.xml",
            "--profile",
            &laptop(&h, "laptop_buyer_utility.xml"),
            "--profile",
            &laptop(&h, "laptop_seller_utility.xml"),
        ],
        &[],
        &[2],
    );
    assert!(run.stderr.contains("deep.xml"), "{}", run.stderr);
}

#[test]
fn r03_integer_issue_over_the_whole_i64_range_is_an_error() {
    let Some((h, root)) = setup("03") else { return };
    let dir = h.join("03-genius-int-overflow");
    let run = replay(
        &root,
        &[
            "mediate",
            "analyze",
            "--domain",
            path(&dir.join("domain.xml")),
            "--profile",
            path(&dir.join("a.xml")),
            "--profile",
            path(&dir.join("b.xml")),
        ],
        &[],
        &[2],
    );
    assert!(run.stderr.contains("domain.xml"), "{}", run.stderr);
}

#[test]
fn r05_ids_never_write_outside_out() {
    let Some((h, root)) = setup("05") else { return };
    let abs = Path::new("/tmp/astana-repro-abs-room.csv");
    let before = std::fs::metadata(abs).and_then(|m| m.modified()).ok();
    std::fs::create_dir_all(root.join("work/t/a/b")).expect("dirs");
    let run = replay(
        &root,
        &[
            "forum",
            "schedule",
            path(&h.join("05-forum-path-traversal")),
            "--out",
            "t/a/b/out",
        ],
        &["t/a/b/out"],
        &[0, 2],
    );
    let after = std::fs::metadata(abs).and_then(|m| m.modified()).ok();
    assert_eq!(before, after, "{} was written", abs.display());
    if run.code == Some(2) {
        assert_located(&run);
    }
}

#[test]
fn r06_no_injected_calendar_entries_or_room_rows() {
    let Some((h, root)) = setup("06") else { return };
    let run = replay(
        &root,
        &[
            "forum",
            "schedule",
            path(&h.join("06-forum-ics-injection")),
            "--out",
            "o6",
        ],
        &["o6"],
        &[0, 2],
    );
    let out = run.work.join("o6");
    for marker in [
        "ATTENDEE;CN=cr-injected",
        "UID:injected",
        "SUMMARY:tz-injected",
    ] {
        assert_eq!(lines_starting(&out, marker), Vec::<String>::new());
    }
    // Every room sheet is a rectangular CSV.
    for f in files_under(&out.join("rooms")) {
        let mut rdr = csv::Reader::from_path(out.join("rooms").join(&f)).expect("room sheet");
        let width = rdr.headers().expect("header").len();
        for rec in rdr.records() {
            assert_eq!(rec.expect("a row").len(), width, "{}", f.display());
        }
    }
    if run.code == Some(2) {
        assert_located(&run);
    }
}

#[test]
fn r07_duplicate_room_ids_are_an_error() {
    let Some((h, root)) = setup("07") else { return };
    let run = replay(
        &root,
        &[
            "forum",
            "schedule",
            path(&h.join("07-forum-dup-room")),
            "--out",
            "o7",
        ],
        &["o7"],
        &[2],
    );
    assert!(run.stderr.contains("rooms.csv"), "{}", run.stderr);
    assert_located(&run);
}

#[test]
fn r09_game_errors_do_not_repeat_the_line() {
    let Some((h, root)) = setup("09") else { return };
    let run = replay(
        &root,
        &["power", path(&h.join("09-power-error-amplification.toml"))],
        &[],
        &[2],
    );
    assert_located(&run);
}

#[test]
fn r10_a_big_rule_gives_a_short_error() {
    let Some((h, root)) = setup("10-power") else {
        return;
    };
    let data = workspace_root().join("data/scenarios/kazakhstan");
    generate(
        &h,
        &root.join("work"),
        "10-gen-error-amplification.py",
        &[path(&data)],
        None,
    );
    let run = replay(&root, &["power", "big-rule.toml"], &[], &[2]);
    assert_located(&run);
}

/// 3,000 unknown bloc members on one line of scenario.toml printed 95 MB.
#[test]
fn r10_scenario_check_output_does_not_grow_with_the_errors() {
    let Some((h, root)) = setup("10-scenario") else {
        return;
    };
    let data = workspace_root().join("data/scenarios/kazakhstan");
    generate(
        &h,
        &root.join("work"),
        "10-gen-error-amplification.py",
        &[path(&data)],
        None,
    );
    let run = replay(&root, &["scenario", "check", "scenario-members"], &[], &[2]);
    assert!(run.stdout_bytes < 64 * 1024, "{} bytes", run.stdout_bytes);
    assert!(
        run.stdout.contains("… and 2950 more not shown"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("3000 errors"), "{}", run.stdout);
    assert!(
        run.stdout.starts_with("error: scenario.toml:"),
        "{}",
        run.stdout
    );
}

#[test]
fn r11_nine_parties_and_a_million_outcomes_end_in_time() {
    let Some((h, root)) = setup("11") else { return };
    replay(
        &root,
        &[
            "mediate",
            "analyze",
            "--domain",
            path(&h.join("11-neg-9parties-1e6.toml")),
        ],
        &[],
        &[0, 1, 2],
    );
}

#[test]
fn r12_five_hundred_players_end_in_time() {
    let Some((h, root)) = setup("12") else { return };
    replay(
        &root,
        &["power", path(&h.join("12-power-500-players.toml"))],
        &[],
        &[0, 1, 2],
    );
}

#[test]
fn r13_five_thousand_players_end_in_time() {
    let Some((h, root)) = setup("13") else { return };
    generate(
        &h,
        &root.join("work"),
        "13-gen-power-game.py",
        &["5000"],
        Some("g5000.toml"),
    );
    replay(
        &root,
        &["power", "g5000.toml", "--index", "banzhaf"],
        &[],
        &[0, 1, 2],
    );
}

/// A weight typed as a float literal above 2^53 equal to the quota: a dictator, or an error
/// saying the literal is not exact; never 0.5/0.5.
#[test]
fn r14_float_literal_weights_keep_exactness() {
    let Some((h, root)) = setup("14") else { return };
    for (file, dictator) in [
        ("14-power-float-literal-a.toml", "A"),
        ("14-power-float-literal-b.toml", ""),
    ] {
        let run = replay(
            &root,
            &["power", path(&h.join(file)), "--json"],
            &[],
            &[0, 2],
        );
        if run.code == Some(2) {
            assert_located(&run);
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
        if !dictator.is_empty() {
            assert_eq!(
                v["indices"]["shapley_shubik"][dictator]["exact"], "1",
                "{file}: {}",
                run.stdout
            );
        }
    }
}

/// Evaluations 1e-6 and 9e-6 scale to 1/9 and 1 (GENIUS divides by the issue's maximum).
#[test]
fn r15_tiny_evaluations_are_not_zeroed() {
    let Some((h, root)) = setup("15") else { return };
    let run = replay(
        &root,
        &[
            "mediate",
            "analyze",
            "--domain",
            path(&h.join("15-neg-tiny-evaluations.toml")),
            "--json",
        ],
        &[],
        &[0],
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let best_for_a = v["max_welfare"]["utilities"][0].as_f64().unwrap_or(0.0);
    assert!(best_for_a > 0.1, "{}", run.stdout);
}

/// Quota 0 (everything wins) is an impossible quota (10.14): an error for every method.
#[test]
fn r17_quota_zero_is_an_error_for_every_method() {
    let Some((h, root)) = setup("17") else { return };
    for method in ["meet-in-the-middle", "enumeration"] {
        let run = replay(
            &root,
            &[
                "power",
                path(&h.join("17-power-quota0.toml")),
                "--json",
                "--method",
                method,
            ],
            &[],
            &[2],
        );
        assert_located(&run);
    }
}

/// Closing hall H1 drops the plenary and moves two panels: the report must say so.
#[test]
fn r18_replan_reports_every_moved_and_dropped_item() {
    let Some((h, root)) = setup("18") else { return };
    let forum = workspace_root().join("data/scenarios/kazakhstan/forum");
    let run = replay(
        &root,
        &["forum", "schedule", path(&forum), "--json"],
        &[],
        &[0],
    );
    std::fs::write(root.join("work/s.json"), &run.stdout).expect("schedule");
    let run = replay(
        &root,
        &[
            "forum",
            "replan",
            path(&forum),
            "s.json",
            "--change",
            path(&h.join("18-forum-replan-close-hall.csv")),
        ],
        &[],
        &[0],
    );
    assert!(!run.stdout.contains("0 moved, 0 dropped"), "{}", run.stdout);
    assert!(run.stdout.contains("PN1"), "{}", run.stdout);
}

/// A 100 × 100 grid network (10,000 nodes): routes end in time.
#[test]
fn r20_grid_network_routes_end_in_time() {
    let Some((h, root)) = setup("20") else { return };
    let data = workspace_root().join("data/scenarios/kazakhstan");
    generate(
        &h,
        &root.join("work"),
        "20-gen-grid-network.py",
        &[path(&data), "net10k"],
        None,
    );
    replay(
        &root,
        &[
            "corridor",
            "routes",
            "--scenario",
            "net10k",
            "--from",
            "N0_0",
            "--to",
            "N99_99",
        ],
        &[],
        &[0, 1],
    );
}

/// Flags alone (issue 11, classes 4 and 5): each ends in time with a located error.
#[test]
fn flags_alone_are_validated() {
    let Some((_, root)) = setup("flags") else {
        return;
    };
    for args in [
        &["corridor", "bottleneck", "--from", "xian", "--to", "xian"][..],
        &["corridor", "simulate", "--caspian-closure", "1"],
        &["corridor", "simulate", "--caspian-closure", "NaN"],
        &["corridor", "queue", "--servers", "1000000000"],
        &["forum", "generate", "g0", "--participants", "0"],
        &["forum", "generate", "g1", "--participants", "1000000000"],
    ] {
        replay(&root, args, &["g0", "g1"], &[1, 2]);
    }
}
