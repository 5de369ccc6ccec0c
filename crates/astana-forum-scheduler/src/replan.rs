//! Re-planning after changes: cancellations, late arrivals, early departures, rooms
//! closing. The old schedule's assignments that are still feasible stay where they are
//! (and are not moved to make room for others); what became infeasible or was never
//! scheduled is placed again.

use crate::model::Forum;
use crate::solve::{solve_from, Place, Schedule, Settings, Solution};
use astana_diag::{table, Diagnostic, Diagnostics};
use serde::Serialize;

/// One change.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A request is withdrawn.
    CancelRequest(String),
    /// A panel is cancelled.
    CancelPanel(String),
    /// A participant arrives later: first available slot.
    Arrive(String, usize),
    /// A participant leaves earlier: last available slot.
    Depart(String, usize),
    /// A room closes from this slot on (0: entirely).
    CloseRoom(String, usize),
}

/// Reads `changes.csv` (`change,id,value`): `cancel_request,R12,`, `cancel_panel,PN3,`,
/// `arrive,P7,1:4`, `depart,P7,2:9`, `close_room,B004,1:0` (value empty: closed all along).
///
/// # Errors
/// Every bad row, located.
pub fn read_changes(f: &Forum, file: &str, text: &str) -> Result<Vec<Change>, Diagnostics> {
    let mut d = Diagnostics::default();
    let mut out = Vec::new();
    let per_day = f.slots.len();
    table::read(
        file,
        text,
        &["change", "id", "value"],
        &[],
        &mut d,
        |row, d| {
            let id = row.get("id").to_string();
            let slot = |d: &mut Diagnostics| -> Option<usize> {
                let v = row.get("value");
                let parsed = v.split_once(':').and_then(|(a, b)| {
                    let (day, s): (usize, usize) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
                    // Lazily: `then_some` would multiply a huge day before the check.
                    (day < f.days.len() && s < per_day).then(|| day * per_day + s)
                });
                if parsed.is_none() {
                    d.push(
                        Diagnostic::error(file, format!("`{v}` is not DAY:SLOT within the forum"))
                            .at_line(row.line)
                            .field("value"),
                    );
                }
                parsed
            };
            let known = |kind: &str, ok: bool, d: &mut Diagnostics| {
                if !ok {
                    d.push(
                        Diagnostic::error(file, format!("unknown {kind} `{id}`"))
                            .at_line(row.line)
                            .field("id"),
                    );
                }
                ok
            };
            match row.get("change") {
                "cancel_request" => {
                    if known("request", f.requests.iter().any(|r| r.id == id), d) {
                        out.push(Change::CancelRequest(id.clone()));
                    }
                }
                "cancel_panel" => {
                    if known("panel", f.panels.iter().any(|r| r.id == id), d) {
                        out.push(Change::CancelPanel(id.clone()));
                    }
                }
                "arrive" | "depart" => {
                    let ok = known("participant", f.participant(&id).is_some(), d);
                    if let (true, Some(g)) = (ok, slot(d)) {
                        out.push(if row.get("change") == "arrive" {
                            Change::Arrive(id.clone(), g)
                        } else {
                            Change::Depart(id.clone(), g)
                        });
                    }
                }
                "close_room" => {
                    let ok = known("room", f.rooms.iter().any(|r| r.id == id), d);
                    let g = if row.get("value").is_empty() {
                        Some(0)
                    } else {
                        slot(d)
                    };
                    if let (true, Some(g)) = (ok, g) {
                        out.push(Change::CloseRoom(id.clone(), g));
                    }
                }
                other => d.push(
                    Diagnostic::error(file, format!("unknown change `{other}`"))
                        .at_line(row.line)
                        .field("change")
                        .hint("use cancel_request, cancel_panel, arrive, depart or close_room"),
                ),
            }
        },
    );
    if d.errors() > 0 {
        return Err(d);
    }
    Ok(out)
}

/// The forum after the changes (cancelled requests and panels removed).
pub fn apply(f: &Forum, changes: &[Change]) -> Forum {
    let mut g = f.clone();
    for c in changes {
        match c {
            Change::CancelRequest(id) => g.requests.retain(|r| &r.id != id),
            Change::CancelPanel(id) => g.panels.retain(|p| &p.id != id),
            Change::Arrive(id, t) => {
                if let Some(p) = g.participants.iter_mut().find(|p| &p.id == id) {
                    p.arrives = (*t).max(p.arrives);
                }
            }
            Change::Depart(id, t) => {
                if let Some(p) = g.participants.iter_mut().find(|p| &p.id == id) {
                    p.departs = (*t).min(p.departs);
                }
            }
            Change::CloseRoom(id, t) => {
                if let Some(r) = g.rooms.iter_mut().find(|r| &r.id == id) {
                    r.closed_from = Some(r.closed_from.map_or(*t, |x| x.min(*t)));
                }
            }
        }
    }
    g
}

/// What kind of item a re-plan report line is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A bilateral meeting (a request).
    Meeting,
    /// A panel.
    Panel,
}

/// A place in report form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct At {
    /// Day index.
    pub day: usize,
    /// Slot index within the day.
    pub slot: usize,
    /// Room id.
    pub room: String,
}

/// One meeting or panel whose place changed (or that was cancelled) in a re-plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Meeting or panel.
    pub kind: Kind,
    /// Request or panel id.
    pub id: String,
    /// Its place in the old schedule (none: it was not placed).
    pub from: Option<At>,
    /// Its place in the new schedule (none: not placed, or cancelled).
    pub to: Option<At>,
    /// Why a dropped item could not be placed again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The outcome of a re-plan: every meeting and panel of the old schedule is in exactly one
/// of kept, moved, dropped or cancelled; `added` are those placed now that were not before.
#[derive(Clone, Debug)]
pub struct Replan {
    /// The new solution (on the changed forum).
    pub solution: Solution,
    /// Meetings kept in place.
    pub kept_meetings: usize,
    /// Panels kept in place.
    pub kept_panels: usize,
    /// Placed before and now elsewhere.
    pub moved: Vec<Item>,
    /// Placed before (and not cancelled) and not placed now, with the reason.
    pub dropped: Vec<Item>,
    /// Not placed before, placed now.
    pub added: Vec<Item>,
    /// Placed before and cancelled by a change.
    pub cancelled: Vec<Item>,
}

impl Replan {
    /// Items kept in place, meetings and panels.
    pub fn kept(&self) -> usize {
        self.kept_meetings + self.kept_panels
    }
}

/// Re-plans `old` (a schedule of `f`) after `changes`.
pub fn replan(f: &Forum, old: &Schedule, changes: &[Change], s: &Settings) -> (Forum, Replan) {
    let g = apply(f, changes);
    // The old schedule in the new forum's indices.
    let mut mapped = Schedule {
        requests: vec![None; g.requests.len()],
        panels: vec![None; g.panels.len()],
    };
    let at = |p: Option<Place>, forum: &Forum| {
        p.map(|(t, room)| {
            let (day, slot) = forum.day_slot(t);
            At {
                day,
                slot,
                room: forum.rooms[room].id.clone(),
            }
        })
    };
    let mut cancelled = Vec::new();
    for (r, p) in old.requests.iter().enumerate() {
        match g.requests.iter().position(|x| x.id == f.requests[r].id) {
            Some(k) => mapped.requests[k] = *p,
            None if p.is_some() => cancelled.push(Item {
                kind: Kind::Meeting,
                id: f.requests[r].id.clone(),
                from: at(*p, f),
                to: None,
                reason: None,
            }),
            None => {}
        }
    }
    for (r, p) in old.panels.iter().enumerate() {
        match g.panels.iter().position(|x| x.id == f.panels[r].id) {
            Some(k) => mapped.panels[k] = *p,
            None if p.is_some() => cancelled.push(Item {
                kind: Kind::Panel,
                id: f.panels[r].id.clone(),
                from: at(*p, f),
                to: None,
                reason: None,
            }),
            None => {}
        }
    }
    let (solution, _) = solve_from(&g, Some(&mapped), s, &mut |_| {});
    let (mut kept_meetings, mut kept_panels) = (0, 0);
    let (mut moved, mut dropped, mut added) = (Vec::new(), Vec::new(), Vec::new());
    // The report is the plain difference of the two schedules, item by item.
    let reason = |list: &[(usize, String)], k: usize| {
        list.iter()
            .find(|(i, _)| *i == k)
            .map(|(_, why)| why.clone())
    };
    let items = mapped
        .requests
        .iter()
        .zip(&solution.schedule.requests)
        .enumerate()
        .map(|(k, (a, b))| {
            let why = reason(&solution.unscheduled, k);
            (Kind::Meeting, &g.requests[k].id, *a, *b, why)
        })
        .chain(
            mapped
                .panels
                .iter()
                .zip(&solution.schedule.panels)
                .enumerate()
                .map(|(k, (a, b))| {
                    let why = reason(&solution.panels_impossible, k);
                    (Kind::Panel, &g.panels[k].id, *a, *b, why)
                }),
        );
    for (kind, id, a, b, why) in items {
        let item = || Item {
            kind,
            id: id.clone(),
            from: at(a, &g),
            to: at(b, &g),
            reason: None,
        };
        match (a, b) {
            (Some(x), Some(y)) if x == y => match kind {
                Kind::Meeting => kept_meetings += 1,
                Kind::Panel => kept_panels += 1,
            },
            (Some(_), Some(_)) => moved.push(item()),
            (Some(_), None) => dropped.push(Item {
                reason: why,
                ..item()
            }),
            (None, Some(_)) => added.push(item()),
            (None, None) => {}
        }
    }
    let out = Replan {
        solution,
        kept_meetings,
        kept_panels,
        moved,
        dropped,
        added,
        cancelled,
    };
    (g, out)
}
