//! `forum replan` names every moved and dropped item, panels included, and the bound says
//! what it covers and how it was computed.

use super::{example_forum, exit_code, json, scratch, stdout};

/// Reproducer 18 (`close_room,H1,0:5` on the example forum): the plenary PN1 can no longer
/// be held (only H1 seats its audience, and its speakers are all present only from slot 6).
/// Today's main printed "19 meetings kept in place, 0 moved, 0 dropped" and placed PN2 and
/// PN3 a second time.
#[test]
fn forum_replan_reports_the_dropped_plenary() {
    let dir = example_forum();
    let out = scratch("forum-replan-18");
    let sched = out.join("schedule.json");
    let o = exit_code(&["forum", "schedule", &dir, "--json"], 0);
    std::fs::write(&sched, &o.stdout).expect("write");
    let change = out.join("close-hall.csv");
    std::fs::write(&change, "change,id,value\nclose_room,H1,0:5\n").expect("write");
    let args = [
        "forum",
        "replan",
        &dir,
        sched.to_str().expect("path"),
        "--change",
        change.to_str().expect("path"),
    ];
    let text = stdout(&exit_code(&args, 0));
    assert!(
        text.contains("19 meetings and 2 panels kept in place, 0 moved, 1 dropped"),
        "{text}"
    );
    assert!(
        text.contains("dropped panel PN1: day 0 slot 8 H1 (every hall large enough is closed"),
        "{text}"
    );
    let mut with_json = args.to_vec();
    with_json.push("--json");
    let v = json(&with_json);
    assert_eq!(v["kept"], 21);
    assert_eq!(v["kept_panels"], 2);
    assert_eq!(v["moved"], 0);
    assert_eq!(v["dropped"], 1);
    assert_eq!(v["dropped_items"][0]["kind"], "panel");
    assert_eq!(v["dropped_items"][0]["id"], "PN1");
    assert_eq!(v["dropped_items"][0]["from"]["room"], "H1");
    assert!(v["dropped_items"][0]["to"].is_null());
    assert_eq!(v["panels_placed"], 2);
}

/// The bound is labelled: it covers every placement of the panels, and names its method.
#[test]
fn forum_bound_says_what_it_covers() {
    let dir = example_forum();
    let v = json(&["forum", "schedule", &dir, "--json"]);
    assert_eq!(
        v["bound_scope"],
        "every schedule that places the same panels, wherever they go"
    );
    assert_eq!(v["bound_method"], "time-indexed LP relaxation");
    assert_eq!(v["upper_bound"], 67);
    let text = stdout(&exit_code(&["forum", "schedule", &dir], 0));
    assert!(
        text.contains("the bound covers every schedule that places the same panels, wherever they go (time-indexed LP relaxation)"),
        "{text}"
    );
}
