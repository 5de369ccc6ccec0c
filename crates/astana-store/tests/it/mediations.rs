//! Live mediations in the store: setup, token digests and the event log survive a reopen;
//! appends from many threads at once (group commit) each land exactly once, in order.

use astana_store::{MediationRole, MediationToken, Store};
use serde_json::json;

fn tokens(parties: usize) -> Vec<MediationToken> {
    let mut t = vec![MediationToken {
        role: MediationRole::Mediator,
        party: None,
        hash: [7; 32],
    }];
    t.extend((0..parties).map(|i| MediationToken {
        role: MediationRole::Party,
        party: Some(i),
        hash: [i as u8; 32],
    }));
    t
}

#[test]
fn a_mediation_and_its_log_survive_a_reopen() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("astana.db");
    let id = {
        let store = Store::open(&db).expect("open");
        let id = store
            .create_mediation(&json!({"rounds": 3}), &tokens(2))
            .expect("create");
        assert_eq!(id.len(), 32);
        store
            .append_mediation_event(&id, 1, &json!({"kind": "start"}))
            .expect("append 1");
        store
            .append_mediation_event(&id, 2, &json!({"kind": "respond"}))
            .expect("append 2");
        // A taken sequence number is refused (two writers of one mediation).
        assert!(store
            .append_mediation_event(&id, 2, &json!({"kind": "again"}))
            .is_err());
        // An unknown mediation has no log to append to.
        assert!(store.append_mediation_event("nope", 1, &json!({})).is_err());
        id
    };
    let store = Store::open(&db).expect("reopen");
    let m = store.mediation(&id).expect("read").expect("present");
    assert_eq!(m.setup, json!({"rounds": 3}));
    assert_eq!(m.tokens, tokens(2));
    assert_eq!(
        m.events,
        vec![json!({"kind": "start"}), json!({"kind": "respond"})]
    );
    assert!(store.mediation("0123").expect("read").is_none());
    assert_eq!(
        store.integrity_check().expect("check"),
        Vec::<String>::new()
    );
}

#[test]
fn concurrent_appends_each_land_once_in_order() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("astana.db")).expect("open");
    let ids: Vec<String> = (0..16)
        .map(|_| {
            store
                .create_mediation(&json!({}), &tokens(1))
                .expect("create")
        })
        .collect();
    std::thread::scope(|s| {
        for id in &ids {
            let store = store.clone();
            s.spawn(move || {
                for seq in 1..=20u64 {
                    store
                        .append_mediation_event(id, seq, &json!({ "seq": seq }))
                        .expect("append");
                }
            });
        }
    });
    for id in &ids {
        let m = store.mediation(id).expect("read").expect("present");
        let seqs: Vec<u64> = m
            .events
            .iter()
            .map(|e| e["seq"].as_u64().expect("seq"))
            .collect();
        assert_eq!(seqs, (1..=20).collect::<Vec<_>>());
    }
}

#[test]
fn concurrent_creates_and_appends_all_survive_a_reopen() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("astana.db");
    // 16 threads each create a mediation and append 10 events to it, while 16 more
    // create-only threads run at the same time: creates and appends share the group commit.
    let (appended, created) = {
        let store = Store::open(&db).expect("open");
        std::thread::scope(|s| {
            let appenders: Vec<_> = (0..16)
                .map(|k| {
                    let store = store.clone();
                    s.spawn(move || {
                        let id = store
                            .create_mediation(&json!({ "appender": k }), &tokens(2))
                            .expect("create");
                        for seq in 1..=10u64 {
                            store
                                .append_mediation_event(&id, seq, &json!({ "seq": seq }))
                                .expect("append");
                        }
                        id
                    })
                })
                .collect();
            let creators: Vec<_> = (0..16)
                .map(|k| {
                    let store = store.clone();
                    s.spawn(move || {
                        store
                            .create_mediation(&json!({ "creator": k }), &tokens(1))
                            .expect("create")
                    })
                })
                .collect();
            let join = |hs: Vec<std::thread::ScopedJoinHandle<'_, String>>| -> Vec<String> {
                hs.into_iter().map(|h| h.join().expect("thread")).collect()
            };
            (join(appenders), join(creators))
        })
    };
    let store = Store::open(&db).expect("reopen");
    for (k, id) in appended.iter().enumerate() {
        let m = store.mediation(id).expect("read").expect("present");
        assert_eq!(m.setup, json!({ "appender": k }));
        assert_eq!(m.tokens, tokens(2));
        let seqs: Vec<u64> = m
            .events
            .iter()
            .map(|e| e["seq"].as_u64().expect("seq"))
            .collect();
        assert_eq!(seqs, (1..=10).collect::<Vec<_>>());
    }
    for (k, id) in created.iter().enumerate() {
        let m = store.mediation(id).expect("read").expect("present");
        assert_eq!(m.setup, json!({ "creator": k }));
        assert_eq!(m.tokens, tokens(1));
        assert!(m.events.is_empty());
    }
    let mut all: Vec<&String> = appended.iter().chain(&created).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 32, "every id is distinct");
    assert_eq!(
        store.integrity_check().expect("check"),
        Vec::<String>::new()
    );
}
