//! A forum folder: `forum.toml`, `rooms.csv`, `participants.csv`, `requests.csv` and
//! `panels.csv`, read and validated with every error located.

use astana_scenario::table;
use astana_scenario::{Diagnostic, Diagnostics};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// Most slots a forum may have in all (days × slots a day): schedules are bitsets.
pub const MAX_SLOTS: usize = 128;

/// A room.
#[derive(Clone, Debug, PartialEq)]
pub struct Room {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `true` for a hall (panels), `false` for a bilateral room (meetings).
    pub hall: bool,
    /// Seats.
    pub capacity: u32,
    /// Closed from this global slot on (re-planning), if at all.
    pub closed_from: Option<usize>,
}

/// A participant.
#[derive(Clone, Debug, PartialEq)]
pub struct Participant {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Delegation.
    pub delegation: String,
    /// Role.
    pub role: String,
    /// 1 (head of state or government) … 5.
    pub priority: u8,
    /// First slot available (global index).
    pub arrives: usize,
    /// Last slot available (global index, inclusive).
    pub departs: usize,
}

/// A meeting request.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// Id.
    pub id: String,
    /// Participant indices.
    pub participants: Vec<usize>,
    /// 1 … 5; the value of satisfying it is 6 − priority.
    pub priority: u8,
    /// Length in consecutive slots.
    pub slots: usize,
}

impl Request {
    /// The value of satisfying the request.
    pub fn weight(&self) -> u64 {
        6 - u64::from(self.priority.clamp(1, 5))
    }
}

/// A panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Speaker indices.
    pub speakers: Vec<usize>,
    /// Length in consecutive slots.
    pub slots: usize,
    /// Expected audience: the hall needs at least this many seats.
    pub audience: u32,
}

/// A validated forum.
#[derive(Clone, Debug, PartialEq)]
pub struct Forum {
    /// Name.
    pub name: String,
    /// IANA time zone.
    pub timezone: String,
    /// Days, ISO dates.
    pub days: Vec<String>,
    /// Slot start times each day, (hour, minute).
    pub slots: Vec<(u32, u32)>,
    /// Minutes per slot.
    pub slot_minutes: u32,
    /// Rooms.
    pub rooms: Vec<Room>,
    /// Participants.
    pub participants: Vec<Participant>,
    /// Requests.
    pub requests: Vec<Request>,
    /// Panels.
    pub panels: Vec<Panel>,
}

impl Forum {
    /// Slots in all.
    pub fn horizon(&self) -> usize {
        self.days.len() * self.slots.len()
    }

    /// (day, slot within the day) of a global slot.
    pub fn day_slot(&self, g: usize) -> (usize, usize) {
        let s = self.slots.len().max(1);
        (g / s, g % s)
    }

    /// Index of a participant by id.
    pub fn participant(&self, id: &str) -> Option<usize> {
        self.participants.iter().position(|p| p.id == id)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForum {
    name: String,
    timezone: String,
    days: Vec<String>,
    slots: Vec<String>,
    slot_minutes: u32,
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

fn hhmm(s: &str) -> Option<(u32, u32)> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && s.len() == 5).then_some((h, m))
}

/// Reads the files of a forum, given as (name, text) pairs.
///
/// # Errors
/// Every problem, with file, line and field.
pub fn read(files: &[(&str, &str)]) -> Result<Forum, Diagnostics> {
    let mut d = Diagnostics::default();
    let get = |name: &str, d: &mut Diagnostics| -> Option<&str> {
        let t = files.iter().find(|(n, _)| *n == name).map(|(_, t)| *t);
        if t.is_none() {
            d.push(Diagnostic::error(name, "file missing").hint("a forum folder holds forum.toml, rooms.csv, participants.csv, requests.csv and panels.csv"));
        }
        t
    };
    let raw: Option<RawForum> =
        get("forum.toml", &mut d).and_then(|t| match toml::from_str::<RawForum>(t) {
            Ok(r) => Some(r),
            Err(e) => {
                let span = e.span().unwrap_or(0..1);
                let at = astana_model::text::locate(t, span.start, span.len());
                let mut x = Diagnostic::error("forum.toml", e.message().trim().to_string())
                    .at_line(at.line);
                x.column = Some(at.column);
                d.push(x);
                None
            }
        });
    let mut forum = Forum {
        name: String::new(),
        timezone: String::new(),
        days: Vec::new(),
        slots: Vec::new(),
        slot_minutes: 60,
        rooms: Vec::new(),
        participants: Vec::new(),
        requests: Vec::new(),
        panels: Vec::new(),
    };
    if let Some(r) = raw {
        for day in &r.days {
            if !is_date(day) {
                d.push(
                    Diagnostic::error(
                        "forum.toml",
                        format!("day `{day}` is not an ISO date (YYYY-MM-DD)"),
                    )
                    .field("days"),
                );
            }
        }
        let mut slots = Vec::new();
        for s in &r.slots {
            match hhmm(s) {
                Some(x) => slots.push(x),
                None => d.push(
                    Diagnostic::error("forum.toml", format!("slot `{s}` is not a time HH:MM"))
                        .field("slots"),
                ),
            }
        }
        if !slots.windows(2).all(|w| w[0] < w[1]) {
            d.push(
                Diagnostic::error("forum.toml", "slots must be in increasing order").field("slots"),
            );
        }
        if r.days.is_empty() || r.slots.is_empty() {
            d.push(
                Diagnostic::error(
                    "forum.toml",
                    "the forum needs at least one day and one slot",
                )
                .field("days"),
            );
        }
        if r.days.len() * r.slots.len() > MAX_SLOTS {
            d.push(
                Diagnostic::error(
                    "forum.toml",
                    format!(
                        "{} days × {} slots is more than {MAX_SLOTS} slots in all",
                        r.days.len(),
                        r.slots.len()
                    ),
                )
                .field("slots"),
            );
        }
        if r.slot_minutes == 0 || r.slot_minutes > 24 * 60 {
            d.push(
                Diagnostic::error("forum.toml", "slot_minutes must be between 1 and 1440")
                    .field("slot_minutes"),
            );
        }
        if !r.timezone.contains('/') && r.timezone != "UTC" {
            d.push(
                Diagnostic::error(
                    "forum.toml",
                    format!("timezone `{}` is not an IANA zone name", r.timezone),
                )
                .field("timezone")
                .hint("e.g. Asia/Almaty"),
            );
        }
        forum.name = r.name;
        forum.timezone = r.timezone;
        forum.days = r.days;
        forum.slots = slots;
        forum.slot_minutes = r.slot_minutes;
    }
    let per_day = forum.slots.len();
    let horizon = forum.horizon();
    let slot_of = |v: &str| -> Option<usize> {
        let (a, b) = v.split_once(':')?;
        let (day, slot): (usize, usize) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        (day < forum.days.len() && slot < per_day).then_some(day * per_day + slot)
    };
    if let Some(t) = get("rooms.csv", &mut d) {
        table::read(
            "rooms.csv",
            t,
            &["id", "name", "kind", "capacity"],
            &[],
            &mut d,
            |row, d| {
                let hall = match row.get("kind") {
                    "hall" => true,
                    "bilateral" => false,
                    k => {
                        d.push(
                            Diagnostic::error(
                                "rooms.csv",
                                format!("kind `{k}` is not bilateral or hall"),
                            )
                            .at_line(row.line)
                            .field("kind"),
                        );
                        false
                    }
                };
                let capacity = row.get("capacity").parse::<u32>().unwrap_or_else(|_| {
                    d.push(
                        Diagnostic::error(
                            "rooms.csv",
                            format!("capacity `{}` is not a whole number", row.get("capacity")),
                        )
                        .at_line(row.line)
                        .field("capacity"),
                    );
                    0
                });
                forum.rooms.push(Room {
                    id: row.get("id").to_string(),
                    name: row.get("name").to_string(),
                    hall,
                    capacity,
                    closed_from: None,
                });
            },
        );
    }
    let mut lines: HashMap<String, usize> = HashMap::new();
    if let Some(t) = get("participants.csv", &mut d) {
        table::read(
            "participants.csv",
            t,
            &[
                "id",
                "name",
                "delegation",
                "role",
                "priority",
                "arrives",
                "departs",
            ],
            &[],
            &mut d,
            |row, d| {
                let id = row.get("id").to_string();
                if id.is_empty() {
                    d.push(
                        Diagnostic::error("participants.csv", "empty value")
                            .at_line(row.line)
                            .field("id"),
                    );
                }
                if let Some(first) = lines.insert(id.clone(), row.line) {
                    d.push(
                        Diagnostic::error(
                            "participants.csv",
                            format!("duplicate participant `{id}`"),
                        )
                        .at_line(row.line)
                        .field("id")
                        .hint(format!("line {first} has the same id")),
                    );
                }
                let priority = match row.get("priority").parse::<u8>() {
                    Ok(p) if (1..=5).contains(&p) => p,
                    _ => {
                        d.push(
                            Diagnostic::error(
                                "participants.csv",
                                format!("priority `{}` is not 1..5", row.get("priority")),
                            )
                            .at_line(row.line)
                            .field("priority"),
                        );
                        5
                    }
                };
                let mut when = |col: &str, default: usize| match slot_of(row.get(col)) {
                    Some(g) => g,
                    None => {
                        d.push(
                            Diagnostic::error(
                                "participants.csv",
                                format!(
                                    "{col} `{}` is not DAY:SLOT within the forum",
                                    row.get(col)
                                ),
                            )
                            .at_line(row.line)
                            .field(col)
                            .hint(format!(
                                "days 0..{}, slots 0..{}",
                                forum.days.len().saturating_sub(1),
                                per_day.saturating_sub(1)
                            )),
                        );
                        default
                    }
                };
                let arrives = when("arrives", 0);
                let departs = when("departs", horizon.saturating_sub(1));
                if departs < arrives {
                    d.push(
                        Diagnostic::error("participants.csv", "departs before arriving")
                            .at_line(row.line)
                            .field("departs"),
                    );
                }
                forum.participants.push(Participant {
                    id,
                    name: row.get("name").to_string(),
                    delegation: row.get("delegation").to_string(),
                    role: row.get("role").to_string(),
                    priority,
                    arrives,
                    departs,
                });
            },
        );
    }
    let index: HashMap<&str, usize> = forum
        .participants
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let people = |file: &str, col: &str, row: &table::Row<'_>, d: &mut Diagnostics| -> Vec<usize> {
        let mut out = Vec::new();
        for id in row
            .get(col)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match index.get(id) {
                Some(&i) if out.contains(&i) => d.push(
                    Diagnostic::error(file, format!("`{id}` is listed twice"))
                        .at_line(row.line)
                        .field(col),
                ),
                Some(&i) => out.push(i),
                None => d.push(
                    Diagnostic::error(file, format!("unknown participant `{id}`"))
                        .at_line(row.line)
                        .field(col),
                ),
            }
        }
        out
    };
    let length = |file: &str, row: &table::Row<'_>, d: &mut Diagnostics| -> usize {
        match row.get("slots").parse::<usize>() {
            Ok(l) if l >= 1 && l <= per_day.max(1) => l,
            _ => {
                d.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "slots `{}` is not a length between 1 and {per_day}",
                            row.get("slots")
                        ),
                    )
                    .at_line(row.line)
                    .field("slots"),
                );
                1
            }
        }
    };
    let mut req_ids: HashMap<String, usize> = HashMap::new();
    if let Some(t) = get("requests.csv", &mut d) {
        table::read(
            "requests.csv",
            t,
            &["id", "participants", "priority", "slots"],
            &[],
            &mut d,
            |row, d| {
                let id = row.get("id").to_string();
                if let Some(first) = req_ids.insert(id.clone(), row.line) {
                    d.push(
                        Diagnostic::error("requests.csv", format!("duplicate request `{id}`"))
                            .at_line(row.line)
                            .field("id")
                            .hint(format!("line {first} has the same id")),
                    );
                }
                let participants = people("requests.csv", "participants", row, d);
                if participants.len() < 2
                    && !row.get("participants").is_empty()
                    && participants.len()
                        == row
                            .get("participants")
                            .split(';')
                            .filter(|s| !s.trim().is_empty())
                            .count()
                {
                    d.push(
                        Diagnostic::error(
                            "requests.csv",
                            "a request needs two or more participants",
                        )
                        .at_line(row.line)
                        .field("participants"),
                    );
                }
                let priority = match row.get("priority").parse::<u8>() {
                    Ok(p) if (1..=5).contains(&p) => p,
                    _ => {
                        d.push(
                            Diagnostic::error(
                                "requests.csv",
                                format!("priority `{}` is not 1..5", row.get("priority")),
                            )
                            .at_line(row.line)
                            .field("priority"),
                        );
                        5
                    }
                };
                let slots = length("requests.csv", row, d);
                forum.requests.push(Request {
                    id,
                    participants,
                    priority,
                    slots,
                });
            },
        );
    }
    let mut panel_ids: HashMap<String, usize> = HashMap::new();
    if let Some(t) = get("panels.csv", &mut d) {
        table::read(
            "panels.csv",
            t,
            &["id", "title", "speakers", "slots", "audience"],
            &[],
            &mut d,
            |row, d| {
                let id = row.get("id").to_string();
                if let Some(first) = panel_ids.insert(id.clone(), row.line) {
                    d.push(
                        Diagnostic::error("panels.csv", format!("duplicate panel `{id}`"))
                            .at_line(row.line)
                            .field("id")
                            .hint(format!("line {first} has the same id")),
                    );
                }
                let speakers = people("panels.csv", "speakers", row, d);
                let slots = length("panels.csv", row, d);
                let audience = row.get("audience").parse::<u32>().unwrap_or_else(|_| {
                    d.push(
                        Diagnostic::error(
                            "panels.csv",
                            format!("audience `{}` is not a whole number", row.get("audience")),
                        )
                        .at_line(row.line)
                        .field("audience"),
                    );
                    0
                });
                forum.panels.push(Panel {
                    id,
                    title: row.get("title").to_string(),
                    speakers,
                    slots,
                    audience,
                });
            },
        );
    }
    if d.errors() > 0 {
        return Err(d);
    }
    Ok(forum)
}

/// Reads a forum folder.
///
/// # Errors
/// Every problem, located; a missing or unreadable file.
pub fn load(dir: &Path) -> Result<Forum, Diagnostics> {
    let names = [
        "forum.toml",
        "rooms.csv",
        "participants.csv",
        "requests.csv",
        "panels.csv",
    ];
    let mut texts = Vec::new();
    let mut d = Diagnostics::default();
    for n in names {
        match std::fs::read_to_string(dir.join(n)) {
            Ok(t) => texts.push((n, t)),
            Err(e) => d.push(Diagnostic::error(
                n,
                format!("cannot read {}: {e}", dir.join(n).display()),
            )),
        }
    }
    if d.errors() > 0 {
        return Err(d);
    }
    let files: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    read(&files)
}
