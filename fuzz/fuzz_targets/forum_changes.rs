//! A re-planning changes CSV of arbitrary bytes against the example forum and its schedule:
//! read or reported, never a panic; changes that read are applied and re-planned.
#![no_main]

mod common;
use astana_forum_scheduler::{replan, Forum, Settings, Solution};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn example() -> &'static (Forum, Solution) {
    static EXAMPLE: OnceLock<(Forum, Solution)> = OnceLock::new();
    EXAMPLE.get_or_init(|| {
        let forum = astana_forum_scheduler::model::read(&common::FORUM).expect("example forum");
        let solution = astana_forum_scheduler::solve(&forum, &settings(), &mut |_| {});
        (forum, solution)
    })
}

fn settings() -> Settings {
    Settings {
        seconds: 0.0,
        work: 0,
        seed: 1,
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (forum, solution) = example();
    if let Ok(changes) = replan::read_changes(forum, "changes.csv", &text) {
        let _ = replan::replan(forum, &solution.schedule, &changes, &settings());
    }
});
