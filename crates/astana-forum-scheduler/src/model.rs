//! A forum folder: `forum.toml`, `rooms.csv`, `participants.csv`, `requests.csv` and
//! `panels.csv`, read and validated with every error located.

use astana_diag::table;
use astana_diag::{Diagnostic, Diagnostics};
use std::collections::HashMap;
use std::path::Path;

/// The files of a forum folder, in the order they are read.
pub const FILES: [&str; 5] = [
    "forum.toml",
    "rooms.csv",
    "participants.csv",
    "requests.csv",
    "panels.csv",
];

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

/// The keys of `forum.toml`.
const FORUM_KEYS: [&str; 5] = ["name", "timezone", "days", "slots", "slot_minutes"];

/// Longest id: ids become file names and calendar UIDs.
pub const MAX_ID_LEN: usize = 64;

/// Why `id` is not a safe id, if it is not. Ids name files (`calendars/ID.ics`,
/// `rooms/ID.csv`) and calendar UIDs, so they are kept to ASCII letters, digits, `-`, `_`
/// and `.`, start with a letter or digit (no `..`, no hidden files, no absolute paths) and
/// hold at most [`MAX_ID_LEN`] characters.
pub fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("empty id".into());
    }
    if let Some(c) = id.chars().find(|c| c.is_control()) {
        return Some(format!(
            "id {:?} holds a control character (U+{:04X})",
            clip(id),
            u32::from(c)
        ));
    }
    if id.len() > MAX_ID_LEN {
        return Some(format!(
            "id `{}` is longer than {MAX_ID_LEN} characters",
            clip(id)
        ));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(format!(
            "id `{id}` holds `{c}`; ids may hold only ASCII letters, digits, `-`, `_` and `.`"
        ));
    }
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some(format!("id `{id}` must start with a letter or a digit"));
    }
    None
}

/// The first 40 characters of a value, for messages.
fn clip(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The closest of `known` to `word`, if close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Edit distance is quadratic: no suggestion for long words.
    if word.len() > MAX_ID_LEN {
        return None;
    }
    let w = word.to_ascii_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::levenshtein(&w, &k.to_ascii_lowercase()), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The zone of an IANA name in the tz database bundled with astana (so that every machine
/// gives the same answer), or why not.
pub fn time_zone(name: &str) -> Result<jiff::tz::TimeZone, String> {
    jiff::tz::db().get(name).map_err(|_| {
        let mut m = format!("timezone {:?} is not in the tz database", clip(name));
        let names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
        if let Some(s) = did_you_mean(name, names.iter().map(String::as_str)) {
            m.push_str(&format!("; did you mean `{s}`?"));
        }
        m
    })
}

/// Whether a block of `len` slots starting at slot `slot` of a day stays in the day and has
/// no break inside (each slot starts as the previous one ends): a meeting cannot run across
/// the lunch break.
pub fn block_fits(slots: &[(u32, u32)], slot_minutes: u32, slot: usize, len: usize) -> bool {
    // In u64: a `Forum` built in Rust need not have passed `read`'s range checks.
    let minutes = |i: usize| u64::from(slots[i].0) * 60 + u64::from(slots[i].1);
    len >= 1
        && slot.checked_add(len).is_some_and(|end| end <= slots.len())
        && (slot + 1..slot + len).all(|i| minutes(i - 1) + u64::from(slot_minutes) == minutes(i))
}

impl Forum {
    /// Whether `len` slots from slot `slot` of a day are back to back within the day.
    pub fn block_fits(&self, slot: usize, len: usize) -> bool {
        block_fits(&self.slots, self.slot_minutes, slot, len)
    }

    /// The most slots back to back in a day.
    pub fn longest_block(&self) -> usize {
        (1..=self.slots.len())
            .rev()
            .find(|&len| (0..self.slots.len()).any(|s| self.block_fits(s, len)))
            .unwrap_or(0)
    }
}

/// Reads and checks `forum.toml`, collecting every error; `None` when the forum's grid of
/// days and slots is unusable (then the other files' slot references are not checked).
fn read_forum_toml(t: &str, d: &mut Diagnostics) -> Option<Forum> {
    use std::collections::BTreeMap;
    use toml::Spanned;
    let err = |msg: String, span: std::ops::Range<usize>| {
        Diagnostic::error("forum.toml", msg).span(t, span.start, span.len().max(1))
    };
    let table = match toml::from_str::<BTreeMap<Spanned<String>, Spanned<toml::Value>>>(t) {
        Ok(x) => x,
        Err(e) => {
            let span = e.span().unwrap_or(0..1);
            d.push(err(e.message().trim().to_string(), span));
            return None;
        }
    };
    // Unknown keys first: a typo names the key it most likely meant, and that key is then
    // not reported missing as well.
    let mut meant: Vec<&str> = Vec::new();
    for k in table.keys() {
        if FORUM_KEYS.contains(&k.get_ref().as_str()) {
            continue;
        }
        let mut x = err(format!("unknown key `{}`", k.get_ref()), k.span());
        x = x.field(k.get_ref());
        x = match did_you_mean(k.get_ref(), FORUM_KEYS) {
            Some(s) => {
                meant.push(s);
                x.hint(format!("did you mean `{s}`?"))
            }
            None => x.hint(format!("forum.toml holds {}", FORUM_KEYS.join(", "))),
        };
        d.push(x);
    }
    let before = d.errors();
    fn field<T: serde::de::DeserializeOwned>(
        table: &BTreeMap<Spanned<String>, Spanned<toml::Value>>,
        key: &str,
        meant: &[&str],
        t: &str,
        d: &mut Diagnostics,
    ) -> Option<(T, std::ops::Range<usize>)> {
        let Some((_, v)) = table.iter().find(|(k, _)| k.get_ref() == key) else {
            if !meant.contains(&key) {
                d.push(Diagnostic::error("forum.toml", format!("missing key `{key}`")).field(key));
            }
            return None;
        };
        match v.get_ref().clone().try_into::<T>() {
            Ok(x) => Some((x, v.span())),
            Err(e) => {
                let span = v.span();
                d.push(
                    Diagnostic::error("forum.toml", format!("`{key}`: {}", e.message().trim()))
                        .span(t, span.start, span.len().max(1))
                        .field(key),
                );
                None
            }
        }
    }
    let name = field::<String>(&table, "name", &meant, t, d);
    let timezone = field::<String>(&table, "timezone", &meant, t, d);
    let days = field::<Vec<String>>(&table, "days", &meant, t, d);
    let slots = field::<Vec<String>>(&table, "slots", &meant, t, d);
    let slot_minutes = field::<u32>(&table, "slot_minutes", &meant, t, d);
    let mut tz = None;
    if let Some((zone, span)) = &timezone {
        match time_zone(zone) {
            Ok(z) => tz = Some(z),
            Err(m) => d.push(
                err(m, span.clone())
                    .field("timezone")
                    .hint("an IANA name such as Asia/Almaty or UTC"),
            ),
        }
    }
    let mut dates = Vec::new();
    if let Some((days, span)) = &days {
        for day in days {
            match day.parse::<jiff::civil::Date>() {
                Ok(x) if is_date(day) => dates.push(x),
                _ => d.push(
                    err(
                        format!("day `{}` is not an ISO date (YYYY-MM-DD)", clip(day)),
                        span.clone(),
                    )
                    .field("days"),
                ),
            }
        }
        if !dates.windows(2).all(|w| w[0] < w[1]) {
            d.push(
                err(
                    "days must be in increasing order, each once".into(),
                    span.clone(),
                )
                .field("days"),
            );
        }
        if days.is_empty() {
            d.push(err("the forum needs at least one day".into(), span.clone()).field("days"));
        }
    }
    let mut times = Vec::new();
    if let Some((slots, span)) = &slots {
        for s in slots {
            match hhmm(s) {
                Some(x) => times.push(x),
                None => d.push(
                    err(
                        format!("slot `{}` is not a time HH:MM", clip(s)),
                        span.clone(),
                    )
                    .field("slots"),
                ),
            }
        }
        if slots.is_empty() {
            d.push(err("the forum needs at least one slot".into(), span.clone()).field("slots"));
        }
        if !times.windows(2).all(|w| w[0] < w[1]) {
            d.push(err("slots must be in increasing order".into(), span.clone()).field("slots"));
        } else if let Some((m, _)) = &slot_minutes {
            // A slot must end before the next begins, and the last by midnight.
            let at = |(h, m): (u32, u32)| h * 60 + m;
            for w in times.windows(2) {
                if at(w[0]) + m > at(w[1]) {
                    d.push(
                        err(
                            format!(
                                "slot {:02}:{:02} starts before slot {:02}:{:02} ends ({m}-minute slots overlap)",
                                w[1].0, w[1].1, w[0].0, w[0].1
                            ),
                            span.clone(),
                        )
                        .field("slots")
                        .hint("slots must be at least slot_minutes apart"),
                    );
                }
            }
            if let Some(&last) = times.last() {
                if at(last) + m > 24 * 60 {
                    d.push(
                        err(
                            format!(
                                "the last slot, {:02}:{:02}, runs past midnight",
                                last.0, last.1
                            ),
                            span.clone(),
                        )
                        .field("slots"),
                    );
                }
            }
        }
        if let Some((days, _)) = &days {
            if days.len().saturating_mul(slots.len()) > MAX_SLOTS {
                d.push(
                    err(
                        format!(
                            "{} days × {} slots is more than {MAX_SLOTS} slots in all",
                            days.len(),
                            slots.len()
                        ),
                        span.clone(),
                    )
                    .field("slots"),
                );
            }
        }
    }
    if let Some((m, span)) = &slot_minutes {
        if *m == 0 || *m > 24 * 60 {
            d.push(
                err(
                    "slot_minutes must be between 1 and 1440".into(),
                    span.clone(),
                )
                .field("slot_minutes"),
            );
        }
    }
    // Every slot must exist, once, in the forum's zone (not in a daylight-saving gap or fold).
    if let (Some(tz), Some((zone, span))) = (&tz, &timezone) {
        for date in &dates {
            for &(h, m) in &times {
                let dt = date.at(h as i8, m as i8, 0, 0);
                if tz.to_ambiguous_zoned_datetime(dt).is_ambiguous() {
                    d.push(
                        err(
                            format!(
                                "{date} {h:02}:{m:02} is skipped or repeated in {zone} (a clock change)"
                            ),
                            span.clone(),
                        )
                        .field("slots"),
                    );
                }
            }
        }
    }
    if d.errors() > before {
        return None;
    }
    let (Some((name, _)), Some(tz), Some((days, _)), Some((_, _)), Some((slot_minutes, _))) =
        (name, tz, days, slots, slot_minutes)
    else {
        return None;
    };
    Some(Forum {
        name,
        timezone: tz.iana_name().unwrap_or_default().to_string(),
        days,
        slots: times,
        slot_minutes,
        rooms: Vec::new(),
        participants: Vec::new(),
        requests: Vec::new(),
        panels: Vec::new(),
    })
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-'
}

fn hhmm(s: &str) -> Option<(u32, u32)> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && s.len() == 5).then_some((h, m))
}

/// Whether a table read failed at its header (then it gave no rows at all).
fn header_failed(d: &Diagnostics, from: usize, file: &str) -> bool {
    d.0[from..]
        .iter()
        .any(|x| x.is_error() && x.file == file && x.line == Some(1))
}

/// Checks a row's id: a safe id ([`id_problem`]), not seen before in its file, and not
/// equal to an earlier one but for case (one file name on case-insensitive file systems).
fn check_id(
    file: &str,
    kind: &str,
    row: &table::Row<'_>,
    seen: &mut HashMap<String, (String, usize)>,
    d: &mut Diagnostics,
) -> String {
    let id = row.get("id").to_string();
    if let Some(m) = id_problem(&id) {
        d.push(Diagnostic::error(file, m).at_line(row.line).field("id"));
        return id;
    }
    if let Some((first, line)) = seen.get(&id.to_ascii_lowercase()) {
        let m = if *first == id {
            format!("duplicate {kind} `{id}`")
        } else {
            format!(
                "{kind} `{id}` differs from `{first}` only in case (one file name on many systems)"
            )
        };
        d.push(
            Diagnostic::error(file, m)
                .at_line(row.line)
                .field("id")
                .hint(format!("line {line} has the same id")),
        );
    } else {
        seen.insert(id.to_ascii_lowercase(), (id.clone(), row.line));
    }
    id
}

/// Reads the files of a forum, given as (name, text) pairs.
///
/// Errors that follow from one already reported are not repeated: with an unusable
/// `forum.toml` the slot references of the other files are not checked, and with an
/// unreadable `participants.csv` header the participant references are not.
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
    let grid = get("forum.toml", &mut d).and_then(|t| read_forum_toml(t, &mut d));
    let grid_ok = grid.is_some();
    let mut forum = grid.unwrap_or(Forum {
        name: String::new(),
        timezone: String::new(),
        days: Vec::new(),
        slots: Vec::new(),
        slot_minutes: 60,
        rooms: Vec::new(),
        participants: Vec::new(),
        requests: Vec::new(),
        panels: Vec::new(),
    });
    let per_day = forum.slots.len();
    let horizon = forum.horizon();
    let slot_of = |v: &str| -> Option<usize> {
        let (a, b) = v.split_once(':')?;
        let (day, slot): (usize, usize) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        // Lazily: `then_some` would multiply a huge day before the check.
        (day < forum.days.len() && slot < per_day).then(|| day * per_day + slot)
    };
    let mut room_ids = HashMap::new();
    if let Some(t) = get("rooms.csv", &mut d) {
        table::read(
            "rooms.csv",
            t,
            &["id", "name", "kind", "capacity"],
            &[],
            &mut d,
            |row, d| {
                let id = check_id("rooms.csv", "room", row, &mut room_ids, d);
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
                    id,
                    name: row.get("name").to_string(),
                    hall,
                    capacity,
                    closed_from: None,
                });
            },
        );
    }
    let mut lines = HashMap::new();
    let from = d.0.len();
    let participants_file = get("participants.csv", &mut d);
    if let Some(t) = participants_file {
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
                let id = check_id("participants.csv", "participant", row, &mut lines, d);
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
                // Without a usable day and slot grid there is nothing to check against.
                let mut when = |col: &str| match slot_of(row.get(col)) {
                    Some(g) => Some(g),
                    None if !grid_ok => None,
                    None => {
                        d.push(
                            Diagnostic::error(
                                "participants.csv",
                                format!(
                                    "{col} `{}` is not DAY:SLOT within the forum",
                                    clip(row.get(col))
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
                        None
                    }
                };
                let (a, b) = (when("arrives"), when("departs"));
                if let (Some(a), Some(b)) = (a, b) {
                    if b < a {
                        d.push(
                            Diagnostic::error("participants.csv", "departs before arriving")
                                .at_line(row.line)
                                .field("departs"),
                        );
                    }
                }
                let arrives = a.unwrap_or(0);
                let departs = b.unwrap_or(horizon.saturating_sub(1));
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
    // A participants file without a usable header loaded no one: its references are not
    // checked (that would repeat one error per reference). Rows skipped for their own errors
    // are named in a hint instead.
    let participants_ok =
        participants_file.is_some() && !header_failed(&d, from, "participants.csv");
    let participants_errors = d.0[from..].iter().any(|x| x.is_error());
    let index: HashMap<&str, usize> = forum
        .participants
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let suggested = std::cell::Cell::new(0);
    let people = |file: &str, col: &str, row: &table::Row<'_>, d: &mut Diagnostics| -> Vec<usize> {
        let mut out = Vec::new();
        if !participants_ok {
            return out;
        }
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
                None => {
                    let mut x =
                        Diagnostic::error(file, format!("unknown participant `{}`", clip(id)))
                            .at_line(row.line)
                            .field(col);
                    // Suggestions scan every id: only for the first few unknown ones.
                    suggested.set(suggested.get() + 1);
                    if participants_errors {
                        x = x.hint("participants.csv has errors (above): fix those first");
                    } else if let Some(s) = (suggested.get() <= 20)
                        .then(|| did_you_mean(id, index.keys().copied()))
                        .flatten()
                    {
                        x = x.hint(format!("did you mean `{s}`?"));
                    }
                    d.push(x);
                }
            }
        }
        out
    };
    let longest = forum.longest_block();
    let length = |file: &str, row: &table::Row<'_>, d: &mut Diagnostics| -> usize {
        match row.get("slots").parse::<usize>() {
            // Without a usable grid only the form of the number can be checked.
            Ok(l) if l >= 1 && (!grid_ok || l <= longest) => l,
            Ok(l) if l >= 1 => {
                d.push(
                    Diagnostic::error(
                        file,
                        format!("slots `{l}`: the forum has at most {longest} slots back to back"),
                    )
                    .at_line(row.line)
                    .field("slots")
                    .hint(
                        "a meeting or panel runs in consecutive slots with no break between them",
                    ),
                );
                1
            }
            _ => {
                d.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "slots `{}` is not a length between 1 and {}",
                            clip(row.get("slots")),
                            longest.max(1)
                        ),
                    )
                    .at_line(row.line)
                    .field("slots"),
                );
                1
            }
        }
    };
    let mut req_ids = HashMap::new();
    if let Some(t) = get("requests.csv", &mut d) {
        table::read(
            "requests.csv",
            t,
            &["id", "participants", "priority", "slots"],
            &[],
            &mut d,
            |row, d| {
                let id = check_id("requests.csv", "request", row, &mut req_ids, d);
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
    let mut panel_ids = HashMap::new();
    if let Some(t) = get("panels.csv", &mut d) {
        table::read(
            "panels.csv",
            t,
            &["id", "title", "speakers", "slots", "audience"],
            &[],
            &mut d,
            |row, d| {
                let id = check_id("panels.csv", "panel", row, &mut panel_ids, d);
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
    let mut texts = Vec::new();
    let mut d = Diagnostics::default();
    for n in FILES {
        // A file that is not UTF-8 is an error at its first bad byte, as in a scenario.
        match astana_diag::read_text(&dir.join(n), n) {
            Ok(t) => texts.push((n, t)),
            Err(e) => d.push(e),
        }
    }
    if d.errors() > 0 {
        return Err(d);
    }
    let files: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    read(&files)
}
