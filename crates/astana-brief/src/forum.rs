//! The convening section: the scenario's example forum scheduled, with requests satisfied
//! by priority, room use and a day grid of the rooms.

use crate::svg::{self, esc, Bar};
use crate::{Notes, Options};
use astana_forum_scheduler::{model, solve, Forum, Schedule, Settings};
use astana_model::Scenario;
use std::fmt::Write;

pub(crate) fn section(
    scenario: &Scenario,
    options: &Options,
    notes: &mut Notes<'_>,
    summary: &mut Vec<String>,
    lead: &mut Vec<String>,
) -> String {
    if scenario.forum.is_empty() {
        return String::new();
    }
    let files: Vec<(&str, &str)> = scenario
        .forum
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let f = match model::read(&files) {
        Ok(f) => f,
        Err(d) => {
            return format!(
                r#"<section id="forum"><h2>Convening</h2><p class="small">The example forum has errors{}: {}</p></section>"#,
                notes.cite_note("model:forum", "The scenario's forum/ folder."),
                esc(&d.to_string())
            )
        }
    };
    // The default settings: a work budget, not the clock, ends the search, so the same
    // brief comes out on any machine (the time cap is a safety net far above it).
    let s = solve(&f, &Settings::default(), &mut |_| {});
    let scheduled = s.schedule.requests.iter().filter(|x| x.is_some()).count();
    summary.push(format!(
        "Forum (illustrative): {scheduled} of {} meeting requests and {} of {} panels scheduled; value {} of at most {}",
        f.requests.len(),
        s.schedule.panels.iter().filter(|x| x.is_some()).count(),
        f.panels.len(),
        s.objective,
        s.upper_bound
    ));
    let data = notes.cite_note(
        "model:forum",
        &format!(
            "{} (forum/ of the scenario): a hand-made example with roles, not people (illustrative, not data).",
            f.name
        ),
    );
    let computed = notes.cite_note(
        "computed:forum",
        &format!(
            "Scheduled by astana's forum scheduler from forum/: panels first, then bilateral meetings by local search (seed 1, work budget {} insertion attempts; ended by {}{}); the upper bound relaxes each person's and each room's time.",
            astana_forum_scheduler::solve::DEFAULT_WORK,
            s.stopped_by.name(),
            if s.stopped_by == astana_forum_scheduler::solve::Stop::Time {
                ", so this schedule depends on the machine"
            } else {
                ""
            }
        ),
    );
    lead.push(format!(
        "<b>Convening.</b> The illustrative forum{data} fits <b>{scheduled} of {}</b> requested bilateral meetings and {} of {} panels into {} rooms over {}, meeting value {} of at most {}{computed}.",
        f.requests.len(),
        s.schedule.panels.iter().filter(|x| x.is_some()).count(),
        f.panels.len(),
        f.rooms.len(),
        astana_forum_scheduler::days_text(f.days.len()),
        s.objective,
        s.upper_bound
    ));
    let chart = priority_chart(&f, &s.schedule);
    let grid = room_grid(&f, &s.schedule);
    let unscheduled: Vec<String> = s
        .unscheduled
        .iter()
        .map(|(r, why)| {
            format!(
                "{} (priority {}): {}",
                f.requests[*r].id, f.requests[*r].priority, why
            )
        })
        .collect();
    format!(
        r#"<section id="forum"><h2>Convening: scheduling a forum</h2>
<p><span class="est-tag">illustrative</span> {name}{data}: {people} participants, {req} bilateral meeting requests and {panels} panels in {rooms} rooms over {days} of {slots} slots. Panels are placed first, then as much meeting value (6 − priority per request) as possible: <b>{scheduled} of {req}</b> requests, value {obj} of at most {ub} (a bound over every placement of the panels, from a relaxation of each person's and each room's time; gap {gap:.1}%){computed}.</p>
{chart}
<p>Rooms by slot (meetings light, panels dark; hover for who meets, or open the list below):</p>
{grid}
<details class="hover"><summary class="small">Who meets when, room by room</summary>{who}</details>
<p class="small">Not scheduled: {unscheduled}. Run it: <code>astana forum schedule {dir} --out calendars</code> writes a calendar (.ics) per person and a sheet per room; <code>astana forum generate</code> makes a 4,000-person forum for testing.</p>
</section>"#,
        name = esc(&f.name),
        dir = esc(&crate::scenario_path(options, &scenario.forum_dir)),
        who = who_meets(&f, &s.schedule),
        people = f.participants.len(),
        req = f.requests.len(),
        panels = f.panels.len(),
        rooms = f.rooms.len(),
        days = astana_forum_scheduler::days_text(f.days.len()),
        slots = f.slots.len(),
        obj = s.objective,
        ub = s.upper_bound,
        gap = if s.upper_bound > 0 {
            100.0 * (s.upper_bound - s.objective) as f64 / s.upper_bound as f64
        } else {
            0.0
        },
        unscheduled = esc(&if unscheduled.is_empty() {
            "none".to_string()
        } else {
            unscheduled.join("; ")
        }),
    )
}

/// Share of the meeting requests scheduled, by priority.
pub(crate) fn priority_chart(f: &Forum, s: &Schedule) -> String {
    let bars: Vec<Bar> = (1..=5u8)
        .filter_map(|p| {
            let all = f.requests.iter().filter(|r| r.priority == p).count();
            (all > 0).then(|| {
                let done = f
                    .requests
                    .iter()
                    .zip(&s.requests)
                    .filter(|(r, x)| r.priority == p && x.is_some())
                    .count();
                Bar {
                    label: format!("priority {p} ({all})"),
                    value: done as f64 / all as f64,
                    text: format!("{done} of {all}"),
                    class: if p == 1 { "bar focal" } else { "bar" },
                }
            })
        })
        .collect();
    svg::hbar(&bars, 868.0, "Requests satisfied by priority")
}

/// The rooms by slot: one row per room, one column per slot (meetings light, panels dark;
/// each cell's title says who meets).
pub(crate) fn room_grid(f: &Forum, s: &Schedule) -> String {
    // Day grid: one row per room, one column per slot.
    let h = f.horizon();
    let mut cell: Vec<Vec<Option<(String, &'static str)>>> = vec![vec![None; h]; f.rooms.len()];
    for (r, p) in s.requests.iter().enumerate() {
        if let Some((t, room)) = *p {
            let q = &f.requests[r];
            let who: Vec<&str> = q
                .participants
                .iter()
                .map(|&x| f.participants[x].id.as_str())
                .collect();
            for c in &mut cell[room][t..t + q.slots] {
                *c = Some((format!("{}: {}", q.id, who.join(", ")), "#00a3c4"));
            }
        }
    }
    for (k, p) in s.panels.iter().enumerate() {
        if let Some((t, room)) = *p {
            let label = format!("{}: {}", f.panels[k].id, f.panels[k].title);
            for c in &mut cell[room][t..t + f.panels[k].slots] {
                *c = Some((label.clone(), "#1f5f99"));
            }
        }
    }
    let (cw, ch, left, top) = (58.0, 22.0, 190.0, 20.0);
    let width = left + cw * h as f64 + 10.0;
    let height = top + ch * f.rooms.len() as f64 + 6.0;
    let busy: Vec<String> = f
        .rooms
        .iter()
        .zip(&cell)
        .map(|(room, row)| {
            let used = row.iter().filter(|c| c.is_some()).count();
            format!("{}: {used} of {h} slots in use", room.name)
        })
        .collect();
    let mut grid = svg::open(
        "chart",
        width,
        height,
        "Rooms by slot",
        &format!("Rooms by slot. {}", busy.join("; ")),
    );
    for t in 0..h {
        let (day, slot) = f.day_slot(t);
        let (hh, mm) = f.slots[slot];
        let label = if f.days.len() > 1 {
            format!("d{} {hh:02}:{mm:02}", day + 1)
        } else {
            format!("{hh:02}:{mm:02}")
        };
        let _ = write!(
            grid,
            r#"<text class="tick" x="{:.1}" y="14" text-anchor="middle">{label}</text>"#,
            left + cw * t as f64 + cw / 2.0
        );
    }
    for (r, room) in f.rooms.iter().enumerate() {
        let y = top + ch * r as f64;
        let _ = write!(
            grid,
            r#"<text class="tick" x="{:.0}" y="{:.1}" text-anchor="end">{} ({})</text>"#,
            left - 8.0,
            y + ch * 0.65,
            esc(&room.name),
            room.capacity
        );
        for (t, c) in cell[r].iter().enumerate() {
            let x = left + cw * t as f64;
            match c {
                Some((title, color)) => {
                    let _ = write!(
                        grid,
                        r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{color}" rx="2"><title>{}</title></rect>"#,
                        cw - 2.0,
                        ch - 3.0,
                        esc(title)
                    );
                }
                None => {
                    let _ = write!(
                        grid,
                        r##"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="#ece8e0" rx="2"/>"##,
                        cw - 2.0,
                        ch - 3.0
                    );
                }
            }
        }
    }
    grid.push_str("</svg>");
    grid
}

/// The room grid's hover texts as a list: each room's meetings and panels by start time, so
/// a printed page (which has no hover) keeps them.
fn who_meets(f: &Forum, s: &Schedule) -> String {
    let mut by_room: Vec<Vec<(usize, String)>> = vec![Vec::new(); f.rooms.len()];
    for (r, p) in s.requests.iter().enumerate() {
        if let Some((t, room)) = *p {
            let q = &f.requests[r];
            let who: Vec<&str> = q
                .participants
                .iter()
                .map(|&x| f.participants[x].id.as_str())
                .collect();
            by_room[room].push((t, format!("{}: {}", q.id, who.join(", "))));
        }
    }
    for (k, p) in s.panels.iter().enumerate() {
        if let Some((t, room)) = *p {
            by_room[room].push((t, format!("{}: {}", f.panels[k].id, f.panels[k].title)));
        }
    }
    let mut h = String::from(r#"<ul class="small">"#);
    for (room, items) in f.rooms.iter().zip(&mut by_room) {
        if items.is_empty() {
            continue;
        }
        items.sort();
        let list: Vec<String> = items
            .iter()
            .map(|(t, what)| {
                let (day, slot) = f.day_slot(*t);
                let (hh, mm) = f.slots[slot];
                let when = if f.days.len() > 1 {
                    format!("d{} {hh:02}:{mm:02}", day + 1)
                } else {
                    format!("{hh:02}:{mm:02}")
                };
                format!("{when} {}", esc(what))
            })
            .collect();
        let _ = write!(
            h,
            "<li><b>{}</b>: {}</li>",
            esc(&room.name),
            list.join("; ")
        );
    }
    h.push_str("</ul>");
    h
}
