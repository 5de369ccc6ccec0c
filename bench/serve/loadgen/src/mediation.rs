//! `--mediations N`: N live mediations at once (issue 13), each with three bot parties on
//! the Trans-Caspian domain (KAZ, AZE, GEO with the scenario's profiles); half single text,
//! half blind bidding, 20 rounds, post-settlement on.
//!
//! Per mediation: the mediator creates it (`POST /api/mediations`), each party sends its
//! profile (`PUT …/profile`), the mediator starts it once all three are in; then each party
//! follows its own `GET …/events` stream (Server-Sent Events, as the browser page does) and
//! answers every view that asks something of it with the engine's bot
//! (`astana_mediation::bot::act`) on a second keep-alive connection. At the end every
//! party reads its view once more: each answer that got a 2xx must be among its own
//! `responses` (else it counts as lost), and the mediator reads the outcome.
//!
//! With `--think-ms MEAN` each party waits an exponentially distributed think time of that
//! mean before each request it sends (its profile and every answer), drawn from its own
//! seeded generator (people take seconds); without it the parties answer at once, a closed
//! loop that measures queueing more than response time.
//!
//! Latency is measured per request type, from the send to the last body byte (think time
//! excluded). Prints one JSON document.

use crate::{call, connect, num, quantile, status_kb, Opts, Sender};
use astana_negotiation::{native, Negotiation};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DOMAIN: &str =
    include_str!("../../../../data/scenarios/kazakhstan/negotiation/trans-caspian.toml");
const KINDS: [&str; 7] = [
    "create",
    "profile",
    "start",
    "proposals",
    "responses",
    "view",
    "outcome",
];

#[derive(Default)]
struct Tally {
    lat: BTreeMap<&'static str, Vec<u32>>,
    errors: BTreeMap<&'static str, u64>,
    /// Statuses other than 2xx, by status (409s are counted apart: a bot answering a
    /// view that a newer one has already overtaken).
    statuses: BTreeMap<u16, u64>,
    io_errors: u64,
    acked: u64,
    lost: u64,
    agreed: u64,
    no_agreement: u64,
    unfinished: u64,
    events: u64,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        for (k, v) in o.lat {
            self.lat.entry(k).or_default().extend(v);
        }
        for (k, v) in o.errors {
            *self.errors.entry(k).or_default() += v;
        }
        for (k, v) in o.statuses {
            *self.statuses.entry(k).or_default() += v;
        }
        self.io_errors += o.io_errors;
        self.acked += o.acked;
        self.lost += o.lost;
        self.agreed += o.agreed;
        self.no_agreement += o.no_agreement;
        self.unfinished += o.unfinished;
        self.events += o.events;
    }
}

/// The domain without its parties, and each party's profile as the JSON it PUTs.
fn domain() -> (String, Vec<(String, Value)>) {
    let neg: Negotiation = native::read("trans-caspian.toml", DOMAIN).expect("the domain");
    let q = |s: &str| serde_json::to_string(s).expect("a string");
    let mut t = format!("name = {}\n", q(&neg.name));
    for i in &neg.issues {
        let v: Vec<String> = i.values.iter().map(|x| q(x)).collect();
        t.push_str(&format!(
            "\n[[issue]]\nname = {}\nvalues = [{}]\n",
            q(&i.name),
            v.join(", ")
        ));
    }
    let profiles = neg
        .parties
        .iter()
        .map(|p| {
            let mut weights = serde_json::Map::new();
            let mut evaluations = serde_json::Map::new();
            for (j, issue) in neg.issues.iter().enumerate() {
                let w = p.weights[j];
                weights.insert(issue.name.clone(), json!(w));
                let e: Vec<f64> = p.terms[j]
                    .iter()
                    .map(|x| if w > 0.0 { x / w } else { 0.0 })
                    .collect();
                evaluations.insert(issue.name.clone(), json!(e));
            }
            (
                p.name.clone(),
                json!({"reservation": p.reservation, "weights": weights, "evaluations": evaluations}),
            )
        })
        .collect();
    (t, profiles)
}

/// One authorised request, timed under `kind`; the status and the JSON body.
// The request's parts are passed as they are: a struct for them would only move the list.
#[allow(clippy::too_many_arguments)]
async fn timed(
    t: &mut Tally,
    s: &mut Option<Sender>,
    addr: &str,
    kind: &'static str,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Option<(u16, Value)> {
    if s.is_none() {
        match connect(addr).await {
            Ok(c) => *s = Some(c),
            Err(_) => {
                t.io_errors += 1;
                return None;
            }
        }
    }
    let sender = s.as_mut()?;
    let t0 = Instant::now();
    let r = match token {
        None => call(sender, addr, method, path, body).await,
        Some(tok) => authorised(sender, addr, method, path, tok, body).await,
    };
    match r {
        Ok((status, bytes)) => {
            let us = u32::try_from(t0.elapsed().as_micros()).unwrap_or(u32::MAX);
            t.lat.entry(kind).or_default().push(us);
            if !(200..300).contains(&status) {
                *t.errors.entry(kind).or_default() += 1;
                *t.statuses.entry(status).or_default() += 1;
            }
            Some((
                status,
                serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            ))
        }
        Err(_) => {
            t.io_errors += 1;
            *s = None;
            None
        }
    }
}

async fn authorised(
    s: &mut Sender,
    host: &str,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> Result<(u16, Bytes), hyper::Error> {
    s.ready().await?;
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(HOST, host)
        .header(AUTHORIZATION, format!("Bearer {token}"));
    if body.is_some() {
        req = req.header(CONTENT_TYPE, "application/json");
    }
    let req = req
        .body(Full::new(Bytes::from(body.unwrap_or_default().to_string())))
        .expect("a valid request");
    let resp = s.send_request(req).await?;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

/// A party's think times: exponential with mean `mean_ms`, from a splitmix64 stream seeded
/// per party (reproducible, no dependency for a dozen lines).
struct Think {
    mean_ms: f64,
    state: u64,
}

impl Think {
    async fn pause(&mut self) {
        if self.mean_ms <= 0.0 {
            return;
        }
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // u in (0, 1]; capped at 10 means so one draw cannot stall a run.
        let u = ((z >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        let ms = (-u.ln() * self.mean_ms).min(10.0 * self.mean_ms);
        tokio::time::sleep(Duration::from_secs_f64(ms / 1000.0)).await;
    }
}

/// One party: profile, then follow its events and answer with the bot until the end.
/// Returns its tally; `profiled` is told once the profile is in.
async fn party(
    o: Arc<Opts>,
    base: String,
    token: String,
    profile: Value,
    profiled: tokio::sync::mpsc::Sender<bool>,
    deadline: Instant,
    seed: u64,
) -> Tally {
    let mut t = Tally::default();
    let addr = o.addr.clone();
    let mut s = None;
    let mut think = Think {
        mean_ms: o.think_ms,
        state: seed,
    };
    think.pause().await;
    let body = profile.to_string();
    let ok = matches!(
        timed(
            &mut t,
            &mut s,
            &addr,
            "profile",
            Method::PUT,
            &format!("{base}/profile"),
            Some(&token),
            Some(&body)
        )
        .await,
        Some((200..=299, _))
    );
    let _ = profiled.send(ok).await;
    if !ok {
        return t;
    }
    // Answers that got a 2xx: (round, endpoint).
    let mut acked: Vec<(u64, &'static str)> = Vec::new();
    let mut last = Value::Null;
    let mut answered = std::collections::BTreeSet::new();
    'stream: while Instant::now() < deadline {
        let Ok(mut es) = connect(&addr).await else {
            t.io_errors += 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let req = Request::builder()
            .uri(format!("{base}/events"))
            .header(HOST, &addr)
            .header(ACCEPT, "text/event-stream")
            .header(AUTHORIZATION, format!("Bearer {token}"))
            .body(Full::new(Bytes::new()))
            .expect("a request");
        let Ok(resp) = es.send_request(req).await else {
            t.io_errors += 1;
            continue;
        };
        let mut body = resp.into_body();
        let mut buf = String::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let frame = match tokio::time::timeout(left, body.frame()).await {
                Ok(Some(Ok(f))) => f,
                Ok(None) | Ok(Some(Err(_))) => continue 'stream,
                Err(_) => break 'stream,
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            buf.push_str(&String::from_utf8_lossy(&data));
            while let Some(i) = buf.find("\n\n") {
                let block: String = buf.drain(..i + 2).collect();
                let data: String = block
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(|l| l.strip_prefix(' ').unwrap_or(l))
                    .collect::<Vec<_>>()
                    .join("\n");
                let Ok(view) = serde_json::from_str::<Value>(&data) else {
                    continue;
                };
                t.events += 1;
                if view["phase"] == "done" || view["status"] == "no_agreement" {
                    last = view;
                    break 'stream;
                }
                // A view already answered (computed before our answer committed, still in
                // the stream) is skipped: answering it again could only be a stale repeat.
                let step = (
                    view["round"].as_u64().unwrap_or(0),
                    view["phase"].to_string(),
                );
                if answered.contains(&step) {
                    continue;
                }
                if let Some(a) = astana_mediation::bot::act(&view) {
                    think.pause().await;
                    let kind = if a.endpoint() == "proposals" {
                        "proposals"
                    } else {
                        "responses"
                    };
                    let b = a.body();
                    if let Some((st, _)) = timed(
                        &mut t,
                        &mut s,
                        &addr,
                        kind,
                        Method::POST,
                        &format!("{base}/{kind}"),
                        Some(&token),
                        Some(&b.to_string()),
                    )
                    .await
                    {
                        if (200..300).contains(&st) {
                            answered.insert(step);
                            acked.push((b["round"].as_u64().unwrap_or(0), kind));
                        }
                    }
                }
            }
        }
    }
    // The final view: every acknowledged answer is there.
    if let Some((200, v)) = timed(
        &mut t,
        &mut s,
        &addr,
        "view",
        Method::GET,
        &base,
        Some(&token),
        None,
    )
    .await
    {
        last = v;
    }
    let own = last["responses"].as_array().cloned().unwrap_or_default();
    for (round, kind) in &acked {
        t.acked += 1;
        let found = own.iter().any(|r| {
            r["round"].as_u64() == Some(*round)
                && (if *kind == "proposals" {
                    r.get("package").is_some()
                } else {
                    r.get("accept").is_some()
                })
        });
        if !found {
            t.lost += 1;
        }
    }
    t
}

/// One mediation: create, profiles, start, the parties' run, the outcome.
async fn mediation(
    i: usize,
    o: Arc<Opts>,
    domain: Arc<(String, Vec<(String, Value)>)>,
    ready: Arc<tokio::sync::Barrier>,
    deadline: Instant,
) -> Tally {
    let mut t = Tally::default();
    let addr = o.addr.clone();
    let mut s = connect(&addr).await.ok();
    ready.wait().await;
    let (text, profiles) = &*domain;
    let protocol = if i.is_multiple_of(2) {
        "single-text"
    } else {
        "blind-bidding"
    };
    let ids: Vec<&str> = profiles.iter().map(|(p, _)| p.as_str()).collect();
    let create = json!({"domain": text, "parties": ids, "protocol": protocol, "rounds": 20,
        "post_settlement": true, "seed": i as u64})
    .to_string();
    let Some((201, made)) = timed(
        &mut t,
        &mut s,
        &addr,
        "create",
        Method::POST,
        "/api/mediations",
        None,
        Some(&create),
    )
    .await
    else {
        t.unfinished += 1;
        return t;
    };
    let (Some(id), Some(mtok)) = (made["id"].as_str(), made["mediator_token"].as_str()) else {
        t.unfinished += 1;
        return t;
    };
    let base = format!("/api/mediations/{id}");
    let (tx, mut rx) = tokio::sync::mpsc::channel(3);
    let mut parties = Vec::new();
    for (k, (_, profile)) in profiles.iter().enumerate() {
        let token = made["parties"][k]["token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        parties.push(tokio::spawn(party(
            o.clone(),
            base.clone(),
            token,
            profile.clone(),
            tx.clone(),
            deadline,
            ((i as u64) << 8) | k as u64,
        )));
    }
    drop(tx);
    let mut all = true;
    for _ in 0..profiles.len() {
        all &= rx.recv().await.unwrap_or(false);
    }
    if all {
        timed(
            &mut t,
            &mut s,
            &addr,
            "start",
            Method::POST,
            &format!("{base}/start"),
            Some(mtok),
            None,
        )
        .await;
    }
    for p in parties {
        if let Ok(pt) = p.await {
            t.add(pt);
        }
    }
    match timed(
        &mut t,
        &mut s,
        &addr,
        "view",
        Method::GET,
        &base,
        Some(mtok),
        None,
    )
    .await
    {
        Some((200, v)) if v["status"] == "agreed" && v["phase"] == "done" => {
            t.agreed += 1;
            timed(
                &mut t,
                &mut s,
                &addr,
                "outcome",
                Method::GET,
                &format!("{base}/outcome"),
                Some(mtok),
                None,
            )
            .await;
        }
        Some((200, v)) if v["status"] == "no_agreement" => t.no_agreement += 1,
        _ => t.unfinished += 1,
    }
    t
}

pub(crate) async fn run(o: Arc<Opts>, n: usize) {
    let domain = Arc::new(domain());
    let ready = Arc::new(tokio::sync::Barrier::new(n + 1));
    // A hang guard: a mediation not done by then counts as unfinished.
    let deadline = Instant::now() + Duration::from_secs_f64(o.seconds.max(1.0) + 5.0);
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            tokio::spawn(mediation(
                i,
                o.clone(),
                domain.clone(),
                ready.clone(),
                deadline,
            ))
        })
        .collect();
    ready.wait().await;
    let start = Instant::now();
    let rss = Arc::new(Mutex::new(0u64));
    let sampler = o.pid.map(|pid| {
        let rss = rss.clone();
        tokio::spawn(async move {
            loop {
                let now = status_kb(pid, "VmRSS:").unwrap_or(0);
                {
                    let mut m = rss.lock().expect("lock");
                    *m = (*m).max(now);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    });
    let mut total = Tally::default();
    for task in tasks {
        if let Ok(t) = task.await {
            total.add(t);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    if let Some(s) = sampler {
        s.abort();
    }
    let max_rss = *rss.lock().expect("lock");
    let hwm = o.pid.and_then(|p| status_kb(p, "VmHWM:"));
    let mut all: Vec<u32> = total.lat.values().flatten().copied().collect();
    all.sort_unstable();
    let mut kinds = Vec::new();
    for k in KINDS {
        let mut v = total.lat.remove(k).unwrap_or_default();
        v.sort_unstable();
        kinds.push(format!(
            "\"{k}\":{{\"requests\":{},\"errors\":{},\"p50_ms\":{},\"p99_ms\":{},\"max_ms\":{}}}",
            v.len(),
            total.errors.get(k).copied().unwrap_or(0),
            num(quantile(&v, 0.5)),
            num(quantile(&v, 0.99)),
            num(quantile(&v, 1.0))
        ));
    }
    let statuses: Vec<String> = total
        .statuses
        .iter()
        .map(|(k, v)| format!("\"{k}\":{v}"))
        .collect();
    println!(
        "{{\"mediations\":{n},\"seconds\":{},\"requests\":{},\"requests_per_s\":{},\"mediations_per_s\":{},\
\"p50_ms\":{},\"p99_ms\":{},\"max_ms\":{},\"agreed\":{},\"no_agreement\":{},\"unfinished\":{},\
\"errors\":{},\"io_errors\":{},\"statuses\":{{{}}},\"acknowledged\":{},\"lost\":{},\"events\":{},\
\"max_rss_mb\":{},\"hwm_mb\":{},\"by_kind\":{{{}}}}}",
        num(secs),
        all.len(),
        num(all.len() as f64 / secs),
        num(n as f64 / secs),
        num(quantile(&all, 0.5)),
        num(quantile(&all, 0.99)),
        num(quantile(&all, 1.0)),
        total.agreed,
        total.no_agreement,
        total.unfinished,
        total.errors.values().sum::<u64>(),
        total.io_errors,
        statuses.join(","),
        total.acked,
        total.lost,
        total.events,
        num(max_rss as f64 / 1024.0),
        hwm.map_or("null".into(), |h| num(h as f64 / 1024.0)),
        kinds.join(","),
    );
}
