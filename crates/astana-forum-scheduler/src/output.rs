//! Writing a schedule: the JSON contract, one iCalendar file (RFC 5545) per participant
//! and one CSV per room; and reading a schedule JSON back.

use crate::check::ScheduleFile;
use crate::model::Forum;
use crate::solve::{Schedule, Solution};
use serde::Serialize;
use std::fmt::Write;

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

/// UTC offsets of zones without daylight saving time, in minutes (others get floating
/// local times, which calendar programs show as written).
const FIXED_ZONES: [(&str, i32); 12] = [
    ("UTC", 0),
    ("Asia/Almaty", 300), // UTC+5 since 1 March 2024
    ("Asia/Qostanay", 300),
    ("Asia/Aqtau", 300),
    ("Asia/Tashkent", 300),
    ("Asia/Bishkek", 360),
    ("Asia/Baku", 240),
    ("Asia/Tbilisi", 240),
    ("Asia/Dubai", 240),
    ("Europe/Istanbul", 180),
    ("Europe/Moscow", 180),
    ("Asia/Shanghai", 480),
];

/// Escapes TEXT values (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
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

fn stamp(f: &Forum, g: usize, plus_minutes: u32) -> String {
    let (day, slot) = f.day_slot(g);
    let date = f.days[day].replace('-', "");
    let (h, m) = f.slots[slot];
    let total = h * 60 + m + plus_minutes;
    // Meetings end on their day (slots are checked to fit in a day).
    format!("{date}T{:02}{:02}00", (total / 60).min(23), total % 60)
}

/// One calendar per participant with their meetings and panels: (participant id, text).
pub fn calendars(f: &Forum, s: &Schedule) -> Vec<(String, String)> {
    let zone = FIXED_ZONES.iter().find(|(z, _)| *z == f.timezone);
    let dtstamp = format!(
        "{}T000000Z",
        f.days
            .first()
            .map_or("19700101".to_string(), |d| d.replace('-', ""))
    );
    let mut events: Vec<Vec<String>> = vec![Vec::new(); f.participants.len()];
    let mut event =
        |uid: String, summary: String, location: &str, g: usize, len: usize, people: &[usize]| {
            let tz = zone.map_or(String::new(), |(z, _)| format!(";TZID={z}"));
            let mut e = String::new();
            for line in [
                "BEGIN:VEVENT".to_string(),
                format!("UID:{uid}"),
                format!("DTSTAMP:{dtstamp}"),
                format!("DTSTART{tz}:{}", stamp(f, g, 0)),
                format!("DTEND{tz}:{}", stamp(f, g, f.slot_minutes * len as u32)),
                format!("SUMMARY:{}", text(&summary)),
                format!("LOCATION:{}", text(location)),
                "END:VEVENT".to_string(),
            ] {
                fold(&line, &mut e);
            }
            for &p in people {
                events[p].push(e.clone());
            }
        };
    for (r, p) in s.requests.iter().enumerate() {
        if let Some((t, room)) = *p {
            let q = &f.requests[r];
            let names: Vec<&str> = q
                .participants
                .iter()
                .map(|&x| f.participants[x].name.as_str())
                .collect();
            event(
                format!("{}@astana-forum", q.id),
                format!("Meeting {}: {}", q.id, names.join(", ")),
                &f.rooms[room].name,
                t,
                q.slots,
                &q.participants,
            );
        }
    }
    for (k, p) in s.panels.iter().enumerate() {
        if let Some((t, room)) = *p {
            let panel = &f.panels[k];
            event(
                format!("{}@astana-forum", panel.id),
                format!("Panel {}: {}", panel.id, panel.title),
                &f.rooms[room].name,
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
            format!("X-WR-TIMEZONE:{}", f.timezone),
        ] {
            fold(&line, &mut cal);
        }
        if let Some((z, off)) = zone {
            let o = format!(
                "{}{:02}{:02}",
                if *off < 0 { '-' } else { '+' },
                off.abs() / 60,
                off.abs() % 60
            );
            for line in [
                "BEGIN:VTIMEZONE".to_string(),
                format!("TZID:{z}"),
                "BEGIN:STANDARD".to_string(),
                "DTSTART:19700101T000000".to_string(),
                format!("TZOFFSETFROM:{o}"),
                format!("TZOFFSETTO:{o}"),
                "END:STANDARD".to_string(),
                "END:VTIMEZONE".to_string(),
            ] {
                fold(&line, &mut cal);
            }
        }
        for e in evs {
            cal.push_str(&e);
        }
        fold("END:VCALENDAR", &mut cal);
        out.push((f.participants[p].id.clone(), cal));
    }
    out
}

/// One CSV per room: (room id, text) with `day,date,start,end,kind,id,title` in local time.
pub fn room_sheets(f: &Forum, s: &Schedule) -> Vec<(String, String)> {
    let mut rows: Vec<Vec<(usize, String)>> = vec![Vec::new(); f.rooms.len()];
    let clock = |g: usize, plus: u32| {
        let (_, slot) = f.day_slot(g);
        let (h, m) = f.slots[slot];
        let t = h * 60 + m + plus;
        format!("{:02}:{:02}", t / 60, t % 60)
    };
    let mut add = |room: usize, t: usize, len: usize, kind: &str, id: &str, title: &str| {
        let (day, _) = f.day_slot(t);
        let title = if title.contains(',') || title.contains('"') {
            format!("\"{}\"", title.replace('"', "\"\""))
        } else {
            title.to_string()
        };
        rows[room].push((
            t,
            format!(
                "{day},{},{},{},{kind},{id},{title}",
                f.days[day],
                clock(t, 0),
                clock(t, f.slot_minutes * len as u32)
            ),
        ));
    };
    for (r, p) in s.requests.iter().enumerate() {
        if let Some((t, room)) = *p {
            let q = &f.requests[r];
            let names: Vec<&str> = q
                .participants
                .iter()
                .map(|&x| f.participants[x].id.as_str())
                .collect();
            add(room, t, q.slots, "meeting", &q.id, &names.join(" "));
        }
    }
    for (k, p) in s.panels.iter().enumerate() {
        if let Some((t, room)) = *p {
            let panel = &f.panels[k];
            add(room, t, panel.slots, "panel", &panel.id, &panel.title);
        }
    }
    rows.into_iter()
        .enumerate()
        .map(|(room, mut r)| {
            r.sort_by_key(|x| x.0);
            let mut text = String::from("day,date,start,end,kind,id,title\n");
            for (_, line) in r {
                let _ = writeln!(text, "{line}");
            }
            (f.rooms[room].id.clone(), text)
        })
        .collect()
}
