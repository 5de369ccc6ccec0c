//! A schedule JSON of arbitrary bytes against the example forum (`forum check`, `replan`):
//! parsed or rejected and checked, never a panic; as in the CLI, only a schedule the checker
//! passes is converted and written out (`output::from_file` trusts its input).
#![no_main]

mod common;
use astana_forum_scheduler::{check, output, Forum};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn forum() -> &'static Forum {
    static FORUM: OnceLock<Forum> = OnceLock::new();
    FORUM
        .get_or_init(|| astana_forum_scheduler::model::read(&common::FORUM).expect("example forum"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(file) = serde_json::from_slice::<check::ScheduleFile>(data) else {
        return;
    };
    let f = forum();
    if !check::check(f, &file).is_empty() {
        return;
    }
    let schedule = output::from_file(f, &file);
    let _ = output::calendars(f, &schedule);
    let _ = output::room_sheets(f, &schedule);
});
