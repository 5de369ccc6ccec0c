//! Writing a schedule: the JSON contract, one iCalendar file (RFC 5545) per participant
//! and one CSV per room; and reading a schedule JSON back.

use crate::check::ScheduleFile;
use crate::model::Forum;
use crate::solve::{Schedule, Solution};
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;
use serde::Serialize;

/// One placed item in the JSON contract.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Assignment {
    /// Request id (`panel` for panels: see [`PanelAssignment`]).
    pub request: String,
    /// Day index.
    pub day: usize,
    /// Slot index within the day.
    pub slot: usize,
    /// Room id.
    pub room: String,
}

/// A placed panel.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PanelAssignment {
    /// Panel id.
    pub panel: String,
    /// Day index.
    pub day: usize,
    /// Slot index within the day.
    pub slot: usize,
    /// Room id.
    pub room: String,
}

/// An unscheduled request and why.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Unscheduled {
    /// Request id.
    pub request: String,
    /// The binding reason.
    pub reason: String,
}

/// The schedule JSON.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ScheduleJson {
    /// The forum's name, so that `forum check` can tell a schedule of another forum.
    pub forum: String,
    /// Σ (6 − priority) over scheduled requests.
    pub objective: u64,
    /// An upper bound on the objective of every schedule that places the same panels,
    /// wherever they go.
    pub upper_bound: u64,
    /// (upper bound − objective) / upper bound.
    pub gap: f64,
    /// What the bound covers (see [`BOUND_SCOPE`]).
    pub bound_scope: &'static str,
    /// The relaxation that gave the bound.
    pub bound_method: &'static str,
    /// Requests scheduled.
    pub scheduled: usize,
    /// Requests in all.
    pub requests: usize,
    /// Panels placed.
    pub panels_placed: usize,
    /// Request assignments.
    pub assignments: Vec<Assignment>,
    /// Panel assignments.
    pub panel_assignments: Vec<PanelAssignment>,
    /// Unscheduled requests with their reasons.
    pub unscheduled: Vec<Unscheduled>,
    /// Panels that could not be placed, with reasons.
    pub panels_impossible: Vec<Unscheduled>,
    /// What ended the local search: "local optimum", "work budget" or "time cap".
    pub stopped_by: &'static str,
    /// Whether the same seed and settings give this schedule on any machine (false only
    /// when the time cap ended the search).
    pub reproducible: bool,
    /// Insertion attempts the local search made (the unit of `--work`).
    pub work: u64,
}

/// What `upper_bound` covers: not only this schedule's panel places.
pub const BOUND_SCOPE: &str = "every schedule that places the same panels, wherever they go";

/// The JSON of a solution.
pub fn to_json(f: &Forum, s: &Solution) -> ScheduleJson {
    // (id, day, slot, room id) of every placed item.
    let placed = |places: &[Option<(usize, usize)>], id: &dyn Fn(usize) -> String| {
        places
            .iter()
            .enumerate()
            .filter_map(|(k, p)| {
                p.map(|(t, room)| {
                    let (day, slot) = f.day_slot(t);
                    (id(k), day, slot, f.rooms[room].id.clone())
                })
            })
            .collect::<Vec<_>>()
    };
    let assignments: Vec<Assignment> = placed(&s.schedule.requests, &|k| f.requests[k].id.clone())
        .into_iter()
        .map(|(request, day, slot, room)| Assignment {
            request,
            day,
            slot,
            room,
        })
        .collect();
    let panel_assignments: Vec<PanelAssignment> =
        placed(&s.schedule.panels, &|k| f.panels[k].id.clone())
            .into_iter()
            .map(|(panel, day, slot, room)| PanelAssignment {
                panel,
                day,
                slot,
                room,
            })
            .collect();
    ScheduleJson {
        forum: f.name.clone(),
        objective: s.objective,
        upper_bound: s.upper_bound,
        gap: if s.upper_bound > 0 {
            (s.upper_bound - s.objective.min(s.upper_bound)) as f64 / s.upper_bound as f64
        } else {
            0.0
        },
        bound_scope: BOUND_SCOPE,
        bound_method: s.bound_method.name(),
        scheduled: assignments.len(),
        requests: f.requests.len(),
        panels_placed: panel_assignments.len(),
        assignments,
        panel_assignments,
        unscheduled: s
            .unscheduled
            .iter()
            .map(|(r, why)| Unscheduled {
                request: f.requests[*r].id.clone(),
                reason: why.clone(),
            })
            .collect(),
        panels_impossible: s
            .panels_impossible
            .iter()
            .map(|(k, why)| Unscheduled {
                request: f.panels[*k].id.clone(),
                reason: why.clone(),
            })
            .collect(),
        stopped_by: s.stopped_by.name(),
        reproducible: s.stopped_by.reproducible(),
        work: s.work,
    }
}

/// A schedule file read back into indices; unknown ids are skipped (the checker names
/// them).
pub fn from_file(f: &Forum, file: &ScheduleFile) -> Schedule {
    let per_day = f.slots.len();
    let room = |id: &str| f.rooms.iter().position(|r| r.id == id);
    let mut s = Schedule {
        requests: vec![None; f.requests.len()],
        panels: vec![None; f.panels.len()],
    };
    // Only places inside the forum: the checker names the others.
    let at = |a: &crate::check::Placed| {
        // Lazily: `then_some` would multiply a huge day before the check.
        (a.day < f.days.len() && a.slot < per_day).then(|| a.day * per_day + a.slot)
    };
    for a in &file.assignments {
        if let (Some(r), Some(room), Some(t)) = (
            f.requests.iter().position(|x| x.id == a.id),
            room(&a.room),
            at(a),
        ) {
            s.requests[r] = Some((t, room));
        }
    }
    for a in &file.panel_assignments {
        if let (Some(k), Some(room), Some(t)) = (
            f.panels.iter().position(|x| x.id == a.id),
            room(&a.room),
            at(a),
        ) {
            s.panels[k] = Some((t, room));
        }
    }
    s
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, `;`, `,` and line breaks (CR, LF
/// or CRLF, each written `\n`); other control characters, which TEXT may not hold, become
/// spaces. No value can start a line of its own, so none can add a property or an event.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            c if c.is_control() && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a character.
fn fold(line: &str, out: &mut String) {
    let mut n = 0;
    for c in line.chars() {
        let w = c.len_utf8();
        if n + w > 75 {
            out.push_str("\r\n ");
            n = 1;
        }
        out.push(c);
        n += w;
    }
    out.push_str("\r\n");
}

/// The local date-time at which global slot `g` starts, plus `plus` minutes (an end at
/// 24:00 is the next day's 00:00); `None` for a forum that was not validated.
fn local(f: &Forum, g: usize, plus: u32) -> Option<DateTime> {
    let (day, slot) = f.day_slot(g);
    let date: Date = f.days.get(day)?.parse().ok()?;
    let &(h, m) = f.slots.get(slot)?;
    let start = date.at(i8::try_from(h).ok()?, i8::try_from(m).ok()?, 0, 0);
    start
        .checked_add(jiff::Span::new().minutes(i64::from(plus)))
        .ok()
}

fn basic(dt: DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

/// `+0500`, or `+053045` with seconds (RFC 5545 §3.3.14).
fn utc_offset(o: Offset) -> String {
    let s = o.seconds();
    let (sign, a) = (if s < 0 { '-' } else { '+' }, s.unsigned_abs());
    let hm = format!("{sign}{:02}{:02}", a / 3600, a / 60 % 60);
    if a % 60 == 0 {
        hm
    } else {
        format!("{hm}{:02}", a % 60)
    }
}

/// A VTIMEZONE with the zone's real offsets over the forum's dates (two days either side):
/// the observance in force before them and every transition during them, from the bundled
/// tz database. Asia/Almaty is UTC+6 before 1 March 2024 and UTC+5 from then on.
fn vtimezone(tz: &TimeZone, name: &str, first: Date, last: Date) -> Vec<String> {
    let at = |d: Date| {
        d.at(0, 0, 0, 0)
            .to_zoned_datetime(TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH)
    };
    let two_days = jiff::Span::new().days(2);
    let from = at(first.checked_sub(two_days).unwrap_or(first));
    let to = at(last.checked_add(two_days).unwrap_or(last));
    let before = |ts: Timestamp| {
        tz.to_offset(
            ts.checked_sub(jiff::SignedDuration::from_secs(1))
                .unwrap_or(ts),
        )
    };
    // (onset, offset before, offset after, daylight saving?)
    let mut observances = Vec::new();
    match tz.preceding(from).next() {
        Some(t) => observances.push((
            Some(t.timestamp()),
            before(t.timestamp()),
            t.offset(),
            t.dst().is_dst(),
        )),
        None => {
            let o = tz.to_offset(from);
            observances.push((None, o, o, false));
        }
    }
    for t in tz.following(from).take_while(|t| t.timestamp() < to) {
        observances.push((
            Some(t.timestamp()),
            before(t.timestamp()),
            t.offset(),
            t.dst().is_dst(),
        ));
    }
    let mut lines = vec![
        "BEGIN:VTIMEZONE".to_string(),
        format!("TZID:{}", text(name)),
    ];
    for (onset, was, is, dst) in observances {
        let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
        // The onset in the local time in force before it (RFC 5545 §3.6.5).
        let start = onset.map_or("19700101T000000".to_string(), |ts| {
            basic(was.to_datetime(ts))
        });
        lines.extend([
            format!("BEGIN:{kind}"),
            format!("DTSTART:{start}"),
            format!("TZOFFSETFROM:{}", utc_offset(was)),
            format!("TZOFFSETTO:{}", utc_offset(is)),
            format!("END:{kind}"),
        ]);
    }
    lines.push("END:VTIMEZONE".to_string());
    lines
}

/// A short, stable tag of the forum's name, so that two forums' events never share a UID.
fn forum_tag(name: &str) -> String {
    // FNV-1a: stable across platforms and releases, unlike the standard library's hasher.
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:08x}", h >> 32)
}

/// One calendar per participant with their meetings and panels: (participant id, text).
///
/// Times are local to the forum's zone (`DTSTART;TZID=…`) with a VTIMEZONE holding the
/// zone's offsets for the forum's dates; every text value is escaped.
pub fn calendars(f: &Forum, s: &Schedule) -> Vec<(String, String)> {
    let tz = crate::model::time_zone(&f.timezone).ok();
    let dates: Vec<Date> = f.days.iter().filter_map(|d| d.parse().ok()).collect();
    let zone_lines = match (&tz, dates.first(), dates.last()) {
        (Some(tz), Some(&a), Some(&b)) => vtimezone(tz, &f.timezone, a, b),
        _ => Vec::new(),
    };
    // Without a known zone the times are floating (shown as written).
    let tzid = if zone_lines.is_empty() {
        String::new()
    } else {
        format!(";TZID={}", text(&f.timezone))
    };
    let dtstamp = format!(
        "{}T000000Z",
        dates
            .first()
            .map_or("19700101".to_string(), |d| d.strftime("%Y%m%d").to_string())
    );
    let tag = forum_tag(&f.name);
    let mut events: Vec<Vec<String>> = vec![Vec::new(); f.participants.len()];
    let mut event =
        |uid: String, summary: String, location: &str, g: usize, len: usize, people: &[usize]| {
            let minutes = f
                .slot_minutes
                .saturating_mul(u32::try_from(len).unwrap_or(u32::MAX));
            let (Some(start), Some(end)) = (local(f, g, 0), local(f, g, minutes)) else {
                return;
            };
            let mut e = String::new();
            for line in [
                "BEGIN:VEVENT".to_string(),
                format!("UID:{}", text(&uid)),
                format!("DTSTAMP:{dtstamp}"),
                format!("DTSTART{tzid}:{}", basic(start)),
                format!("DTEND{tzid}:{}", basic(end)),
                format!("SUMMARY:{}", text(&summary)),
                format!("LOCATION:{}", text(location)),
                "END:VEVENT".to_string(),
            ] {
                fold(&line, &mut e);
            }
            for &p in people {
                if let Some(list) = events.get_mut(p) {
                    list.push(e.clone());
                }
            }
        };
    for (r, p) in s.requests.iter().enumerate() {
        if let (Some((t, room)), Some(q)) = (*p, f.requests.get(r)) {
            let names: Vec<&str> = q
                .participants
                .iter()
                .filter_map(|&x| f.participants.get(x).map(|p| p.name.as_str()))
                .collect();
            event(
                format!("request-{}.{tag}@astana-forum", q.id),
                format!("Meeting {}: {}", q.id, names.join(", ")),
                f.rooms.get(room).map_or("", |r| r.name.as_str()),
                t,
                q.slots,
                &q.participants,
            );
        }
    }
    for (k, p) in s.panels.iter().enumerate() {
        if let (Some((t, room)), Some(panel)) = (*p, f.panels.get(k)) {
            event(
                format!("panel-{}.{tag}@astana-forum", panel.id),
                format!("Panel {}: {}", panel.id, panel.title),
                f.rooms.get(room).map_or("", |r| r.name.as_str()),
                t,
                panel.slots,
                &panel.speakers,
            );
        }
    }
    let mut out = Vec::new();
    for (p, evs) in events.into_iter().enumerate() {
        let mut cal = String::new();
        for line in [
            "BEGIN:VCALENDAR".to_string(),
            "VERSION:2.0".to_string(),
            "PRODID:-//astana//forum scheduler//EN".to_string(),
            "CALSCALE:GREGORIAN".to_string(),
            format!(
                "X-WR-CALNAME:{}",
                text(&format!("{} – {}", f.name, f.participants[p].name))
            ),
            format!("X-WR-TIMEZONE:{}", text(&f.timezone)),
        ]
        .iter()
        .chain(&zone_lines)
        {
            fold(line, &mut cal);
        }
        for e in evs {
            cal.push_str(&e);
        }
        fold("END:VCALENDAR", &mut cal);
        out.push((f.participants[p].id.clone(), cal));
    }
    out
}

/// One CSV per room: (room id, text) with `day,date,start,end,kind,id,title` in local time,
/// every field quoted as CSV needs (a title with a line break stays one record).
pub fn room_sheets(f: &Forum, s: &Schedule) -> Vec<(String, String)> {
    let mut rows: Vec<Vec<(usize, [String; 7])>> = vec![Vec::new(); f.rooms.len()];
    let clock = |g: usize, plus: u32| {
        local(f, g, plus).map_or(String::new(), |t| {
            // A slot ending at midnight ends at 24:00 of its day.
            if plus > 0 && t.hour() == 0 && t.minute() == 0 {
                "24:00".to_string()
            } else {
                t.strftime("%H:%M").to_string()
            }
        })
    };
    let mut add = |room: usize, t: usize, len: usize, kind: &str, id: &str, title: &str| {
        let (day, _) = f.day_slot(t);
        let minutes = f
            .slot_minutes
            .saturating_mul(u32::try_from(len).unwrap_or(u32::MAX));
        if let Some(list) = rows.get_mut(room) {
            list.push((
                t,
                [
                    day.to_string(),
                    f.days.get(day).cloned().unwrap_or_default(),
                    clock(t, 0),
                    clock(t, minutes),
                    kind.to_string(),
                    id.to_string(),
                    title.to_string(),
                ],
            ));
        }
    };
    for (r, p) in s.requests.iter().enumerate() {
        if let (Some((t, room)), Some(q)) = (*p, f.requests.get(r)) {
            let names: Vec<&str> = q
                .participants
                .iter()
                .filter_map(|&x| f.participants.get(x).map(|p| p.id.as_str()))
                .collect();
            add(room, t, q.slots, "meeting", &q.id, &names.join(" "));
        }
    }
    for (k, p) in s.panels.iter().enumerate() {
        if let (Some((t, room)), Some(panel)) = (*p, f.panels.get(k)) {
            add(room, t, panel.slots, "panel", &panel.id, &panel.title);
        }
    }
    rows.into_iter()
        .enumerate()
        .map(|(room, mut r)| {
            r.sort_by_key(|x| x.0);
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut put = |rec: &[String]| {
                // Writing to memory cannot fail.
                let _ = w.write_record(rec);
            };
            put(&["day", "date", "start", "end", "kind", "id", "title"].map(String::from));
            for (_, rec) in &r {
                put(rec);
            }
            let bytes = w.into_inner().unwrap_or_default();
            (
                f.rooms[room].id.clone(),
                String::from_utf8(bytes).unwrap_or_default(),
            )
        })
        .collect()
}

/// What [`write_folder`] replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Replaced {
    /// The folder did not exist or was empty.
    Nothing,
    /// An earlier folder of the same kind (only the names it may hold), with this many files.
    Earlier(usize),
    /// A folder holding other things, replaced because it was forced: its entries.
    Forced(Vec<String>),
}

/// Why a folder was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The folder exists and holds something else (names listed); not replaced unless forced.
    NotOurs(Vec<String>),
    /// A file name that would leave the folder or is not a safe name.
    UnsafeName(String),
    /// The target is a symbolic link or not a folder.
    NotAFolder(String),
    /// The file system refused.
    Io(std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::NotOurs(names) => {
                let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
                write!(
                    f,
                    "it already holds other files ({}{}); give an empty or new folder, or --force to replace it",
                    shown.join(", "),
                    if names.len() > 5 { ", …" } else { "" }
                )
            }
            WriteError::UnsafeName(n) => write!(f, "refusing to write the unsafe file name {n:?}"),
            WriteError::NotAFolder(why) => f.write_str(why),
            WriteError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for WriteError {}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

/// Files in a folder and below, recursively.
fn count_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |it| {
        it.flatten()
            .map(|e| match e.file_type() {
                Ok(t) if t.is_dir() => count_files(&e.path()),
                _ => 1,
            })
            .sum()
    })
}

/// Writes `files` (paths relative to `dir`, each component a safe name) as the whole new
/// content of `dir`: first into a fresh temporary folder beside it, then renamed into place.
/// An interrupted run leaves the earlier folder as it was (and at worst a hidden
/// `.NAME.astana-tmp-*` folder beside it); files of earlier runs never linger. An existing
/// `dir` is replaced when it holds only entries named in `ours` (an earlier run's output) or
/// when `force` is given. Symbolic links are never followed: a `dir` that is one is refused
/// and every file is created new inside the fresh folder.
///
/// # Errors
/// [`WriteError`]; nothing is changed then.
pub fn write_folder(
    dir: &std::path::Path,
    files: &[(std::path::PathBuf, String)],
    ours: &[&str],
    force: bool,
) -> Result<Replaced, WriteError> {
    use std::io::Write as _;
    use std::path::Component;
    for (rel, _) in files {
        let safe = rel.components().all(|c| match c {
            Component::Normal(n) => n.to_str().is_some_and(|n| {
                crate::model::id_problem(n.trim_end_matches(".ics").trim_end_matches(".csv"))
                    .is_none()
            }),
            _ => false,
        });
        if !safe || rel.as_os_str().is_empty() {
            return Err(WriteError::UnsafeName(rel.display().to_string()));
        }
    }
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            WriteError::NotAFolder(format!("{} does not name a folder", dir.display()))
        })?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut replaced = Replaced::Nothing;
    let exists = match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(WriteError::NotAFolder(format!(
                "{} is a symbolic link; give the folder it points to",
                dir.display()
            )))
        }
        Ok(m) if !m.is_dir() => {
            return Err(WriteError::NotAFolder(format!(
                "{} exists and is not a folder",
                dir.display()
            )))
        }
        Ok(_) => {
            let mut entries: Vec<String> = std::fs::read_dir(dir)?
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            entries.sort();
            let foreign = entries.iter().any(|e| !ours.contains(&e.as_str()));
            if foreign && !force {
                return Err(WriteError::NotOurs(entries));
            }
            if foreign {
                replaced = Replaced::Forced(entries);
            } else if !entries.is_empty() {
                replaced = Replaced::Earlier(count_files(dir));
            }
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(e.into()),
    };
    std::fs::create_dir_all(&parent)?;
    let unique = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let tmp = parent.join(format!(".{name}.astana-tmp-{unique}"));
    std::fs::create_dir(&tmp)?;
    let fill = || -> std::io::Result<()> {
        for (rel, body) in files {
            let path = tmp.join(rel);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
            }
            // `create_new` fails on an existing name or a symbolic link: no file is written
            // twice or through a link.
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?;
            file.write_all(body.as_bytes())?;
        }
        Ok(())
    };
    if let Err(e) = fill() {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e.into());
    }
    if exists {
        let old = parent.join(format!(".{name}.astana-old-{unique}"));
        if let Err(e) = std::fs::rename(dir, &old) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e.into());
        }
        if let Err(e) = std::fs::rename(&tmp, dir) {
            // Put the earlier folder back.
            let _ = std::fs::rename(&old, dir);
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e.into());
        }
        std::fs::remove_dir_all(&old)?;
    } else if let Err(e) = std::fs::rename(&tmp, dir) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e.into());
    }
    Ok(replaced)
}

/// The files of a schedule folder (`schedule.json`, `calendars/ID.ics`, `rooms/ID.csv`),
/// ready for [`write_folder`] with [`SCHEDULE_FOLDER`] as the names it may replace.
///
/// # Errors
/// When the JSON cannot be written.
pub fn schedule_files(
    f: &Forum,
    s: &Schedule,
    j: &ScheduleJson,
) -> Result<Vec<(std::path::PathBuf, String)>, serde_json::Error> {
    let mut files = vec![(
        std::path::PathBuf::from("schedule.json"),
        serde_json::to_string_pretty(j)?,
    )];
    for (id, cal) in calendars(f, s) {
        files.push((
            std::path::Path::new("calendars").join(format!("{id}.ics")),
            cal,
        ));
    }
    for (id, sheet) in room_sheets(f, s) {
        files.push((
            std::path::Path::new("rooms").join(format!("{id}.csv")),
            sheet,
        ));
    }
    Ok(files)
}

/// The entries an earlier schedule folder holds.
pub const SCHEDULE_FOLDER: [&str; 3] = ["schedule.json", "calendars", "rooms"];
