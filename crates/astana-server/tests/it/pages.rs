//! The dashboard: every page answers with its heading and the numbers the engines (and the
//! CLI and brief, which call them) give; bad input gives a located error box.

use astana_model::units::{pct, usd};
use astana_model::FlowKind;
use astana_partner_balance as bal;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

/// A server on a fresh database in the temp folder (removed on drop).
struct Server {
    app: axum::Router,
    db: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.db.display()));
        }
    }
}

fn server() -> Server {
    static N: AtomicUsize = AtomicUsize::new(0);
    let db = std::env::temp_dir().join(format!(
        "astana-pages-{}-{}.db",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let config = astana_server::Config {
        db: db.clone(),
        ..astana_server::Config::default()
    };
    let state = astana_server::AppState::open(&config).expect("open");
    Server {
        app: astana_server::router(state, &config),
        db,
    }
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    content_type: String,
    body: String,
}

impl Server {
    async fn send(&self, req: Request<Body>) -> Answer {
        let r = self.app.clone().oneshot(req).await.expect("answer");
        let status = r.status();
        let header = |h| {
            r.headers()
                .get(h)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header(header::LOCATION);
        let content_type = header(header::CONTENT_TYPE).unwrap_or_default();
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .expect("body");
        Answer {
            status,
            location,
            content_type,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&self, uri: &str) -> Answer {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    async fn post_form(&self, uri: &str, form: &str) -> Answer {
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form.to_string()))
                .expect("request"),
        )
        .await
    }

    /// A multipart form: (field, file name, bytes).
    async fn post_multipart(&self, uri: &str, parts: &[(&str, &str, &[u8])]) -> Answer {
        let boundary = "astana-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, file, bytes) in parts {
            let _ = write!(
                body,
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        let _ = write!(body, "--{boundary}--\r\n");
        self.send(
            Request::post(uri)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }
}

fn embedded() -> astana_model::Scenario {
    astana_scenario::load_embedded().expect("embedded").0
}

/// The embedded scenario's files as a zip, with `edit` applied to (path, text).
fn scenario_zip(edit: impl Fn(&str, &str) -> String) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (path, text) in astana_scenario::embedded_files() {
        z.start_file(format!("demo/{path}"), opts).expect("zip");
        z.write_all(edit(path, text).as_bytes()).expect("zip");
    }
    z.finish().expect("zip").into_inner()
}

/// The text of the cells of every table row after `marker`, tags removed.
fn rows_after(html: &str, marker: &str) -> Vec<Vec<String>> {
    let from = html.find(marker).expect("marker");
    let table = &html[from..];
    let end = table.find("</table>").expect("table end");
    table[..end]
        .split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let cell = &cell[cell.find('>').map_or(0, |i| i + 1)..];
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in cell.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text.trim().to_string()
                })
                .collect()
        })
        .filter(|r: &Vec<String>| !r.is_empty())
        .collect()
}

fn assert_page(a: &Answer, h1: &str) {
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(
        a.content_type.starts_with("text/html"),
        "{}",
        a.content_type
    );
    assert!(
        a.body.contains(&format!("<h1>{h1}</h1>")),
        "no <h1>{h1}</h1>"
    );
    assert_eq!(a.body.matches("<h1>").count(), 1, "one <h1>");
    assert!(a.body.contains(&format!("<title>{h1} · astana</title>")));
    assert!(a.body.contains(r#"<nav aria-label="Main">"#));
    assert!(a.body.contains(r#"<select id="pick-s" name="s">"#));
    assert!(!a.body.contains(r#"class="error""#), "unexpected error box");
}

#[tokio::test]
async fn every_page_answers_with_its_heading() {
    let s = server();
    for (uri, h1) in [
        ("/", "Scenarios"),
        ("/s/kazakhstan/balance", "Multi-vector balance"),
        ("/s/kazakhstan/power", "Voting power"),
        ("/s/kazakhstan/corridor", "Freight corridors"),
        ("/s/kazakhstan/mediation", "Mediation analysis"),
        ("/s/kazakhstan/forum", "Forum"),
        ("/jobs", "Jobs"),
    ] {
        assert_page(&s.get(uri).await, h1);
    }
    // The picker goes to the same view of the chosen scenario.
    let a = s.get("/pick?s=kazakhstan&view=corridor").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location.as_deref(), Some("/s/kazakhstan/corridor"));
}

#[tokio::test]
async fn scenarios_lists_the_default_with_brief_and_download_links() {
    let s = server();
    let a = s.get("/").await;
    let rows = rows_after(&a.body, "<table>");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "Kazakhstan");
    assert_eq!(rows[0][1], "kazakhstan");
    assert_eq!(rows[0][3], "yes");
    assert!(a.body.contains(r#"href="/api/scenarios/kazakhstan/brief""#));
    assert!(a
        .body
        .contains(r#"href="/api/scenarios/kazakhstan/download""#));
    // Built-in: no delete button.
    assert!(!a.body.contains("/s/kazakhstan/delete"));
}

#[tokio::test]
async fn balance_2023_shows_chinas_share_as_the_brief_prints_it() {
    let s = server();
    let sc = embedded();
    let b = bal::analyze(&sc, &bal::Query::new("KAZ", 2023, FlowKind::Turnover)).expect("2023");
    let china = b.partners.iter().find(|p| p.id == "CHN").expect("China");
    let printed = format!("{} · {}", pct(china.share), usd(china.value));
    let brief = astana_brief::render(
        &sc,
        &astana_brief::Options {
            year: Some(2023),
            ..Default::default()
        },
    )
    .expect("brief");
    assert!(brief.html.contains(&printed), "the brief prints {printed}");
    let a = s.get("/s/kazakhstan/balance?year=2023&flow=turnover").await;
    assert_page(&a, "Multi-vector balance");
    assert!(a.body.contains(&printed), "page lacks {printed}");
    // Concentration is a range here, and the page says so.
    let bd = b.measures.bounds.as_ref().expect("bounds");
    assert!(!bd.hhi.is_exact());
    assert!(a
        .body
        .contains(&format!("{:.4}–{:.4}", bd.hhi.min, bd.hhi.max)));
    assert!(a.body.contains("a range"));
    // Map, trend and alignment charts are the brief's.
    for title in [
        "Map of trade partners",
        "Concentration by year",
        "Share of identical UN votes by year",
    ] {
        assert!(
            a.body.contains(&format!(r#"aria-label="{title}""#)),
            "{title}"
        );
    }
}

#[tokio::test]
async fn balance_mirror_and_period_are_the_engines() {
    let s = server();
    let sc = embedded();
    let mut q = bal::Query::new("KAZ", 2023, FlowKind::Turnover);
    q.side = bal::Side::Mirror;
    let b = bal::analyze(&sc, &q).expect("mirror");
    let a = s.get("/s/kazakhstan/balance?year=2023&mirror=1").await;
    assert_page(&a, "Multi-vector balance");
    assert!(
        a.body.contains("partners&#39; (mirror) statistics")
            || a.body.contains("partners' (mirror) statistics")
    );
    assert!(a.body.contains(&usd(b.total)));
    let bad = s.get("/s/kazakhstan/balance?period=Q5").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("<b>period</b>: unknown period `Q5`"));
}

#[tokio::test]
async fn shock_editor_composes_the_clis_spec_and_the_page_applies_it() {
    let s = server();
    let a = s
        .get("/s/kazakhstan/balance?year=2023&shock=CHN%3D-0.5&add=rus&change=-100")
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let to = a.location.expect("location");
    assert_eq!(
        to,
        "/s/kazakhstan/balance?year=2023&flow=turnover&period=FY&shock=CHN%3D-0.5%2CRUS%3D-1"
    );
    let sc = embedded();
    let b = bal::analyze(&sc, &bal::Query::new("KAZ", 2023, FlowKind::Turnover)).expect("2023");
    let r = bal::shock(
        &sc,
        &b,
        &bal::parse_shocks("CHN=-0.5,RUS=-1").expect("spec"),
    )
    .expect("shock");
    let page = s.get(&to).await;
    assert_page(&page, "Multi-vector balance");
    assert!(page.body.contains(&format!(
        "Total falls from {} to {} ({} lost)",
        usd(r.total_before),
        usd(r.total_after),
        pct(r.lost_share)
    )));
    assert!(page.body.contains(r#"aria-label="Shares after the shock""#));
    // An unknown target is a located error, not a blank page.
    let bad = s
        .get("/s/kazakhstan/balance?year=2023&shock=XYZ%3D-0.5")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"<div class="error" role="alert">"#));
    assert!(bad.body.contains("<b>shock</b>:"));
}

#[tokio::test]
async fn bad_parameters_are_listed_together_with_a_did_you_mean() {
    let s = server();
    let a = s
        .get("/s/kazakhstan/balance?yaer=2023&flow=turnovr&year=abc")
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a
        .body
        .contains("<b>yaer</b>: unknown field (did you mean `year`?)"));
    assert!(a
        .body
        .contains("<b>flow</b>: unknown value `turnovr` (did you mean `turnover`?)"));
    assert!(a.body.contains("<b>year</b>: `abc` is not a whole number"));
    // A year without data: the engine's message, 422.
    let a = s.get("/s/kazakhstan/balance?year=2019").await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("no turnover figures for KAZ in 2019"));
    // NaN in a numeric field is a located error.
    let a = s
        .get("/s/kazakhstan/corridor?from=XIAN&to=DUISBURG&link=L001&capacity=NaN")
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a
        .body
        .contains("<b>capacity</b>: `NaN` is not a finite number"));
    let a = s
        .post_form(
            "/s/kazakhstan/corridor/simulate",
            "from=XIAN&to=DUISBURG&days=inf",
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.contains("<b>days</b>: `inf` is not a finite number"));
    // Unknown scenario: 404 with the box, and the hostile id escaped.
    let a = s.get("/s/%3Cb%3Ex/balance").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.body.contains("no scenario `&lt;b&gt;x`"));
}

#[tokio::test]
async fn corridor_lists_the_routes_corridor_routes_gives() {
    use astana_freight_corridor::{k_best, By, Filter, Network, Weights};
    let s = server();
    let sc = embedded();
    let net = Network::new(&sc.corridor_nodes, &sc.corridor_links);
    let (from, to) = (
        net.find("XIAN").expect("xian"),
        net.find("DUISBURG").expect("duisburg"),
    );
    let w = Weights {
        by: By::Time,
        value_of_time: 2.0,
    };
    let filter = Filter {
        avoid: vec!["RUS".into()],
        ..Filter::default()
    };
    let want: Vec<Vec<String>> = k_best(&net, from, to, 3, &w, &filter)
        .expect("routes")
        .iter()
        .map(|r| {
            vec![
                r.rank.to_string(),
                r.corridor.clone(),
                format!("{:.1}", r.days),
                format!("{:.0}", r.km),
                format!("{:.0}", r.cost_usd_feu),
            ]
        })
        .collect();
    assert_eq!(want.len(), 3);
    let a = s
        .get("/s/kazakhstan/corridor?from=Xi%27an&to=DUISBURG&k=3&avoid=rus")
        .await;
    assert_page(&a, "Freight corridors");
    let got: Vec<Vec<String>> = rows_after(&a.body, "best routes by time")
        .into_iter()
        .map(|r| r[..5].to_vec())
        .collect();
    assert_eq!(got, want);
    assert!(a.body.contains(r#"aria-label="Routes on the map""#));
    assert!(a.body.contains(r#"<datalist id="places">"#));
    assert!(a.body.contains("<h2>Bottleneck</h2><p>Maximum flow"));
    // Bad ends and k are reported together.
    let bad = s
        .get("/s/kazakhstan/corridor?from=XIAN&to=Atlantis&k=0")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("<b>to</b>:"));
    assert!(bad
        .body
        .contains("<b>k</b>: `0` is not a whole number from 1 to 50"));
}

#[tokio::test]
async fn corridor_capacity_what_if_matches_corridor_bottleneck() {
    use astana_freight_corridor::{flow, Filter, Network};
    let s = server();
    let sc = embedded();
    let net = Network::new(&sc.corridor_nodes, &sc.corridor_links);
    let (a, b) = (
        net.find("Altynkol").expect("from"),
        net.find("Poti").expect("to"),
    );
    // As `astana corridor bottleneck --corridor middle-caspian --set L030.capacity=150000`.
    let mut ok = Filter::default().links(&net).expect("links");
    let mine = flow::family_links(&net, a, b, "middle-caspian", 30).expect("family");
    for (x, m) in ok.iter_mut().zip(mine) {
        *x &= m;
    }
    let mut cap: Vec<f64> = net
        .links
        .iter()
        .map(|l| l.capacity_teu_year.unwrap_or(f64::INFINITY))
        .collect();
    let base = flow::max_flow(&net, a, b, &cap, &ok).expect("flow");
    cap[net.link_index("L030").expect("L030")] = 150_000.0;
    let after = flow::max_flow(&net, a, b, &cap, &ok).expect("flow");
    let (x0, x1) = (
        base.max_flow_teu_year.expect("bounded"),
        after.max_flow_teu_year.expect("bounded"),
    );
    assert!(x1 > x0);
    let page = s
        .get("/s/kazakhstan/corridor?from=Altynkol&to=Poti&corridor=middle-caspian&link=L030&capacity=150000")
        .await;
    assert_page(&page, "Freight corridors");
    assert!(page
        .body
        .contains(&format!("Maximum flow {x0:.0} TEU/yr; binding links:")));
    for c in &base.cut {
        assert!(page.body.contains(&format!(
            "<li><code>{}</code> {} → {} ({}) {:.0} TEU/yr</li>",
            c.link, c.from, c.to, c.mode, c.capacity_teu_year
        )));
    }
    assert!(page.body.contains(&format!(
        "Maximum flow {x1:.0} TEU/yr ({:+.0} TEU/yr)",
        x1 - x0
    )));
    // An unknown link gets a did you mean.
    let bad = s
        .get("/s/kazakhstan/corridor?from=XIAN&to=DUISBURG&link=L0300&capacity=5")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad
        .body
        .contains("<b>link</b>: no link has the id `L0300` (did you mean"));
}

#[tokio::test]
async fn power_indices_and_reform_comparison_are_exact_values() {
    use astana_voting_power::{compute, Game, Index};
    let s = server();
    let sc = embedded();
    let (path, text) = sc
        .games
        .iter()
        .find(|(p, _)| p.ends_with("power/unsc.toml"))
        .expect("unsc");
    let g = Game::from_toml(path, text).expect("game");
    let r = compute(&g, &Index::SWING_BASED).expect("indices");
    let a = s.get("/s/kazakhstan/power?game=unsc&player=E*").await;
    assert_page(&a, "Voting power");
    let rows = rows_after(&a.body, "<h2>UN Security Council</h2>");
    assert_eq!(rows.len(), g.n());
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[0], g.players[i]);
        assert_eq!(
            row[1],
            format!("{:.4}%", r.get(Index::ShapleyShubik)[i].to_f64() * 100.0)
        );
        assert_eq!(row[4], r.get(Index::ShapleyShubik)[i].to_string());
    }
    assert!(a.body.contains("Reform comparison for <code>E*</code>"));
    let cmp = rows_after(&a.body, "Reform comparison for");
    let unsc = cmp.iter().find(|r| r[0] == "unsc").expect("unsc row");
    let elected: Vec<usize> = (0..g.n())
        .filter(|&i| g.players[i].starts_with('E'))
        .collect();
    let mean = elected
        .iter()
        .map(|&i| r.get(Index::BanzhafAbsolute)[i].to_f64())
        .sum::<f64>()
        / elected.len() as f64;
    assert_eq!(unsc[4], format!("{:.3}%", mean * 100.0));
    // An unknown game: did you mean.
    let bad = s.get("/s/kazakhstan/power?game=unsx").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad
        .body
        .contains("no game `unsx` in the scenario (did you mean `unsc`?)"));
}

#[tokio::test]
async fn a_pasted_game_is_computed_or_its_errors_located() {
    let s = server();
    let game = "name = \"Three\"\nrule = \"count >= 2\"\n[[player]]\nid = \"A\"\n[[player]]\nid = \"B\"\n[[player]]\nid = \"C\"\n";
    let form = format!("toml={}", form_urlencoded_encode(game));
    let a = s.post_form("/s/kazakhstan/power", &form).await;
    assert_page(&a, "Voting power: a pasted game");
    let rows = rows_after(&a.body, "<h2>Three</h2>");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][4], "1/3");
    let broken = "name = \"Bad\"\nrule = \"weight >= \"\n[[player]]\nid = \"A\"\n";
    let a = s
        .post_form(
            "/s/kazakhstan/power",
            &format!("toml={}", form_urlencoded_encode(broken)),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("<code>pasted.toml:2:"), "{}", a.body);
    // The pasted text stays in the box, escaped.
    assert!(a.body.contains("rule = &quot;weight &gt;= &quot;"));
}

fn form_urlencoded_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn mediation_shows_the_frontier_and_the_settlements() {
    use astana_negotiation::{analyze_with, native, Limits};
    let s = server();
    let sc = embedded();
    let (path, text) = sc.negotiations.first().expect("domain");
    let neg = native::read(path, text).expect("domain");
    let an = analyze_with(&neg, &Limits::default(), &mut |_| {}).expect("analysis");
    let nash = an.nash.as_ref().expect("nash");
    let a = s.get("/s/kazakhstan/mediation").await;
    assert_page(&a, "Mediation analysis");
    assert!(a
        .body
        .contains(r#"aria-label="Utilities of the rational outcomes""#));
    let rows = rows_after(&a.body, "<h2>Settlements</h2>");
    let got = rows.iter().find(|r| r[0] == "Nash").expect("Nash row");
    let want: Vec<String> = nash
        .point
        .utilities
        .iter()
        .map(|u| format!("{u:.3}"))
        .collect();
    assert_eq!(got[1..=want.len()].to_vec(), want);
    // The same domain uploaded gives the same settlements; a broken one is located.
    let up = s
        .post_multipart(
            "/s/kazakhstan/mediation",
            &[("domain", "mine.toml", text.as_bytes())],
        )
        .await;
    assert_page(&up, "Mediation analysis: an uploaded domain");
    assert_eq!(rows_after(&up.body, "<h2>Settlements</h2>"), rows);
    let bad = s
        .post_multipart(
            "/s/kazakhstan/mediation",
            &[("domain", "bad.toml", b"name = \"x\"\n[[issue]]\nnme = 1\n")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("<code>bad.toml"));
}

#[tokio::test]
async fn forum_page_and_calendars() {
    let s = server();
    let a = s.get("/s/kazakhstan/forum").await;
    assert_page(&a, "Forum");
    assert!(a.body.contains(r#"aria-label="Rooms by slot""#));
    assert!(a
        .body
        .contains(r#"href="/s/kazakhstan/forum/calendar/KAZ-P.ics""#));
    let cal = s.get("/s/kazakhstan/forum/calendar/KAZ-P.ics").await;
    assert_eq!(cal.status, StatusCode::OK);
    assert!(cal.content_type.starts_with("text/calendar"));
    assert!(cal.body.starts_with("BEGIN:VCALENDAR"));
    let none = s.get("/s/kazakhstan/forum/calendar/KAZ-X.ics").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    assert!(none
        .body
        .contains("no participant `KAZ-X` in the forum (did you mean"));
}

#[tokio::test]
async fn an_upload_with_errors_lists_every_located_error() {
    let s = server();
    let zip = scenario_zip(|path, text| {
        if path == "flows.csv" {
            // Two bad rows: a value that is not a number, an unknown flow.
            format!("{text}2023,FY,KAZ,CHN,turnover,lots,no,shepherd-fdi,\n2023,FY,KAZ,CHN,turnvoer,1,no,shepherd-fdi,\n")
        } else {
            text.to_string()
        }
    });
    let a = s.post_multipart("/", &[("file", "demo.zip", &zip)]).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains(r#"<div class="error" role="alert">"#));
    let lines = astana_scenario::embedded_files()
        .iter()
        .find(|(p, _)| *p == "flows.csv")
        .map(|(_, t)| t.lines().count())
        .expect("flows");
    assert!(
        a.body.contains(&format!("<code>flows.csv:{}", lines + 1)),
        "{}",
        a.body
    );
    assert!(a.body.contains(&format!("<code>flows.csv:{}", lines + 2)));
    assert!(a.body.contains("<b>value_usd</b>"));
    assert!(a.body.contains("<b>flow</b>"));
    // The list still shows, and nothing was stored.
    assert_eq!(rows_after(&a.body, "<table>").len(), 1);
}

#[tokio::test]
async fn a_hostile_scenario_name_is_escaped_and_it_can_be_deleted() {
    let s = server();
    let zip = scenario_zip(|path, text| {
        if path == "scenario.toml" {
            text.replace(
                "name = \"Kazakhstan\"",
                "name = \"<script>alert('x')</script> & co\"",
            )
        } else {
            text.to_string()
        }
    });
    let up = s
        .post_multipart("/", &[("file", "demo.zip", &zip), ("id", "", b"hostile")])
        .await;
    assert_page(&up, "Scenarios");
    assert!(up.body.contains("Stored"));
    for uri in ["/", "/s/hostile/balance", "/s/hostile/forum"] {
        let a = s.get(uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        assert!(!a.body.contains("<script>alert"), "{uri} is not escaped");
        assert!(
            a.body
                .contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; co"),
            "{uri}"
        );
    }
    let gone = s.post_form("/s/hostile/delete", "").await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(gone.location.as_deref(), Some("/"));
    assert!(!s.get("/").await.body.contains("/s/hostile/"));
    // The built-in one stays: 409 with the box.
    let kept = s.post_form("/s/kazakhstan/delete", "").await;
    assert_eq!(kept.status, StatusCode::CONFLICT);
    assert!(kept.body.contains(r#"<div class="error" role="alert">"#));
}

#[tokio::test]
async fn a_job_page_shows_progress_then_the_result() {
    let s = server();
    let submitted = s
        .send(
            Request::post("/api/jobs")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"kind":"brief","params":{"year":2023}}"#))
                .expect("request"),
        )
        .await;
    assert_eq!(submitted.status, StatusCode::ACCEPTED);
    let v: serde_json::Value = serde_json::from_str(&submitted.body).expect("json");
    let id = v["id"].as_str().expect("id").to_string();
    let first = s.get(&format!("/jobs/{id}")).await;
    assert_page(&first, "Job: brief");
    assert!(first
        .body
        .contains(r#"<progress id="job-progress" max="1""#));
    if !first.body.contains("<b id=\"job-state\">done</b>") {
        // Running: a refresh without script, live events with it, a cancel button.
        assert!(first
            .body
            .contains(r#"<noscript><meta http-equiv="refresh" content="2"></noscript>"#));
        assert!(first
            .body
            .contains(&format!(r#"data-events="/api/jobs/{id}/events""#)));
        assert!(first
            .body
            .contains(&format!(r#"action="/jobs/{id}/cancel""#)));
    }
    // Wait for the end (a bounded number of looks, no timing assertion).
    let mut done = None;
    for _ in 0..600 {
        let a = s.get(&format!("/jobs/{id}")).await;
        if a.body.contains("<b id=\"job-state\">done</b>") {
            done = Some(a);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let done = done.expect("the brief job finished");
    assert!(!done.body.contains("http-equiv=\"refresh\""));
    assert!(!done.body.contains("/cancel"));
    let rows = rows_after(&done.body, "<h2>Result</h2>");
    assert!(rows.iter().any(|r| r[0] == "footnotes"));
    // Cancelling a finished job is refused, readably.
    let late = s.post_form(&format!("/jobs/{id}/cancel"), "").await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.body.contains("is already done"));
    // It is listed.
    assert!(s.get("/jobs").await.body.contains(&format!("/jobs/{id}")));
    assert_eq!(s.get("/jobs/nope").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_pages_answer_404_with_the_navigation_not_a_blank_page() {
    let s = server();
    let a = s.get("/no/such/page").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.content_type.starts_with("text/html"));
    assert!(a.body.contains("<h1>Not found</h1>"));
    assert!(a.body.contains("no page at /no/such/page"));
    // The API keeps its problem details.
    let api = s.get("/api/no-such-endpoint").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.content_type.starts_with("application/problem+json"));
    let home = s.get("/s/kazakhstan").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location.as_deref(), Some("/s/kazakhstan/balance"));
}

const GENIUS_DOMAIN: &str = r#"<negotiation_template>
  <utility_space number_of_issues="2">
    <objective index="0" etype="objective" type="objective" name="Picnic">
      <issue index="1" etype="discrete" type="discrete" vtype="discrete" name="Place">
        <item index="1" value="park"/>
        <item index="2" value="beach"/>
      </issue>
      <issue index="2" etype="discrete" type="discrete" vtype="discrete" name="Food">
        <item index="1" value="sandwich"/>
        <item index="2" value="pizza"/>
      </issue>
    </objective>
  </utility_space>
</negotiation_template>
"#;

fn genius_profile(park: u32, beach: u32, sandwich: u32, pizza: u32) -> String {
    format!(
        r#"<utility_space>
  <objective index="0" etype="objective" type="objective" name="Picnic">
    <issue index="1" etype="discrete" type="discrete" vtype="discrete" name="Place">
      <item index="1" value="park" evaluation="{park}"/>
      <item index="2" value="beach" evaluation="{beach}"/>
    </issue>
    <issue index="2" etype="discrete" type="discrete" vtype="discrete" name="Food">
      <item index="1" value="sandwich" evaluation="{sandwich}"/>
      <item index="2" value="pizza" evaluation="{pizza}"/>
    </issue>
    <weight index="1" value="0.6"/>
    <weight index="2" value="0.4"/>
  </objective>
  <reservation value="0.1"/>
</utility_space>
"#
    )
}

#[tokio::test]
async fn a_genius_domain_upload_is_analysed_like_the_engine_does() {
    use astana_negotiation::{analyze_with, genius, Limits};
    let s = server();
    let (a, b) = (genius_profile(4, 8, 3, 1), genius_profile(8, 2, 1, 9));
    let neg =
        genius::read(("d.xml", GENIUS_DOMAIN), &[("a.xml", &a), ("b.xml", &b)]).expect("domain");
    let an = analyze_with(&neg, &Limits::default(), &mut |_| {}).expect("analysis");
    let nash: Vec<String> = an
        .nash
        .as_ref()
        .expect("nash")
        .point
        .utilities
        .iter()
        .map(|u| format!("{u:.3}"))
        .collect();
    let page = s
        .post_multipart(
            "/s/kazakhstan/mediation",
            &[
                ("domain", "d.xml", GENIUS_DOMAIN.as_bytes()),
                ("profiles", "a.xml", a.as_bytes()),
                ("profiles", "b.xml", b.as_bytes()),
            ],
        )
        .await;
    assert_page(&page, "Mediation analysis: an uploaded domain");
    let rows = rows_after(&page.body, "<h2>Settlements</h2>");
    let got = rows.iter().find(|r| r[0] == "Nash").expect("Nash row");
    assert_eq!(got[1..=2].to_vec(), nash);
    // A profile naming a value the domain lacks: located in that file.
    let bad = b.replace(r#"value="beach""#, r#"value="sea""#);
    let page = s
        .post_multipart(
            "/s/kazakhstan/mediation",
            &[
                ("domain", "d.xml", GENIUS_DOMAIN.as_bytes()),
                ("profiles", "a.xml", a.as_bytes()),
                ("profiles", "b.xml", bad.as_bytes()),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("<code>b.xml:5:"), "{}", page.body);
}

#[tokio::test]
async fn a_forum_upload_with_errors_lists_them_before_any_job() {
    let s = server();
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut lines = 0;
    for (path, text) in astana_scenario::embedded_files() {
        let Some(name) = path.strip_prefix("forum/") else {
            continue;
        };
        let text = if name == "requests.csv" {
            lines = text.lines().count();
            let first = text.lines().nth(1).expect("a request");
            let (id, rest) = first.split_once(',').expect("csv");
            // A copy of the first request under a new id, naming an unknown participant.
            let rest = rest.replacen("KAZ-P", "KAZ-PX", 1);
            format!("{text}{id}-copy,{rest}\n")
        } else {
            text.to_string()
        };
        z.start_file(format!("myforum/{name}"), opts).expect("zip");
        z.write_all(text.as_bytes()).expect("zip");
    }
    let zip = z.finish().expect("zip").into_inner();
    let a = s
        .post_multipart("/s/kazakhstan/forum/upload", &[("file", "f.zip", &zip)])
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert!(
        a.body
            .contains(&format!("<code>requests.csv:{}", lines + 1)),
        "{}",
        a.body
    );
    assert!(a.body.contains("KAZ-PX"));
    assert!(s.get("/jobs").await.body.contains("No jobs yet"));
}
