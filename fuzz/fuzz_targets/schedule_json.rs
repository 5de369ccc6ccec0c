//! A schedule JSON of arbitrary bytes against the example forum (`forum check`, `replan`):
//! parsed or rejected, checked, converted and written out, never a panic.
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
    let _ = check::check(f, &file);
    let schedule = output::from_file(f, &file);
    let _ = output::calendars(f, &schedule);
    let _ = output::room_sheets(f, &schedule);
});
