//! Durability of live mediations (issue 13): the real `astana serve` binary runs a mediation
//! driven by the engine's bots and is killed with SIGKILL at seeded points — between two
//! requests, or while a write is in flight — then restarted on the same database. Every
//! write that got a 2xx answer must still be there, and the mediation must continue to the
//! same agreement (and the same public history) as an uninterrupted run with the same seed.
//!
//! The server is started as `serve_crash` does (port 0, first stdout line). No assertion
//! depends on timing: a kill during a request may land before or after the commit, and the
//! run must come out the same either way.

use astana_mediation::bot;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const START: Duration = Duration::from_secs(60);

/// A running `astana serve`, killed when dropped.
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

/// One request; `None` when the server is gone (the connection failed or was cut).
fn send(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Option<(u16, Value)> {
    let a = agent();
    let url = format!("{base}{path}");
    let auth = format!("Bearer {token}");
    let r = match (method, body) {
        ("GET", _) => a.get(&url).header("authorization", &auth).call(),
        ("POST", Some(b)) => a.post(&url).header("authorization", &auth).send_json(b),
        ("POST", None) => a.post(&url).header("authorization", &auth).send_empty(),
        ("PUT", Some(b)) => a.put(&url).header("authorization", &auth).send_json(b),
        _ => panic!("send: {method}"),
    };
    let mut r = r.ok()?;
    let status = r.status().as_u16();
    let v = r.body_mut().read_json().ok()?;
    Some((status, v))
}

fn domain() -> String {
    let text = std::fs::read_to_string(
        super::workspace_root().join("data/scenarios/kazakhstan/negotiation/trans-caspian.toml"),
    )
    .expect("the domain file");
    text.split("# --- Parties")
        .next()
        .expect("issues")
        .to_string()
}

fn profiles() -> [Value; 3] {
    [
        json!({"reservation": 0.448,
               "weights": {"through_tariff": 0.35, "ferry_slots": 0.25, "data_sharing": 0.1, "border_hours": 0.1, "investment_split": 0.2},
               "evaluations": {"through_tariff": [10, 8, 5, 3, 1], "ferry_slots": [0, 5, 8, 10], "data_sharing": [0, 7, 10], "border_hours": [2, 6, 10], "investment_split": [1, 6, 6, 10]}}),
        json!({"reservation": 0.398,
               "weights": {"through_tariff": 0.35, "ferry_slots": 0.2, "data_sharing": 0.1, "border_hours": 0.05, "investment_split": 0.3},
               "evaluations": {"through_tariff": [1, 3, 6, 8, 10], "ferry_slots": [10, 8, 5, 1], "data_sharing": [2, 10, 8], "border_hours": [3, 8, 10], "investment_split": [10, 1, 10, 5]}}),
        json!({"reservation": 0.348,
               "weights": {"through_tariff": 0.3, "ferry_slots": 0.1, "data_sharing": 0.15, "border_hours": 0.2, "investment_split": 0.25},
               "evaluations": {"through_tariff": [2, 6, 10, 8, 5], "ferry_slots": [4, 7, 10, 9], "data_sharing": [0, 6, 10], "border_hours": [1, 6, 10], "investment_split": [6, 10, 1, 2]}}),
    ]
}

struct Mediation {
    id: String,
    mediator: String,
    parties: Vec<String>,
}

fn create(base: &str, protocol: &str, seed: u64) -> Mediation {
    let mut r = agent()
        .post(format!("{base}/api/mediations"))
        .send_json(json!({"domain": domain(), "parties": ["KAZ", "AZE", "GEO"],
                          "protocol": protocol, "rounds": 20, "seed": seed}))
        .expect("create");
    assert_eq!(r.status().as_u16(), 201);
    let v: Value = r.body_mut().read_json().expect("JSON");
    Mediation {
        id: v["id"].as_str().expect("id").to_string(),
        mediator: v["mediator_token"].as_str().expect("token").to_string(),
        parties: v["parties"]
            .as_array()
            .expect("parties")
            .iter()
            .map(|p| p["token"].as_str().expect("token").to_string())
            .collect(),
    }
}

/// The next write of the run, from the current views: a missing profile, the start, or a
/// bot's action. `None` when the run is over; `Err(())` when the server is gone.
type Write = (Option<usize>, &'static str, String, Option<Value>);

fn next_write(base: &str, m: &Mediation) -> Result<Option<Write>, ()> {
    let path = format!("/api/mediations/{}", m.id);
    let profiles = profiles();
    let mut views = Vec::new();
    for (i, t) in m.parties.iter().enumerate() {
        let (status, v) = send(base, "GET", &path, t, None).ok_or(())?;
        assert_eq!(status, 200, "{v}");
        if v["profile"].is_null() {
            return Ok(Some((
                Some(i),
                "PUT",
                format!("{path}/profile"),
                Some(profiles[i].clone()),
            )));
        }
        views.push(v);
    }
    if views[0]["status"] == "waiting_profiles" {
        return Ok(Some((None, "POST", format!("{path}/start"), None)));
    }
    for (i, v) in views.iter().enumerate() {
        if let Some(a) = bot::act(v) {
            return Ok(Some((
                Some(i),
                "POST",
                format!("{path}/{}", a.endpoint()),
                Some(a.body()),
            )));
        }
    }
    Ok(None)
}

/// A small seeded generator (xorshift64*): the kill points are the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// Runs mediation `protocol`/`seed` to its end on `db`, killing the server before the
/// writes numbered in `kills` (between requests when even, during the write when odd).
/// Returns the mediator's final view and how many kills happened.
fn run(db: &Path, protocol: &str, seed: u64, kills: &[(usize, u64)]) -> (Value, usize) {
    let mut server = Server::start(db);
    let m = create(&server.base, protocol, seed);
    let mut acked: Vec<(Option<usize>, Value)> = Vec::new();
    let mut killed = 0;
    // Writes are numbered from 1.
    for write in 1..=1000 {
        let next = match next_write(&server.base, &m) {
            Ok(Some(w)) => w,
            Ok(None) => {
                let path = format!("/api/mediations/{}", m.id);
                let (_, v) =
                    send(&server.base, "GET", &path, &m.mediator, None).expect("final view");
                return (v, killed);
            }
            Err(()) => panic!("the server went away unasked"),
        };
        let (who, method, path, body) = next;
        let token = who.map_or(m.mediator.clone(), |i| m.parties[i].clone());
        let kill = kills.iter().find(|(k, _)| *k == write).map(|(_, d)| *d);
        let answer = match kill {
            None => send(&server.base, method, &path, &token, body.as_ref()),
            Some(delay) => {
                let base = server.base.clone();
                let in_flight = (delay % 2 == 1).then(|| {
                    std::thread::spawn(move || send(&base, method, &path, &token, body.as_ref()))
                });
                // Odd: the write is on its way (or being committed) when the kill lands.
                std::thread::sleep(Duration::from_micros(delay * 300));
                server.kill();
                killed += 1;
                let answer = in_flight.and_then(|t| t.join().expect("request thread"));
                server = Server::start(db);
                answer
            }
        };
        if let Some((status, v)) = answer {
            assert!(status < 300, "{method}: {status} {v}");
            acked.push((who, v));
        }
        if kill.is_some() {
            check_acked(&server.base, &m, &acked);
        }
    }
    panic!("the run did not end");
}

/// Every acknowledged write is still there after a restart.
fn check_acked(base: &str, m: &Mediation, acked: &[(Option<usize>, Value)]) {
    let path = format!("/api/mediations/{}", m.id);
    for (who, v) in acked {
        match who {
            None => {
                let (_, now) = send(base, "GET", &path, &m.mediator, None).expect("view");
                assert_ne!(
                    now["status"], "waiting_profiles",
                    "an acknowledged start was lost"
                );
            }
            Some(i) => {
                let (_, now) = send(base, "GET", &path, &m.parties[*i], None).expect("view");
                assert_eq!(
                    now["profile"], v["profile"],
                    "an acknowledged profile was lost"
                );
                let have = now["responses"].as_array().cloned().unwrap_or_default();
                for r in v["responses"].as_array().into_iter().flatten() {
                    assert!(
                        have.contains(r),
                        "an acknowledged answer was lost: {r}\nnow: {now}"
                    );
                }
            }
        }
    }
}

fn fresh_db(name: &str) -> std::path::PathBuf {
    let dir = super::scratch(name);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("astana.db{ext}")));
    }
    dir.join("astana.db")
}

fn kill_and_compare(protocol: &str, seed: u64) {
    let (reference, _) = run(
        &fresh_db(&format!("med-ref-{protocol}")),
        protocol,
        seed,
        &[],
    );
    assert_eq!(reference["status"], "agreed", "{reference}");
    let mut rng = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
    // Four kills among the first writes (3 profiles, the start, the first rounds).
    let mut kills: Vec<(usize, u64)> = Vec::new();
    while kills.len() < 4 {
        let at = 1 + rng.below(14) as usize;
        if !kills.iter().any(|(k, _)| *k == at) {
            // Alternately between requests (even) and during a write (odd).
            let delay = rng.below(10) * 2 + kills.len() as u64 % 2;
            kills.push((at, delay));
        }
    }
    let db = fresh_db(&format!("med-kill-{protocol}"));
    let (end, killed) = run(&db, protocol, seed, &kills);
    assert_eq!(killed, 4);
    let c = rusqlite::Connection::open(&db).expect("open the database");
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok");
    assert_eq!(end["status"], "agreed", "{end}");
    assert_eq!(end["agreement"], reference["agreement"]);
    assert_eq!(end["history"], reference["history"]);
}

#[test]
fn single_text_survives_sigkill_and_reaches_the_same_agreement() {
    kill_and_compare("single-text", 11);
}

#[test]
fn blind_bidding_survives_sigkill_and_reaches_the_same_agreement() {
    kill_and_compare("blind-bidding", 12);
}
