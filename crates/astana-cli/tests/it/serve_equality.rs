//! `astana serve` answers a question with the document `astana X --json` prints: for every
//! command family, the real binary is started as a server (`astana serve --addr
//! 127.0.0.1:0`) and each API answer is compared with the CLI's `--json` output for the same
//! parameters. Jobs are compared on their stored result.

use super::{astana, stdout, workspace_root};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server started for one test; killed when dropped.
pub(crate) struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub(crate) addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `astana serve` on a free port with a fresh database.
    pub(crate) fn start() -> Server {
        Server::start_with(&[])
    }

    /// As [`Server::start`], with more arguments.
    pub(crate) fn start_with(args: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_astana"))
            .args(["serve", "--addr", "127.0.0.1:0", "--db"])
            .arg(dir.path().join("astana.db"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start astana serve");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(out).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server prints its address within 60 s");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        Server {
            child,
            addr,
            _dir: dir,
        }
    }

    /// `GET path` → (status, content type, body).
    pub(crate) fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        self.request("GET", path, "", &[])
    }

    /// `POST path` with a body.
    pub(crate) fn post(
        &self,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> (u16, String, Vec<u8>) {
        self.request("POST", path, content_type, body)
    }

    /// One HTTP/1.1 request on a fresh connection (`Connection: close`): enough for tests
    /// without an HTTP client dependency.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> (u16, String, Vec<u8>) {
        self.request_with(method, path, content_type, "", body)
    }

    /// As [`Server::request`] with extra header lines (each ending in `\r\n`).
    pub(crate) fn request_with(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        headers: &str,
        body: &[u8],
    ) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(120)))
            .expect("timeout");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{headers}\r\n",
            self.addr,
            body.len()
        );
        s.write_all(head.as_bytes()).expect("write");
        s.write_all(body).expect("write");
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("read");
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header block");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut body = raw[split + 4..].to_vec();
        let status: u16 = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        let header = |name: &str| {
            head.lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
                })
                .unwrap_or_default()
        };
        if header("transfer-encoding").eq_ignore_ascii_case("chunked") {
            body = dechunk(&body);
        }
        (status, header("content-type"), body)
    }

    /// `GET path` as JSON, expecting 200.
    pub(crate) fn json(&self, path: &str) -> Value {
        let (status, _, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).expect("JSON")
    }

    /// Submits a job and waits for its end (bounded), returning the stored job.
    pub(crate) fn job(&self, request: &Value) -> Value {
        let (status, _, body) = self.post(
            "/api/jobs",
            "application/json",
            request.to_string().as_bytes(),
        );
        assert_eq!(status, 202, "{}", String::from_utf8_lossy(&body));
        let id = serde_json::from_slice::<Value>(&body).expect("JSON")["id"]
            .as_str()
            .expect("an id")
            .to_string();
        let until = Instant::now() + Duration::from_secs(300);
        loop {
            let j = self.json(&format!("/api/jobs/{id}"));
            if !matches!(j["state"].as_str(), Some("queued" | "running")) {
                return j;
            }
            assert!(Instant::now() < until, "job {id} did not end: {j}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&b[..eol])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
}

fn cli(args: &[&str]) -> Value {
    let o = astana(args);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn file(rel: &str) -> String {
    workspace_root().join(rel).display().to_string()
}

/// The API answer and the CLI's document are equal, value for value.
fn same(server: &Server, path: &str, args: &[&str]) {
    let api = server.json(path);
    let mut a = args.to_vec();
    a.push("--json");
    let cli = cli(&a);
    assert!(api == cli, "{path} vs {args:?}\nAPI: {api}\nCLI: {cli}");
}

#[test]
fn every_engine_endpoint_answers_the_clis_document() {
    let s = Server::start();
    let k = "/api/scenarios/kazakhstan";
    let cases: Vec<(String, Vec<&str>)> = vec![
        (format!("{k}/balance"), vec!["balance"]),
        (
            format!("{k}/balance?year=2023&shock=CHN=-0.5,RUS=-1&dependence=true"),
            vec![
                "balance",
                "--year",
                "2023",
                "--shock",
                "CHN=-0.5,RUS=-1",
                "--dependence",
            ],
        ),
        (
            format!("{k}/balance?year=2022&flow=exports&mirror=true&n=200"),
            vec![
                "balance", "--year", "2022", "--flow", "exports", "--mirror", "--n", "200",
            ],
        ),
        (
            format!("{k}/balance?trend=true"),
            vec!["balance", "--trend"],
        ),
        (
            format!("{k}/balance?all=true&flow=imports"),
            vec!["balance", "--all", "--flow", "imports"],
        ),
        (
            format!("{k}/corridor/routes?from=Altynkol&to=Duisburg&k=3&avoid=RUS"),
            vec![
                "corridor", "routes", "--from", "Altynkol", "--to", "Duisburg", "--k", "3",
                "--avoid", "RUS",
            ],
        ),
        (
            format!("{k}/corridor/routes?all_pairs=true&k=1&by=cost"),
            vec![
                "corridor",
                "routes",
                "--all-pairs",
                "--k",
                "1",
                "--by",
                "cost",
            ],
        ),
        (
            format!("{k}/corridor/bottleneck?from=Altynkol&to=Poti&corridor=middle-caspian"),
            vec![
                "corridor",
                "bottleneck",
                "--from",
                "Altynkol",
                "--to",
                "Poti",
                "--corridor",
                "middle-caspian",
            ],
        ),
        (
            format!("{k}/corridor/assign?from=Altynkol&to=Duisburg&demand=100000"),
            vec![
                "corridor", "assign", "--from", "Altynkol", "--to", "Duisburg", "--demand",
                "100000",
            ],
        ),
        (format!("{k}/corridor/volumes"), vec!["corridor", "volumes"]),
        (
            "/api/corridor/queue?servers=3&arrival_rate=2&service_rate=0.8&customers=20000"
                .to_string(),
            vec![
                "corridor",
                "queue",
                "--servers",
                "3",
                "--arrival-rate",
                "2",
                "--service-rate",
                "0.8",
                "--customers",
                "20000",
            ],
        ),
    ];
    for (path, args) in &cases {
        same(&s, path, args);
    }
    let unsc = file("data/scenarios/kazakhstan/power/unsc.toml");
    same(&s, &format!("{k}/power/unsc"), &["power", &unsc]);
    let sco = file("data/scenarios/kazakhstan/power/sco.toml");
    same(
        &s,
        &format!("{k}/power/sco?index=banzhaf,johnston"),
        &["power", &sco, "--index", "banzhaf,johnston"],
    );
    // Compare runs on the scenario's own games and tenure table (named as in the scenario,
    // so the document names differ from a CLI run on absolute paths): check its shape.
    let c = s.json(&format!("{k}/power/compare?player=KAZ"));
    assert!(c.to_string().contains("unsc-g4-2005-q14"), "{c}");
    // Posted game: same document as the file.
    let (status, _, body) = s.post(
        "/api/power",
        "application/toml",
        std::fs::read(&sco).expect("read").as_slice(),
    );
    assert_eq!(status, 200);
    let posted: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(posted, cli(&["power", &sco, "--json"]));
}

#[test]
fn alignment_compare_and_mediation_answer_the_clis_document() {
    let s = Server::start();
    let k = "/api/scenarios/kazakhstan";
    // The server has no roll-call data: it answers from the scenario's table, as the CLI
    // does when the roll-call folder is absent.
    let empty = tempfile::tempdir().expect("tempdir");
    let o = super::astana_cmd(&[
        "balance",
        "alignment",
        "--with",
        "CHN,RUS,USA",
        "--from",
        "2010",
        "--to",
        "2019",
        "--json",
    ])
    .env("ASTANA_REFERENCE_DIR", empty.path())
    .output()
    .expect("run");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let from_cli: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let api = s.json(&format!("{k}/alignment?with=CHN,RUS,USA&from=2010&to=2019"));
    assert_eq!(api, from_cli);

    let domain = file("data/scenarios/kazakhstan/negotiation/trans-caspian.toml");
    let api = s.json(&format!("{k}/mediate/trans-caspian"));
    let cli_doc = cli(&["mediate", "analyze", "--domain", &domain, "--json"]);
    assert_eq!(api, cli_doc);
    let (status, _, body) = s.post(
        "/api/mediate/analyze",
        "application/toml",
        std::fs::read(&domain).expect("read").as_slice(),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        serde_json::from_slice::<Value>(&body).expect("JSON"),
        cli_doc
    );
}

#[test]
fn jobs_store_the_clis_document() {
    let s = Server::start();
    let j = s.job(&serde_json::json!({
        "kind": "corridor-simulate",
        "params": {"days": 60, "seed": 4}
    }));
    assert_eq!(j["state"], "done", "{j}");
    assert_eq!(
        j["result"],
        cli(&["corridor", "simulate", "--days", "60", "--seed", "4", "--json"])
    );

    let forum = file("data/scenarios/kazakhstan/forum");
    let j = s.job(&serde_json::json!({
        "kind": "forum-schedule",
        "params": {"seconds": 0, "seed": 2}
    }));
    assert_eq!(j["state"], "done", "{j}");
    assert_eq!(
        j["result"],
        cli(&[
            "forum",
            "schedule",
            &forum,
            "--seconds",
            "0",
            "--seed",
            "2",
            "--json"
        ])
    );

    let domain = file("data/scenarios/kazakhstan/negotiation/trans-caspian.toml");
    let j = s.job(&serde_json::json!({
        "kind": "mediate-run",
        "params": {"domain": "trans-caspian", "protocol": "single-text", "seed": 5}
    }));
    assert_eq!(j["state"], "done", "{j}");
    assert_eq!(
        j["result"],
        cli(&[
            "mediate",
            "run",
            "--domain",
            &domain,
            "--protocol",
            "single-text",
            "--seed",
            "5",
            "--json"
        ])
    );

    let unsc = file("data/scenarios/kazakhstan/power/unsc.toml");
    let j = s.job(&serde_json::json!({
        "kind": "power",
        "params": {"game": "unsc", "monte_carlo": true, "samples": 5000, "seed": 3}
    }));
    assert_eq!(j["state"], "done", "{j}");
    assert_eq!(
        j["result"],
        cli(&[
            "power",
            &unsc,
            "--monte-carlo",
            "--samples",
            "5000",
            "--seed",
            "3",
            "--json"
        ])
    );
}

#[test]
fn the_brief_is_the_clis_brief() {
    let s = Server::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("brief.html");
    let o = astana(&["brief", "--out", &out.display().to_string()]);
    assert_eq!(o.status.code(), Some(0));
    let (status, ctype, body) = s.get("/api/scenarios/kazakhstan/brief");
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/html"), "{ctype}");
    assert!(
        body == std::fs::read(&out).expect("read"),
        "the brief differs"
    );
}

#[test]
fn errors_are_problem_details_with_the_clis_message() {
    let s = Server::start();
    let (status, ctype, body) = s.get("/api/scenarios/kazakhstan/balance?flow=exprts");
    assert_eq!(status, 400);
    assert_eq!(ctype, "application/problem+json");
    let p: Value = serde_json::from_slice(&body).expect("JSON");
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("did you mean `exports`")),
        "{p}"
    );
    // A bad game: every located error, as the CLI lists them.
    let (status, _, body) = s.post("/api/power", "application/toml", b"rule = \"weight >= \"\n");
    assert_eq!(status, 422);
    let p: Value = serde_json::from_slice(&body).expect("JSON");
    let errors = p["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 2, "{p}");
    assert_eq!(errors[0]["line"], 1);
    assert_eq!(errors[0]["column"], 19);
    let (status, _, _) = s.get("/api/scenarios/nowhere/balance");
    assert_eq!(status, 404);
}

#[test]
fn a_token_guards_everything_but_health_and_sign_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = dir.path().join("token");
    let token = "k3Jd9QmZx0VbN7aLr2TfY8wE";
    std::fs::write(&tok, format!("{token}\n")).expect("write");
    let s = Server::start_with(&["--token-file", &tok.display().to_string()]);
    assert_eq!(s.get("/api/health").0, 200);
    let (status, ctype, _) = s.get("/api/scenarios");
    assert_eq!((status, ctype.as_str()), (401, "application/problem+json"));
    let (status, _, _) = s.request_with(
        "GET",
        "/api/scenarios",
        "",
        "Authorization: Bearer wrong-token-of-enough-length\r\n",
        &[],
    );
    assert_eq!(status, 401);
    let bearer = format!("Authorization: Bearer {token}\r\n");
    assert_eq!(
        s.request_with("GET", "/api/scenarios", "", &bearer, &[]).0,
        200
    );
    let cookie = format!("Cookie: astana_token={token}\r\n");
    assert_eq!(
        s.request_with("GET", "/api/scenarios", "", &cookie, &[]).0,
        200
    );
    // A browser without the cookie is sent to sign in.
    assert_eq!(s.get("/").0, 303);
    assert_eq!(s.get("/login").0, 200);
    // Too short a token is refused at start (exit 2).
    std::fs::write(&tok, "short").expect("write");
    let o = super::astana(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--token-file",
        &tok.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at least 22 characters"));
}

#[test]
fn a_simulation_job_with_bad_parameters_is_refused_at_submission() {
    let s = Server::start();
    let (status, ctype, body) = s.post(
        "/api/jobs",
        "application/json",
        br#"{"kind":"corridor-simulate","params":{"days":1e300}}"#,
    );
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    assert_eq!(ctype, "application/problem+json");
    let (status, _, body) = s.get("/api/jobs");
    assert_eq!(status, 200);
    let list: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(list["jobs"].as_array().map(Vec::len), Some(0), "{list}");
}
