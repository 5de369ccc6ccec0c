//! Prints the schedule's value and the bound, with their times, for a forum folder.
//! `cargo run --release -p astana-forum-scheduler --example bound_quality -- DIR [SECONDS]`
use astana_forum_scheduler::{bound, load, solve, Settings};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(dir) = args.get(1) else {
        eprintln!("usage: bound_quality DIR [SECONDS]");
        std::process::exit(2);
    };
    let f = match load(std::path::Path::new(dir)) {
        Ok(f) => f,
        Err(d) => {
            eprintln!("{d}");
            std::process::exit(2);
        }
    };
    let seconds = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2.0);
    let t = Instant::now();
    let s = solve(
        &f,
        &Settings {
            seconds,
            work: astana_forum_scheduler::solve::DEFAULT_WORK,
            seed: 1,
        },
        &mut |_| {},
    );
    let solve_s = t.elapsed().as_secs_f64();
    let placed: Vec<bool> = s.schedule.panels.iter().map(Option::is_some).collect();
    let t = Instant::now();
    let b = bound::upper_bound(&f, &placed, s.objective);
    println!(
        "objective {} bound {} ({}, {:.2} s; solve incl. bound {:.2} s)",
        s.objective,
        b.value,
        b.method.name(),
        t.elapsed().as_secs_f64(),
        solve_s
    );
}
