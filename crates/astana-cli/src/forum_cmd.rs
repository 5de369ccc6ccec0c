//! `astana forum …`.

use crate::args::{ForumCommand, ForumGenerateArgs, ForumReplanArgs, ForumScheduleArgs};
use crate::fmt::print_json;
use crate::{Failure, Outcome};
use astana_forum_scheduler::check::ScheduleFile;
use astana_forum_scheduler::output::{
    schedule_files, write_folder, Replaced, ScheduleJson, WriteError, SCHEDULE_FOLDER,
};
use astana_forum_scheduler::{generate, load, replan, Forum, Schedule, Solution};
use astana_query::forum as query;
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
    Ok(query::read_schedule(&path.display().to_string(), &text)?)
}

/// Never the forum folder itself as `--out`, even with --force: that would delete the input.
fn not_the_input(out: Option<&Path>, input: &Path) -> Result<(), Failure> {
    if let Some(dir) = out {
        if let (Ok(a), Ok(b)) = (dir.canonicalize(), input.canonicalize()) {
            if a == b {
                return Err(Failure::input(format!(
                    "error: --out {} is the forum folder itself; write the schedule elsewhere",
                    dir.display()
                )));
            }
        }
    }
    Ok(())
}

/// Writes the schedule folder as a whole and says what it replaced.
fn write_out(
    dir: &Path,
    force: bool,
    f: &Forum,
    s: &Schedule,
    j: &ScheduleJson,
) -> Result<String, Failure> {
    let files = schedule_files(f, s, j).map_err(Failure::compute)?;
    let replaced = write_folder(dir, &files, &SCHEDULE_FOLDER, force).map_err(|e| match e {
        WriteError::Io(e) => {
            Failure::compute(format!("error: cannot write to {}: {e}", dir.display()))
        }
        e => Failure::input(format!("error: --out {}: {e}", dir.display())),
    })?;
    Ok(replaced_note(&replaced))
}

fn replaced_note(r: &Replaced) -> String {
    match r {
        Replaced::Nothing => String::new(),
        Replaced::Earlier(n) => format!("; replaced the earlier output there ({n} files)"),
        Replaced::Forced(names) => format!(
            "; replaced (--force) what was there: {}{}",
            names.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
            if names.len() > 5 { ", …" } else { "" }
        ),
    }
}

fn summary(f: &Forum, s: &Solution, j: &ScheduleJson, elapsed: f64) {
    out!(
        "{} · {} participants, {} requests, {} panels, {} rooms, {} × {} slots",
        f.name,
        f.participants.len(),
        f.requests.len(),
        f.panels.len(),
        f.rooms.len(),
        astana_forum_scheduler::days_text(f.days.len()),
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
    let ended = match j.stopped_by {
        "local optimum" => "ended at a local optimum",
        "work budget" => "stopped by the work budget",
        _ => "stopped by the time cap",
    };
    out!(
        "  search              {ended} after {} insertion attempts ({})",
        j.work,
        if j.reproducible {
            "reproducible: the same seed and --work give this schedule anywhere"
        } else {
            "not reproducible: raise --seconds or lower --work"
        }
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
    not_the_input(a.out.as_deref(), &a.dir)?;
    let f = forum(&a.dir)?;
    let started = std::time::Instant::now();
    let mut progress = progress_printer();
    let p = query::Params {
        seconds: a.seconds,
        work: a.work,
        seed: a.seed,
    };
    let r = query::schedule(&f, &p, None, &mut progress)?;
    if std::io::stderr().is_terminal() && started.elapsed().as_secs_f64() > 0.5 {
        eprintln!();
    }
    let (s, j, elapsed) = (&r.solution, &r.json, r.elapsed);
    let note = match &a.out {
        Some(dir) => Some(write_out(dir, a.force, &f, &s.schedule, j)?),
        None => None,
    };
    if a.json {
        if let (Some(dir), Some(note)) = (&a.out, &note) {
            // stdout holds only the JSON document.
            eprintln!("wrote {}{note}", dir.display());
        }
        return print_json(&r);
    }
    summary(&f, s, j, elapsed);
    if let (Some(dir), Some(note)) = (&a.out, &note) {
        out!(
            "  wrote {}/schedule.json, calendars/*.ics ({} people), rooms/*.csv ({} rooms){note}",
            dir.display(),
            f.participants.len(),
            f.rooms.len()
        );
    }
    Ok(())
}

fn check_cmd(dir: &Path, path: &Path, as_json: bool) -> Outcome {
    let f = forum(dir)?;
    let s = read_schedule(path)?;
    let r = query::check(&f, &path.display().to_string(), &s)?;
    let v = &r.violations;
    if as_json {
        print_json(&r)?;
    } else if v.is_empty() {
        out!(
            "feasible: {} meetings and {} panels, no constraint violated",
            r.meetings,
            r.panels
        );
    } else {
        // The first hundred; --json lists every one.
        for x in v.iter().take(100) {
            out!("violation: {x}");
        }
        if v.len() > 100 {
            out!("… and {} more (see --json)", v.len() - 100);
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
    not_the_input(a.out.as_deref(), &a.dir)?;
    let f = forum(&a.dir)?;
    let old_file = read_schedule(&a.schedule)?;
    let name = a.change.display().to_string();
    // The schedule first, then the changes file.
    query::usable(&f, &a.schedule.display().to_string(), &old_file)?;
    let text = std::fs::read_to_string(&a.change)
        .map_err(|e| Failure::input(format!("error: cannot read {name}: {e}")))?;
    let p = query::Params {
        seconds: a.seconds,
        work: a.work,
        seed: a.seed,
    };
    let x = query::replan(
        &f,
        &a.schedule.display().to_string(),
        &old_file,
        &name,
        &text,
        &p,
        None,
    )?;
    let (g, r, j) = (&x.forum, &x.replan, &x.json);
    if let Some(dir) = &a.out {
        let note = write_out(dir, a.force, g, &r.solution.schedule, j)?;
        // stdout stays one JSON document with --json.
        eprintln!("wrote {}{note}", dir.display());
    }
    if a.json {
        return print_json(&x);
    }
    out!(
        "{} changes: {} meetings and {} panels kept in place, {} moved, {} dropped, {} added, {} cancelled; objective {} (was {})",
        x.changes,
        r.kept_meetings,
        r.kept_panels,
        r.moved.len(),
        r.dropped.len(),
        r.added.len(),
        r.cancelled.len(),
        r.solution.objective,
        x.old_objective
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
    let g = generate::generate_checked(&generate::Spec {
        participants: a.participants,
        requests: a.requests,
        panels: a.panels,
        days: a.days,
        slots_per_day: a.slots_per_day,
        bilateral_rooms: a.bilateral_rooms,
        halls: a.halls,
        seed: a.seed,
    })
    .map_err(|e| Failure::input(format!("error: {e}")))?;
    let files: Vec<(std::path::PathBuf, String)> = g
        .files
        .iter()
        .map(|(n, t)| (std::path::PathBuf::from(n), t.clone()))
        .collect();
    // Nothing counts as an earlier output here: an existing forum is input data.
    let replaced = write_folder(&a.dir, &files, &[], a.force).map_err(|e| match e {
        WriteError::Io(e) => {
            Failure::compute(format!("error: cannot write to {}: {e}", a.dir.display()))
        }
        e => Failure::input(format!("error: {}: {e}", a.dir.display())),
    })?;
    out!(
        "wrote {} ({} participants in {} delegations, {} requests, {} panels, {} days × {} slots, {} + {} rooms, seed {}){}",
        a.dir.display(),
        g.participants,
        g.delegations,
        g.requests,
        g.panels,
        a.days,
        a.slots_per_day,
        a.bilateral_rooms,
        a.halls,
        a.seed,
        replaced_note(&replaced)
    );
    if g.requests < a.requests {
        out!(
            "  note: {} of the {} requests asked for could be drawn: each joins a different pair of delegations, and {} delegations make {} pairs",
            g.requests,
            a.requests,
            g.delegations,
            g.delegations * g.delegations.saturating_sub(1) / 2
        );
    }
    Ok(())
}
