//! Crash safety of `astana serve` (issue 12): the real binary is killed with SIGKILL while
//! jobs run and multi-megabyte uploads are in flight, then restarted on the same database;
//! and stopped with SIGTERM. The store must stay consistent: `integrity_check` ok, every
//! scenario whole (no half-stored upload), every upload the server acknowledged present,
//! finished job results intact, unfinished jobs `interrupted`.
//!
//! No assertion depends on timing: the kill lands at a few different moments, and whatever
//! it interrupted, the invariants must hold. Every wait is bounded so a broken server fails
//! the test instead of hanging it.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the server may take to print its `listening on` line.
const START: Duration = Duration::from_secs(60);

/// A running `astana serve`, killed when dropped (so a failing test leaves no process).
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(db: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_astana"))
            .args(["serve", "--addr", "127.0.0.1:0", "--db"])
            .arg(db)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start astana serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            let mut line = String::new();
            let _ = r.read_line(&mut line);
            let _ = tx.send(line);
            // Keep reading so the server never blocks on a full pipe.
            let _ = std::io::copy(&mut r, &mut std::io::sink());
        });
        let Ok(line) = rx.recv_timeout(START) else {
            let _ = child.kill();
            panic!("astana serve printed no `listening on` line within {START:?}");
        };
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line `{line}`"))
            .to_string();
        Server { child, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// SIGKILL (`Child::kill` on unix) and reap.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

fn get_json(a: &ureq::Agent, url: &str) -> (u16, Value) {
    let mut r = a
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = r.status().as_u16();
    let v = r
        .body_mut()
        .read_json()
        .unwrap_or_else(|e| panic!("GET {url}: not JSON: {e}"));
    (status, v)
}

/// Submits a `brief` job; its id, or `None` once the server is gone.
fn submit_brief(a: &ureq::Agent, base: &str) -> Option<String> {
    let mut r = a
        .post(format!("{base}/api/jobs"))
        .send_json(json!({"kind": "brief"}))
        .ok()?;
    assert_eq!(r.status().as_u16(), 202, "POST /api/jobs");
    let v: Value = r.body_mut().read_json().ok()?;
    Some(v["id"].as_str().expect("a job id").to_string())
}

/// Polls job `id` until it ends (bounded); its final document.
fn wait_job(a: &ureq::Agent, base: &str, id: &str) -> Value {
    let until = Instant::now() + Duration::from_secs(120);
    loop {
        let (status, v) = get_json(a, &format!("{base}/api/jobs/{id}"));
        assert_eq!(status, 200, "{v}");
        if !matches!(v["state"].as_str(), Some("queued" | "running")) {
            return v;
        }
        assert!(Instant::now() < until, "job {id} did not end: {v}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The embedded scenario plus a padding file, as a stored zip of about 6 MB: an upload
/// that takes the server a while to unpack, validate and write.
fn big_upload() -> (Vec<u8>, Vec<(String, usize)>) {
    let mut files: Vec<(String, Vec<u8>)> = astana_scenario::embedded_files()
        .iter()
        .map(|(p, t)| ((*p).to_string(), t.as_bytes().to_vec()))
        .collect();
    let line = "padding that makes this upload take a while to store\n";
    files.push((
        "padding.txt".into(),
        line.repeat(6_000_000 / line.len()).into_bytes(),
    ));
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    for (p, b) in &files {
        w.start_file(format!("up/{p}"), o).expect("zip entry");
        w.write_all(b).expect("zip write");
    }
    let zip = w.finish().expect("zip").into_inner();
    let mut sizes: Vec<(String, usize)> = files.iter().map(|(p, b)| (p.clone(), b.len())).collect();
    sizes.sort();
    (zip, sizes)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn fresh_db(name: &str) -> PathBuf {
    let dir = super::scratch(name);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("astana.db{ext}")));
    }
    dir.join("astana.db")
}

/// The store as the crash left it, before any astana process opens it again: SQLite's
/// own checks, and every uploaded scenario whole. Returns the ids of stored uploads.
fn check_raw_store(db: &Path, want: &[(String, usize)]) -> Vec<String> {
    let c = rusqlite::Connection::open(db).expect("open the database");
    let mut st = c.prepare("PRAGMA integrity_check").expect("prepare");
    let check: Vec<String> = st
        .query_map([], |r| r.get(0))
        .and_then(Iterator::collect)
        .expect("integrity_check");
    assert_eq!(check, ["ok"], "integrity_check");
    let mut st = c.prepare("PRAGMA foreign_key_check").expect("prepare");
    let dangling = st
        .query_map([], |_| Ok(()))
        .expect("foreign_key_check")
        .count();
    assert_eq!(dangling, 0, "foreign_key_check");
    let builtin: i64 = c
        .query_row(
            "SELECT count(*) FROM scenario WHERE id = 'kazakhstan' AND builtin = 1",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(builtin, 1, "the built-in scenario");
    let mut files: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    let mut st = c
        .prepare(
            "SELECT s.id, s.bytes, f.path, length(f.content) FROM scenario s
             LEFT JOIN scenario_file f ON f.scenario_id = s.id WHERE s.builtin = 0
             ORDER BY s.id, f.path",
        )
        .expect("prepare");
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })
        .expect("query");
    let mut bytes = BTreeMap::new();
    for row in rows {
        let (id, total, path, len) = row.expect("row");
        bytes.insert(id.clone(), total);
        let e = files.entry(id).or_default();
        if let (Some(p), Some(n)) = (path, len) {
            e.push((p, usize::try_from(n).expect("a length")));
        }
    }
    let want_total: usize = want.iter().map(|(_, n)| n).sum();
    for (id, have) in &files {
        assert_eq!(have, want, "scenario `{id}` is not stored whole");
        assert_eq!(bytes[id], want_total as i64, "scenario `{id}`: its `bytes`");
    }
    files.into_keys().collect()
}

/// What the clients saw before the kill.
#[derive(Default)]
struct Seen {
    /// Uploads answered 201.
    acked: Vec<String>,
    /// Jobs answered 202.
    submitted: Vec<String>,
    /// Jobs seen `done`, with their result.
    done: BTreeMap<String, Value>,
}

/// Keeps uploading `zip` under fresh ids until the server is gone (or `max` uploads).
fn uploader(base: String, tag: String, zip: Arc<Vec<u8>>, seen: Arc<Mutex<Seen>>) {
    let a = agent();
    for k in 0..40 {
        let id = format!("{tag}-{k}");
        let sent = a
            .post(format!("{base}/api/scenarios?id={id}"))
            .header("content-type", "application/zip")
            .send(&zip[..]);
        let Ok(mut r) = sent else { return };
        let status = r.status().as_u16();
        let body = r.body_mut().read_to_string().unwrap_or_default();
        assert_eq!(status, 201, "upload {id}: {body}");
        lock(&seen).acked.push(id);
    }
}

/// Keeps submitting `brief` jobs (faster than one worker renders them, so some are queued
/// or running at any moment) and notes the ones it sees finished, until the server is gone.
fn submitter(base: String, seen: Arc<Mutex<Seen>>, submitted: Arc<AtomicUsize>) {
    let a = agent();
    let mut open: Vec<String> = Vec::new();
    for _ in 0..200 {
        for _ in 0..3 {
            let Some(id) = submit_brief(&a, &base) else {
                return;
            };
            lock(&seen).submitted.push(id.clone());
            submitted.fetch_add(1, Ordering::SeqCst);
            open.push(id);
        }
        let mut still = Vec::new();
        for id in open.drain(..) {
            let Ok(mut r) = a.get(format!("{base}/api/jobs/{id}")).call() else {
                return;
            };
            let Ok(v) = r.body_mut().read_json::<Value>() else {
                return;
            };
            match v["state"].as_str() {
                Some("done") => {
                    lock(&seen).done.insert(id, v["result"].clone());
                }
                Some("queued" | "running") => still.push(id),
                other => panic!("job {id} ended {other:?} while the server ran: {v}"),
            }
        }
        open = still;
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// After a restart: every job the clients submitted has ended — done with its result (the
/// same one a client saw, if it saw one) or interrupted; every acknowledged upload is
/// there. Returns how many jobs read `interrupted`.
fn check_after_restart(s: &Server, seen: &Seen, stored: &[String]) -> usize {
    let a = agent();
    let mut interrupted = 0;
    for id in &seen.submitted {
        let (status, v) = get_json(&a, &s.url(&format!("/api/jobs/{id}")));
        assert_eq!(status, 200, "job {id}: {v}");
        match v["state"].as_str() {
            Some("done") => {
                assert!(v["result"]["bytes"].as_u64().is_some_and(|b| b > 0), "{v}");
                if let Some(r) = seen.done.get(id) {
                    assert_eq!(&v["result"], r, "job {id}: its result changed");
                }
            }
            Some("interrupted") => {
                assert!(!seen.done.contains_key(id), "job {id} was done: {v}");
                interrupted += 1;
            }
            other => panic!("job {id} reads {other:?} after a restart: {v}"),
        }
    }
    for id in &seen.acked {
        assert!(
            stored.contains(id),
            "upload {id} was acknowledged but is not stored"
        );
        let (status, v) = get_json(&a, &s.url(&format!("/api/scenarios/{id}")));
        assert_eq!(status, 200, "{id}: {v}");
    }
    interrupted
}

#[test]
fn sigkill_during_jobs_and_uploads_leaves_a_consistent_store() {
    let db = fresh_db("serve-crash");
    let (zip, want) = big_upload();
    let zip = Arc::new(zip);
    let a = agent();
    let mut interrupted = 0;
    let mut uploads = 0;
    // Different moments of the kill: early in the storm, mid-way, later.
    for (round, delay_ms) in [(0, 150), (1, 700), (2, 1600)] {
        let server = Server::start(&db);
        // A job finished before the storm: its result must survive the kill.
        let before = submit_brief(&a, &server.base).expect("submit");
        let finished = wait_job(&a, &server.base, &before);
        assert_eq!(finished["state"], "done", "{finished}");

        let seen = Arc::new(Mutex::new(Seen::default()));
        let submitted = Arc::new(AtomicUsize::new(0));
        let mut threads = Vec::new();
        for t in 0..3 {
            let (b, z, s) = (server.base.clone(), zip.clone(), seen.clone());
            let tag = format!("r{round}-t{t}");
            threads.push(std::thread::spawn(move || uploader(b, tag, z, s)));
        }
        {
            let (b, s, n) = (server.base.clone(), seen.clone(), submitted.clone());
            threads.push(std::thread::spawn(move || submitter(b, s, n)));
        }
        // Kill only once jobs are flowing (bounded wait), then after this round's delay.
        let until = Instant::now() + START;
        while submitted.load(Ordering::SeqCst) < 6 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        server.kill();
        for t in threads {
            t.join().expect("a client thread panicked");
        }
        let mut seen = Arc::try_unwrap(seen)
            .ok()
            .expect("threads are done")
            .into_inner()
            .expect("lock");
        assert!(
            seen.submitted.len() >= 6,
            "jobs were submitted before the kill"
        );
        seen.submitted.push(before.clone());
        seen.done.insert(before, finished["result"].clone());

        let stored = check_raw_store(&db, &want);
        let server = Server::start(&db);
        interrupted += check_after_restart(&server, &seen, &stored);
        uploads += seen.acked.len();
        server.kill();
    }
    // Jobs are submitted faster than they run, so every kill leaves some unfinished.
    assert!(interrupted > 0, "no job was unfinished at any kill");
    eprintln!("serve_crash: {uploads} acknowledged uploads, {interrupted} interrupted jobs");
    let _ = std::fs::remove_dir_all(db.parent().expect("a folder"));
}

#[test]
fn sigterm_shuts_down_cleanly() {
    let db = fresh_db("serve-term");
    let server = Server::start(&db);
    let a = agent();
    let mut seen = Seen::default();
    // More jobs than one worker renders before the signal lands.
    for _ in 0..20 {
        seen.submitted
            .push(submit_brief(&a, &server.base).expect("submit"));
    }
    let mut server = server;
    let pid = server.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill -TERM {pid}");
    let until = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = server.child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            Instant::now() < until,
            "astana serve did not exit within 60 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "exit status after SIGTERM");
    // The WAL was written back into the database and truncated.
    let wal = db.with_file_name("astana.db-wal");
    let left = std::fs::metadata(&wal).map_or(0, |m| m.len());
    assert_eq!(left, 0, "{} still holds {left} bytes", wal.display());
    let mut raw = Vec::new();
    std::fs::File::open(&db)
        .and_then(|mut f| f.read_to_end(&mut raw))
        .expect("read the database");
    assert!(raw.starts_with(b"SQLite format 3\0"));

    let stored = check_raw_store(&db, &[]);
    assert!(stored.is_empty());
    let server = Server::start(&db);
    let interrupted = check_after_restart(&server, &seen, &stored);
    // The last job cannot have run: one worker, twenty renders, signal straight after.
    assert!(interrupted > 0, "no job read interrupted after SIGTERM");
    let last = seen.submitted.last().expect("jobs");
    let (_, v) = get_json(&a, &server.url(&format!("/api/jobs/{last}")));
    assert_eq!(v["state"], "interrupted", "{v}");
    server.kill();
    let _ = std::fs::remove_dir_all(db.parent().expect("a folder"));
}
