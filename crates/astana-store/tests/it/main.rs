//! Integration tests of the store: a real file in a temporary folder.

mod mediations;

use astana_store::{JobState, Store, StoreError};
use serde_json::json;

fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("astana.db")).expect("open");
    (dir, store)
}

fn files() -> Vec<(String, Vec<u8>)> {
    vec![
        ("scenario.toml".into(), b"name = \"Demo\"\n".to_vec()),
        ("flows.csv".into(), b"year,reporter\n".to_vec()),
    ]
}

#[test]
fn a_new_file_is_at_the_latest_schema_in_wal_mode() {
    let (dir, store) = fresh();
    assert_eq!(
        store.schema_version().expect("version"),
        astana_store::MIGRATIONS.len() as i64
    );
    assert!(store.integrity_check().expect("check").is_empty());
    // WAL leaves its side files next to the database.
    assert!(dir.path().join("astana.db-wal").exists());
}

#[test]
fn scenarios_round_trip_and_the_builtin_is_protected() {
    let (_dir, store) = fresh();
    store
        .put_scenario("kazakhstan", "Kazakhstan", true, &files())
        .expect("put");
    let m = store
        .put_scenario("demo", "Demo", false, &files())
        .expect("put");
    assert_eq!(m.bytes, 14 + 14);
    let ids: Vec<_> = store
        .list_scenarios()
        .expect("list")
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, ["kazakhstan", "demo"]);
    let got = store.scenario("demo").expect("get").expect("present");
    // Sorted by path.
    assert_eq!(got.files[0].0, "flows.csv");
    assert_eq!(got.files[1].1, b"name = \"Demo\"\n");
    assert!(matches!(
        store.put_scenario("demo", "Again", false, &[]),
        Err(StoreError::Exists(_))
    ));
    assert!(matches!(
        store.delete_scenario("kazakhstan"),
        Err(StoreError::Protected(_))
    ));
    assert!(store.delete_scenario("demo").expect("delete"));
    assert!(!store.delete_scenario("demo").expect("delete again"));
    assert!(store.scenario("demo").expect("get").is_none());
    assert!(store.integrity_check().expect("check").is_empty());
}

#[test]
fn a_failed_put_stores_nothing() {
    let (_dir, store) = fresh();
    // The same path twice violates the primary key after the scenario row is written:
    // the whole transaction must roll back.
    let dup = vec![
        ("a.csv".to_string(), b"1".to_vec()),
        ("a.csv".to_string(), b"2".to_vec()),
    ];
    assert!(store.put_scenario("half", "Half", false, &dup).is_err());
    assert!(store.scenario("half").expect("get").is_none());
    assert!(store.list_scenarios().expect("list").is_empty());
}

#[test]
fn jobs_go_from_queued_to_done_and_stay_final() {
    let (_dir, store) = fresh();
    let job = store
        .create_job(
            "corridor-simulate",
            Some("kazakhstan"),
            &json!({"days": 365}),
        )
        .expect("create");
    assert_eq!(job.state, JobState::Queued);
    assert_eq!(job.id.len(), 32);
    assert!(store.start_job(&job.id).expect("start"));
    assert!(!store.start_job(&job.id).expect("start twice"));
    store
        .job_progress(&job.id, 0.25, "day 91")
        .expect("progress");
    store
        .job_progress(&job.id, f64::NAN, "nan")
        .expect("nan is 0");
    let j = store.job(&job.id).expect("get").expect("present");
    assert_eq!((j.state, j.progress), (JobState::Running, 0.0));
    assert!(store
        .finish_job(&job.id, JobState::Done, "", Some(&json!({"ok": 1})), None)
        .expect("finish"));
    // A final job does not change again (a late cancel loses).
    assert!(!store
        .finish_job(&job.id, JobState::Cancelled, "", None, None)
        .expect("cancel late"));
    let j = store.job(&job.id).expect("get").expect("present");
    assert_eq!(j.state, JobState::Done);
    assert_eq!(j.progress, 1.0);
    assert_eq!(j.result, Some(json!({"ok": 1})));
    assert_eq!(j.params, json!({"days": 365}));
    assert_eq!(store.list_jobs(10).expect("list").len(), 1);
}

#[test]
fn reopening_marks_unfinished_jobs_interrupted_and_keeps_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("astana.db");
    let (done, running, queued) = {
        let store = Store::open(&path).expect("open");
        let a = store.create_job("a", None, &json!({})).expect("a");
        store.start_job(&a.id).expect("start");
        store
            .finish_job(&a.id, JobState::Done, "", Some(&json!([1, 2])), None)
            .expect("finish");
        let b = store.create_job("b", None, &json!({})).expect("b");
        store.start_job(&b.id).expect("start");
        let c = store.create_job("c", None, &json!({})).expect("c");
        (a.id, b.id, c.id)
        // Dropped without any shutdown step, as after a crash.
    };
    let store = Store::open(&path).expect("reopen");
    let state = |id: &str| store.job(id).expect("get").expect("present").state;
    assert_eq!(state(&done), JobState::Done);
    assert_eq!(state(&running), JobState::Interrupted);
    assert_eq!(state(&queued), JobState::Interrupted);
    assert_eq!(
        store.job(&done).expect("get").expect("present").result,
        Some(json!([1, 2]))
    );
}

#[test]
fn a_file_from_a_newer_astana_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("astana.db");
    {
        let c = rusqlite::Connection::open(&path).expect("open");
        c.pragma_update(None, "user_version", 999).expect("pragma");
    }
    let err = Store::open(&path).expect_err("refused");
    assert!(
        err.to_string().contains("schema version 999 is newer"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("astana.db");
    std::fs::write(&path, vec![b'x'; 8192]).expect("write");
    let err = Store::open(&path).expect_err("refused");
    assert!(err.to_string().contains("not a database"), "{err}");
}
