//! End-to-end in a real browser: Debian's `chromium`, driven through `chromedriver` over
//! WebDriver (fantoccini), against a server each test starts on a free port.
//!
//! Each test starts its own chromedriver (on a free port, killed on drop) and a headless
//! Chromium with a throw-away profile. Without `chromium` and `chromedriver` on PATH
//! (`ASTANA_CHROMIUM` / `ASTANA_CHROMEDRIVER` override) the tests fail under `CI` and are
//! skipped elsewhere; the sentinel `browser_is_installed` then shows as ignored with the
//! reason, so a skipped browser run never passes anonymously.
//!
//! Adding a page is one line: `page_test!(name, "/path", "words of its h1")`. The page must
//! answer 200, have a title and exactly one `<h1>` containing the words (case-insensitive),
//! no horizontal scroll at 400 px and at 1400 px, and every same-origin link on it must
//! answer below 400.

use crate::support::{embedded_files, request, try_request, zip, Server};

mod live;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::future::Future;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The widths a page must fit without horizontal scroll: a desktop, a phone. Widest first:
/// headless Chromium does not grow a window past the size it started with
/// (`--window-size=1400,900`), but shrinks it.
const WIDTHS: [u32; 2] = [1400, 400];

/// A hang guard for waits in the browser (chromedriver's start, a job's end); not an
/// assertion about speed.
const WAIT: Duration = Duration::from_secs(300);

macro_rules! page_test {
    ($(#[$m:meta])* $name:ident, $path:expr, $h1:expr) => {
        $(#[$m])*
        #[test]
        fn $name() {
            check_page($path, $h1);
        }
    };
}

// The pages. `{job}` stands for the id of a finished `brief` job.
page_test!(index_page, "/", "scenarios");
page_test!(brief_page, "/api/scenarios/kazakhstan/brief", "kazakhstan");
page_test!(balance_page, "/s/kazakhstan/balance", "balance");
page_test!(power_page, "/s/kazakhstan/power", "power");
page_test!(corridor_page, "/s/kazakhstan/corridor", "corridor");
page_test!(mediation_page, "/s/kazakhstan/mediation", "mediation");
page_test!(new_mediation_page, "/mediations/new", "mediation");
page_test!(live_mediation_page, "/m/no-such-id", "mediation");
page_test!(forum_page, "/s/kazakhstan/forum", "forum");
page_test!(job_page, "/jobs/{job}", "job");

/// Opens `path` in the browser and checks what every page owes its reader.
fn check_page(path: &'static str, h1: &'static str) {
    let Some(browser) = Browser::start() else {
        return;
    };
    let server = Server::start();
    let path = if path.contains("{job}") {
        let j = server.run_job(&json!({"kind": "brief"}));
        path.replace("{job}", j["id"].as_str().expect("job id"))
    } else {
        path.to_string()
    };
    let url = server.url(&path);
    let r = request(&url, "GET", None);
    assert_eq!(r.status, 200, "GET {path}: {}", r.text());
    assert!(
        r.content_type.starts_with("text/html"),
        "{}",
        r.content_type
    );
    let origin = server.url("");
    browser.run(|c| async move {
        c.goto(&url).await.expect("open the page");
        let title = c.title().await.expect("title");
        assert!(!title.trim().is_empty(), "{path}: no <title>");
        let heads = c.find_all(Locator::Css("h1")).await.expect("h1");
        assert_eq!(heads.len(), 1, "{path}: {} <h1> elements", heads.len());
        let text = heads[0].text().await.expect("h1 text");
        assert!(
            text.to_lowercase().contains(&h1.to_lowercase()),
            "{path}: <h1> is {text:?}, expected it to contain {h1:?}"
        );
        assert_accessible(&c, &path).await;
        for width in WIDTHS {
            assert_fits(&c, &path, width).await;
        }
        for link in same_origin_links(&c, &origin).await {
            let r = request(&link, "GET", None);
            assert!(r.status < 400, "{path}: link {link} answers {}", r.status);
        }
    });
}

/// The basics a screen reader and a keyboard need: a page language; every form control with
/// a label (`<label for>`, a wrapping label or `aria-label`); no control taken out of the tab
/// order; every image with a text alternative.
async fn assert_accessible(c: &Client, path: &str) {
    let v = c
        .execute(
            r#"const bad = [];
if (!document.documentElement.lang) bad.push('no <html lang>');
for (const e of document.querySelectorAll('input, select, textarea, button')) {
  if (e.type === 'hidden') continue;
  const named = (e.labels && e.labels.length) || e.getAttribute('aria-label')
    || e.getAttribute('aria-labelledby') || (e.tagName === 'BUTTON' && e.textContent.trim())
    || ((e.type === 'submit' || e.type === 'button') && e.value);
  if (!named) bad.push('unlabelled ' + e.tagName.toLowerCase() + ' ' + (e.name || e.id || ''));
  if (e.tabIndex < 0) bad.push('out of the tab order: ' + (e.name || e.id || e.tagName));
}
for (const i of document.querySelectorAll('img')) if (!i.hasAttribute('alt')) bad.push('img without alt');
return bad;"#,
            vec![],
        )
        .await
        .expect("accessibility check");
    let bad: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(bad.is_empty(), "{path}: {bad:?}");
}

/// Resizes the window to `width` and checks the page does not scroll sideways.
async fn assert_fits(c: &Client, path: &str, width: u32) {
    let (scroll, inner) = measure(c, path, width).await;
    assert!(
        scroll <= inner,
        "{path}: scrolls sideways at {width} px (content {scroll} px wide, viewport {inner} px)"
    );
}

/// Resizes the window to `width`; the document's width and the viewport's.
async fn measure(c: &Client, path: &str, width: u32) -> (u64, u64) {
    c.set_window_size(width, 900).await.expect("resize");
    let m = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .expect("measure");
    let (scroll, inner) = (
        m[0].as_u64().expect("scrollWidth"),
        m[1].as_u64().expect("innerWidth"),
    );
    // The viewport must really be this narrow, or the check proves nothing.
    assert!(
        inner <= u64::from(width) && inner + 40 >= u64::from(width),
        "{path}: asked for {width} px, the viewport is {inner} px"
    );
    (scroll, inner)
}

/// Most pages the brief may print to on A4 (17 measured on 2026-11-30 with Chromium 156:
/// the 19 of before less the space saved, plus a summary and a page of notes); a bound with
/// one page of slack for fonts, not a target.
const BRIEF_PAGES: usize = 18;

/// The brief on a phone and on paper: at 400 px every chart's text renders at 10 px or more
/// (SVG text scales with its chart's width), and printed to A4 it takes at most
/// [`BRIEF_PAGES`] pages, with page numbers.
#[test]
fn the_brief_reads_on_a_phone_and_prints() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let server = Server::start();
    let url = server.url("/api/scenarios/kazakhstan/brief?date=2026-11-30");
    browser.run(|c| async move {
        c.goto(&url).await.expect("open the brief");
        assert_fits(&c, "brief", 1400).await;
        assert_fits(&c, "brief", 400).await;
        let v = c
            .execute(
                r#"let least = Infinity, which = '', n = 0;
for (const t of document.querySelectorAll('svg text')) {
  const m = t.getScreenCTM();
  if (!m || !t.textContent.trim()) continue;
  n++;
  const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
  if (px < least) { least = px; which = t.textContent; }
}
return [least, which, n];"#,
                vec![],
            )
            .await
            .expect("measure chart text");
        let (least, which, n) = (
            v[0].as_f64().expect("px"),
            v[1].as_str().unwrap_or_default().to_string(),
            v[2].as_u64().expect("count"),
        );
        assert!(n > 100, "only {n} chart texts");
        assert!(
            least >= 10.0,
            "chart text {which:?} renders at {least:.1} px at 400 px"
        );
        let config = fantoccini::wd::PrintConfiguration::builder()
            .size(fantoccini::wd::PrintSize::A4)
            .build()
            .expect("print settings");
        let pdf = c.print(config).await.expect("print to PDF");
        let pages = pdf_pages(&pdf);
        assert!(
            (5..=BRIEF_PAGES).contains(&pages),
            "the brief prints to {pages} pages (at most {BRIEF_PAGES})"
        );
    });
}

/// Page objects in a PDF (`/Type /Page`, not `/Pages`): Chromium writes them uncompressed.
fn pdf_pages(pdf: &[u8]) -> usize {
    let key = b"/Type /Page";
    pdf.windows(key.len() + 1)
        .filter(|w| w.starts_with(key) && !w[key.len()].is_ascii_alphabetic())
        .count()
}

/// The width check sees a page that scrolls sideways (so its passing means something).
#[test]
fn the_width_check_sees_sideways_scroll() {
    let Some(browser) = Browser::start() else {
        return;
    };
    browser.run(|c| async move {
        let page =
            "data:text/html,<!doctype html><title>wide</title><div style='width:600px'>x</div>";
        c.goto(page).await.expect("open");
        let (scroll, inner) = measure(&c, "wide", 1400).await;
        assert!(scroll <= inner, "{scroll} > {inner} at 1400 px");
        let (scroll, inner) = measure(&c, "wide", 400).await;
        assert!(scroll > inner, "{scroll} <= {inner} at 400 px");
        assert!(scroll >= 600, "{scroll}");
    });
}

/// The absolute URLs of the page's links to its own server (fragments dropped, each once).
async fn same_origin_links(c: &Client, origin: &str) -> Vec<String> {
    let v = c
        .execute(
            "return Array.from(document.querySelectorAll('a[href]'), a => a.href);",
            vec![],
        )
        .await
        .expect("links");
    let mut links: Vec<String> = v
        .as_array()
        .expect("array")
        .iter()
        .filter_map(Value::as_str)
        .filter(|h| h.starts_with(origin))
        .map(|h| h.split('#').next().unwrap_or(h).to_string())
        .collect();
    links.sort();
    links.dedup();
    links
}

#[test]
fn the_index_has_a_title() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let server = Server::start();
    let url = server.url("/");
    browser.run(|c| async move {
        c.goto(&url).await.expect("open /");
        let title = c.title().await.expect("title");
        assert!(title.to_lowercase().contains("astana"), "{title:?}");
        let h1 = c.find(Locator::Css("h1")).await.expect("h1");
        assert!(!h1.text().await.expect("text").trim().is_empty());
    });
}

/// The scenario upload form: `input[type=file]` (and an `id` field if the form has one),
/// submitted as a person would; the scenario is then stored and listed on `/`.
#[test]
fn upload_a_scenario_from_the_page() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let server = Server::start();
    // The embedded scenario under another name, so its id is not the built-in's.
    let files: Vec<(String, Vec<u8>)> = embedded_files()
        .into_iter()
        .map(|(p, b)| {
            if p == "scenario.toml" {
                let t = String::from_utf8(b).expect("utf-8");
                let t = t.replacen("name = \"Kazakhstan\"", "name = \"Browser upload\"", 1);
                (p, t.into_bytes())
            } else {
                (p, b)
            }
        })
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let archive = dir.path().join("browser-upload.zip");
    std::fs::write(&archive, zip(&files)).expect("write the zip");
    let (url, index) = (server.url("/"), server.url("/"));
    let check = server.url("/api/scenarios/browser-upload");
    browser.run(|c| async move {
        c.goto(&url).await.expect("open /");
        let input = c
            .find(Locator::Css("input[type=file]"))
            .await
            .expect("a file input on /");
        input
            .send_keys(&archive.display().to_string())
            .await
            .expect("choose the file");
        if let Ok(id) = c.find(Locator::Css("form input[name=id]")).await {
            id.send_keys("browser-upload").await.expect("type the id");
        }
        // A `<button>` without a type submits its form too.
        let submit = c
            .find(Locator::Css(
                "form:has(input[type=file]) :is(button:not([type=button]):not([type=reset]), input[type=submit])",
            ))
            .await
            .expect("the upload form's submit button");
        submit.click().await.expect("submit");
        let check = check.as_str();
        wait_until(move || async move { request(check, "GET", None).status == 200 }).await;
        c.goto(&index).await.expect("open / again");
        let body = c
            .find(Locator::Css("body"))
            .await
            .expect("body")
            .text()
            .await
            .expect("text");
        assert!(body.contains("Browser upload"), "not listed on /: {body}");
    });
}

/// Schedules the scenario's forum from its page (the submit button whose text says
/// "schedule"), lands on the job page, and waits there until the job is done; returns the
/// job page's URL.
async fn schedule_the_forum(c: &Client, server_url: &str) -> String {
    c.goto(&format!("{server_url}/s/kazakhstan/forum"))
        .await
        .expect("open the forum page");
    let button = c
        .find(Locator::XPath(
            "//form//*[(self::button or self::input[@type='submit']) and \
             contains(translate(concat(., @value), 'SCHEDULE', 'schedule'), 'schedule')]",
        ))
        .await
        .expect("a schedule button on the forum page");
    button.click().await.expect("schedule");
    wait_until(move || async move {
        c.current_url()
            .await
            .is_ok_and(|u| u.path().starts_with("/jobs/"))
    })
    .await;
    let job_url = c.current_url().await.expect("url").to_string();
    let id = job_url
        .rsplit("/jobs/")
        .next()
        .and_then(|s| s.split(['?', '#', '/']).next())
        .expect("job id")
        .to_string();
    let api = format!("{server_url}/api/jobs/{id}");
    let api = api.as_str();
    wait_until(move || async move {
        let j = request(api, "GET", None).json();
        !matches!(j["state"].as_str(), Some("queued" | "running"))
    })
    .await;
    assert_eq!(request(api, "GET", None).json()["state"], "done");
    // The page itself says so (live update or refresh).
    wait_until(move || async move {
        let _ = c.refresh().await;
        let text = match c.find(Locator::Css("body")).await {
            Ok(b) => b.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        text.to_lowercase().contains("done")
    })
    .await;
    job_url
}

#[test]
fn run_a_job_to_completion_from_the_page() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let server = Server::start();
    let base = server.url("");
    browser.run(|c| async move {
        let job = schedule_the_forum(&c, &base).await;
        // A finished job's progress bar, if it shows one, is full.
        let bar = c
            .execute(
                "const p = document.querySelector('progress'); return p && [p.value, p.max];",
                vec![],
            )
            .await
            .expect("progress");
        if let Some([v, max]) = bar.as_array().map(Vec::as_slice) {
            assert_eq!(v, max, "{job}: progress {v} of {max}");
        }
    });
}

/// A person's calendar from the scheduled forum: the link's href answers `text/calendar`.
#[test]
fn download_a_calendar() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let server = Server::start();
    let base = server.url("");
    browser.run(|c| async move {
        schedule_the_forum(&c, &base).await;
        let link = match c.find(Locator::Css("a[href$='.ics']")).await {
            Ok(a) => a,
            Err(_) => {
                c.goto(&format!("{base}/s/kazakhstan/forum"))
                    .await
                    .expect("forum page");
                c.find(Locator::Css("a[href$='.ics']"))
                    .await
                    .expect("a calendar link on the job or forum page")
            }
        };
        let href = link.prop("href").await.expect("href").expect("an href");
        let r = request(&href, "GET", None);
        assert_eq!(r.status, 200, "{href}");
        assert!(
            r.content_type.starts_with("text/calendar"),
            "{href}: {}",
            r.content_type
        );
        assert!(r.text().starts_with("BEGIN:VCALENDAR"), "{href}");
        assert!(r.text().contains("BEGIN:VEVENT"), "{href}");
    });
}

/// The browser and its driver are installed (under `CI` this must hold), and a session
/// starts and renders a page of the server.
#[test]
#[cfg_attr(
    astana_no_browser,
    ignore = "chromium or chromedriver not on PATH: the browser tests pass without checking (apt-get install chromium chromium-driver)"
)]
fn browser_is_installed() {
    let tools = Tools::find();
    assert!(tools.is_some(), "{}", Tools::missing());
    let browser = Browser::start().expect("found above");
    let server = Server::start();
    let url = server.url("/api/health");
    browser.run(|c| async move {
        c.goto(&url).await.expect("open");
        let agent = c
            .execute("return navigator.userAgent;", vec![])
            .await
            .expect("user agent");
        assert!(
            agent.as_str().is_some_and(|a| a.contains("Chrome")),
            "{agent}"
        );
        let text = c
            .find(Locator::Css("body"))
            .await
            .expect("body")
            .text()
            .await
            .expect("text");
        assert!(text.contains("\"status\":\"ok\""), "{text}");
    });
}

/// Polls `ready` every 100 ms until it holds; panics after [`WAIT`].
async fn wait_until<F, Fut>(mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let until = std::time::Instant::now() + WAIT;
    while !ready().await {
        assert!(
            std::time::Instant::now() < until,
            "gave up after {WAIT:?} (a hang guard, not a speed check)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Where the browser and its driver are.
struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

impl Tools {
    fn find() -> Option<Tools> {
        Some(Tools {
            chromium: which("ASTANA_CHROMIUM", &["chromium", "chromium-browser"])?,
            chromedriver: which("ASTANA_CHROMEDRIVER", &["chromedriver"])?,
        })
    }

    fn missing() -> String {
        format!(
            "Debian's chromium and chromedriver are needed (apt-get install chromium chromium-driver; .ci/run installs them){}",
            if std::env::var_os("CI").is_some() {
                " (CI is set: the browser tests cannot be skipped)"
            } else {
                ""
            }
        )
    }
}

/// `$env` if it names a file, else the first of `names` on PATH.
fn which(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// A chromedriver on a free port with a headless Chromium behind it; killed on drop.
struct Browser {
    driver: Child,
    port: u16,
    chromium: PathBuf,
    profile: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
}

impl Browser {
    /// `None` (skip) when the browser is missing outside CI; a panic under CI.
    fn start() -> Option<Browser> {
        let Some(tools) = Tools::find() else {
            if std::env::var_os("CI").is_some() {
                panic!("{}", Tools::missing());
            }
            eprintln!("skipped: {}", Tools::missing());
            return None;
        };
        // A free port: bind, read, release (chromedriver binds it right after).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", tools.chromedriver.display()));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let mut b = Browser {
            driver,
            port,
            chromium: tools.chromium,
            profile: tempfile::tempdir().expect("profile dir"),
            rt,
        };
        b.wait_ready();
        Some(b)
    }

    fn wait_ready(&mut self) {
        let status = format!("http://127.0.0.1:{}/status", self.port);
        let until = std::time::Instant::now() + WAIT;
        loop {
            if let Ok(Some(code)) = self.driver.try_wait() {
                panic!("chromedriver exited with {code} before it was ready");
            }
            let ready = try_request(&status, "GET", None).is_ok_and(|r| {
                r.status == 200
                    && serde_json::from_slice::<Value>(&r.body)
                        .is_ok_and(|v| v["value"]["ready"] == true)
            });
            if ready {
                return;
            }
            assert!(
                std::time::Instant::now() < until,
                "chromedriver not ready on port {} after {WAIT:?}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs `body` with a fresh browser session, then ends the session (also when `body`
    /// panicked, whose panic is then passed on).
    fn run<F, Fut>(&self, body: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": self.chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--window-size=1400,900",
                    format!("--user-data-dir={}", self.profile.path().display()),
                ],
            }),
        );
        let webdriver = format!("http://127.0.0.1:{}", self.port);
        self.rt.block_on(async move {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            let c = ClientBuilder::new(connector)
                .capabilities(caps)
                .connect(&webdriver)
                .await
                .unwrap_or_else(|e| panic!("no browser session: {e}"));
            let outcome = tokio::spawn(body(c.clone())).await;
            let _ = c.close().await;
            if let Err(e) = outcome {
                match e.try_into_panic() {
                    Ok(p) => std::panic::resume_unwind(p),
                    Err(e) => panic!("the browser test was cancelled: {e}"),
                }
            }
        });
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The accessibility check sees an unlabelled field and a missing language (so its passing
/// on the dashboard means something).
#[test]
fn the_accessibility_check_sees_an_unlabelled_field() {
    let Some(browser) = Browser::start() else {
        return;
    };
    browser.run(|c| async move {
        c.goto("data:text/html,<!doctype html><title>x</title><input name=q><img src=x>")
            .await
            .expect("open");
        let caught = tokio::spawn(async move { assert_accessible(&c, "bad").await })
            .await
            .expect_err("the check must fail");
        let why = caught.into_panic();
        let msg = why.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.contains("unlabelled input q"), "{msg}");
        assert!(msg.contains("no <html lang>"), "{msg}");
        assert!(msg.contains("img without alt"), "{msg}");
    });
}
