//! `astana forum …`.

use crate::args::{ForumCommand, ForumGenerateArgs, ForumReplanArgs, ForumScheduleArgs};
use crate::fmt::print_json;
use crate::{Failure, Outcome};
use astana_forum_scheduler::check::{check, ScheduleFile};
use astana_forum_scheduler::output::{calendars, from_file, room_sheets, to_json, ScheduleJson};
use astana_forum_scheduler::{generate, load, replan, solve, Forum, Schedule, Settings, Solution};
use serde_json::json;
use std::io::IsTerminal;
use std::path::Path;

pub(crate) fn run(command: ForumCommand) -> Outcome {
    match command {
        ForumCommand::Schedule(a) => schedule(&a),
        ForumCommand::Check {
            dir,
            schedule,
            json,
        } => check_cmd(&dir, &schedule, json),
        ForumCommand::Replan(a) => replan_cmd(&a),
        ForumCommand::Generate(a) => generate_cmd(&a),
    }
}

fn forum(dir: &Path) -> Result<Forum, Failure> {
    load(dir).map_err(|d| Failure::input(format!("{d}")))
}

fn read_schedule(path: &Path) -> Result<ScheduleFile, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::input(format!("error: cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::input(format!(
            "error: {}:{}:{}: not a schedule JSON: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

fn write_out(dir: &Path, f: &Forum, s: &Schedule, j: &ScheduleJson) -> Result<usize, Failure> {
    let io = |e: std::io::Error| {
        Failure::compute(format!("error: cannot write to {}: {e}", dir.display()))
    };
    std::fs::create_dir_all(dir.join("calendars")).map_err(io)?;
    std::fs::create_dir_all(dir.join("rooms")).map_err(io)?;
    let cals = calendars(f, s);
    for (id, text) in &cals {
        std::fs::write(dir.join("calendars").join(format!("{id}.ics")), text).map_err(io)?;
    }
    for (id, text) in room_sheets(f, s) {
        std::fs::write(dir.join("rooms").join(format!("{id}.csv")), text).map_err(io)?;
    }
    let text = serde_json::to_string_pretty(j).map_err(Failure::compute)?;
    std::fs::write(dir.join("schedule.json"), text).map_err(io)?;
    Ok(cals.len())
}

fn settings(seconds: f64, seed: u64) -> Settings {
    Settings { seconds, seed }
}

fn summary(f: &Forum, s: &Solution, j: &ScheduleJson, elapsed: f64) {
    out!(
        "{} · {} participants, {} requests, {} panels, {} rooms, {} day(s) × {} slots",
        f.name,
        f.participants.len(),
        f.requests.len(),
        f.panels.len(),
        f.rooms.len(),
        f.days.len(),
        f.slots.len()
    );
    out!(
        "  panels placed       {} of {}",
        j.panels_placed,
        f.panels.len()
    );
    out!("  requests scheduled  {} of {}", j.scheduled, j.requests);
    out!(
        "  objective           {} (upper bound {}, gap {:.2}%)",
        s.objective,
        s.upper_bound,
        j.gap * 100.0
    );
    out!(
        "    the bound covers {} ({})",
        j.bound_scope,
        j.bound_method
    );
    // Satisfied by priority.
    for p in 1..=5u8 {
        let all = f.requests.iter().filter(|r| r.priority == p).count();
        if all == 0 {
            continue;
        }
        let done = f
            .requests
            .iter()
            .zip(&s.schedule.requests)
            .filter(|(r, x)| r.priority == p && x.is_some())
            .count();
        out!(
            "    priority {p}: {done} of {all} ({:.1}%)",
            100.0 * done as f64 / all as f64
        );
    }
    let slots = f.horizon();
    for (k, room) in f.rooms.iter().enumerate() {
        if k >= 8 {
            out!("  … {} more rooms", f.rooms.len() - 8);
            break;
        }
        let used: usize = s
            .schedule
            .requests
            .iter()
            .zip(&f.requests)
            .filter_map(|(x, r)| x.filter(|p| p.1 == k).map(|_| r.slots))
            .chain(
                s.schedule
                    .panels
                    .iter()
                    .zip(&f.panels)
                    .filter_map(|(x, p)| x.filter(|q| q.1 == k).map(|_| p.slots)),
            )
            .sum();
        out!(
            "  room {:<8} {:>5.1}% used",
            room.id,
            100.0 * used as f64 / slots as f64
        );
    }
    for u in j.panels_impossible.iter().take(5) {
        out!("  panel {} not placed: {}", u.request, u.reason);
    }
    for u in j.unscheduled.iter().take(5) {
        out!("  unscheduled {}: {}", u.request, u.reason);
    }
    if j.unscheduled.len() > 5 {
        out!(
            "  … {} more unscheduled (see --json)",
            j.unscheduled.len() - 5
        );
    }
    out!("  solved in {elapsed:.2} s");
}

fn progress_printer() -> impl FnMut(u64) {
    let started = std::time::Instant::now();
    let tty = std::io::stderr().is_terminal();
    move |objective| {
        if tty && started.elapsed().as_secs_f64() > 0.5 {
            eprint!("\r  improving… objective {objective}   ");
        }
    }
}

fn schedule(a: &ForumScheduleArgs) -> Outcome {
    let f = forum(&a.dir)?;
    let started = std::time::Instant::now();
    let mut progress = progress_printer();
    let s = solve(&f, &settings(a.seconds, a.seed), &mut progress);
    if std::io::stderr().is_terminal() && started.elapsed().as_secs_f64() > 0.5 {
        eprintln!();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let j = to_json(&f, &s);
    if let Some(dir) = &a.out {
        write_out(dir, &f, &s.schedule, &j)?;
    }
    if a.json {
        return print_json(&j);
    }
    summary(&f, &s, &j, elapsed);
    if let Some(dir) = &a.out {
        out!(
            "  wrote {}/schedule.json, calendars/*.ics ({} people), rooms/*.csv",
            dir.display(),
            f.participants.len()
        );
    }
    Ok(())
}

fn check_cmd(dir: &Path, path: &Path, as_json: bool) -> Outcome {
    let f = forum(dir)?;
    let s = read_schedule(path)?;
    let v = check(&f, &s);
    if as_json {
        print_json(&json!({"feasible": v.is_empty(), "violations": v}))?;
    } else if v.is_empty() {
        out!(
            "feasible: {} meetings and {} panels, no constraint violated",
            s.assignments.len(),
            s.panel_assignments.len()
        );
    } else {
        for x in &v {
            out!("violation: {x}");
        }
        out!("{} violations", v.len());
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(Failure::compute(String::new()))
    }
}

fn replan_cmd(a: &ForumReplanArgs) -> Outcome {
    let f = forum(&a.dir)?;
    let old_file = read_schedule(&a.schedule)?;
    let violations = check(&f, &old_file);
    if !violations.is_empty() {
        return Err(Failure::input(format!(
            "error: the schedule to re-plan is not feasible for this forum:\n  {}",
            violations.join("\n  ")
        )));
    }
    let old = from_file(&f, &old_file);
    let name = a.change.display().to_string();
    let text = std::fs::read_to_string(&a.change)
        .map_err(|e| Failure::input(format!("error: cannot read {name}: {e}")))?;
    let changes =
        replan::read_changes(&f, &name, &text).map_err(|d| Failure::input(format!("{d}")))?;
    let (g, r) = replan::replan(&f, &old, &changes, &settings(a.seconds, a.seed));
    let j = to_json(&g, &r.solution);
    if let Some(dir) = &a.out {
        write_out(dir, &g, &r.solution.schedule, &j)?;
    }
    if a.json {
        let mut v = serde_json::to_value(&j).map_err(Failure::compute)?;
        v["kept"] = json!(r.kept());
        v["kept_meetings"] = json!(r.kept_meetings);
        v["kept_panels"] = json!(r.kept_panels);
        v["moved"] = json!(r.moved.len());
        v["dropped"] = json!(r.dropped.len());
        v["moved_items"] = json!(r.moved);
        v["dropped_items"] = json!(r.dropped);
        v["added_items"] = json!(r.added);
        v["cancelled_items"] = json!(r.cancelled);
        v["changes"] = json!(changes.len());
        return print_json(&v);
    }
    out!(
        "{} changes: {} meetings and {} panels kept in place, {} moved, {} dropped, {} added, {} cancelled; objective {} (was {})",
        changes.len(),
        r.kept_meetings,
        r.kept_panels,
        r.moved.len(),
        r.dropped.len(),
        r.added.len(),
        r.cancelled.len(),
        r.solution.objective,
        old.requests
            .iter()
            .zip(&f.requests)
            .filter(|(x, _)| x.is_some())
            .map(|(_, q)| q.weight())
            .sum::<u64>()
    );
    for (verb, list) in [
        ("moved", &r.moved),
        ("dropped", &r.dropped),
        ("added", &r.added),
        ("cancelled", &r.cancelled),
    ] {
        for it in list.iter().take(20) {
            out!("  {verb} {}", replan_item(it));
        }
        if list.len() > 20 {
            out!("  … {} more {verb} (see --json)", list.len() - 20);
        }
    }
    out!(
        "  {} of {} requests scheduled, upper bound {} over {} ({})",
        j.scheduled,
        j.requests,
        r.solution.upper_bound,
        j.bound_scope,
        j.bound_method
    );
    Ok(())
}

/// "panel PN2: day 0 slot 0 H2 → day 0 slot 2 H1", "meeting R03: day 0 slot 4 B1: why".
fn replan_item(it: &replan::Item) -> String {
    let at = |a: &Option<replan::At>| {
        a.as_ref().map_or("not placed".to_string(), |a| {
            format!("day {} slot {} {}", a.day, a.slot, a.room)
        })
    };
    let kind = match it.kind {
        replan::Kind::Meeting => "meeting",
        replan::Kind::Panel => "panel",
    };
    let mut s = format!("{kind} {}: {}", it.id, at(&it.from));
    if it.to.is_some() || it.from.is_none() {
        s.push_str(&format!(" → {}", at(&it.to)));
    }
    if let Some(why) = &it.reason {
        s.push_str(&format!(" ({why})"));
    }
    s
}

fn generate_cmd(a: &ForumGenerateArgs) -> Outcome {
    if a.days == 0 || a.days > 30 || a.slots_per_day == 0 || a.days * a.slots_per_day > 128 {
        return Err(Failure::input(
            "error: 1..30 days and at most 128 slots in all (days × slots per day)",
        ));
    }
    let files = generate::generate(&generate::Spec {
        participants: a.participants,
        requests: a.requests,
        panels: a.panels,
        days: a.days,
        slots_per_day: a.slots_per_day,
        bilateral_rooms: a.bilateral_rooms,
        halls: a.halls,
        seed: a.seed,
    });
    let io = |e: std::io::Error| {
        Failure::compute(format!("error: cannot write to {}: {e}", a.dir.display()))
    };
    std::fs::create_dir_all(&a.dir).map_err(io)?;
    for (name, text) in &files {
        std::fs::write(a.dir.join(name), text).map_err(io)?;
    }
    out!(
        "wrote {} ({} participants, {} requests, {} panels, {} days × {} slots, {} + {} rooms, seed {})",
        a.dir.display(),
        a.participants,
        a.requests,
        a.panels,
        a.days,
        a.slots_per_day,
        a.bilateral_rooms,
        a.halls,
        a.seed
    );
    Ok(())
}
