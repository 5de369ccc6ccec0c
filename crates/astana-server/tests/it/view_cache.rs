//! The per-caller view cache (issue 13, load): after the same version, each caller's GET and
//! POST answer is its own view, whichever caller's view was serialised first.

use crate::mediation::{call, create, profiles};
use crate::support::Server;
use serde_json::Value;

#[test]
fn a_cached_view_is_never_served_to_another_caller() {
    let s = Server::start();
    let m = create(&s, "single-text", 11);
    let base = format!("/api/mediations/{}", m.id);
    let ps = profiles();
    for ((_, p), t) in ps.iter().zip(&m.parties) {
        let r = call(
            &s,
            "PUT",
            &format!("{base}/profile"),
            Some(t),
            Some(("application/json", p.to_string().as_bytes())),
        );
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let r = call(
        &s,
        "POST",
        &format!("{base}/start"),
        Some(&m.mediator),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // KAZ answers; its POST answer fills its own slot of the new version.
    let kaz = call(&s, "GET", &base, Some(&m.parties[0]), None).json();
    let act = astana_mediation::bot::act(&kaz).expect("KAZ is asked something");
    let body = act.body().to_string();
    let posted = call(
        &s,
        "POST",
        &format!("{base}/{}", act.endpoint()),
        Some(&m.parties[0]),
        Some(("application/json", body.as_bytes())),
    );
    assert_eq!(posted.status, 200, "{}", posted.text());
    // The same version, every caller in turn, twice (the second time from the cache).
    let mut texts = Vec::new();
    for round in 0..2 {
        for (i, t) in m.parties.iter().enumerate() {
            let r = call(&s, "GET", &base, Some(t), None);
            assert_eq!(r.status, 200);
            let v: Value = r.json();
            let me = ps[i].0;
            assert_eq!(v["you"], me, "caller {me} got {}", r.text());
            assert_eq!(v["profile"]["reservation"], ps[i].1["reservation"]);
            for (j, (other, p)) in ps.iter().enumerate() {
                if j != i {
                    let leak = p["reservation"].to_string();
                    assert!(!r.text().contains(&leak), "{me} saw {other}'s reservation");
                }
            }
            if round == 0 {
                texts.push(r.text());
            } else {
                assert_eq!(texts[i], r.text(), "{me}'s view changed without a change");
            }
        }
        let r = call(&s, "GET", &base, Some(&m.mediator), None);
        assert!(r.json().get("you").is_none(), "{}", r.text());
        assert!(r.text().starts_with(&format!("{{\"id\":\"{}\",", m.id)));
    }
    assert_ne!(texts[0], texts[1]);
    assert_ne!(texts[1], texts[2]);
    // KAZ's repeated answer (idempotent: no new version) is answered with KAZ's view, and
    // AZE's GET right after is still AZE's.
    let again = call(
        &s,
        "POST",
        &format!("{base}/{}", act.endpoint()),
        Some(&m.parties[0]),
        Some(("application/json", body.as_bytes())),
    );
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.text(), texts[0]);
    assert_eq!(posted.text(), texts[0]);
    let aze = call(&s, "GET", &base, Some(&m.parties[1]), None);
    assert_eq!(aze.text(), texts[1]);
    s.stop();
}
