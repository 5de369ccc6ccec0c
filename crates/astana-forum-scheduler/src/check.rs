//! An independent feasibility check of a schedule: written apart from the solver (plain
//! maps of who is where, no bitsets), it names every violated constraint.

use crate::model::Forum;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// One placed item as written in a schedule JSON.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Placed {
    /// Request or panel id (either key).
    #[serde(alias = "request", alias = "panel")]
    pub id: String,
    /// Day index.
    pub day: usize,
    /// Slot index within the day.
    pub slot: usize,
    /// Room id.
    pub room: String,
}

/// The parts of a schedule JSON the checker reads.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ScheduleFile {
    /// The forum's name, as written by astana (absent in older or hand-made files).
    #[serde(default)]
    pub forum: Option<String>,
    /// Request assignments.
    #[serde(default)]
    pub assignments: Vec<Placed>,
    /// Panel assignments.
    #[serde(default)]
    pub panel_assignments: Vec<Placed>,
}

/// The schedule's request and panel ids that this forum does not know.
fn unknown_ids<'a>(f: &Forum, s: &'a ScheduleFile) -> (usize, Vec<&'a str>) {
    let requests: HashSet<&str> = f.requests.iter().map(|r| r.id.as_str()).collect();
    let panels: HashSet<&str> = f.panels.iter().map(|r| r.id.as_str()).collect();
    let all = s.assignments.len() + s.panel_assignments.len();
    let unknown = s
        .assignments
        .iter()
        .filter(|a| !requests.contains(a.id.as_str()))
        .chain(
            s.panel_assignments
                .iter()
                .filter(|a| !panels.contains(a.id.as_str())),
        )
        .map(|a| a.id.as_str())
        .collect();
    (all, unknown)
}

/// `Some(why)` when the schedule was made for another forum: it names another forum, or
/// most of its request and panel ids are not in this one. One sentence instead of one
/// "unknown id" per item.
pub fn another_forum(f: &Forum, s: &ScheduleFile) -> Option<String> {
    if let Some(name) = s.forum.as_deref().filter(|n| *n != f.name) {
        return Some(format!(
            "this schedule is for another forum: it was made for {name:?}, not {:?}",
            f.name
        ));
    }
    let (all, unknown) = unknown_ids(f, s);
    (all > 0 && 2 * unknown.len() > all).then(|| {
        format!(
            "this schedule is for another forum: {} of its {all} placed ids are not in {:?} (e.g. {})",
            unknown.len(),
            f.name,
            unknown.iter().take(3).copied().collect::<Vec<_>>().join(", ")
        )
    })
}

/// Every violated constraint, in words (just one when the schedule is for another forum:
/// see [`another_forum`]).
pub fn check(f: &Forum, s: &ScheduleFile) -> Vec<String> {
    if let Some(why) = another_forum(f, s) {
        return vec![why];
    }
    let mut out = Vec::new();
    let per_day = f.slots.len();
    let rooms: HashMap<&str, usize> = f
        .rooms
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let requests: HashMap<&str, usize> = f
        .requests
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let panels: HashMap<&str, usize> = f
        .panels
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    // (participant, day, slot) → what occupies it; (room, day, slot) likewise.
    let mut person_at: HashMap<(usize, usize, usize), String> = HashMap::new();
    let mut room_at: HashMap<(usize, usize, usize), String> = HashMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut visit = |what: &str,
                     id: &str,
                     day: usize,
                     slot: usize,
                     room: &str,
                     len: usize,
                     people: &[usize],
                     hall: bool,
                     seats: u32,
                     out: &mut Vec<String>| {
        let label = format!("{what} {id}");
        *seen.entry(label.clone()).or_default() += 1;
        if day >= f.days.len() {
            out.push(format!(
                "{label}: day {day} is outside the forum (0..{})",
                f.days.len()
            ));
            return;
        }
        // Checked: a slot near 2^64 must not wrap around into the day.
        if slot.checked_add(len).is_none_or(|end| end > per_day) {
            out.push(format!(
                "{label}: slot {slot} (length {len}) runs past the end of day {day} ({per_day} slots)"
            ));
            return;
        }
        if !f.block_fits(slot, len) {
            out.push(format!(
                "{label}: slots {slot}..{} of day {day} are not back to back (a break falls inside)",
                slot + len - 1
            ));
        }
        let Some(&ri) = rooms.get(room) else {
            out.push(format!("{label}: unknown room {room}"));
            return;
        };
        let r = &f.rooms[ri];
        if r.hall != hall {
            out.push(format!(
                "{label}: room {room} is a {}, a {what} needs a {}",
                if r.hall { "hall" } else { "bilateral room" },
                if hall { "hall" } else { "bilateral room" }
            ));
        }
        if r.capacity < seats {
            out.push(format!(
                "{label}: room {room} seats {} but {seats} are needed",
                r.capacity
            ));
        }
        for k in slot..slot + len {
            if let Some(other) = room_at.insert((ri, day, k), label.clone()) {
                out.push(format!(
                    "room {room} is double-booked on day {day} slot {k}: {other} and {label}"
                ));
            }
            let g = day * per_day + k;
            for &p in people {
                let who = &f.participants[p];
                if g < who.arrives || g > who.departs {
                    out.push(format!(
                        "{label}: {} is not present on day {day} slot {k}",
                        who.id
                    ));
                }
                if let Some(other) = person_at.insert((p, day, k), label.clone()) {
                    out.push(format!(
                        "{} is double-booked on day {day} slot {k}: {other} and {label}",
                        who.id
                    ));
                }
            }
        }
    };
    for a in &s.panel_assignments {
        match panels.get(a.id.as_str()) {
            Some(&k) => {
                let p = &f.panels[k];
                visit(
                    "panel",
                    &a.id,
                    a.day,
                    a.slot,
                    &a.room,
                    p.slots,
                    &p.speakers,
                    true,
                    p.audience,
                    &mut out,
                );
            }
            None => out.push(format!("unknown panel {}", a.id)),
        }
    }
    for a in &s.assignments {
        match requests.get(a.id.as_str()) {
            Some(&k) => {
                let r = &f.requests[k];
                visit(
                    "request",
                    &a.id,
                    a.day,
                    a.slot,
                    &a.room,
                    r.slots,
                    &r.participants,
                    false,
                    r.participants.len() as u32,
                    &mut out,
                );
            }
            None => out.push(format!("unknown request {}", a.id)),
        }
    }
    for (label, n) in seen {
        if n > 1 {
            out.push(format!("{label} is scheduled {n} times"));
        }
    }
    out.sort();
    out
}
