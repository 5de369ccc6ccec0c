//! A live mediation in three browser sessions (issue 13): the mediator creates it from the
//! form, two parties open their invitations in their own browsers, state their preferences
//! through the page's controls (ranking, ratings, reservation package) and answer every
//! round; the third party (GEO of the Trans-Caspian domain) is the engine's bot over HTTP.
//! All three pages end showing the same agreement, which is the API's outcome; the token
//! never stays in the address bar.
//!
//! `ASTANA_SCREENSHOTS=DIR` saves the party page at 1400 and 400 px there (to look at).

use super::{assert_accessible, assert_fits, Browser};
use crate::support::Server;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::future::Future;

/// One request with a capability token (ureq: any status is an answer).
fn bearer(url: &str, method: &str, token: &str, body: Option<&Value>) -> (u16, Value) {
    let a: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let auth = format!("Bearer {token}");
    let mut r = match body {
        None => a.get(url).header("authorization", &auth).call(),
        Some(b) => {
            let r = if method == "PUT" {
                a.put(url)
            } else {
                a.post(url)
            };
            r.header("authorization", &auth)
                .header("content-type", "application/json")
                .send(b.to_string().as_bytes())
        }
    }
    .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Polls `ready` every 100 ms until it holds; panics naming `what` after two minutes (a hang
/// guard, not a speed check).
async fn wait_for<F, Fut>(what: &str, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let until = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !ready().await {
        assert!(
            std::time::Instant::now() < until,
            "gave up waiting for {what} (a hang guard, not a speed check)"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// GEO's profile from the scenario's Trans-Caspian domain, as the JSON a party PUTs.
fn geo_profile() -> Value {
    let text = astana_scenario::embedded_files()
        .iter()
        .find(|(p, _)| p.ends_with("trans-caspian.toml"))
        .map(|(_, t)| (*t).to_string())
        .expect("the embedded domain");
    let neg = astana_negotiation::native::read("trans-caspian.toml", &text).expect("valid");
    let geo = neg.parties.iter().find(|p| p.name == "GEO").expect("GEO");
    let mut weights = serde_json::Map::new();
    let mut evaluations = serde_json::Map::new();
    for (j, issue) in neg.issues.iter().enumerate() {
        let w = geo.weights[j];
        weights.insert(issue.name.clone(), json!(w));
        let e: Vec<f64> = geo.terms[j]
            .iter()
            .map(|t| if w > 0.0 { t / w } else { 0.0 })
            .collect();
        evaluations.insert(issue.name.clone(), json!(e));
    }
    json!({"reservation": geo.reservation, "weights": weights, "evaluations": evaluations})
}

/// A WebDriver session of its own (its own profile folder, so three can run at once).
async fn session(b: &Browser, profile: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": b.chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", b.port))
        .await
        .unwrap_or_else(|e| panic!("no browser session: {e}"))
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

async fn text_of(c: &Client, css: &str) -> String {
    match c.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Elicits a profile through the controls: moves the first issue down, rates every option
/// (`rate(issue, option)`), picks the worst-rated option of every issue as the reservation
/// package, checks the live preview, sends.
async fn elicit(c: &Client, rate: impl Fn(usize, usize) -> u32) {
    let issues = js(
        c,
        "return document.querySelectorAll('#rank-list li').length;",
    )
    .await;
    let issues = issues.as_u64().expect("count") as usize;
    assert!(issues >= 2, "the ranking lists the issues");
    let before = js(c, "return document.querySelector('#weight-0').value;").await;
    c.find(Locator::Css(r#"button[data-move="down"][data-issue="0"]"#))
        .await
        .expect("a move-down button")
        .click()
        .await
        .expect("move");
    let after = js(c, "return document.querySelector('#weight-0').value;").await;
    assert_ne!(before, after, "moving an issue re-weights it (ROC weights)");
    let preview = text_of(c, "#reservation-value").await;
    for i in 0..issues {
        let n = js(
            c,
            &format!("return document.querySelectorAll('input[data-issue=\"{i}\"][data-option]').length;"),
        )
        .await
        .as_u64()
        .expect("options") as usize;
        let mut worst = (u32::MAX, 0);
        for k in 0..n {
            let r = rate(i, k);
            if r < worst.0 {
                worst = (r, k);
            }
            let input = c
                .find(Locator::Css(&format!("#rate-{i}-{k}")))
                .await
                .expect("a rating input");
            input.clear().await.expect("clear");
            input.send_keys(&r.to_string()).await.expect("type");
        }
        c.find(Locator::Css(&format!("#res-{i}")))
            .await
            .expect("a reservation select")
            .select_by_value(&worst.1.to_string())
            .await
            .expect("pick");
    }
    // The worst-rated option everywhere: the reservation value is the worst package's
    // utility, and the preview says so live.
    let now = text_of(c, "#reservation-value").await;
    let rows = js(
        c,
        "return Array.from(document.querySelectorAll('#preview tbody tr'), r => r.cells[1].textContent.trim());",
    )
    .await;
    let rows: Vec<&str> = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(
        rows[1], rows[3],
        "reservation package = worst package: {rows:?} {}",
        js(c, "return [Array.from(document.querySelectorAll('select[id^=res-]'), s => s.value), Array.from(document.querySelectorAll('input[id^=rate-]'), s => s.id + '=' + s.value)];").await
    );
    assert_eq!(
        now,
        format!("Reservation value: {}", rows[3]),
        "was {preview}"
    );
    assert_ne!(now, preview, "the preview follows the controls");
    c.find(Locator::Css("#send-profile"))
        .await
        .expect("send")
        .click()
        .await
        .expect("click");
    wait_for("the profile note", move || async move {
        text_of(c, "#elicit-note")
            .await
            .contains("Your profile is in")
    })
    .await;
}

/// Clicks the accept button a page offers, if any (and enabled). True if it clicked.
async fn accept_if_asked(c: &Client) -> bool {
    let v = js(
        c,
        "const b = document.querySelector('button.accept:not([disabled])'); if (b) { b.click(); return true; } return false;",
    )
    .await;
    v.as_bool().unwrap_or(false)
}

/// Blind bidding: posts the proposal form as it stands, or ticks every suggestion and sends.
async fn propose_or_tick(c: &Client) {
    js(
        c,
        r#"const p = document.querySelector('#proposal-form button[type=submit]:not([disabled])');
if (p) { p.click(); return 1; }
const t = document.querySelector('#tick-form button[type=submit]:not([disabled])');
if (t) { for (const b of document.querySelectorAll('#tick-form input[type=checkbox]')) if (!b.checked) b.click(); t.click(); return 2; }
return 0;"#,
    )
    .await;
}

#[test]
fn three_browsers_run_a_mediation_to_agreement() {
    three_browsers("single-text");
}

/// The same with blind bidding: the browser parties post proposals through the form and tick
/// every suggestion.
#[test]
fn three_browsers_bid_blind_to_agreement() {
    three_browsers("blind-bidding");
}

fn three_browsers(protocol: &'static str) {
    let Some(browser) = Browser::start() else {
        return;
    };
    let server = Server::start();
    let base = server.url("");
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().expect("dir")).collect();
    let shots =
        std::env::var_os("ASTANA_SCREENSHOTS").map(|d| std::path::PathBuf::from(d).join(protocol));
    if let Some(d) = &shots {
        std::fs::create_dir_all(d).expect("screenshot folder");
    }
    let b = &browser;
    browser.rt.block_on(async move {
        let m = session(b, dirs[0].path()).await;
        let kaz = session(b, dirs[1].path()).await;
        let aze = session(b, dirs[2].path()).await;
        let outcome = tokio::spawn(mediate(
            m.clone(),
            kaz.clone(),
            aze.clone(),
            base,
            shots,
            protocol,
        ))
        .await;
        for c in [m, kaz, aze] {
            let _ = c.close().await;
        }
        if let Err(e) = outcome {
            match e.try_into_panic() {
                Ok(p) => std::panic::resume_unwind(p),
                Err(e) => panic!("the browser test was cancelled: {e}"),
            }
        }
    });
}

/// The run itself: the mediator's session `m`, the parties' `kaz` and `aze`.
async fn mediate(
    m: Client,
    kaz: Client,
    aze: Client,
    base: String,
    shots: Option<std::path::PathBuf>,
    protocol: &'static str,
) {
    // The mediator: the form, filled from the scenario's domain (KAZ, AZE, GEO).
    m.goto(&format!("{base}/mediations/new"))
        .await
        .expect("open");
    assert_accessible(&m, "/mediations/new").await;
    let parties = js(
        &m,
        "return document.querySelector('input[name=parties]').value;",
    )
    .await;
    assert_eq!(parties, "KAZ, AZE, GEO");
    // User text is text: an option label with markup stays visible as written.
    js(
        &m,
        r#"const t = document.querySelector('textarea[name=domain]');
t.value = t.value.replace('"USD 1,200/FEU"', '"<img src=x id=pwned> USD 1,200"'); return 0;"#,
    )
    .await;
    m.find(Locator::Css("select[name=protocol]"))
        .await
        .expect("the protocol")
        .select_by_value(protocol)
        .await
        .expect("pick the protocol");
    m.find(Locator::Css("#create button[type=submit]"))
        .await
        .expect("create")
        .click()
        .await
        .expect("click");
    let mm = &m;
    wait_for("the invitations", move || async move {
        js(
            mm,
            "return document.querySelectorAll('input.invitation').length;",
        )
        .await
            == json!(3)
    })
    .await;
    let link = |p: &'static str| {
        let m = &m;
        async move {
            js(
                m,
                &format!(
                    "return document.querySelector('input.invitation[data-party=\"{p}\"]').value;"
                ),
            )
            .await
            .as_str()
            .expect("a link")
            .to_string()
        }
    };
    let (kaz_url, aze_url, geo_url) = (link("KAZ").await, link("AZE").await, link("GEO").await);
    let mediator_url = js(
        &m,
        "return document.querySelector('#invite-mediator').value;",
    )
    .await;
    let mediator_url = mediator_url.as_str().expect("mediator link").to_string();
    assert!(
        kaz_url.starts_with(&format!("{base}/m/")) && kaz_url.contains("#token="),
        "{kaz_url}"
    );
    let token_of = |u: &str| u.split("#token=").nth(1).expect("token").to_string();
    let (geo_token, m_token) = (token_of(&geo_url), token_of(&mediator_url));
    let api = format!(
        "{base}/api/mediations/{}",
        geo_url
            .split("/m/")
            .nth(1)
            .and_then(|s| s.split('#').next())
            .expect("id")
    );
    m.find(Locator::Css("#open-mediator"))
        .await
        .expect("link")
        .click()
        .await
        .expect("open");

    // The parties open their invitations; the token leaves the address bar.
    for (c, url) in [(&kaz, &kaz_url), (&aze, &aze_url)] {
        c.goto(url).await.expect("open the invitation");
        wait_for("the elicitation form", move || async move {
            c.find(Locator::Css("#profile-form")).await.is_ok()
        })
        .await;
        let now = c.current_url().await.expect("url").to_string();
        assert!(
            !now.contains("token"),
            "the token stayed in the address: {now}"
        );
        assert!(now.starts_with(&format!("{base}/m/")), "{now}");
    }
    let now = m.current_url().await.expect("url").to_string();
    assert!(!now.contains("token"), "{now}");
    // The markup in the option label is shown as text, not run.
    let pwned = js(&kaz, "return document.getElementById('pwned') === null && document.body.textContent.includes('<img src=x id=pwned> USD 1,200');").await;
    assert_eq!(pwned, json!(true), "an option label became markup");
    assert_accessible(&kaz, "/m/{id} (party, elicitation)").await;
    for w in super::WIDTHS {
        assert_fits(&kaz, "/m/{id} (party, elicitation)", w).await;
    }
    if let Some(dir) = &shots {
        for w in super::WIDTHS {
            kaz.set_window_size(w, 900).await.expect("resize");
            let png = kaz.screenshot().await.expect("screenshot");
            std::fs::write(dir.join(format!("party-elicit-{w}.png")), png).expect("save");
        }
        kaz.set_window_size(1400, 900).await.expect("resize");
    }

    // Profiles: two through the page, GEO by the API.
    elicit(&kaz, |i, k| ((i * 3 + k * 7) % 11) as u32).await;
    elicit(&aze, |i, k| ((i * 5 + k * 3 + 4) % 11) as u32).await;
    let (st, _) = bearer(
        &format!("{api}/profile"),
        "PUT",
        &geo_token,
        Some(&geo_profile()),
    );
    assert_eq!(st, 200, "GEO's profile");

    // The mediator starts once the page says every profile is in.
    let mm = &m;
    wait_for("an enabled start button", move || async move {
        js(
            mm,
            "const b = document.getElementById('m-start'); return !!b && !b.disabled;",
        )
        .await
            == json!(true)
    })
    .await;
    assert_accessible(&m, "/m/{id} (mediator)").await;
    m.find(Locator::Css("#m-start"))
        .await
        .expect("start")
        .click()
        .await
        .expect("click");

    // Rounds: the browser parties accept what they are asked; GEO is the bot.
    let (kz, az) = (&kaz, &aze);
    let (api_ref, geo) = (&api, &geo_token);
    wait_for("the end of the mediation", move || async move {
        for c in [kz, az] {
            accept_if_asked(c).await;
            propose_or_tick(c).await;
        }
        let (_, view) = bearer(api_ref, "GET", geo, None);
        if let Some(a) = astana_mediation::bot::act(&view) {
            let (st, body) = bearer(
                &format!("{api_ref}/{}", a.endpoint()),
                "POST",
                geo,
                Some(&a.body()),
            );
            assert!(st < 300 || st == 409, "GEO's answer: {st} {body}");
        }
        assert_ne!(
            view["status"], "no_agreement",
            "the mediation ended without agreement: {view}"
        );
        view["phase"] == "done"
    })
    .await;
    if let Some(dir) = &shots {
        for w in super::WIDTHS {
            kaz.set_window_size(w, 900).await.expect("resize");
            let png = kaz.screenshot().await.expect("screenshot");
            std::fs::write(dir.join(format!("party-done-{w}.png")), png).expect("save");
        }
    }

    // Everyone sees the same agreement, the API's outcome.
    let (st, outcome) = bearer(&format!("{api}/outcome"), "GET", &m_token, None);
    assert_eq!(st, 200, "{outcome}");
    let agreement = outcome["agreement"].as_object().expect("a package").clone();
    for (who, c) in [("mediator", &m), ("KAZ", &kaz), ("AZE", &aze)] {
        let what = format!("the agreement on the {who} page");
        wait_for(&what, move || async move {
            text_of(c, "#m-status").await.contains("Status: agreed")
                && c.find(Locator::Css("#m-agreement")).await.is_ok()
        })
        .await;
        let shown = text_of(c, "#m-agreement").await;
        for (issue, option) in &agreement {
            let option = option.as_str().expect("label");
            assert!(
                shown.contains(issue) && shown.contains(option),
                "{who}: {shown} lacks {issue} = {option}"
            );
        }
        assert_accessible(c, &format!("/m/{{id}} ({who}, agreed)")).await;
        for w in super::WIDTHS {
            assert_fits(c, &format!("/m/{{id}} ({who}, agreed)"), w).await;
        }
        let url = c.current_url().await.expect("url").to_string();
        assert!(!url.contains("token"), "{who}: {url}");
    }
}
