//! Live mediations over HTTP (issue 13): full runs of both protocols with the engine's bots
//! (the Trans-Caspian domain, three parties), the secrecy matrix (every endpoint × every
//! caller, every byte returned scanned for another party's planted profile values, utilities
//! and acceptances), tokens (401 / identical 404s), 409 / 422 / 413, idempotent answers, and
//! a restart in the middle of a run.

use crate::support::{Reply, Server};
use astana_mediation::bot;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::time::Duration;

const DOMAIN: &str =
    include_str!("../../../../data/scenarios/kazakhstan/negotiation/trans-caspian.toml");

/// The Trans-Caspian domain without its `[[party]]` tables (profiles are private).
pub(crate) fn domain() -> String {
    DOMAIN
        .split("# --- Parties")
        .next()
        .expect("the domain has issues")
        .to_string()
}

/// The three profiles of the domain file with planted, distinctive digits (the same
/// preferences up to tiny offsets): every number a party sends is a string no other party
/// and no public field would produce.
pub(crate) fn profiles() -> Vec<(&'static str, Value)> {
    vec![
        (
            "KAZ",
            json!({
                "reservation": 0.44813,
                "weights": {"through_tariff": 0.3500011, "ferry_slots": 0.2500011, "data_sharing": 0.1000011,
                            "border_hours": 0.1000011, "investment_split": 0.2000011},
                "evaluations": {"through_tariff": [10.000137, 8.000137, 5.000137, 3.000137, 1.000137],
                                "ferry_slots": [0.000137, 5.000137, 8.000137, 10.000137],
                                "data_sharing": [0.000137, 7.000137, 10.000137],
                                "border_hours": [2.000137, 6.000137, 10.000137],
                                "investment_split": [1.000137, 6.000137, 6.000137, 10.000137]}
            }),
        ),
        (
            "AZE",
            json!({
                "reservation": 0.39823,
                "weights": {"through_tariff": 0.3500023, "ferry_slots": 0.2000023, "data_sharing": 0.1000023,
                            "border_hours": 0.0500023, "investment_split": 0.3000023},
                "evaluations": {"through_tariff": [1.000241, 3.000241, 6.000241, 8.000241, 10.000241],
                                "ferry_slots": [10.000241, 8.000241, 5.000241, 1.000241],
                                "data_sharing": [2.000241, 10.000241, 8.000241],
                                "border_hours": [3.000241, 8.000241, 10.000241],
                                "investment_split": [10.000241, 1.000241, 10.000241, 5.000241]}
            }),
        ),
        (
            "GEO",
            json!({
                "reservation": 0.34831,
                "weights": {"through_tariff": 0.3000037, "ferry_slots": 0.1000037, "data_sharing": 0.1500037,
                            "border_hours": 0.2000037, "investment_split": 0.2500037},
                "evaluations": {"through_tariff": [2.000359, 6.000359, 10.000359, 8.000359, 5.000359],
                                "ferry_slots": [4.000359, 7.000359, 10.000359, 9.000359],
                                "data_sharing": [0.000359, 6.000359, 10.000359],
                                "border_hours": [1.000359, 6.000359, 10.000359],
                                "investment_split": [6.000359, 10.000359, 1.000359, 2.000359]}
            }),
        ),
    ]
}

/// The planted numbers of a profile, as the JSON text a leak would contain.
fn planted(profile: &Value) -> Vec<String> {
    let mut out = vec![profile["reservation"].to_string()];
    for w in profile["weights"].as_object().expect("weights").values() {
        out.push(w.to_string());
    }
    for e in profile["evaluations"]
        .as_object()
        .expect("evaluations")
        .values()
    {
        out.extend(e.as_array().expect("list").iter().map(Value::to_string));
    }
    out
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// One request with an optional bearer token.
pub(crate) fn call(
    s: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> Reply {
    let url = s.url(path);
    let a = agent();
    let auth = token.map(|t| format!("Bearer {t}"));
    let sent = match method {
        "GET" => {
            let mut r = a.get(&url);
            if let Some(h) = &auth {
                r = r.header("authorization", h);
            }
            r.call()
        }
        "POST" | "PUT" => {
            let mut r = if method == "POST" {
                a.post(&url)
            } else {
                a.put(&url)
            };
            if let Some(h) = &auth {
                r = r.header("authorization", h);
            }
            match body {
                Some((ct, b)) => r.header("content-type", ct).send(b),
                None => r.send_empty(),
            }
        }
        _ => panic!("call: {method}"),
    };
    let mut r = sent.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let headers: Vec<(String, String)> = r
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let content_type = headers
        .iter()
        .find(|(k, _)| k == "content-type")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let body = r
        .body_mut()
        .with_config()
        .limit(16 << 20)
        .read_to_vec()
        .unwrap_or_else(|e| panic!("{method} {path}: body: {e}"));
    Reply {
        status: r.status().as_u16(),
        content_type,
        headers,
        body,
    }
}

fn json_call(s: &Server, method: &str, path: &str, token: Option<&str>, body: &Value) -> Reply {
    call(
        s,
        method,
        path,
        token,
        Some(("application/json", body.to_string().as_bytes())),
    )
}

/// A created mediation.
pub(crate) struct Created {
    pub(crate) id: String,
    pub(crate) mediator: String,
    pub(crate) parties: Vec<String>,
}

pub(crate) fn create(s: &Server, protocol: &str, seed: u64) -> Created {
    let r = json_call(
        s,
        "POST",
        "/api/mediations",
        None,
        &json!({"domain": domain(), "parties": ["KAZ", "AZE", "GEO"], "protocol": protocol,
                "rounds": 20, "seed": seed}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let v = r.json();
    let id = v["id"].as_str().expect("id").to_string();
    assert_eq!(
        r.header("location"),
        Some(format!("/api/mediations/{id}").as_str())
    );
    let parties: Vec<String> = v["parties"]
        .as_array()
        .expect("parties")
        .iter()
        .map(|p| {
            let t = p["token"].as_str().expect("token").to_string();
            assert_eq!(p["url"], format!("/m/{id}#token={t}"));
            t
        })
        .collect();
    Created {
        id,
        mediator: v["mediator_token"].as_str().expect("token").to_string(),
        parties,
    }
}

/// Everything a caller received: (what was asked, status, headers and body as text).
#[derive(Default)]
struct Seen(BTreeMap<String, Vec<String>>);

impl Seen {
    fn record(&mut self, caller: &str, what: &str, r: &Reply) {
        let mut text = format!("{what} -> {}\n", r.status);
        for (k, v) in &r.headers {
            text.push_str(&format!("{k}: {v}\n"));
        }
        text.push_str(&r.text());
        self.0.entry(caller.to_string()).or_default().push(text);
    }
}

/// An open event stream, read to its end on a thread (the server ends it when it stops).
struct Stream {
    caller: String,
    thread: std::thread::JoinHandle<String>,
}

fn open_stream(s: &Server, id: &str, caller: &str, token: &str) -> Stream {
    let url = s.url(&format!("/api/mediations/{id}/events"));
    let token = token.to_string();
    let thread = std::thread::spawn(move || {
        let mut r = agent()
            .get(&url)
            .header("authorization", &format!("Bearer {token}"))
            .call()
            .expect("events");
        let mut text = format!("GET /events (stream) -> {}\n", r.status().as_u16());
        for (k, v) in r.headers() {
            text.push_str(&format!("{k}: {}\n", String::from_utf8_lossy(v.as_bytes())));
        }
        let reader = BufReader::new(r.body_mut().as_reader());
        for line in reader.lines() {
            match line {
                Ok(l) => {
                    text.push_str(&l);
                    text.push('\n');
                }
                Err(_) => break,
            }
        }
        text
    });
    Stream {
        caller: caller.to_string(),
        thread,
    }
}

/// The callers of the matrix that hold no valid token for mediation `m`.
fn outsiders(m: &Created, other: &Created) -> Vec<(String, Option<String>)> {
    // The right length and alphabet, one character changed.
    let mut near: Vec<u8> = m.parties[0].clone().into_bytes();
    near[10] = if near[10] == b'A' { b'B' } else { b'A' };
    vec![
        ("anonymous".into(), None),
        ("other-mediation".into(), Some(other.parties[0].clone())),
        (
            "forged".into(),
            Some("forgedforgedforgedforgedforgedforgedforged".into()),
        ),
        (
            "one-byte-changed".into(),
            Some(String::from_utf8(near).expect("ascii")),
        ),
    ]
}

/// Drives mediation `m` with the bots to its end, calling every endpoint as every caller at
/// each step; returns the final mediator view and what each caller saw.
fn run_matrix(s: &Server, m: &Created, other: &Created) -> (Value, Seen, Vec<Value>, Vec<Stream>) {
    let names = ["KAZ", "AZE", "GEO"];
    let profiles = profiles();
    let mut seen = Seen::default();
    let mut callers: Vec<(String, Option<String>)> = names
        .iter()
        .zip(&m.parties)
        .map(|(n, t)| ((*n).to_string(), Some(t.clone())))
        .collect();
    callers.push(("mediator".into(), Some(m.mediator.clone())));
    callers.extend(outsiders(m, other));
    let base = format!("/api/mediations/{}", m.id);

    let streams: Vec<Stream> = callers
        .iter()
        .filter_map(|(c, t)| Some(open_stream(s, &m.id, c, t.as_deref()?)))
        .collect();

    // Every caller, every endpoint, with harmless bodies (a party's own writes are its
    // bot's, below).
    let probe = |seen: &mut Seen, round: u64| {
        for (c, t) in &callers {
            let t = t.as_deref();
            let party = names.contains(&c.as_str());
            for path in ["", "/outcome"] {
                let r = call(s, "GET", &format!("{base}{path}"), t, None);
                seen.record(c, &format!("GET {path}"), &r);
            }
            if c != "mediator" && !party {
                // Refused at once (the mediator and the parties hold streams already).
                let r = call(s, "GET", &format!("{base}/events"), t, None);
                seen.record(c, "GET /events", &r);
            }
            if !party {
                for (path, body) in [
                    ("/proposals", json!({"round": round, "package": {}})),
                    ("/responses", json!({"round": round, "accept": true})),
                ] {
                    let r = json_call(s, "POST", &format!("{base}{path}"), t, &body);
                    seen.record(c, &format!("POST {path}"), &r);
                }
                let r = json_call(s, "PUT", &format!("{base}/profile"), t, &profiles[0].1);
                seen.record(c, "PUT /profile", &r);
            }
            if c != "mediator" {
                let r = call(s, "POST", &format!("{base}/start"), t, None);
                seen.record(c, "POST /start", &r);
            }
        }
    };

    probe(&mut seen, 0);
    for ((name, profile), t) in profiles.iter().zip(&m.parties) {
        let r = json_call(s, "PUT", &format!("{base}/profile"), Some(t), profile);
        assert_eq!(r.status, 200, "{}", r.text());
        seen.record(name, "PUT /profile", &r);
    }
    probe(&mut seen, 0);
    let r = call(s, "POST", &format!("{base}/start"), Some(&m.mediator), None);
    assert_eq!(r.status, 200, "{}", r.text());
    seen.record("mediator", "POST /start", &r);

    let mut own_views: Vec<Value> = Vec::new();
    let mut steps = 0;
    loop {
        steps += 1;
        assert!(steps < 500, "the bots did not finish");
        let view = call(s, "GET", &base, Some(&m.mediator), None).json();
        probe(&mut seen, view["round"].as_u64().unwrap_or(0));
        let mut acted = false;
        for (name, t) in names.iter().zip(&m.parties) {
            let r = call(s, "GET", &base, Some(t), None);
            seen.record(name, "GET", &r);
            let v = r.json();
            own_views.push(v.clone());
            if let Some(a) = bot::act(&v) {
                let r = json_call(
                    s,
                    "POST",
                    &format!("{base}/{}", a.endpoint()),
                    Some(t),
                    &a.body(),
                );
                assert_eq!(r.status, 200, "{name} {}: {}", a.endpoint(), r.text());
                seen.record(name, &format!("POST {}", a.endpoint()), &r);
                own_views.push(r.json());
                acted = true;
            }
        }
        if !acted {
            break;
        }
    }
    let last = call(s, "GET", &base, Some(&m.mediator), None).json();
    // The streams end when the server stops; the caller stops it and joins them.
    (last, seen, own_views, streams)
}

/// The utilities a party's own views showed, as text (only numbers long enough not to
/// turn up by chance).
fn utilities_of(views: &[Value], party: &str) -> Vec<String> {
    let mut out = Vec::new();
    for v in views.iter().filter(|v| v["you"] == party) {
        let mut stack = vec![&v["utilities"]];
        while let Some(x) = stack.pop() {
            match x {
                Value::Number(n) => {
                    let t = n.to_string();
                    if t.len() >= 7 {
                        out.push(t);
                    }
                }
                Value::Object(o) => stack.extend(o.values()),
                Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn secrecy_for(protocol: &str) {
    let s = Server::start();
    let m = create(&s, protocol, 7);
    let other = create(&s, protocol, 8);
    let (last, mut seen, own_views, streams) = run_matrix(&s, &m, &other);
    assert_eq!(last["status"], "agreed", "{last}");
    let r = call(
        &s,
        "GET",
        &format!("/api/mediations/{}/outcome", m.id),
        Some(&m.parties[1]),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["agreement"], last["agreement"]);
    assert_eq!(r.header("cache-control"), Some("no-store"));

    s.stop();
    for st in streams {
        let text = st.thread.join().expect("stream thread");
        if ["KAZ", "AZE", "GEO", "mediator"].contains(&st.caller.as_str()) {
            assert!(text.contains("event: view"), "{}: {text}", st.caller);
        }
        seen.0.entry(st.caller.clone()).or_default().push(text);
    }

    let names = ["KAZ", "AZE", "GEO"];
    let profiles = profiles();
    for (i, owner) in names.iter().enumerate() {
        let mut secrets = planted(&profiles[i].1);
        let utilities = utilities_of(&own_views, owner);
        assert!(!utilities.is_empty(), "{owner} saw no utilities");
        // The scan looks for what the owner itself is shown: its own answers contain
        // every planted number and utility, in the same spelling.
        let mine = seen.0[*owner].join("\n");
        for x in planted(&profiles[i].1).iter().chain(&utilities) {
            assert!(mine.contains(x.as_str()), "{owner} never saw its own `{x}`");
        }
        secrets.extend(utilities.iter().cloned());
        for (caller, texts) in &seen.0 {
            if caller == owner {
                continue;
            }
            // A caller's own utilities may equal another's by chance; they are not a leak.
            let own = utilities_of(&own_views, caller);
            for text in texts {
                for secret in secrets.iter().filter(|x| !own.contains(x)) {
                    assert!(
                        !text.contains(secret.as_str()),
                        "{caller} received {owner}'s `{secret}`:\n{text}"
                    );
                }
                // Acceptances: only a party's own `responses` carry an `accept`.
                if !names.contains(&caller.as_str()) {
                    assert!(!text.contains("\"accept\""), "{caller}:\n{text}");
                    assert!(!text.contains("\"utilities\""), "{caller}:\n{text}");
                    assert!(!text.contains("\"profile\":"), "{caller}:\n{text}");
                }
            }
        }
    }
    // Parties see only their own private fields.
    for v in &own_views {
        let me = v["you"].as_str().expect("a party view");
        for (k, _) in v.as_object().expect("object") {
            assert!(
                !names.iter().any(|n| *n != me && k.contains(n)),
                "{me}'s view has a key `{k}` about another party"
            );
        }
    }
    // The outsiders got only the no-token 401 and the one 404, byte for byte.
    let mut bodies = std::collections::BTreeSet::new();
    for c in ["other-mediation", "forged", "one-byte-changed"] {
        for text in &seen.0[c] {
            assert!(text.contains("-> 404\n"), "{c}: {text}");
            bodies.insert(
                text.trim_end()
                    .rsplit('\n')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    for text in &seen.0["anonymous"] {
        assert!(text.contains("-> 401\n"), "anonymous: {text}");
    }
}

#[test]
fn single_text_secrecy_matrix_over_a_full_run() {
    secrecy_for("single-text");
}

#[test]
fn blind_bidding_secrecy_matrix_over_a_full_run() {
    secrecy_for("blind-bidding");
}

/// Drives a mediation with the bots to its end (no probing); returns the mediator's view.
pub(crate) fn drive(s: &Server, m: &Created) -> Value {
    let base = format!("/api/mediations/{}", m.id);
    for _ in 0..500 {
        let mut acted = false;
        for t in &m.parties {
            let v = call(s, "GET", &base, Some(t), None).json();
            if let Some(a) = bot::act(&v) {
                let r = json_call(
                    s,
                    "POST",
                    &format!("{base}/{}", a.endpoint()),
                    Some(t),
                    &a.body(),
                );
                assert_eq!(r.status, 200, "{}", r.text());
                acted = true;
            }
        }
        if !acted {
            return call(s, "GET", &base, Some(&m.mediator), None).json();
        }
    }
    panic!("the bots did not finish");
}

fn submit_profiles(s: &Server, m: &Created) {
    for ((_, p), t) in profiles().iter().zip(&m.parties) {
        let r = json_call(
            s,
            "PUT",
            &format!("/api/mediations/{}/profile", m.id),
            Some(t),
            p,
        );
        assert_eq!(r.status, 200, "{}", r.text());
    }
}

#[test]
fn a_restart_replays_the_log_and_reaches_the_same_agreement() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("astana.db");
    let reference = {
        let s = Server::start_on(&dir.path().join("reference.db"));
        let m = create(&s, "single-text", 99);
        submit_profiles(&s, &m);
        call(
            &s,
            "POST",
            &format!("/api/mediations/{}/start", m.id),
            Some(&m.mediator),
            None,
        );
        drive(&s, &m)
    };
    let s = Server::start_on(&db);
    let m = create(&s, "single-text", 99);
    submit_profiles(&s, &m);
    let r = call(
        &s,
        "POST",
        &format!("/api/mediations/{}/start", m.id),
        Some(&m.mediator),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // One round's answers, then a restart in the middle of the run.
    let base = format!("/api/mediations/{}", m.id);
    let v = call(&s, "GET", &base, Some(&m.parties[0]), None).json();
    let a = bot::act(&v).expect("an action");
    let r = json_call(
        &s,
        "POST",
        &format!("{base}/{}", a.endpoint()),
        Some(&m.parties[0]),
        &a.body(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let before = call(&s, "GET", &base, Some(&m.parties[0]), None).json();
    s.stop();
    let s = Server::start_on(&db);
    let after = call(&s, "GET", &base, Some(&m.parties[0]), None).json();
    assert_eq!(before, after, "the state after a restart differs");
    let end = drive(&s, &m);
    assert_eq!(end["status"], "agreed", "{end}");
    assert_eq!(end["agreement"], reference["agreement"]);
    assert_eq!(end["history"], reference["history"]);
}

#[test]
fn tokens_401_and_identical_404s() {
    let s = Server::start();
    let m = create(&s, "single-text", 1);
    let base = format!("/api/mediations/{}", m.id);
    let r = call(&s, "GET", &base, None, None);
    r.problem(401);
    assert!(r.header("www-authenticate").is_some());
    let wrong = call(&s, "GET", &base, Some(&m.parties[0][1..]), None);
    let unknown = call(
        &s,
        "GET",
        "/api/mediations/0123456789abcdef0123456789abcdef",
        Some(&m.parties[0]),
        None,
    );
    let junk = call(&s, "GET", "/api/mediations/nope", Some(&m.parties[0]), None);
    wrong.problem(404);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.body, junk.body);
    // The right token works; a party cannot start, the mediator cannot answer.
    assert_eq!(
        call(&s, "GET", &base, Some(&m.parties[0]), None).status,
        200
    );
    call(
        &s,
        "POST",
        &format!("{base}/start"),
        Some(&m.parties[0]),
        None,
    )
    .problem(403);
    json_call(
        &s,
        "POST",
        &format!("{base}/responses"),
        Some(&m.mediator),
        &json!({"round": 0, "accept": true}),
    )
    .problem(403);
    // Before every profile is in, the start is a conflict.
    call(
        &s,
        "POST",
        &format!("{base}/start"),
        Some(&m.mediator),
        None,
    )
    .problem(409);
    // No agreement yet.
    call(
        &s,
        "GET",
        &format!("{base}/outcome"),
        Some(&m.mediator),
        None,
    )
    .problem(404);
}

#[test]
fn with_a_server_token_creating_needs_it_and_parties_do_not() {
    let token = "team-token-0123456789abcdefXYZ";
    let s = Server::start_with(|c| c.token = Some(token.into()));
    let body = json!({"domain": domain(), "parties": ["KAZ", "AZE", "GEO"],
                      "protocol": "single-text", "rounds": 5});
    json_call(&s, "POST", "/api/mediations", None, &body).problem(401);
    let r = json_call(&s, "POST", "/api/mediations", Some(token), &body);
    assert_eq!(r.status, 201, "{}", r.text());
    let v = r.json();
    let id = v["id"].as_str().expect("id");
    let party = v["parties"][0]["token"].as_str().expect("token");
    let r = call(
        &s,
        "GET",
        &format!("/api/mediations/{id}"),
        Some(party),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["you"], "KAZ");
    // The server's token is not a mediation's token.
    call(
        &s,
        "GET",
        &format!("/api/mediations/{id}"),
        Some(token),
        None,
    )
    .problem(404);
}

#[test]
fn conflicts_idempotent_repeats_located_errors_and_limits() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("astana.db");
    let s = Server::start_on(&db);
    let m = create(&s, "single-text", 3);
    let base = format!("/api/mediations/{}", m.id);

    // 422, located: a JSON profile with a wrong shape, a TOML one with a bad value.
    let p = json_call(
        &s,
        "PUT",
        &format!("{base}/profile"),
        Some(&m.parties[0]),
        &json!({"reservation": 0.5, "weights": {}, "evaluations": {}, "colour": 1}),
    )
    .problem(422);
    assert_eq!(p["errors"][0]["file"], "profile.json", "{p}");
    assert!(p["errors"][0]["line"].is_number(), "{p}");
    let p = json_call(
        &s,
        "PUT",
        &format!("{base}/profile"),
        Some(&m.parties[0]),
        &json!({"reservation": 0.5, "weights": {"no_such_issue": 1.0}, "evaluations": {}}),
    )
    .problem(422);
    assert!(p.to_string().contains("no_such_issue"), "{p}");
    // TOML: a semantic error names the field; a wrong type is located by line.
    let toml = "reservation = 0.5\nweights = { through_tariff = 1.0 }\n[evaluations]\nthrough_tariff = [1, 2, 3]\n";
    let r = call(
        &s,
        "PUT",
        &format!("{base}/profile"),
        Some(&m.parties[0]),
        Some(("application/toml", toml.as_bytes())),
    );
    let p = r.problem(422);
    assert!(
        p["errors"]
            .as_array()
            .is_some_and(
                |e| e.iter().any(|e| e["field"] == "evaluations.through_tariff"
                    && e["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("3 evaluations")))
            ),
        "{p}"
    );
    let toml = "reservation = 0.5\nweights = { through_tariff = \"heavy\" }\n";
    let r = call(
        &s,
        "PUT",
        &format!("{base}/profile"),
        Some(&m.parties[0]),
        Some(("application/toml", toml.as_bytes())),
    );
    let p = r.problem(422);
    let e = p["errors"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["field"] == "weights.through_tariff"))
        .unwrap_or_else(|| panic!("{p}"));
    assert_eq!(
        (&e["file"], &e["line"]),
        (&json!("profile.toml"), &json!(2)),
        "{p}"
    );
    call(
        &s,
        "PUT",
        &format!("{base}/profile"),
        Some(&m.parties[0]),
        Some(("text/csv", b"a,b")),
    )
    .problem(415);

    // 413: bodies over the limits.
    let big = json!({"round": 0, "accept": vec!["S1"; 4000]});
    json_call(
        &s,
        "POST",
        &format!("{base}/responses"),
        Some(&m.parties[0]),
        &big,
    )
    .problem(413);
    let huge = json!({"domain": "#".repeat(300_000), "parties": ["A", "B"],
                      "protocol": "single-text", "rounds": 5});
    json_call(&s, "POST", "/api/mediations", None, &huge).problem(413);
    // 422: a bad setup, located in the domain.
    let p = json_call(
        &s,
        "POST",
        "/api/mediations",
        None,
        &json!({"domain": "[[issue]]\nname = 3\n", "parties": ["A", "A"],
                "protocol": "single-text", "rounds": 0}),
    )
    .problem(422);
    assert!(p["errors"].as_array().is_some_and(|e| e.len() >= 2), "{p}");

    submit_profiles(&s, &m);
    assert_eq!(
        call(
            &s,
            "POST",
            &format!("{base}/start"),
            Some(&m.mediator),
            None
        )
        .status,
        200
    );
    // A profile after the start is a conflict.
    json_call(
        &s,
        "PUT",
        &format!("{base}/profile"),
        Some(&m.parties[0]),
        &profiles()[0].1,
    )
    .problem(409);

    // Round 1: answer, repeat (200, unchanged), change the answer (409).
    let v = call(&s, "GET", &base, Some(&m.parties[0]), None).json();
    let round = v["round"].as_u64().expect("round");
    let a = bot::act(&v).expect("an action");
    let r1 = json_call(
        &s,
        "POST",
        &format!("{base}/responses"),
        Some(&m.parties[0]),
        &a.body(),
    );
    assert_eq!(r1.status, 200, "{}", r1.text());
    let r2 = json_call(
        &s,
        "POST",
        &format!("{base}/responses"),
        Some(&m.parties[0]),
        &a.body(),
    );
    assert_eq!(r2.status, 200, "{}", r2.text());
    assert_eq!(r1.json(), r2.json());
    let accept = a.body()["accept"].as_bool().expect("a boolean");
    json_call(
        &s,
        "POST",
        &format!("{base}/responses"),
        Some(&m.parties[0]),
        &json!({"round": round, "accept": !accept}),
    )
    .problem(409);
    // 422: the wrong kind of answer.
    json_call(
        &s,
        "POST",
        &format!("{base}/responses"),
        Some(&m.parties[1]),
        &json!({"round": round, "accept": ["S1"]}),
    )
    .problem(422);
    // Everyone answers; the round moves on, and the old round is a conflict.
    drive_one_round(&s, &m);
    let v = call(&s, "GET", &base, Some(&m.parties[0]), None).json();
    assert!(
        v["round"].as_u64() > Some(round) || v["phase"] != "responses",
        "{v}"
    );
    json_call(
        &s,
        "POST",
        &format!("{base}/responses"),
        Some(&m.parties[0]),
        &json!({"round": round, "accept": accept}),
    )
    .problem(409);
    s.stop();

    // The repeat stored nothing: 3 profiles, the start, 3 answers of round 1.
    let store = astana_store::Store::open(&db).expect("store");
    let log = store.mediation(&m.id).expect("read").expect("present");
    let kinds: Vec<&str> = log
        .events
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["profile", "profile", "profile", "start", "respond", "respond", "respond"]
    );
}

/// Every party whose bot has something to do acts once.
fn drive_one_round(s: &Server, m: &Created) {
    let base = format!("/api/mediations/{}", m.id);
    for t in &m.parties {
        let v = call(s, "GET", &base, Some(t), None).json();
        if let Some(a) = bot::act(&v) {
            let r = json_call(
                s,
                "POST",
                &format!("{base}/{}", a.endpoint()),
                Some(t),
                &a.body(),
            );
            assert_eq!(r.status, 200, "{}", r.text());
        }
    }
}

#[test]
fn the_openapi_document_lists_the_mediation_operations() {
    let s = Server::start();
    let doc = s.get("/api/openapi.json").json();
    for (path, method) in [
        ("/api/mediations", "post"),
        ("/api/mediations/{id}", "get"),
        ("/api/mediations/{id}/profile", "put"),
        ("/api/mediations/{id}/start", "post"),
        ("/api/mediations/{id}/proposals", "post"),
        ("/api/mediations/{id}/responses", "post"),
        ("/api/mediations/{id}/events", "get"),
        ("/api/mediations/{id}/outcome", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{path} {method}");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["capability"]["scheme"],
        "bearer"
    );
}
