//! The harness: a server started in-process on 127.0.0.1:0 with its own database (stopped
//! when the guard drops), and a small blocking HTTP client.

use astana_server::Config;
use serde_json::Value;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A hang guard for every request (a test that waits on the server fails instead of
/// blocking the suite forever); not an assertion about speed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// A running server; stops (gracefully) when dropped.
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), astana_server::ServeError>>>,
    // Declared last: the folder (and its database) goes after the server stopped.
    _dir: Option<tempfile::TempDir>,
}

/// A config for tests: a small machine's worth of workers, a short drain.
pub(crate) fn config(db: &Path) -> Config {
    Config {
        db: db.to_path_buf(),
        addr: "127.0.0.1:0".into(),
        heavy: 2,
        job_workers: 2,
        drain: Duration::from_secs(2),
        ..Config::default()
    }
}

impl Server {
    /// A server on a fresh database in a temporary folder.
    pub(crate) fn start() -> Server {
        Server::start_with(|_| {})
    }

    /// A server on a fresh database, with `tweak` applied to the test config.
    pub(crate) fn start_with(tweak: impl FnOnce(&mut Config)) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut c = config(&dir.path().join("astana.db"));
        tweak(&mut c);
        let mut s = Server::start_config(c);
        s._dir = Some(dir);
        s
    }

    /// A server on the database `db` (kept after the server stops).
    pub(crate) fn start_on(db: &Path) -> Server {
        Server::start_config(config(db))
    }

    fn start_config(config: Config) -> Server {
        let (addr_tx, addr_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(astana_server::ServeError::Runtime)?;
            rt.block_on(astana_server::run(
                config,
                move |addr| {
                    let _ = addr_tx.send(addr);
                },
                async move {
                    let _ = stop_rx.await;
                },
            ))
        });
        match addr_rx.recv() {
            Ok(addr) => Server {
                addr,

                stop: Some(stop_tx),
                thread: Some(thread),
                _dir: None,
            },
            // The sender went away without an address: the server failed to start.
            Err(_) => match thread.join() {
                Ok(Err(e)) => panic!("the server did not start: {e}"),
                Ok(Ok(())) => panic!("the server stopped before listening"),
                Err(_) => panic!("the server thread panicked before listening"),
            },
        }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops the server and waits for it (jobs drained, database closed); panics if it
    /// ended with an error.
    pub(crate) fn stop(mut self) {
        if let Err(e) = self.halt() {
            panic!("the server stopped with an error: {e}");
        }
    }

    fn halt(&mut self) -> Result<(), String> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        match self.thread.take().map(JoinHandle::join) {
            None => Ok(()),
            Some(Ok(r)) => r.map_err(|e| e.to_string()),
            Some(Err(_)) => Err("the server thread panicked".into()),
        }
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        request(&self.url(path), "GET", None)
    }

    pub(crate) fn delete(&self, path: &str) -> Reply {
        request(&self.url(path), "DELETE", None)
    }

    pub(crate) fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Reply {
        request(&self.url(path), "POST", Some((content_type, body)))
    }

    pub(crate) fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.post(path, "application/json", body.to_string().as_bytes())
    }

    /// Submits a job and waits until it is final; returns its last view.
    pub(crate) fn run_job(&self, body: &Value) -> Value {
        let r = self.post_json("/api/jobs", body);
        assert_eq!(r.status, 202, "{}", r.text());
        let id = r.json()["id"].as_str().expect("job id").to_string();
        self.wait_job(&id)
    }

    /// Follows job `id` over its event stream until it ends; returns its view.
    pub(crate) fn wait_job(&self, id: &str) -> Value {
        // The stream closes after the `end` event: reading it to the end is the wait.
        let events = self.get(&format!("/api/jobs/{id}/events"));
        assert_eq!(events.status, 200, "{}", events.text());
        let j = self.get(&format!("/api/jobs/{id}")).json();
        assert!(
            !matches!(j["state"].as_str(), Some("queued" | "running")),
            "job {id} not final after its event stream closed: {j}"
        );
        j
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Err(e) = self.halt() {
            // Not a panic inside a drop that may run during a panic.
            eprintln!("error: the test server stopped with an error: {e}");
        }
    }
}

/// An HTTP answer.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON (panics with the body when it is not).
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// A header's value (first of that name, case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Checks this is RFC 9457 problem details with `status`; returns the document.
    #[track_caller]
    pub(crate) fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.content_type,
            "application/problem+json",
            "{}",
            self.text()
        );
        let p = self.json();
        assert_eq!(p["status"], status, "{p}");
        for key in ["type", "title", "detail"] {
            assert!(p[key].is_string(), "problem without `{key}`: {p}");
        }
        p
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(REQUEST_TIMEOUT))
        .build()
        .into()
}

/// One request; any status is an answer (only a transport failure panics).
pub(crate) fn request(url: &str, method: &str, body: Option<(&str, &[u8])>) -> Reply {
    try_request(url, method, body).unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

/// One request; a transport failure is an error.
pub(crate) fn try_request(
    url: &str,
    method: &str,
    body: Option<(&str, &[u8])>,
) -> Result<Reply, ureq::Error> {
    let a = agent();
    let sent = match (method, body) {
        ("GET", None) => a.get(url).call(),
        ("DELETE", None) => a.delete(url).call(),
        ("POST", Some((ct, b))) => a.post(url).header("content-type", ct).send(b),
        ("POST", None) => a.post(url).send_empty(),
        _ => panic!("request: {method} with body {}", body.is_some()),
    };
    let mut r = sent?;
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect::<Vec<_>>();
    let content_type = headers
        .iter()
        .find(|(k, _)| k == "content-type")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let body = r.body_mut().with_config().limit(256 << 20).read_to_vec()?;
    Ok(Reply {
        status: r.status().as_u16(),
        content_type,
        headers,
        body,
    })
}

/// The embedded scenario's files (path, bytes).
pub(crate) fn embedded_files() -> Vec<(String, Vec<u8>)> {
    astana_scenario::embedded_files()
        .iter()
        .map(|(p, t)| ((*p).to_string(), t.as_bytes().to_vec()))
        .collect()
}

/// Files as a zip archive (paths as given).
pub(crate) fn zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (p, b) in files {
        out.start_file(p.as_str(), o).expect("zip entry");
        out.write_all(b).expect("zip write");
    }
    out.finish().expect("zip finish").into_inner()
}

/// Files as a tar.gz archive under the folder `top`.
pub(crate) fn tar_gz(top: &str, files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (p, b) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(b.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, format!("{top}/{p}"), b.as_slice())
            .expect("tar entry");
    }
    tar.into_inner()
        .expect("tar finish")
        .finish()
        .expect("gzip finish")
}

/// The files of a zip archive, sorted by path.
pub(crate) fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut files = Vec::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).expect("zip entry");
        if e.is_dir() {
            continue;
        }
        let mut b = Vec::new();
        e.read_to_end(&mut b).expect("zip read");
        files.push((e.name().to_string(), b));
    }
    files.sort();
    files
}
