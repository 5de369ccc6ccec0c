//! The served brief's date: `?date=` fixes it (the same bytes as the library's for that
//! date), a bad one is a 400 naming the parameter.

use crate::support::Server;

#[test]
fn the_served_brief_is_dated_as_asked() {
    let s = Server::start();
    let (scenario, _) = astana_scenario::load_embedded().expect("embedded");
    let want = astana_brief::render(
        &scenario,
        &astana_brief::Options {
            date: Some(astana_brief::parse_date("2026-11-30").expect("date")),
            ..Default::default()
        },
    )
    .expect("brief")
    .html;
    let r = s.get("/api/scenarios/kazakhstan/brief?date=2026-11-30");
    assert_eq!(r.status, 200);
    assert!(
        r.text() == want,
        "the served brief differs from the library's"
    );
    assert!(want.contains(r#"Generated <time datetime="2026-11-30">"#));
    // Another date is another answer, not yesterday's cache.
    let other = s
        .get("/api/scenarios/kazakhstan/brief?date=2026-12-01")
        .text();
    assert!(other.contains(r#"Generated <time datetime="2026-12-01">"#));
    let p = s
        .get("/api/scenarios/kazakhstan/brief?date=2026-02-30")
        .problem(400);
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("date") && d.contains("YYYY-MM-DD")),
        "{p}"
    );
}
