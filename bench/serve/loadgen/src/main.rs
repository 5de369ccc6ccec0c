//! A small closed-loop HTTP/1.1 load generator for `bench/serve/run.sh`.
//!
//! ```text
//! astana-loadgen [--connections N] [--seconds S] [--threads T] [--pid PID] [--rate R]
//!                [--job BODY [--job-submitters K]] http://HOST:PORT PATH...
//! astana-loadgen --mediations N [--think-ms MEAN] [--seconds S] [--threads T] [--pid PID] http://HOST:PORT
//! ```
//!
//! With `--mediations N`: N live mediations at once, three bot parties each (see
//! `mediation.rs`); `--seconds` is then a hang guard, not the run's length.
//!
//! Opens N keep-alive connections first (one unmeasured request on each), then, for S seconds, each sends a GET for the next
//! path (round robin from its own offset) as soon as the previous answer has been read to
//! its last byte (a closed loop: the server's throughput sets the pace, and by Little's law
//! the mean latency is N ÷ throughput); the latency of a request is from the send to that
//! last byte. With `--rate R` the load is open instead: R requests a second in all, each
//! connection on its own schedule, and a request's latency counts from when it was due, so
//! a slow answer that delays the next send is not hidden (no coordinated omission). With `--job`,
//! K more connections keep jobs running alongside: `POST /api/jobs` with BODY, poll the job
//! every 50 ms until it ends, repeat. With `--pid`, the server's VmRSS is sampled every
//! 200 ms. Prints one JSON document.
//!
//! Why not oha: its default build pulls in rustls with aws-lc (a C build), a TUI and a DNS
//! resolver — minutes of compiling on the shared 2-core machine for features a loopback
//! benchmark does not use. This needs tokio and hyper only, which astana already uses.

mod mediation;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::{Duration, Instant};

type Sender = SendRequest<Full<Bytes>>;

struct Opts {
    connections: usize,
    seconds: f64,
    threads: usize,
    /// Requests a second over all connections (open loop); `None`: closed loop.
    rate: Option<f64>,
    pid: Option<u32>,
    job: Option<String>,
    job_submitters: usize,
    /// Live mediations at once (the mediation mode).
    mediations: Option<usize>,
    /// Mediation mode: each bot's mean think time before each request, in ms (exponential,
    /// seeded per bot); 0: answer at once (a closed loop).
    think_ms: f64,
    /// `HOST:PORT`.
    addr: String,
    paths: Vec<String>,
}

fn usage(why: &str) -> ! {
    eprintln!("error: {why}");
    eprintln!(
        "usage: astana-loadgen [--connections N] [--seconds S] [--threads T] [--pid PID] \
         [--job BODY [--job-submitters K]] http://HOST:PORT PATH..."
    );
    std::process::exit(2)
}

fn parse() -> Opts {
    let mut o = Opts {
        connections: 1000,
        seconds: 20.0,
        threads: 2,
        rate: None,
        pid: None,
        job: None,
        job_submitters: 2,
        mediations: None,
        think_ms: 0.0,
        addr: String::new(),
        paths: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    let mut base = None;
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| usage(&format!("{name} needs a value")))
        };
        fn num<T: std::str::FromStr>(name: &str, v: &str) -> T {
            v.parse()
                .unwrap_or_else(|_| usage(&format!("{name}: `{v}` is not a number")))
        }
        match a.as_str() {
            "--connections" => o.connections = num(&a, &value(&a)),
            "--seconds" => o.seconds = num(&a, &value(&a)),
            "--threads" => o.threads = num(&a, &value(&a)),
            "--pid" => o.pid = Some(num(&a, &value(&a))),
            "--rate" => o.rate = Some(num(&a, &value(&a))),
            "--job" => o.job = Some(value(&a)),
            "--job-submitters" => o.job_submitters = num(&a, &value(&a)),
            "--mediations" => o.mediations = Some(num(&a, &value(&a))),
            "--think-ms" => o.think_ms = num(&a, &value(&a)),
            _ if a.starts_with("--") => usage(&format!("unknown option {a}")),
            _ if base.is_none() => base = Some(a),
            _ => o.paths.push(a),
        }
    }
    let base = base.unwrap_or_else(|| usage("give the server's base URL"));
    o.addr = base
        .strip_prefix("http://")
        .unwrap_or_else(|| usage("the base URL must start with http://"))
        .trim_end_matches('/')
        .to_string();
    if (o.mediations.is_none() && o.paths.is_empty()) || o.paths.iter().any(|p| !p.starts_with('/'))
    {
        usage("give at least one path, each starting with /");
    }
    if !(o.seconds.is_finite() && o.seconds > 0.0 && o.seconds <= 3600.0) {
        usage("--seconds: 0 to 3600");
    }
    if o.rate
        .is_some_and(|r| !(r.is_finite() && r > 0.0 && r <= 1e7))
    {
        usage("--rate: requests a second, above 0");
    }
    if !(o.think_ms.is_finite() && (0.0..=600_000.0).contains(&o.think_ms)) {
        usage("--think-ms: 0 to 600000");
    }
    if !(1..=20_000).contains(&o.connections) || !(1..=64).contains(&o.threads) {
        usage("--connections 1..=20000, --threads 1..=64");
    }
    o
}

async fn connect(addr: &str) -> Result<Sender, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let _ = stream.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// One request; the status and the body (read whole, so the latency covers it).
async fn call(
    s: &mut Sender,
    host: &str,
    method: Method,
    path: &str,
    body: Option<&str>,
) -> Result<(u16, Bytes), hyper::Error> {
    s.ready().await?;
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(HOST, host);
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

#[derive(Default)]
struct Tally {
    /// Latencies in µs, per path.
    lat: Vec<Vec<u32>>,
    /// Answers that were not 2xx, per path.
    http_errors: Vec<u64>,
    /// Broken connections and failed connects.
    io_errors: u64,
    bytes: u64,
}

async fn worker(i: usize, o: Arc<Opts>, ready: Arc<tokio::sync::Barrier>) -> Tally {
    let n = o.paths.len();
    let mut t = Tally {
        lat: vec![Vec::new(); n],
        http_errors: vec![0; n],
        ..Tally::default()
    };
    let mut sender = connect(&o.addr).await.ok();
    // One unmeasured request first, so the clock starts on warm connections.
    match &mut sender {
        Some(s) => {
            if call(s, &o.addr, Method::GET, &o.paths[i % n], None)
                .await
                .is_err()
            {
                t.io_errors += 1;
                sender = None;
            }
        }
        None => t.io_errors += 1,
    }
    ready.wait().await;
    let start = Instant::now();
    let end = start + Duration::from_secs_f64(o.seconds);
    // Open loop: this connection's sends are due every `every`, staggered across connections.
    let every = o
        .rate
        .map(|r| Duration::from_secs_f64(o.connections as f64 / r));
    let mut due = every.map(|e| start + e.mul_f64(i as f64 / o.connections as f64));
    let mut k = i % n;
    while Instant::now() < end {
        let s = match &mut sender {
            Some(s) => s,
            None => match connect(&o.addr).await {
                Ok(s) => sender.insert(s),
                Err(_) => {
                    t.io_errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let t0 = match (&mut due, every) {
            (Some(d), Some(e)) => {
                let at = *d;
                *d += e;
                if at >= end {
                    break;
                }
                tokio::time::sleep_until(at.into()).await;
                at
            }
            _ => Instant::now(),
        };
        match call(s, &o.addr, Method::GET, &o.paths[k], None).await {
            Ok((status, body)) => {
                let us = u32::try_from(t0.elapsed().as_micros()).unwrap_or(u32::MAX);
                t.lat[k].push(us);
                t.bytes += body.len() as u64;
                if !(200..300).contains(&status) {
                    t.http_errors[k] += 1;
                }
            }
            Err(_) => {
                t.io_errors += 1;
                sender = None;
            }
        }
        k = (k + 1) % n;
    }
    t
}

#[derive(Default)]
struct Jobs {
    done: u64,
    /// Ended otherwise (failed, cancelled, interrupted) or never ended in the grace time.
    other: u64,
    errors: u64,
    /// Submit to end, in ms.
    took: Vec<u32>,
}

fn field<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("\"{key}\":\"");
    let at = json.find(&pat)? + pat.len();
    let rest = &json[at..];
    Some(&rest[..rest.find('"')?])
}

async fn submitter(o: Arc<Opts>, body: String, ready: Arc<tokio::sync::Barrier>) -> Jobs {
    let mut j = Jobs::default();
    let mut sender = connect(&o.addr).await.ok();
    ready.wait().await;
    let end = Instant::now() + Duration::from_secs_f64(o.seconds);
    // A job still running at the end gets this long to finish before it counts as `other`.
    let grace = end + Duration::from_secs(60);
    'jobs: while Instant::now() < end {
        let s = match &mut sender {
            Some(s) => s,
            None => match connect(&o.addr).await {
                Ok(s) => sender.insert(s),
                Err(_) => {
                    j.errors += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let t0 = Instant::now();
        let id = match call(s, &o.addr, Method::POST, "/api/jobs", Some(&body)).await {
            Ok((202, b)) => match field(&String::from_utf8_lossy(&b), "id") {
                Some(id) => id.to_string(),
                None => {
                    j.errors += 1;
                    continue;
                }
            },
            Ok(_) => {
                j.errors += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            Err(_) => {
                j.errors += 1;
                sender = None;
                continue;
            }
        };
        let path = format!("/api/jobs/{id}");
        while Instant::now() < grace {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let Some(s) = &mut sender else { break };
            match call(s, &o.addr, Method::GET, &path, None).await {
                Ok((200, b)) => match field(&String::from_utf8_lossy(&b), "state") {
                    Some("queued" | "running") => {}
                    Some("done") => {
                        j.done += 1;
                        j.took
                            .push(u32::try_from(t0.elapsed().as_millis()).unwrap_or(u32::MAX));
                        continue 'jobs;
                    }
                    _ => {
                        j.other += 1;
                        continue 'jobs;
                    }
                },
                Ok(_) => {
                    j.errors += 1;
                    continue 'jobs;
                }
                Err(_) => {
                    j.errors += 1;
                    sender = None;
                }
            }
        }
        j.other += 1;
    }
    j
}

fn status_kb(pid: u32, key: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The `q` quantile of sorted `v` (nearest rank), in ms.
fn quantile(v: &[u32], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    f64::from(v[rank - 1]) / 1000.0
}

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        "null".into()
    }
}

fn stats(v: &mut [u32]) -> String {
    v.sort_unstable();
    format!(
        "\"requests\":{},\"p50_ms\":{},\"p90_ms\":{},\"p99_ms\":{},\"max_ms\":{}",
        v.len(),
        num(quantile(v, 0.5)),
        num(quantile(v, 0.9)),
        num(quantile(v, 0.99)),
        num(quantile(v, 1.0)),
    )
}

fn main() {
    let o = Arc::new(parse());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.threads)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match o.mediations {
        Some(n) => rt.block_on(mediation::run(o.clone(), n)),
        None => rt.block_on(run(o)),
    }
}

async fn run(o: Arc<Opts>) {
    let submitters = if o.job.is_some() { o.job_submitters } else { 0 };
    // Everyone connects first; the clock starts when all are connected.
    let ready = Arc::new(tokio::sync::Barrier::new(o.connections + submitters + 1));
    let workers: Vec<_> = (0..o.connections)
        .map(|i| tokio::spawn(worker(i, o.clone(), ready.clone())))
        .collect();
    let jobs: Vec<_> = (0..submitters)
        .map(|_| {
            let body = o.job.clone().unwrap_or_default();
            tokio::spawn(submitter(o.clone(), body, ready.clone()))
        })
        .collect();
    ready.wait().await;
    let start = Instant::now();
    let sampler = o.pid.map(|pid| {
        let secs = o.seconds;
        tokio::spawn(async move {
            let end = Instant::now() + Duration::from_secs_f64(secs);
            let mut max = 0;
            while Instant::now() < end {
                max = max.max(status_kb(pid, "VmRSS:").unwrap_or(0));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            max
        })
    });

    let n = o.paths.len();
    let mut all = Tally {
        lat: vec![Vec::new(); n],
        http_errors: vec![0; n],
        ..Tally::default()
    };
    for w in workers {
        let t = w.await.expect("a worker");
        for (a, b) in all.lat.iter_mut().zip(t.lat) {
            a.extend(b);
        }
        for (a, b) in all.http_errors.iter_mut().zip(t.http_errors) {
            *a += b;
        }
        all.io_errors += t.io_errors;
        all.bytes += t.bytes;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let mut js = Jobs::default();
    for j in jobs {
        let j = j.await.expect("a job submitter");
        js.done += j.done;
        js.other += j.other;
        js.errors += j.errors;
        js.took.extend(j.took);
    }
    let rss_max = match sampler {
        Some(s) => s.await.ok(),
        None => None,
    };

    let mut every: Vec<u32> = all.lat.iter().flatten().copied().collect();
    let total = every.len();
    let http_errors: u64 = all.http_errors.iter().sum();
    let per_path: Vec<String> = o
        .paths
        .iter()
        .zip(all.lat.iter_mut())
        .zip(&all.http_errors)
        .map(|((p, v), e)| {
            format!(
                "{{\"path\":\"{}\",{},\"http_errors\":{e}}}",
                p.replace('\\', "\\\\").replace('"', "\\\""),
                stats(v)
            )
        })
        .collect();
    let mut out = format!(
        "{{\"connections\":{},\"rate\":{},\"threads\":{},\"seconds\":{},{},\"req_per_s\":{},\
         \"http_errors\":{http_errors},\"io_errors\":{},\"mb_per_s\":{},\"paths\":[{}]",
        o.connections,
        o.rate.map_or("null".into(), num),
        o.threads,
        num(elapsed),
        stats(&mut every),
        num(total as f64 / elapsed),
        all.io_errors,
        num(all.bytes as f64 / elapsed / 1e6),
        per_path.join(","),
    );
    if o.job.is_some() {
        js.took.sort_unstable();
        out += &format!(
            ",\"jobs\":{{\"submitters\":{submitters},\"done\":{},\"other\":{},\"errors\":{},\"p50_s\":{}}}",
            js.done,
            js.other,
            js.errors,
            num(quantile(&js.took, 0.5)),
        );
    }
    if let Some(pid) = o.pid {
        out += &format!(
            ",\"rss_max_mb\":{},\"hwm_mb\":{}",
            num(rss_max.unwrap_or(0) as f64 / 1024.0),
            num(status_kb(pid, "VmHWM:").unwrap_or(0) as f64 / 1024.0),
        );
    }
    out.push('}');
    println!("{out}");
}
