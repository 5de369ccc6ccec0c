//! The upper bound holds over every placement of the panels, not only the solver's: on
//! tiny forums it is never below the optimum found by trying every panel placement too.

use super::{exhaustive, forum_from, tiny, Gen};
use astana_forum_scheduler::output::to_json;
use astana_forum_scheduler::{solve, Forum, Settings};

/// The best objective over every placement of the panels placed in `placed` (start and
/// hall), each followed by the exhaustive search over the meetings.
fn exhaustive_any_panels(f: &Forum, placed: &[bool]) -> u64 {
    let per_day = f.slots.len();
    let mut places: Vec<Option<(usize, usize)>> = vec![None; f.panels.len()];
    fn go(
        f: &Forum,
        k: usize,
        placed: &[bool],
        places: &mut Vec<Option<(usize, usize)>>,
        per_day: usize,
    ) -> u64 {
        if k == f.panels.len() {
            return exhaustive(f, places);
        }
        if !placed[k] {
            return go(f, k + 1, placed, places, per_day);
        }
        let p = &f.panels[k];
        let mut best = 0;
        for t in 0..f.horizon() {
            if t % per_day + p.slots > per_day {
                continue;
            }
            let span = t..t + p.slots;
            if !p.speakers.iter().all(|&x| {
                let who = &f.participants[x];
                span.clone().all(|s| s >= who.arrives && s <= who.departs)
            }) {
                continue;
            }
            for h in 0..f.rooms.len() {
                let room = &f.rooms[h];
                if !room.hall
                    || room.capacity < p.audience
                    || room.closed_from.is_some_and(|c| t + p.slots > c)
                {
                    continue;
                }
                // No clash with the panels placed so far (hall or speaker).
                let clash = (0..k).any(|j| {
                    places[j].is_some_and(|(u, g)| {
                        let q = &f.panels[j];
                        let overlap = u < t + p.slots && t < u + q.slots;
                        overlap && (g == h || q.speakers.iter().any(|x| p.speakers.contains(x)))
                    })
                });
                if clash {
                    continue;
                }
                places[k] = Some((t, h));
                best = best.max(go(f, k + 1, placed, places, per_day));
                places[k] = None;
            }
        }
        best
    }
    go(f, 0, placed, &mut places, per_day)
}

/// A forum where the solver's panel place costs value: P0 speaks on a one-slot panel and is
/// wanted at 9:00 by P2 (priority 1, value 5; P2 is there only at 9:00) and at 10:00 by P3
/// and P4 (value 1 each, one room). The panel goes where fewer requests press (9:00), so
/// the schedule is worth 1; putting the panel at 10:00 is worth 5. A bound given the
/// panel's place says 1 ("gap 0 %"); the bound over every place must say at least 5.
#[test]
fn bound_covers_a_better_schedule_that_moves_a_panel() {
    let files: Vec<(&str, String)> = vec![
        ("forum.toml", "name = \"panel trap\"\ntimezone = \"Asia/Almaty\"\ndays = [\"2025-06-01\"]\nslots = [\"09:00\", \"10:00\"]\nslot_minutes = 60\n".into()),
        ("rooms.csv", "id,name,kind,capacity\nB0,Room,bilateral,2\nH0,Hall,hall,100\n".into()),
        ("participants.csv", "id,name,delegation,role,priority,arrives,departs\nP0,P0,D0,r,1,0:0,0:1\nP1,P1,D1,r,1,0:0,0:1\nP2,P2,D2,r,1,0:0,0:0\nP3,P3,D3,r,1,0:1,0:1\nP4,P4,D4,r,1,0:1,0:1\n".into()),
        ("requests.csv", "id,participants,priority,slots\nR0,P0;P2,1,1\nR1,P0;P3,5,1\nR2,P0;P4,5,1\n".into()),
        ("panels.csv", "id,title,speakers,slots,audience\nPN0,Panel,P0;P1,1,50\n".into()),
    ];
    let f = forum_from(&files);
    let s = solve(
        &f,
        &Settings {
            seconds: 1.0,
            work: astana_forum_scheduler::solve::DEFAULT_WORK,
            seed: 7,
        },
        &mut |_| {},
    );
    let optimum = exhaustive_any_panels(&f, &[true]);
    assert_eq!(optimum, 5);
    assert!(
        s.upper_bound >= optimum,
        "bound {} below {optimum}",
        s.upper_bound
    );
    let j = to_json(&f, &s);
    if s.objective < optimum {
        assert!(
            j.gap > 0.0,
            "gap {} with objective {} of {optimum}",
            j.gap,
            s.objective
        );
    }
}

/// On 150 random tiny forums the bound is at least the optimum over every panel placement.
/// It is also tight (equal to that optimum) on most of them: the time-indexed prices see
/// which slots coincide.
#[test]
fn bound_is_never_below_the_optimum_over_panel_placements() {
    let mut g = Gen(0x00f0_2a11_5eed_0001);
    let settings = Settings {
        seconds: 1.0,
        work: astana_forum_scheduler::solve::DEFAULT_WORK,
        seed: 7,
    };
    let mut tight = 0;
    let mut excess = 0;
    for round in 0..150 {
        let f = forum_from(&tiny(&mut g));
        let s = solve(&f, &settings, &mut |_| {});
        let placed: Vec<bool> = s.schedule.panels.iter().map(Option::is_some).collect();
        let best = exhaustive_any_panels(&f, &placed);
        assert!(
            best <= s.upper_bound,
            "round {round}: bound {} below the optimum {best}",
            s.upper_bound
        );
        if best == s.upper_bound {
            tight += 1;
        }
        excess += s.upper_bound - best;
    }
    // Measured: 139 of 150 tight (excess 19 in all) with the LP, 118 (excess 63) with the
    // Lagrangian prices alone.
    assert!(
        tight >= 135,
        "bound tight on only {tight} of 150 (excess {excess})"
    );
}
