//! Issue 14, item 4: a work budget beside the time cap. The same seed and work budget give
//! the same schedule whatever the time cap (as long as it is not reached) and whatever else
//! the machine is doing; the solution says which limit ended the search.

use super::forum_from;
use astana_forum_scheduler::generate::{generate, Spec};
use astana_forum_scheduler::output::to_json;
use astana_forum_scheduler::solve::Stop;
use astana_forum_scheduler::{solve, Forum, Settings};

fn forum() -> Forum {
    let files = generate(&Spec {
        participants: 300,
        requests: 1500,
        panels: 8,
        days: 2,
        slots_per_day: 10,
        bilateral_rooms: 8,
        halls: 2,
        seed: 3,
    });
    let files: Vec<(&str, String)> = files.into_iter().collect();
    forum_from(&files)
}

fn run(f: &Forum, seconds: f64, work: u64) -> (astana_forum_scheduler::Solution, String) {
    let s = solve(
        f,
        &Settings {
            seconds,
            work,
            seed: 5,
        },
        &mut |_| {},
    );
    let json = serde_json::to_string(&to_json(f, &s)).expect("json");
    (s, json)
}

#[test]
fn the_same_seed_and_work_budget_give_the_identical_schedule_under_any_time_cap() {
    let f = forum();
    // How much work this forum takes to reach a local optimum, then a budget below it.
    let (free, _) = run(&f, 3600.0, u64::MAX);
    assert_eq!(free.stopped_by, Stop::LocalOptimum);
    let budget = free.work / 2;
    assert!(
        budget > 100,
        "the forum is too easy: {} attempts",
        free.work
    );
    // Two caps, neither reached; a busy thread beside the second run changes its timing only.
    let (a, ja) = run(&f, 3600.0, budget);
    let busy = std::sync::atomic::AtomicBool::new(true);
    let (b, jb) = std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut x = 0u64;
            while busy.load(std::sync::atomic::Ordering::Relaxed) {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
        });
        let r = run(&f, 86_400.0, budget);
        busy.store(false, std::sync::atomic::Ordering::Relaxed);
        r
    });
    assert_eq!(a.stopped_by, Stop::Work);
    assert_eq!(b.stopped_by, Stop::Work);
    assert_eq!(a.work, budget);
    assert_eq!(b.work, budget);
    assert_eq!(ja, jb, "byte-identical schedule documents");
    assert!(ja.contains(r#""stopped_by":"work budget","reproducible":true"#));
    // Less work than the free run needed: a different (no better) schedule.
    assert!(a.objective <= free.objective);
}

#[test]
fn the_limit_that_ended_the_search_is_reported() {
    let f = forum();
    // No work at all: the work budget ends the search before the first attempt (it is
    // checked before the time cap, so even a zero cap does not make this run irreproducible).
    let (none, j) = run(&f, 0.0, 0);
    assert_eq!((none.stopped_by, none.work), (Stop::Work, 0));
    assert!(j.contains(r#""stopped_by":"work budget","reproducible":true,"work":0"#));
    // A zero time cap with work left: the time cap ended it, and the document says the
    // schedule is not reproducible.
    let (capped, j) = run(&f, 0.0, u64::MAX);
    assert_eq!((capped.stopped_by, capped.work), (Stop::Time, 0));
    assert!(j.contains(r#""stopped_by":"time cap","reproducible":false"#));
    // Enough of both: the search ends on its own.
    let (free, j) = run(&f, 3600.0, u64::MAX);
    assert_eq!(free.stopped_by, Stop::LocalOptimum);
    assert!(free.work > 0);
    assert!(j.contains(r#""stopped_by":"local optimum","reproducible":true"#));
    assert!(free.objective >= none.objective);
}
