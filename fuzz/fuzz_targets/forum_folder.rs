//! One file of the example forum folder replaced by arbitrary bytes: reads or reports,
//! never panics; a small forum that reads is scheduled and written out.
#![no_main]

mod common;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((which, text)) = common::split(data, common::FORUM.len()) else {
        return;
    };
    let files = common::replace(&common::FORUM, which, &text);
    let Ok(forum) = astana_forum_scheduler::model::read(&files) else {
        return;
    };
    if forum.participants.len() > 200 || forum.requests.len() > 1_000 {
        return;
    }
    let settings = astana_forum_scheduler::Settings {
        seconds: 0.0,
        work: 0,
        seed: 1,
    };
    let solution = astana_forum_scheduler::solve(&forum, &settings, &mut |_| {});
    let _ = astana_forum_scheduler::output::calendars(&forum, &solution.schedule);
    let _ = astana_forum_scheduler::output::room_sheets(&forum, &solution.schedule);
});
