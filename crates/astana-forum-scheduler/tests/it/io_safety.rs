//! Hostile and mistaken forum input (issues 10.10, 10.13, 11.1, 11.2, 11.4, 11.8, 11.9):
//! ids that would leave the output folder, forged calendar lines, time zones from the tz
//! database, slot grids, cascades of errors, the checker's edge cases, the generator's
//! limits and whole-folder output.

use astana_forum_scheduler::check::{another_forum, check, Placed, ScheduleFile};
use astana_forum_scheduler::generate::{generate, generate_checked, Spec};
use astana_forum_scheduler::model::read;
use astana_forum_scheduler::output::{
    calendars, room_sheets, schedule_files, to_json, write_folder, Replaced, WriteError,
    SCHEDULE_FOLDER,
};
use astana_forum_scheduler::{solve, Forum, Schedule, Settings};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The example forum's files, with `edit` applied to (name, text).
fn example(edit: impl Fn(&str, &mut String)) -> Vec<(&'static str, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios/kazakhstan/forum");
    [
        "forum.toml",
        "rooms.csv",
        "participants.csv",
        "requests.csv",
        "panels.csv",
    ]
    .into_iter()
    .map(|n| {
        let mut t = std::fs::read_to_string(dir.join(n)).expect("example forum");
        edit(n, &mut t);
        (n, t)
    })
    .collect()
}

fn load(files: &[(&'static str, String)]) -> Result<Forum, String> {
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    read(&refs).map_err(|d| d.to_string())
}

fn errors(files: &[(&'static str, String)]) -> String {
    load(files).expect_err("the forum should be rejected")
}

fn quick(f: &Forum) -> Schedule {
    solve(
        f,
        &Settings {
            seconds: 0.2,
            work: astana_forum_scheduler::solve::DEFAULT_WORK,
            seed: 1,
        },
        &mut |_| {},
    )
    .schedule
}

/// A minimal forum from the given pieces.
fn forum_files(toml: &str, people: &str, requests: &str) -> Vec<(&'static str, String)> {
    vec![
        ("forum.toml", toml.to_string()),
        (
            "rooms.csv",
            "id,name,kind,capacity\nB1,Room,bilateral,4\nH1,Hall,hall,100\n".into(),
        ),
        (
            "participants.csv",
            format!("id,name,delegation,role,priority,arrives,departs\n{people}"),
        ),
        (
            "requests.csv",
            format!("id,participants,priority,slots\n{requests}"),
        ),
        ("panels.csv", "id,title,speakers,slots,audience\n".into()),
    ]
}

// ---------------------------------------------------------------------------------------
// 11.1: ids name files

#[test]
fn ids_that_would_leave_the_output_folder_are_located_errors() {
    let files = example(|n, t| match n {
        "participants.csv" => {
            *t = t.replacen("ECON-2,", "../../../escaped-participant,", 1);
            t.push_str("..,Dots,X,r,5,0:0,0:9\n.hidden,Hidden,X,r,5,0:0,0:9\nkaz-p,Case twin,X,r,5,0:0,0:9\n");
        }
        "rooms.csv" => t.push_str("/tmp/astana-abs-room,Abs,bilateral,4\nB 3,Space,bilateral,4\n"),
        _ => {}
    });
    let e = errors(&files);
    for want in [
        "participants.csv:19: field `id`: id `../../../escaped-participant` holds `/`",
        "id `..` must start with a letter or a digit",
        "id `.hidden` must start with a letter or a digit",
        "participant `kaz-p` differs from `KAZ-P` only in case",
        "rooms.csv:6: field `id`: id `/tmp/astana-abs-room` holds `/`",
        "id `B 3` holds ` `",
    ] {
        assert!(e.contains(want), "missing {want:?} in\n{e}");
    }
}

#[test]
fn write_folder_refuses_unsafe_names_and_symbolic_links() {
    let root = scratch("unsafe");
    let out = root.join("out");
    for bad in [
        "../escaped.ics",
        "/tmp/abs.csv",
        "calendars/../../x.ics",
        ".",
    ] {
        let r = write_folder(&out, &[(PathBuf::from(bad), "x".into())], &[], false);
        assert!(matches!(r, Err(WriteError::UnsafeName(_))), "{bad}: {r:?}");
    }
    assert!(!out.exists() && !root.join("escaped.ics").exists());
    #[cfg(unix)]
    {
        let target = root.join("target");
        std::fs::create_dir_all(&target).expect("dir");
        let link = root.join("link");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let r = write_folder(&link, &[(PathBuf::from("a.csv"), "x".into())], &[], true);
        assert!(matches!(r, Err(WriteError::NotAFolder(_))), "{r:?}");
        assert!(!target.join("a.csv").exists());
    }
}

// ---------------------------------------------------------------------------------------
// 11.2: no forged calendar lines

/// A strict reading of an iCalendar file (RFC 5545 §3.1, §3.4, §3.6): CRLF line ends,
/// folded lines of at most 75 octets, every content line `NAME[;PARAM=VALUE]*:VALUE` with a
/// known property name, no control characters in values, components nested as VCALENDAR ⊃
/// {VTIMEZONE ⊃ {STANDARD, DAYLIGHT}, VEVENT}, each VEVENT with exactly one UID, DTSTAMP,
/// DTSTART, DTEND, SUMMARY and LOCATION. Returns the UIDs of the events.
fn strict_ics(id: &str, cal: &str) -> Vec<String> {
    assert!(cal.ends_with("\r\n"), "{id}: no final CRLF");
    assert!(
        !cal.replace("\r\n", "").contains(['\r', '\n']),
        "{id}: bare CR or LF"
    );
    for l in cal.split("\r\n") {
        assert!(l.len() <= 75, "{id}: line over 75 octets: {l}");
    }
    let unfolded = cal.replace("\r\n ", "");
    let known = [
        "BEGIN",
        "END",
        "VERSION",
        "PRODID",
        "CALSCALE",
        "X-WR-CALNAME",
        "X-WR-TIMEZONE",
        "TZID",
        "DTSTART",
        "DTEND",
        "TZOFFSETFROM",
        "TZOFFSETTO",
        "UID",
        "DTSTAMP",
        "SUMMARY",
        "LOCATION",
    ];
    let mut stack: Vec<String> = Vec::new();
    let mut uids = Vec::new();
    let mut event: BTreeMap<String, usize> = BTreeMap::new();
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let (head, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("{id}: {line}"));
        let mut parts = head.split(';');
        let name = parts.next().unwrap_or("");
        assert!(
            known.contains(&name),
            "{id}: unexpected property {name:?} in {line:?}"
        );
        for p in parts {
            assert!(
                p == format!("TZID={}", value_tzid(head)),
                "{id}: parameter {p}"
            );
        }
        assert!(
            !value.chars().any(|c| c.is_control() && c != '\t'),
            "{id}: control character in {line:?}"
        );
        match name {
            "BEGIN" => {
                let parent = stack.last().map(String::as_str);
                let ok = matches!(
                    (parent, value),
                    (None, "VCALENDAR")
                        | (Some("VCALENDAR"), "VTIMEZONE" | "VEVENT")
                        | (Some("VTIMEZONE"), "STANDARD" | "DAYLIGHT")
                );
                assert!(ok, "{id}: BEGIN:{value} inside {parent:?}");
                stack.push(value.to_string());
                if value == "VEVENT" {
                    event.clear();
                }
            }
            "END" => {
                assert_eq!(
                    stack.pop().as_deref(),
                    Some(value),
                    "{id}: unbalanced END:{value}"
                );
                if value == "VEVENT" {
                    for k in ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION"] {
                        assert_eq!(event.get(k), Some(&1), "{id}: {k} in an event: {event:?}");
                    }
                    assert_eq!(event.len(), 6, "{id}: {event:?}");
                }
            }
            _ if stack.last().map(String::as_str) == Some("VEVENT") => {
                *event.entry(name.to_string()).or_default() += 1;
                if name == "UID" {
                    uids.push(value.to_string());
                }
            }
            _ => {}
        }
    }
    assert!(stack.is_empty(), "{id}: unclosed {stack:?}");
    uids
}

fn value_tzid(head: &str) -> &str {
    head.split(";TZID=").nth(1).unwrap_or("")
}

#[test]
fn calendar_text_is_escaped_and_every_calendar_holds_exactly_its_events() {
    let files = example(|n, t| match n {
        "forum.toml" => {
            *t = t.replace(
                "name = \"Astana forum (illustrative example)\"",
                "name = \"Forum\\r\\nBEGIN:VEVENT\\r\\nSUMMARY:forged\\r\\nEND:VEVENT\"",
            )
        }
        "participants.csv" => {
            *t = t.replacen(
                "President of Kazakhstan",
                "\"President\rATTENDEE;CN=x:mailto:evil@example.com\"",
                1,
            )
        }
        "panels.csv" => {
            *t = t.replacen(
                "Trade under sanctions: who gains?",
                "\"Trade\nunder sanctions; \\ a, b\r\nEND:VEVENT\"",
                1,
            )
        }
        "rooms.csv" => *t = t.replacen("Panorama Hall", "\"Panorama\r\nHall, \"\"2\"\"\"", 1),
        _ => {}
    });
    let f = load(&files).expect("names and titles may hold anything: they are escaped");
    let s = quick(&f);
    let cals = calendars(&f, &s);
    assert_eq!(cals.len(), f.participants.len());
    for (p, (id, cal)) in cals.iter().enumerate() {
        let uids: BTreeSet<String> = strict_ics(id, cal).into_iter().collect();
        // Exactly the person's meetings and panels, each once.
        let mut want = BTreeSet::new();
        for (r, x) in s.requests.iter().enumerate() {
            if x.is_some() && f.requests[r].participants.contains(&p) {
                want.insert(format!("request-{}", f.requests[r].id));
            }
        }
        for (k, x) in s.panels.iter().enumerate() {
            if x.is_some() && f.panels[k].speakers.contains(&p) {
                want.insert(format!("panel-{}", f.panels[k].id));
            }
        }
        let got: BTreeSet<String> = uids
            .iter()
            .map(|u| u.split('.').next().unwrap_or("").to_string())
            .collect();
        assert_eq!(got, want, "{id}");
        let unfolded = cal.replace("\r\n ", "");
        assert!(
            unfolded.contains("X-WR-CALNAME:Forum\\nBEGIN:VEVENT\\nSUMMARY:forged\\nEND:VEVENT")
        );
    }
    let kaz = &cals.iter().find(|(id, _)| id == "KAZ-P").expect("KAZ-P").1;
    assert!(kaz
        .replace("\r\n ", "")
        .contains("President\\nATTENDEE\\;CN=x:mailto:evil@example.com"));
    let econ = &cals
        .iter()
        .find(|(id, _)| id == "ECON-1")
        .expect("ECON-1")
        .1;
    assert!(
        econ.replace("\r\n ", "")
            .contains("SUMMARY:Panel PN3: Trade\\nunder sanctions\\; \\\\ a\\, b\\nEND:VEVENT"),
        "{econ}"
    );
    // Room sheets: every record has the header's seven fields and a title survives intact.
    for (room, sheet) in room_sheets(&f, &s) {
        let mut rdr = csv::Reader::from_reader(sheet.as_bytes());
        let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("CSV")).collect();
        let placed = s
            .requests
            .iter()
            .chain(&s.panels)
            .filter(|x| x.is_some_and(|(_, r)| f.rooms[r].id == room))
            .count();
        assert_eq!(rows.len(), placed, "{room}");
        assert!(rows.iter().all(|r| r.len() == 7));
        if let Some(r) = rows.iter().find(|r| &r[5] == "PN3") {
            assert_eq!(&r[6], "Trade\nunder sanctions; \\ a, b\r\nEND:VEVENT");
        }
    }
}

#[test]
fn control_characters_in_ids_are_errors() {
    let files = example(|n, t| {
        if n == "requests.csv" {
            *t = t.replacen("R01,", "\"R01\r\nEND:VEVENT\r\nBEGIN:VEVENT\",", 1);
        }
    });
    let e = errors(&files);
    assert!(
        e.contains("requests.csv:2: field `id`: id \"R01\\r\\nEND:VEVENT"),
        "{e}"
    );
    assert!(e.contains("holds a control character (U+000D)"), "{e}");
}

// ---------------------------------------------------------------------------------------
// 10.13: time zones, slot grids, cascades, unknown keys

#[test]
fn time_zones_are_checked_against_the_tz_database() {
    let e = errors(&example(|n, t| {
        if n == "forum.toml" {
            *t = t.replace("Asia/Almaty", "Asia/Almatyy");
        }
    }));
    assert!(e.contains("forum.toml:6:12: field `timezone`: timezone \"Asia/Almatyy\" is not in the tz database; did you mean `Asia/Almaty`?"), "{e}");
    assert_eq!(e.matches("error:").count(), 1, "{e}");
    let e = errors(&example(|n, t| {
        if n == "forum.toml" {
            *t = t.replace("Asia/Almaty", "Europe/Nowhere\\r\\nBEGIN:VEVENT");
        }
    }));
    assert!(e.contains("is not in the tz database"), "{e}");
}

/// The UTC instant of local `DTSTART;TZID=…:value` lines, read back through the calendar's
/// own VTIMEZONE (the last observance whose onset is not after the time).
fn utc_of_events(cal: &str) -> Vec<String> {
    let unfolded = cal.replace("\r\n ", "");
    let mut observances: Vec<(String, i64)> = Vec::new();
    let mut onset = String::new();
    for l in unfolded.split("\r\n") {
        if let Some(v) = l.strip_prefix("DTSTART:") {
            onset = v.to_string();
        } else if let Some(v) = l.strip_prefix("TZOFFSETTO:") {
            let sign = if v.starts_with('-') { -1 } else { 1 };
            let h: i64 = v[1..3].parse().expect("hours");
            let m: i64 = v[3..5].parse().expect("minutes");
            observances.push((onset.clone(), sign * (h * 60 + m)));
        }
    }
    observances.sort();
    unfolded
        .split("\r\n")
        .filter(|l| l.starts_with("DTSTART;TZID="))
        .map(|l| {
            let local = l.rsplit(':').next().expect("value");
            let offset = observances
                .iter()
                .rev()
                .find(|(o, _)| o.as_str() <= local)
                .expect("an observance")
                .1;
            let n = |a: usize, b: usize| local[a..b].parse::<i16>().expect("digits");
            let dt = jiff::civil::date(n(0, 4), n(4, 6) as i8, n(6, 8) as i8).at(
                n(9, 11) as i8,
                n(11, 13) as i8,
                0,
                0,
            );
            let utc = dt
                .checked_sub(jiff::Span::new().minutes(offset))
                .expect("in range");
            utc.strftime("%Y-%m-%dT%H:%MZ").to_string()
        })
        .collect()
}

#[test]
fn almaty_calendars_carry_the_offsets_of_the_forums_dates() {
    // Kazakhstan moved Almaty from UTC+6 to UTC+5 on 1 March 2024 (tz database 2024a).
    let toml = "name = \"x\"\ntimezone = \"Asia/Almaty\"\ndays = [\"2024-02-29\", \"2024-03-01\"]\nslots = [\"09:00\"]\nslot_minutes = 60\n";
    let f = load(&forum_files(
        toml,
        "A,A,DA,r,1,0:0,1:0\nB,B,DB,r,1,0:0,1:0\nC,C,DC,r,1,0:0,1:0\n",
        "R1,A;B,1,1\nR2,A;C,1,1\n",
    ))
    .expect("forum");
    let s = quick(&f);
    assert!(s.requests.iter().all(Option::is_some));
    let cals = calendars(&f, &s);
    let a = &cals.iter().find(|(id, _)| id == "A").expect("A").1;
    let mut utc = utc_of_events(a);
    utc.sort();
    assert_eq!(utc, ["2024-02-29T03:00Z", "2024-03-01T04:00Z"], "{a}");
    assert!(a.contains("TZOFFSETFROM:+0600\r\nTZOFFSETTO:+0500"), "{a}");
    // A 2025 forum is at UTC+5 (written +05:00 before too, but for every date).
    let f = load(&forum_files(
        &toml.replace("\"2024-02-29\", \"2024-03-01\"", "\"2025-05-29\""),
        "A,A,DA,r,1,0:0,0:0\nB,B,DB,r,1,0:0,0:0\n",
        "R1,A;B,1,1\n",
    ))
    .expect("forum");
    let cals = calendars(&f, &quick(&f));
    assert_eq!(utc_of_events(&cals[0].1), ["2025-05-29T04:00Z"]);
}

#[test]
fn slots_that_overlap_run_past_midnight_or_fall_in_a_clock_change_are_errors() {
    let people = "A,A,DA,r,1,0:0,0:1\nB,B,DB,r,1,0:0,0:1\n";
    let grid = |zone: &str, day: &str, slots: &str| {
        format!("name = \"x\"\ntimezone = \"{zone}\"\ndays = [\"{day}\"]\nslots = [{slots}]\nslot_minutes = 30\n")
    };
    let e = errors(&forum_files(
        &grid("UTC", "2025-06-01", "\"09:00\", \"09:15\""),
        people,
        "",
    ));
    assert!(
        e.contains("slot 09:15 starts before slot 09:00 ends (30-minute slots overlap)"),
        "{e}"
    );
    let e = errors(&forum_files(
        &grid("UTC", "2025-06-01", "\"09:00\", \"23:45\""),
        people,
        "",
    ));
    assert!(
        e.contains("the last slot, 23:45, runs past midnight"),
        "{e}"
    );
    let e = errors(&forum_files(
        &grid("Europe/Berlin", "2025-03-30", "\"01:00\", \"02:30\""),
        people,
        "",
    ));
    assert!(
        e.contains("2025-03-30 02:30 is skipped or repeated in Europe/Berlin"),
        "{e}"
    );
    let e = errors(&forum_files(
        &grid("UTC", "2025-02-30", "\"09:00\", \"09:30\""),
        people,
        "",
    ));
    assert!(e.contains("day `2025-02-30` is not an ISO date"), "{e}");
}

#[test]
fn one_bad_header_or_key_gives_one_root_error_not_a_cascade() {
    // Today: 66 errors for the header, 44 for the key.
    let e = errors(&example(|n, t| {
        if n == "participants.csv" {
            *t = t.replacen("id,name,", "idd,name,", 1);
        }
    }));
    let lines: Vec<&str> = e.lines().filter(|l| l.starts_with("error:")).collect();
    assert!(
        !lines.is_empty()
            && lines
                .iter()
                .all(|l| l.starts_with("error: participants.csv:1:")),
        "{e}"
    );
    assert!(lines.len() <= 2, "{e}");
    let e = errors(&example(|n, t| {
        if n == "forum.toml" {
            *t = t.replace("slots = [", "slotz = [");
        }
    }));
    assert_eq!(e.matches("error:").count(), 1, "{e}");
    assert!(
        e.contains("forum.toml:8:1: field `slotz`: unknown key `slotz`"),
        "{e}"
    );
    assert!(e.contains("hint: did you mean `slots`?"), "{e}");
    let e = errors(&example(|n, t| {
        if n == "forum.toml" {
            *t = t.replace("timezone =", "timezon =");
        }
    }));
    assert_eq!(e.matches("error:").count(), 1, "{e}");
    assert!(e.contains("did you mean `timezone`?"), "{e}");
}

#[test]
fn meetings_never_run_across_a_break() {
    // 11:30 and 14:00 are adjacent slots but not back to back: lunch falls between.
    let toml = "name = \"x\"\ntimezone = \"Asia/Almaty\"\ndays = [\"2025-05-29\"]\nslots = [\"11:00\", \"11:30\", \"14:00\", \"14:30\"]\nslot_minutes = 30\n";
    let f = load(&forum_files(
        toml,
        "A,A,DA,r,1,0:1,0:2\nB,B,DB,r,1,0:1,0:2\nC,C,DC,r,1,0:0,0:3\nD,D,DD,r,1,0:0,0:3\n",
        "R1,A;B,1,2\nR2,C;D,1,2\n",
    ))
    .expect("forum");
    assert!(!f.block_fits(1, 2) && f.block_fits(0, 2) && f.block_fits(2, 2));
    let s = quick(&f);
    assert_eq!(s.requests[0], None, "R1 fits only across lunch");
    let (t, _) = s.requests[1].expect("R2 fits before or after lunch");
    assert!(t == 0 || t == 2);
    // Written with its real end: a two-slot meeting from 11:00 ends at 12:00.
    let cal = &calendars(&f, &s)
        .into_iter()
        .find(|(id, _)| id == "C")
        .expect("C")
        .1;
    let want = if t == 0 {
        ("20250529T110000", "20250529T120000")
    } else {
        ("20250529T140000", "20250529T150000")
    };
    assert!(
        cal.contains(&format!("DTSTART;TZID=Asia/Almaty:{}", want.0)),
        "{cal}"
    );
    assert!(
        cal.contains(&format!("DTEND;TZID=Asia/Almaty:{}", want.1)),
        "{cal}"
    );
    // The checker refuses a hand-made placement across lunch.
    let v = check(
        &f,
        &ScheduleFile {
            forum: None,
            assignments: vec![Placed {
                id: "R1".into(),
                day: 0,
                slot: 1,
                room: "B1".into(),
            }],
            panel_assignments: vec![],
        },
    );
    assert_eq!(
        v,
        ["request R1: slots 1..2 of day 0 are not back to back (a break falls inside)"]
    );
    // A request longer than any unbroken run is an input error.
    let e = errors(&forum_files(
        toml,
        "A,A,DA,r,1,0:0,0:3\nB,B,DB,r,1,0:0,0:3\n",
        "R1,A;B,1,3\n",
    ));
    assert!(
        e.contains(
            "requests.csv:2: field `slots`: slots `3`: the forum has at most 2 slots back to back"
        ),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------
// 11.8 and 10.13: the checker

#[test]
fn duplicate_room_ids_are_errors() {
    let e = errors(&example(|n, t| {
        if n == "rooms.csv" {
            *t = t.replacen("B2,", "B1,", 1);
        }
    }));
    assert!(
        e.contains("rooms.csv:3: field `id`: duplicate room `B1`"),
        "{e}"
    );
}

#[test]
fn a_meeting_at_the_last_slot_number_is_a_violation() {
    let f = load(&example(|_, _| {})).expect("example");
    for (day, slot) in [(0, usize::MAX), (0, usize::MAX - 1), (usize::MAX, 0)] {
        let v = check(
            &f,
            &ScheduleFile {
                forum: None,
                assignments: vec![Placed {
                    id: "R01".into(),
                    day,
                    slot,
                    room: "B1".into(),
                }],
                panel_assignments: vec![],
            },
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].starts_with("request R01:"), "{v:?}");
        assert!(
            v[0].contains("outside the forum") || v[0].contains("runs past the end of day"),
            "{v:?}"
        );
    }
}

#[test]
fn a_schedule_of_another_forum_is_said_so_once() {
    let other = load(
        &generate(&Spec {
            participants: 200,
            requests: 400,
            panels: 4,
            days: 2,
            slots_per_day: 8,
            bilateral_rooms: 6,
            halls: 2,
            seed: 7,
        })
        .into_iter()
        .collect::<Vec<_>>(),
    )
    .expect("generated");
    let s = solve(
        &other,
        &Settings {
            seconds: 0.2,
            work: astana_forum_scheduler::solve::DEFAULT_WORK,
            seed: 1,
        },
        &mut |_| {},
    );
    let j = to_json(&other, &s);
    let file: ScheduleFile =
        serde_json::from_str(&serde_json::to_string(&j).expect("json")).expect("schedule");
    let f = load(&example(|_, _| {})).expect("example");
    let v = check(&f, &file);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].starts_with(
            "this schedule is for another forum: it was made for \"Synthetic forum (seed 7)\""
        ),
        "{v:?}"
    );
    // Without the name (older or hand-made files), by its ids.
    let anonymous = ScheduleFile {
        forum: None,
        ..file
    };
    let why = another_forum(&f, &anonymous).expect("another forum");
    assert!(
        why.contains(&format!(
            "{} of its {} placed ids are not in",
            anonymous.assignments.len() + anonymous.panel_assignments.len(),
            anonymous.assignments.len() + anonymous.panel_assignments.len()
        )),
        "{why}"
    );
}

// ---------------------------------------------------------------------------------------
// 10.10, 11.4: the generator

#[test]
fn the_generator_checks_sizes_first_and_reports_what_it_wrote() {
    let spec = |participants, requests| Spec {
        participants,
        requests,
        panels: 2,
        days: 1,
        slots_per_day: 8,
        bilateral_rooms: 2,
        halls: 1,
        seed: 1,
    };
    let e = generate_checked(&spec(0, 5)).expect_err("no participants");
    assert_eq!(
        e,
        "--participants 0 is out of range: the generator takes 1 to 1000000"
    );
    let e = generate_checked(&spec(1_000_000_000, 5)).expect_err("too many");
    assert_eq!(
        e,
        "--participants 1000000000 is out of range: the generator takes 1 to 1000000"
    );
    let e = generate_checked(&Spec {
        slots_per_day: 40,
        ..spec(10, 5)
    })
    .expect_err("past midnight");
    assert!(e.starts_with("--slots-per-day 40 is out of range"), "{e}");
    // Never a panic, even unchecked.
    assert_eq!(generate(&spec(0, 5)).len(), 5);
    // One participant: no pair of delegations, so no request; said, not claimed.
    let g = generate_checked(&spec(1, 5)).expect("one participant");
    assert_eq!(g.requests, 0);
    let requests = &g
        .files
        .iter()
        .find(|(n, _)| *n == "requests.csv")
        .expect("requests")
        .1;
    assert_eq!(requests.lines().count(), 1 + g.requests);
    let g = generate_checked(&spec(300, 500)).expect("normal");
    let requests = &g
        .files
        .iter()
        .find(|(n, _)| *n == "requests.csv")
        .expect("requests")
        .1;
    assert_eq!(requests.lines().count(), 1 + g.requests);
    assert_eq!(g.requests, 500);
    load(
        &g.files
            .iter()
            .map(|(n, t)| (*n, t.clone()))
            .collect::<Vec<_>>(),
    )
    .expect("valid");
}

// ---------------------------------------------------------------------------------------
// 11.9: whole-folder output

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("forum-io-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() {
            out.extend(
                listing(&e.path())
                    .into_iter()
                    .map(|x| format!("{name}/{x}")),
            );
        } else {
            out.push(name);
        }
    }
    out.sort();
    out
}

#[test]
fn output_folders_are_replaced_whole_and_foreign_folders_kept() {
    let root = scratch("whole");
    let out = root.join("out");
    let f = load(&example(|_, _| {})).expect("example");
    let solution = solve(
        &f,
        &Settings {
            seconds: 0.1,
            work: astana_forum_scheduler::solve::DEFAULT_WORK,
            seed: 1,
        },
        &mut |_| {},
    );
    let j = to_json(&f, &solution);
    let files = schedule_files(&f, &solution.schedule, &j).expect("files");
    assert_eq!(files.len(), 1 + f.participants.len() + f.rooms.len());
    assert_eq!(
        write_folder(&out, &files, &SCHEDULE_FOLDER, false).expect("first"),
        Replaced::Nothing
    );
    // A stale calendar from an earlier run does not survive the next one.
    std::fs::write(out.join("calendars/GONE.ics"), "old").expect("stale");
    let r = write_folder(&out, &files, &SCHEDULE_FOLDER, false).expect("second");
    assert_eq!(r, Replaced::Earlier(files.len() + 1));
    assert!(!out.join("calendars/GONE.ics").exists());
    assert_eq!(listing(&out).len(), files.len());
    // A write that fails half-way (the second file cannot be created) leaves the earlier
    // folder exactly as it was, and nothing beside it.
    let before = listing(&out);
    let broken = vec![
        (PathBuf::from("schedule.json"), "{}".to_string()),
        (PathBuf::from("schedule.json"), "{}".to_string()),
    ];
    assert!(matches!(
        write_folder(&out, &broken, &SCHEDULE_FOLDER, false),
        Err(WriteError::Io(_))
    ));
    assert_eq!(listing(&out), before);
    assert_ne!(
        std::fs::read_to_string(out.join("schedule.json")).expect("json"),
        "{}"
    );
    let beside: Vec<_> = std::fs::read_dir(&root).expect("root").flatten().collect();
    assert_eq!(beside.len(), 1, "a temporary folder was left behind");
    // A folder holding other things is not replaced without force.
    let mine = root.join("mine");
    std::fs::create_dir_all(&mine).expect("dir");
    std::fs::write(mine.join("notes.txt"), "keep").expect("notes");
    match write_folder(&mine, &files, &SCHEDULE_FOLDER, false) {
        Err(WriteError::NotOurs(names)) => assert_eq!(names, ["notes.txt"]),
        r => panic!("{r:?}"),
    }
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).expect("kept"),
        "keep"
    );
    assert_eq!(
        write_folder(&mine, &files, &SCHEDULE_FOLDER, true).expect("forced"),
        Replaced::Forced(vec!["notes.txt".into()])
    );
}

/// Seeded damage: 600 copies of the example forum with bytes changed, inserted, deleted or
/// duplicated (control characters, quotes, separators, digits) never panic the reader, and
/// every forum that loads gives calendars that pass the strict reading.
#[test]
fn damaged_forum_files_never_panic_and_never_forge() {
    let clean = example(|_, _| {});
    let mut x: u64 = 0x5eed_f0f0_0000_0001;
    let mut next = |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m.max(1) as u64) as usize
    };
    let alphabet: &[u8] = b"\r\n\t\0\x1b\",;:/.-_\\ 0123456789aZ=[]#'";
    let mut loaded = 0;
    for _ in 0..600 {
        let mut files = clean.clone();
        for _ in 0..1 + next(4) {
            let k = next(files.len());
            let mut bytes = files[k].1.clone().into_bytes();
            let at = next(bytes.len() + 1);
            let b = alphabet[next(alphabet.len())];
            match next(4) {
                0 if at < bytes.len() => bytes[at] = b,
                1 => bytes.insert(at, b),
                2 if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {
                    let end = (at + next(40)).min(bytes.len());
                    let piece = bytes[at..end].to_vec();
                    bytes.splice(at..at, piece);
                }
            }
            files[k].1 = String::from_utf8_lossy(&bytes).into_owned();
        }
        if let Ok(f) = load(&files) {
            loaded += 1;
            let s = Schedule {
                requests: (0..f.requests.len())
                    .map(|r| (r == 0 && f.block_fits(0, f.requests[0].slots)).then_some((0, 0)))
                    .collect(),
                panels: vec![None; f.panels.len()],
            };
            for (id, cal) in calendars(&f, &s) {
                strict_ics(&id, &cal);
            }
            for (_, sheet) in room_sheets(&f, &s) {
                for r in csv::Reader::from_reader(sheet.as_bytes()).records() {
                    assert_eq!(r.expect("CSV").len(), 7);
                }
            }
        }
    }
    assert!(
        loaded > 50,
        "only {loaded} damaged forums loaded: the test lost its teeth"
    );
}
