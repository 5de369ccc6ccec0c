//! A burst of creates and appends at once (the opening of 1,000 mediations in the load
//! benchmark, in small): creates share the group commit with event appends, and every
//! create and append that got a 2xx is still there after a restart.

use crate::mediation::{call, create, profiles, Created};
use crate::support::Server;
use serde_json::Value;

fn mediator_view(s: &Server, m: &Created) -> Value {
    let r = call(
        s,
        "GET",
        &format!("/api/mediations/{}", m.id),
        Some(&m.mediator),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

#[test]
fn concurrent_creates_and_appends_all_survive_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("astana.db");
    let s = Server::start_on(&db);
    // 8 threads create a mediation, send its three profiles and start it (four appends);
    // 8 more only create, at the same time.
    let (started, created) = std::thread::scope(|sc| {
        let s = &s;
        let full: Vec<_> = (0..8u64)
            .map(|k| {
                sc.spawn(move || {
                    let m = create(s, "single-text", k);
                    for ((_, p), t) in profiles().iter().zip(&m.parties) {
                        let r = call(
                            s,
                            "PUT",
                            &format!("/api/mediations/{}/profile", m.id),
                            Some(t),
                            Some(("application/json", p.to_string().as_bytes())),
                        );
                        assert_eq!(r.status, 200, "{}", r.text());
                    }
                    let r = call(
                        s,
                        "POST",
                        &format!("/api/mediations/{}/start", m.id),
                        Some(&m.mediator),
                        None,
                    );
                    assert_eq!(r.status, 200, "{}", r.text());
                    m
                })
            })
            .collect();
        let bare: Vec<_> = (0..8u64)
            .map(|k| sc.spawn(move || create(s, "blind-bidding", 100 + k)))
            .collect();
        let join = |hs: Vec<std::thread::ScopedJoinHandle<'_, Created>>| -> Vec<Created> {
            hs.into_iter().map(|h| h.join().expect("thread")).collect()
        };
        (join(full), join(bare))
    });
    let before: Vec<Value> = started
        .iter()
        .chain(&created)
        .map(|m| mediator_view(&s, m))
        .collect();
    s.stop();
    let s = Server::start_on(&db);
    let after: Vec<Value> = started
        .iter()
        .chain(&created)
        .map(|m| mediator_view(&s, m))
        .collect();
    assert_eq!(before, after, "a view changed across the restart");
    for v in &after[..8] {
        assert_eq!(v["status"], "running", "{v}");
    }
    for v in &after[8..] {
        assert_eq!(v["status"], "waiting_profiles", "{v}");
    }
    // Each party's own profile came back from the log.
    for m in &started {
        for t in &m.parties {
            let r = call(
                &s,
                "GET",
                &format!("/api/mediations/{}", m.id),
                Some(t),
                None,
            );
            assert!(!r.json()["profile"].is_null(), "{}", r.text());
        }
    }
    s.stop();
}
