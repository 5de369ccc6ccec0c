//! Writing a schedule: the JSON contract, one iCalendar file (RFC 5545) per participant
//! and one CSV per room; and reading a schedule JSON back.

use crate::check::ScheduleFile;
use crate::model::Forum;
use crate::solve::{Schedule, Solution};
use serde::Serialize;
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

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
    /// Σ (6 − priority) over scheduled requests.
    pub objective: u64,
    /// A valid upper bound on the objective (given the panels as placed).
    pub upper_bound: u64,
    /// (upper bound − objective) / upper bound.
    pub gap: f64,
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
}

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
        objective: s.objective,
        upper_bound: s.upper_bound,
        gap: if s.upper_bound > 0 {
            (s.upper_bound - s.objective.min(s.upper_bound)) as f64 / s.upper_bound as f64
        } else {
            0.0
        },
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
    for a in &file.assignments {
        if let (Some(r), Some(room)) = (f.requests.iter().position(|x| x.id == a.id), room(&a.room))
        {
            s.requests[r] = Some((a.day * per_day + a.slot, room));
        }
    }
    for a in &file.panel_assignments {
        if let (Some(k), Some(room)) = (f.panels.iter().position(|x| x.id == a.id), room(&a.room)) {
            s.panels[k] = Some((a.day * per_day + a.slot, room));
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
    let mut lines = vec!["BEGIN:VTIMEZONE".to_string(), format!("TZID:{}", text(name))];
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
            let minutes = f.slot_minutes.saturating_mul(u32::try_from(len).unwrap_or(u32::MAX));
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
        let minutes = f.slot_minutes.saturating_mul(u32::try_from(len).unwrap_or(u32::MAX));
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
