//! The re-plan report is the difference of the old and the new schedule: every meeting and
//! panel that moved, was dropped, was added or was cancelled is named, panels included.

use super::{forum_from, placed, Gen};
use astana_forum_scheduler::generate::{generate, Spec};
use astana_forum_scheduler::replan::{read_changes, replan, Item, Kind};
use astana_forum_scheduler::{load, solve, Settings};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const SETTINGS: Settings = Settings {
    seconds: 0.3,
    work: astana_forum_scheduler::solve::DEFAULT_WORK,
    seed: 1,
};

fn ids(items: &[Item]) -> BTreeSet<(bool, String)> {
    items
        .iter()
        .map(|i| (i.kind == Kind::Panel, i.id.clone()))
        .collect()
}

/// Closing the Congress Hall from slot 5 (reproducer 18) makes the plenary PN1 impossible
/// (its speakers are all present only from slot 6, and only that hall seats 1,100): the
/// report names it as dropped, and the other two panels stay where they were (today they
/// were placed a second time and reported as nothing).
#[test]
fn replan_names_the_dropped_plenary_and_keeps_the_other_panels() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios/kazakhstan/forum");
    let f = load(&dir).unwrap_or_else(|d| panic!("{d}"));
    let s = solve(&f, &SETTINGS, &mut |_| {});
    assert_eq!(s.schedule.panels.iter().flatten().count(), 3);
    let changes = read_changes(&f, "changes.csv", "change,id,value\nclose_room,H1,0:5\n")
        .expect("valid change");
    let (g, r) = replan(&f, &s.schedule, &changes, &SETTINGS);
    assert_eq!(r.dropped.len(), 1, "{:?}", r.dropped);
    let d = &r.dropped[0];
    assert_eq!((d.kind, d.id.as_str()), (Kind::Panel, "PN1"));
    assert_eq!(d.from.as_ref().map(|a| a.room.as_str()), Some("H1"));
    assert!(
        d.reason.as_deref().is_some_and(|w| w.contains("closed")),
        "{:?}",
        d.reason
    );
    assert_eq!(r.kept_panels, 2);
    assert!(
        r.moved.iter().all(|m| m.kind == Kind::Meeting),
        "{:?}",
        r.moved
    );
    // The kept panels are where they were, and nothing is left behind of their old place.
    for k in 0..g.panels.len() {
        let old = f.panels.iter().position(|p| p.id == g.panels[k].id);
        if g.panels[k].id != "PN1" {
            assert_eq!(
                r.solution.schedule.panels[k],
                old.and_then(|o| s.schedule.panels[o])
            );
        }
    }
    let v = astana_forum_scheduler::check::check(&g, &placed(&g, &r.solution));
    assert!(v.is_empty(), "{v:?}");
}

/// On generated forums with random changes of every kind, the reported kept, moved,
/// dropped, added and cancelled sets equal a plain diff of the two schedule files by id.
#[test]
fn replan_report_equals_the_schedule_diff() {
    let mut rng = Gen(0x5e91_a9b0_0000_0011);
    for seed in 1..=6u64 {
        let files = generate(&Spec {
            participants: 120,
            requests: 360,
            panels: 6,
            days: 2,
            slots_per_day: 8,
            bilateral_rooms: 4,
            halls: 2,
            seed,
        });
        let files: Vec<(&str, String)> = files.into_iter().collect();
        let f = forum_from(&files);
        let s = solve(&f, &SETTINGS, &mut |_| {});
        let pick = |rng: &mut Gen, n: usize| rng.next(n as u64) as usize;
        let slot = |rng: &mut Gen| format!("{}:{}", rng.next(2), rng.next(8));
        let mut csv = String::from("change,id,value\n");
        for _ in 0..4 {
            let line = match rng.next(5) {
                0 => format!(
                    "cancel_request,{},",
                    f.requests[pick(&mut rng, f.requests.len())].id
                ),
                1 => format!(
                    "cancel_panel,{},",
                    f.panels[pick(&mut rng, f.panels.len())].id
                ),
                2 => format!(
                    "arrive,{},{}",
                    f.participants[pick(&mut rng, f.participants.len())].id,
                    slot(&mut rng)
                ),
                3 => format!(
                    "depart,{},{}",
                    f.participants[pick(&mut rng, f.participants.len())].id,
                    slot(&mut rng)
                ),
                _ => format!(
                    "close_room,{},{}",
                    f.rooms[pick(&mut rng, f.rooms.len())].id,
                    slot(&mut rng)
                ),
            };
            csv.push_str(&line);
            csv.push('\n');
        }
        // Always a hall closing, so that panels are displaced in every round.
        let hall = f.rooms.iter().find(|r| r.hall).expect("a hall");
        csv.push_str(&format!("close_room,{},0:0\n", hall.id));
        let changes = read_changes(&f, "changes.csv", &csv).unwrap_or_else(|d| panic!("{d}"));
        let (g, r) = replan(&f, &s.schedule, &changes, &SETTINGS);
        // The independent diff, from the two schedule files.
        let as_map = |forum: &astana_forum_scheduler::Forum, sol| {
            let file = placed(forum, sol);
            let mut m = BTreeMap::new();
            for a in file.assignments {
                m.insert((false, a.id), (a.day, a.slot, a.room));
            }
            for a in file.panel_assignments {
                m.insert((true, a.id), (a.day, a.slot, a.room));
            }
            m
        };
        let before = as_map(&f, &s);
        let after = as_map(&g, &r.solution);
        let exists = |key: &(bool, String)| {
            if key.0 {
                g.panels.iter().any(|p| p.id == key.1)
            } else {
                g.requests.iter().any(|q| q.id == key.1)
            }
        };
        let (mut kept, mut moved, mut dropped, mut cancelled) =
            (0, BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for (key, place) in &before {
            match after.get(key) {
                _ if !exists(key) => {
                    cancelled.insert(key.clone());
                }
                Some(p) if p == place => kept += 1,
                Some(_) => {
                    moved.insert(key.clone());
                }
                None => {
                    dropped.insert(key.clone());
                }
            }
        }
        let added: BTreeSet<_> = after
            .keys()
            .filter(|k| !before.contains_key(*k))
            .cloned()
            .collect();
        assert_eq!(r.kept(), kept, "seed {seed}");
        assert_eq!(ids(&r.moved), moved, "seed {seed}");
        assert_eq!(ids(&r.dropped), dropped, "seed {seed}");
        assert_eq!(ids(&r.added), added, "seed {seed}");
        assert_eq!(ids(&r.cancelled), cancelled, "seed {seed}");
        assert!(
            dropped.iter().any(|k| k.0) || moved.iter().any(|k| k.0),
            "seed {seed}: the hall closing displaced no panel"
        );
        assert!(r.dropped.iter().all(|d| d.reason.is_some()), "seed {seed}");
    }
}
