//! `astana cluster`: a scheduler and two executors, each a separate `astana` process on
//! loopback, run the columnar engine's own plan (`astana_trade::aggregate`) on a multi-file,
//! hive-partitioned Parquet dataset, and the answers are identical to the embedded run's, in
//! the library and through `astana balance --cluster`.

use super::{astana, scratch, stderr, stdout};
use astana_trade::{By, Cell, Filter, Source};
use datafusion::arrow::array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A hang guard, not a speed check: starting and registering takes well under a second
/// unloaded, but this machine is shared.
const READY_WAIT: Duration = Duration::from_secs(180);
const QUERY_WAIT: Duration = Duration::from_secs(600);

/// The key of one aggregated cell: year, reporter, partner, flow.
type Key = (i32, String, String, String);

/// The cluster's processes: killed and reaped on every path, a panic included.
struct Procs(Vec<(String, Child, Arc<Mutex<String>>)>);

impl Drop for Procs {
    fn drop(&mut self) {
        for (_, child, _) in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Procs {
    /// Starts `astana ARGS`; its stdout lines arrive on the receiver, its stderr is kept for
    /// failure messages.
    fn spawn(&mut self, name: &str, args: &[&str]) -> Receiver<String> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_astana"))
            .args(args)
            .current_dir(scratch("cluster-cwd"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start astana");
        let (tx, rx) = channel();
        let out = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let err_text = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("stderr");
        let sink = err_text.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = err.read(&mut buf) {
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        self.0.push((name.to_string(), child, err_text));
        rx
    }

    /// What every process wrote on stderr so far (for failure messages).
    fn stderrs(&self) -> String {
        self.0
            .iter()
            .map(|(n, _, e)| {
                format!(
                    "--- {n} stderr:\n{}",
                    e.lock().map(|s| s.clone()).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Waits (bounded) for the first stdout line starting with `prefix`.
    fn wait_for(&self, rx: &Receiver<String>, prefix: &str) -> String {
        let deadline = std::time::Instant::now() + READY_WAIT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(_) => {}
                Err(e) => panic!("no {prefix:?} line ({e}):\n{}", self.stderrs()),
            }
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// splitmix64: a seeded generator, so the dataset is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const REPORTERS: [&str; 12] = [
    "KAZ", "UZB", "KGZ", "TJK", "TKM", "AZE", "GEO", "ARM", "MNG", "TUR", "IRN", "PAK",
];
const PARTNERS: [&str; 16] = [
    "CHN", "RUS", "DEU", "ITA", "NLD", "FRA", "USA", "KOR", "JPN", "IND", "TUR", "KAZ", "UZB",
    "BLR", "POL", "BRA",
];
const FLOWS: [&str; 2] = ["exports", "imports"];

/// Writes `dir/year=Y/part-N.parquet` (the flows table of the contract, without the year
/// column, which the folder carries): 4 years × 3 files × 8,334 rows ≈ 10⁵ rows. Values are
/// whole dollars below 10⁹, so every sum (< 2⁵³) is exact in any order of addition and the
/// distributed and embedded answers can be compared for equality. Returns the sums per key
/// computed here, in integers.
fn write_dataset(dir: &Path) -> BTreeMap<Key, u64> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("period", DataType::Utf8, false),
        Field::new("reporter", DataType::Utf8, false),
        Field::new("partner", DataType::Utf8, false),
        Field::new("flow", DataType::Utf8, false),
        Field::new("product", DataType::Utf8, true),
        Field::new("value_usd", DataType::Float64, false),
        Field::new("estimate", DataType::Utf8, false),
        Field::new("source", DataType::Utf8, false),
    ]));
    let mut rng = Rng(15);
    let mut expected = BTreeMap::new();
    for year in 2020..2024 {
        let folder = dir.join(format!("year={year}"));
        std::fs::create_dir_all(&folder).expect("year folder");
        for part in 0..3 {
            let (mut rep, mut par, mut flo, mut prod, mut val) =
                (vec![], vec![], vec![], vec![], vec![]);
            for _ in 0..8_334 {
                let r = REPORTERS[rng.below(REPORTERS.len() as u64) as usize];
                let p = PARTNERS[rng.below(PARTNERS.len() as u64) as usize];
                if p == r {
                    continue; // no trade with oneself
                }
                let f = FLOWS[rng.below(2) as usize];
                // Heavy-tailed like trade: most cells small, a few large.
                let v = rng.below(1_000) * 10u64.pow(rng.below(7) as u32);
                *expected
                    .entry((year, r.to_string(), p.to_string(), f.to_string()))
                    .or_insert(0) += v;
                rep.push(r);
                par.push(p);
                flo.push(f);
                prod.push(Some(format!("{:06}", rng.below(5_000) * 7)));
                val.push(v as f64);
            }
            let n = rep.len();
            let columns: Vec<ArrayRef> = vec![
                Arc::new(StringArray::from(vec!["FY"; n])),
                Arc::new(StringArray::from(rep)),
                Arc::new(StringArray::from(par)),
                Arc::new(StringArray::from(flo)),
                Arc::new(StringArray::from(prod)),
                Arc::new(Float64Array::from(val)),
                Arc::new(StringArray::from(vec!["no"; n])),
                Arc::new(StringArray::from(vec!["synthetic-seed-15"; n])),
            ];
            let batch = RecordBatch::try_new(schema.clone(), columns).expect("batch");
            let file = std::fs::File::create(folder.join(format!("part-{part}.parquet")))
                .expect("parquet file");
            let mut w = ArrowWriter::try_new(file, schema.clone(), None).expect("writer");
            w.write(&batch).expect("write");
            w.close().expect("close");
        }
    }
    expected
}

/// The columnar engine's partner view on `ctx`: exactly the plan `balance --flows` runs.
async fn cells(ctx: &datafusion::prelude::SessionContext, dir: &Path, by: By) -> Vec<Cell> {
    let src = Source::from_path(dir).expect("a hive folder");
    astana_trade::aggregate(ctx, &src, &Filter::default(), by)
        .await
        .expect("the aggregation")
}

/// The cells as (year, reporter, partner, flow) → value.
fn by_key(cells: &[Cell]) -> BTreeMap<Key, f64> {
    let mut out = BTreeMap::new();
    for c in cells {
        let key = (
            c.year,
            c.reporter.to_string(),
            c.partner.to_string(),
            c.flow.to_string(),
        );
        assert!(out.insert(key, c.value_usd).is_none(), "a key twice");
    }
    out
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(32 << 20)
        .build()
        .expect("runtime")
}

#[test]
fn ballista_cluster_of_three_processes_matches_the_embedded_run() {
    let dir = scratch("cluster-data");
    let data = dir.join("flows");
    let _ = std::fs::remove_dir_all(&data);
    let expected = write_dataset(&data);
    // 12 reporters × 15 partners (not themselves; 3 of the 12 are among the 16), 2 flows.
    assert_eq!(expected.len(), 4 * (12 * 16 - 3) * 2, "every cell has rows");

    let mut procs = Procs(Vec::new());
    let sched_rx = procs.spawn(
        "scheduler",
        &["cluster", "scheduler", "--bind", "127.0.0.1:0"],
    );
    let line = procs.wait_for(&sched_rx, "scheduler listening on ");
    let sched = line["scheduler listening on ".len()..].trim().to_string();
    let mut execs = Vec::new();
    for i in 0..2 {
        let bind = format!("127.0.0.1:{}", free_port());
        let work = dir.join(format!("work-{i}"));
        std::fs::create_dir_all(&work).expect("work dir");
        let rx = procs.spawn(
            &format!("executor {i}"),
            &[
                "cluster",
                "executor",
                "--scheduler",
                &sched,
                "--bind",
                &bind,
                "--concurrency",
                "2",
                "--work-dir",
                work.to_str().expect("UTF-8"),
            ],
        );
        execs.push((rx, bind));
    }
    for (rx, bind) in &execs {
        let line = procs.wait_for(rx, "executor ");
        assert!(
            line.ends_with(&format!("listening on {bind}, registered with {sched}")),
            "{line}"
        );
    }

    let rt = runtime();
    let embedded = rt.block_on(cells(&astana_trade::session(), &data, By::Partner));
    let remote = rt.block_on(async {
        let ctx = astana_cluster::remote_context(&sched)
            .await
            .expect("the scheduler answers");
        tokio::time::timeout(QUERY_WAIT, cells(&ctx, &data, By::Partner)).await
    });
    let remote = remote.unwrap_or_else(|_| panic!("the cluster query hung:\n{}", procs.stderrs()));

    let as_f64: BTreeMap<Key, f64> = expected
        .iter()
        .map(|(k, v)| (k.clone(), *v as f64))
        .collect();
    assert_eq!(
        by_key(&embedded),
        as_f64,
        "embedded run against the sums computed while writing"
    );
    assert_eq!(remote, embedded, "Ballista run against the embedded run");
    let total: f64 = remote.iter().map(|c| c.value_usd).sum();
    assert_eq!(total, expected.values().sum::<u64>() as f64);

    // The CLI: the same document byte for byte, partner view and product view.
    let flows = data.to_str().expect("UTF-8");
    for view in [
        &["--all", "--json"][..],
        &["--all", "--flow", "exports", "--json"],
        &["--by", "product", "--flow", "exports", "--all", "--json"],
    ] {
        let run = |cluster: Option<&str>| {
            let mut args = vec!["balance", "--flows", flows];
            args.extend_from_slice(view);
            if let Some(c) = cluster {
                args.extend(["--cluster", c]);
            }
            let o = astana(&args);
            assert_eq!(
                o.status.code(),
                Some(0),
                "{args:?}: {}\n{}",
                stderr(&o),
                procs.stderrs()
            );
            stdout(&o)
        };
        let here = run(None);
        let there = run(Some(&sched));
        assert!(here.len() > 1_000, "{view:?}: a real document: {here}");
        assert!(here == there, "{view:?}: the cluster's document differs");
    }
    drop(procs);
}

#[test]
fn scheduler_stops_cleanly_on_sigterm() {
    let mut procs = Procs(Vec::new());
    let rx = procs.spawn(
        "scheduler",
        &["cluster", "scheduler", "--bind", "127.0.0.1:0"],
    );
    procs.wait_for(&rx, "scheduler listening on ");
    let pid = procs.0[0].1.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
    let deadline = std::time::Instant::now() + READY_WAIT;
    let status = loop {
        if let Some(s) = procs.0[0].1.try_wait().expect("wait") {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "{}", procs.stderrs());
}

#[test]
fn balance_cluster_names_an_unreachable_scheduler() {
    let dir = scratch("cluster-unreachable");
    let flows = dir.join("flows.csv");
    std::fs::write(
        &flows,
        "year,reporter,partner,flow,value_usd,source\n2023,KAZ,CHN,exports,1,x\n",
    )
    .expect("flows");
    let addr = format!("127.0.0.1:{}", free_port());
    let o = astana(&[
        "balance",
        "--flows",
        flows.to_str().expect("UTF-8"),
        "--cluster",
        &addr,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.starts_with(&format!(
            "error: cannot reach the Ballista scheduler at {addr}: "
        )),
        "{e}"
    );
    assert!(
        e.contains("hint: start one with `astana cluster scheduler --bind"),
        "{e}"
    );
}

#[test]
fn cluster_flags_are_checked_before_anything_starts() {
    let o = astana(&["balance", "--flows", "x.csv", "--cluster", "localhost"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: --cluster \"localhost\": no port"),
        "{}",
        stderr(&o)
    );
    let o = astana(&["cluster", "scheduler", "--bind", "sched:50050"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--bind \"sched:50050\": expected IP:PORT"),
        "{}",
        stderr(&o)
    );
    let o = astana(&["cluster", "executor", "--concurrency", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--concurrency 0: must be from 1 to 4096"),
        "{}",
        stderr(&o)
    );
    // --cluster needs --flows: a cluster reads files every executor can reach, not the
    // embedded scenario.
    let o = astana(&["balance", "--cluster", "127.0.0.1:50050"]);
    assert_eq!(o.status.code(), Some(2));
}
