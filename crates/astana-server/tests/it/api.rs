//! The JSON API over HTTP: every endpoint's status, shape and problem details on bad input,
//! against a server started in-process (see `support`).

use crate::support::{embedded_files, tar_gz, unzip, zip, Server};
use serde_json::{json, Value};

#[test]
fn health_says_ok_and_the_version() {
    let s = Server::start();
    let r = s.get("/api/health");
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type, "application/json");
    assert_eq!(
        r.json(),
        json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})
    );
}

#[test]
fn scenarios_list_detail_and_404() {
    let s = Server::start();
    let list = s.get("/api/scenarios").json();
    let all = list["scenarios"].as_array().expect("scenarios");
    assert_eq!(all.len(), 1, "{list}");
    assert_eq!(all[0]["id"], "kazakhstan");
    assert_eq!(all[0]["name"], "Kazakhstan");
    assert_eq!(all[0]["builtin"], true);
    let embedded = embedded_files();
    let total: usize = embedded.iter().map(|(_, b)| b.len()).sum();
    assert_eq!(all[0]["bytes"], total);

    let d = s.get("/api/scenarios/kazakhstan").json();
    assert_eq!(d["id"], "kazakhstan");
    assert_eq!(d["focal"], "KAZ");
    assert_eq!(d["default_year"], 2023);
    let (scenario, _) = astana_scenario::load_embedded().expect("embedded");
    assert_eq!(d["counts"]["flows"], scenario.flows.len());
    assert_eq!(d["counts"]["sources"], scenario.sources.len());
    assert_eq!(d["counts"]["memberships"], scenario.memberships.len());
    let files: Vec<(String, usize)> = d["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["bytes"].as_u64().expect("bytes") as usize,
            )
        })
        .collect();
    let mut want: Vec<(String, usize)> =
        embedded.iter().map(|(p, b)| (p.clone(), b.len())).collect();
    want.sort();
    assert_eq!(files, want);

    let p = s.get("/api/scenarios/atlantis").problem(404);
    assert_eq!(p["type"], "/problems/not-found");
    assert_eq!(p["detail"], "no scenario `atlantis`");
    s.get("/api/scenarios/atlantis/download").problem(404);
    s.get("/api/scenarios/atlantis/brief").problem(404);
}

#[test]
fn a_downloaded_zip_uploads_again_and_round_trips() {
    let s = Server::start();
    let dl = s.get("/api/scenarios/kazakhstan/download");
    assert_eq!(dl.status, 200);
    assert_eq!(dl.content_type, "application/zip");
    assert_eq!(
        dl.header("content-disposition"),
        Some("attachment; filename=\"kazakhstan.zip\"")
    );
    let mut want: Vec<(String, Vec<u8>)> = embedded_files()
        .into_iter()
        .map(|(p, b)| (format!("kazakhstan/{p}"), b))
        .collect();
    want.sort();
    assert_eq!(unzip(&dl.body), want);

    let up = s.post("/api/scenarios?id=copy", "application/zip", &dl.body);
    assert_eq!(up.status, 201, "{}", up.text());
    let u = up.json();
    assert_eq!(u["id"], "copy");
    assert_eq!(u["name"], "Kazakhstan");
    assert_eq!(u["builtin"], false);
    assert!(u["warnings"].is_array(), "{u}");

    // Stored whole: the copy downloads to the same files under its own folder.
    let again = unzip(&s.get("/api/scenarios/copy/download").body);
    let renamed: Vec<(String, Vec<u8>)> = want
        .iter()
        .map(|(p, b)| (p.replacen("kazakhstan/", "copy/", 1), b.clone()))
        .collect();
    assert_eq!(again, renamed);
    let ids: Vec<Value> = s.get("/api/scenarios").json()["scenarios"]
        .as_array()
        .expect("list")
        .iter()
        .map(|x| x["id"].clone())
        .collect();
    assert_eq!(ids, [json!("kazakhstan"), json!("copy")]);
    assert_eq!(s.get("/api/scenarios/copy").json()["focal"], "KAZ");
}

#[test]
fn a_tar_gz_upload_is_stored() {
    let s = Server::start();
    let body = tar_gz("kz", &embedded_files());
    let up = s.post("/api/scenarios?id=from-tar", "application/gzip", &body);
    assert_eq!(up.status, 201, "{}", up.text());
    assert_eq!(up.json()["id"], "from-tar");
    assert_eq!(
        s.get("/api/scenarios/from-tar").json()["default_year"],
        2023
    );
}

/// Damage in two files: every error comes back located (file, line, field), from both.
#[test]
fn a_damaged_scenario_is_422_with_every_error_located() {
    let s = Server::start();
    let files: Vec<(String, Vec<u8>)> = embedded_files()
        .into_iter()
        .map(|(p, b)| {
            let t = String::from_utf8(b).expect("utf-8");
            let t = match p.as_str() {
                // Line 2: a value that is not a number.
                "flows.csv" => t.replacen(",17200000000,", ",seventeen,", 1),
                // Line 2: a date that is not one.
                "memberships.csv" => t.replacen("CHN,member,2001-06-15", "CHN,member,mid-2001", 1),
                _ => t,
            };
            (p, t.into_bytes())
        })
        .collect();
    let r = s.post("/api/scenarios?id=broken", "application/zip", &zip(&files));
    let p = r.problem(422);
    assert_eq!(p["type"], "/problems/invalid-input");
    let errors: Vec<&Value> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter(|e| e["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 2, "{p:#}");
    for e in &errors {
        for key in ["file", "line", "field", "message"] {
            assert!(!e[key].is_null(), "error without `{key}`: {e}");
        }
    }
    let at: Vec<(&str, u64, &str)> = errors
        .iter()
        .map(|e| {
            (
                e["file"].as_str().expect("file"),
                e["line"].as_u64().expect("line"),
                e["field"].as_str().expect("field"),
            )
        })
        .collect();
    assert!(at.contains(&("flows.csv", 2, "value_usd")), "{at:?}");
    assert!(at.contains(&("memberships.csv", 2, "since")), "{at:?}");
    let messages: Vec<&str> = errors
        .iter()
        .map(|e| e["message"].as_str().expect("message"))
        .collect();
    assert!(
        messages.contains(&"`mid-2001` is not a date (write YYYY, YYYY-MM or YYYY-MM-DD)"),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("`seventeen` is not a number")),
        "{messages:?}"
    );
    assert_eq!(p["detail"], "the scenario is invalid: 2 errors, 0 warnings");
    // Nothing was stored.
    s.get("/api/scenarios/broken").problem(404);
}

#[test]
fn upload_refusals_have_their_statuses() {
    let s = Server::start();
    let good = zip(&embedded_files());

    let p = s
        .post("/api/scenarios?id=Bad_Id", "application/zip", &good)
        .problem(400);
    assert!(
        p["detail"].as_str().expect("detail").contains("Bad_Id"),
        "{p}"
    );

    // No id: derived from the name, `kazakhstan`, which the built-in holds.
    let p = s
        .post("/api/scenarios", "application/zip", &good)
        .problem(409);
    assert!(
        p["detail"].as_str().expect("detail").contains("kazakhstan"),
        "{p}"
    );
    assert_eq!(
        s.post("/api/scenarios?id=twice", "application/zip", &good)
            .status,
        201
    );
    s.post("/api/scenarios?id=twice", "application/zip", &good)
        .problem(409);

    let p = s
        .post(
            "/api/scenarios?id=x",
            "application/zip",
            b"scenario.toml, honest",
        )
        .problem(415);
    assert_eq!(p["type"], "/problems/unsupported-media-type");

    let mut evil = embedded_files();
    evil.push(("../escape.csv".into(), b"a,b\n".to_vec()));
    let p = s
        .post("/api/scenarios?id=evil", "application/zip", &zip(&evil))
        .problem(422);
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("../escape.csv"),
        "{p}"
    );
    s.get("/api/scenarios/evil").problem(404);

    // An unknown query key is a malformed request.
    s.post("/api/scenarios?name=x", "application/zip", &good)
        .problem(400);
}

#[test]
fn a_body_over_the_limit_is_413_problem() {
    let s = Server::start_with(|c| c.body_limit = 64 << 10);
    let p = s
        .post(
            "/api/scenarios?id=big",
            "application/zip",
            &vec![b'P'; 96 << 10],
        )
        .problem(413);
    assert_eq!(p["type"], "/problems/too-large");
    s.get("/api/scenarios/big").problem(404);
}

#[test]
fn delete_refuses_the_builtin_and_is_404_the_second_time() {
    let s = Server::start();
    let p = s.delete("/api/scenarios/kazakhstan").problem(409);
    assert_eq!(p["type"], "/problems/conflict");
    assert_eq!(s.get("/api/scenarios/kazakhstan").status, 200);

    let up = s.post(
        "/api/scenarios?id=gone",
        "application/zip",
        &zip(&embedded_files()),
    );
    assert_eq!(up.status, 201);
    // Warm the caches, which a delete must forget.
    assert_eq!(s.get("/api/scenarios/gone/brief").status, 200);
    let d = s.delete("/api/scenarios/gone");
    assert_eq!(d.status, 204);
    assert!(d.body.is_empty());
    s.delete("/api/scenarios/gone").problem(404);
    s.get("/api/scenarios/gone").problem(404);
    s.get("/api/scenarios/gone/brief").problem(404);
}

#[test]
fn the_brief_is_what_astana_brief_renders() {
    let s = Server::start();
    let (scenario, _) = astana_scenario::load_embedded().expect("embedded");
    let want = astana_brief::render(
        &scenario,
        &astana_brief::Options {
            year: None,
            ..Default::default()
        },
    )
    .expect("brief")
    .html;
    let r = s.get("/api/scenarios/kazakhstan/brief");
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type, "text/html; charset=utf-8");
    assert!(
        r.text() == want,
        "the served brief differs from astana_brief::render"
    );
    // Cached answers are the same bytes.
    assert!(s.get("/api/scenarios/kazakhstan/brief").text() == want);
    // A client that accepts gzip gets the same brief, compressed to about a quarter.
    let mut gz = ureq::get(&s.url("/api/scenarios/kazakhstan/brief"))
        .header("accept-encoding", "gzip, br")
        .call()
        .expect("gzip brief");
    assert_eq!(
        gz.headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let packed = gz.body_mut().read_to_vec().expect("body");
    assert!(packed.len() * 3 < want.len(), "{} bytes", packed.len());
    let mut html = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&packed[..]), &mut html)
        .expect("gunzip");
    assert!(html == want, "the compressed brief differs");

    let y2022 = astana_brief::render(
        &scenario,
        &astana_brief::Options {
            year: Some(2022),
            ..Default::default()
        },
    )
    .expect("brief")
    .html;
    assert!(s.get("/api/scenarios/kazakhstan/brief?year=2022").text() == y2022);
    let p = s
        .get("/api/scenarios/kazakhstan/brief?yeer=2022")
        .problem(400);
    assert!(
        p["detail"].as_str().expect("detail").contains("yeer"),
        "{p}"
    );
    s.get("/api/scenarios/kazakhstan/brief?year=soon")
        .problem(400);
}

#[test]
fn a_brief_job_runs_to_its_result() {
    let s = Server::start();
    let r = s.post_json("/api/jobs", &json!({"kind": "brief"}));
    assert_eq!(r.status, 202, "{}", r.text());
    let j = r.json();
    assert_eq!(j["kind"], "brief");
    assert_eq!(j["scenario"], "kazakhstan");
    let id = j["id"].as_str().expect("id").to_string();
    assert_eq!(id.len(), 32, "{id}");

    // Poll (not the event stream) until it is final.
    let done = loop {
        let j = s.get(&format!("/api/jobs/{id}")).json();
        match j["state"].as_str() {
            Some("queued" | "running") => std::thread::sleep(std::time::Duration::from_millis(20)),
            _ => break j,
        }
    };
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["progress"], 1.0);
    let (scenario, _) = astana_scenario::load_embedded().expect("embedded");
    let b = astana_brief::render(
        &scenario,
        &astana_brief::Options {
            year: None,
            ..Default::default()
        },
    )
    .expect("brief");
    assert_eq!(done["result"]["bytes"], b.html.len());
    assert_eq!(done["result"]["footnotes"], b.footnotes);
    assert_eq!(done["result"]["summary"], json!(b.summary));

    // Listed without its result.
    let list = s.get("/api/jobs").json();
    assert_eq!(list["jobs"][0]["id"], id.as_str());
    assert!(list["jobs"][0].get("result").is_none(), "{list}");
    assert_eq!(s.get("/api/jobs?limit=0").json()["jobs"], json!([]));

    // Finished: cancelling is a conflict, and the result stays.
    let p = s.delete(&format!("/api/jobs/{id}")).problem(409);
    assert_eq!(p["detail"], format!("job `{id}` is already done"));
    assert_eq!(s.get(&format!("/api/jobs/{id}")).json()["state"], "done");
}

#[test]
fn job_submissions_are_checked() {
    let s = Server::start();
    let p = s
        .post_json("/api/jobs", &json!({"kind": "brif"}))
        .problem(422);
    let detail = p["detail"].as_str().expect("detail");
    assert!(detail.contains("did you mean `brief`?"), "{detail}");
    // A parameter of the wrong type: 422 from the kind's own check, or 400 where the
    // parameters are deserialised as a whole; either way the detail names it.
    let r = s.post_json(
        "/api/jobs",
        &json!({"kind": "brief", "params": {"year": "last"}}),
    );
    assert!(matches!(r.status, 400 | 422), "{}", r.text());
    let p = r.problem(r.status);
    let detail = p["detail"].as_str().expect("detail");
    assert!(
        detail.contains("params") && (detail.contains("year") || detail.contains("\"last\"")),
        "{p}"
    );
    s.post_json(
        "/api/jobs",
        &json!({"kind": "brief", "scenario": "atlantis"}),
    )
    .problem(404);
    // Malformed bodies: unknown field, not JSON, wrong media type.
    s.post_json("/api/jobs", &json!({"kind": "brief", "priority": 1}))
        .problem(422);
    s.post("/api/jobs", "application/json", b"{").problem(400);
    s.post("/api/jobs", "text/plain", b"{\"kind\":\"brief\"}")
        .problem(415);
    s.get("/api/jobs/0123").problem(404);
    s.delete("/api/jobs/0123").problem(404);
    s.get("/api/jobs/0123/events").problem(404);
    s.get("/api/jobs?limit=many").problem(400);
}

/// The event stream of a job ends with one `end` event carrying the final state.
#[test]
fn job_events_end_with_an_end_event() {
    let s = Server::start();
    let r = s.post_json(
        "/api/jobs",
        &json!({"kind": "brief", "params": {"year": 2022}}),
    );
    let id = r.json()["id"].as_str().expect("id").to_string();
    let ev = s.get(&format!("/api/jobs/{id}/events"));
    assert_eq!(ev.status, 200);
    assert!(
        ev.content_type.starts_with("text/event-stream"),
        "{}",
        ev.content_type
    );
    let events = parse_sse(&ev.text());
    let (last_name, last_data) = events.last().expect("an event");
    assert_eq!(last_name, "end", "{events:?}");
    assert_eq!(last_data["state"], "done");
    assert_eq!(last_data["progress"], 1.0);
    assert!(
        events[..events.len() - 1]
            .iter()
            .all(|(n, _)| n == "progress"),
        "{events:?}"
    );
    // After the end, a new stream is the one final event.
    let again = parse_sse(&s.get(&format!("/api/jobs/{id}/events")).text());
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0].0, "end");
}

/// (event name, JSON data) of each event in a Server-Sent Events body.
fn parse_sse(body: &str) -> Vec<(String, Value)> {
    body.split("\n\n")
        .filter_map(|block| {
            let mut name = "message".to_string();
            let mut data = None;
            for line in block.lines() {
                if let Some(n) = line.strip_prefix("event:") {
                    name = n.trim().to_string();
                } else if let Some(d) = line.strip_prefix("data:") {
                    data = Some(serde_json::from_str(d.trim()).expect("JSON data"));
                }
            }
            data.map(|d| (name, d))
        })
        .collect()
}

#[test]
fn unknown_routes_and_methods_under_api_are_problems() {
    let s = Server::start();
    let p = s.get("/api/nope").problem(404);
    assert_eq!(p["type"], "/problems/not-found");
    s.get("/api/scenarios/kazakhstan/nope").problem(404);
    let r = s.post("/api/health", "application/json", b"{}");
    let p = r.problem(405);
    assert_eq!(p["type"], "/problems/method-not-allowed");
    assert!(
        r.header("allow").is_some_and(|a| a.contains("GET")),
        "{:?}",
        r.headers
    );
    // Outside /api, errors stay plain (the dashboard renders its own).
    let r = s.get("/no-such-page");
    assert_eq!(r.status, 404);
    assert_ne!(r.content_type, "application/problem+json");
}

/// OpenAPI 3.1, and every route the API's source declares is described, with its methods.
#[test]
fn openapi_is_3_1_and_describes_every_route() {
    let s = Server::start();
    let r = s.get("/api/openapi.json");
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type, "application/json");
    let doc = r.json();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    let routes = declared_routes();
    assert!(
        routes.len() >= 8,
        "found too few routes in the source: {routes:?}"
    );
    let mut missing = Vec::new();
    for (path, methods) in &routes {
        for m in methods {
            let described = paths.get(path).and_then(|p| p.get(m.as_str())).is_some();
            if !described && path != "/api/openapi.json" {
                missing.push(format!("{} {path}", m.to_uppercase()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "served but not in openapi.json: {missing:?}"
    );
    // Operation ids are unique (OpenAPI requires it; links and generated clients use them).
    let mut ids: Vec<&str> = paths
        .values()
        .flat_map(|item| item.as_object().expect("path item").values())
        .map(|op| op["operationId"].as_str().expect("an operationId"))
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate operationIds among {ids:?}");
    // An upload's answer links to the scenario it stored, a job's to the job.
    let links = &paths["/api/jobs"]["post"]["responses"]["202"]["links"];
    assert_eq!(links["GetJob"]["operationId"], "get_job", "{links}");
    assert!(links["GetJob"].get("operation_id").is_none(), "{links}");
    assert_eq!(links["GetJob"]["parameters"]["id"], "$response.body#/id");
    // Archives are binary, not arrays of numbers.
    let archive = &doc["components"]["schemas"]["Archive"];
    assert_eq!(archive["format"], "binary", "{archive}");
    // And nothing is described that is not served.
    for (path, item) in paths {
        let served = routes.iter().find(|(p, _)| p == path);
        let methods = &served
            .unwrap_or_else(|| panic!("{path} is described, not served"))
            .1;
        for m in item.as_object().expect("path item").keys() {
            assert!(methods.contains(m), "{m} {path} is described, not served");
        }
    }
}

/// The `.route("/path", get(a).post(b))` calls in `src/api/` (as `/api/path`) and the
/// methods each serves. Reading the source keeps this list from being a second copy to
/// maintain; a router built another way (`nest`) would need this reader taught.
fn declared_routes() -> Vec<(String, Vec<String>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut sources = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("src/api") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                sources.push(std::fs::read_to_string(&p).expect("source"));
            }
        }
    }
    let mut routes: Vec<(String, Vec<String>)> = Vec::new();
    for src in &sources {
        // rustfmt puts a long call's path on its own line: `.route(\n    "/path",`.
        for chunk in src.split(".route(").skip(1) {
            let Some(chunk) = chunk.trim_start().strip_prefix('"') else {
                continue;
            };
            let (path, rest) = chunk.split_once('"').expect("route path");
            // The handler expression runs to the `)` closing `.route(`.
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(rest.len(), |(i, _)| i);
            let handlers = &rest[..end];
            let methods: Vec<String> = ["get", "post", "put", "patch", "delete"]
                .iter()
                .filter(|m| {
                    // `get(`, `.get(`, `routing::get(`, but not `forget(`.
                    handlers.match_indices(&format!("{m}(")).any(|(i, _)| {
                        !handlers[..i]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_')
                    })
                })
                .map(|m| (*m).to_string())
                .collect();
            assert!(
                !methods.is_empty(),
                "no method for route {path}: {handlers}"
            );
            let full = format!("/api{path}");
            match routes.iter_mut().find(|(p, _)| *p == full) {
                Some((_, ms)) => ms.extend(methods),
                None => routes.push((full, methods)),
            }
        }
    }
    routes
}

/// Finished results outlive the process; a job the store holds as running when a server
/// starts reads `interrupted`.
#[test]
fn jobs_survive_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("astana.db");

    let s = Server::start_on(&db);
    let done = s.run_job(&json!({"kind": "brief"}));
    assert_eq!(done["state"], "done", "{done}");
    let id = done["id"].as_str().expect("id").to_string();
    s.stop();

    let s = Server::start_on(&db);
    let after = s.get(&format!("/api/jobs/{id}")).json();
    assert_eq!(after, done);
    s.stop();

    // A job left running by a process that died, written through the store directly.
    let store = astana_store::Store::open(&db).expect("store");
    let left = store
        .create_job("brief", Some("kazakhstan"), &json!({}))
        .expect("create");
    assert!(store.start_job(&left.id).expect("start"));
    assert_eq!(
        store.job(&left.id).expect("read").expect("job").state,
        astana_store::JobState::Running
    );
    drop(store);

    let s = Server::start_on(&db);
    let j = s.get(&format!("/api/jobs/{}", left.id)).json();
    assert_eq!(j["state"], "interrupted", "{j}");
    assert!(j.get("result").is_none(), "{j}");
    // Its event stream is the one final event.
    let ev = parse_sse(&s.get(&format!("/api/jobs/{}/events", left.id)).text());
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0].0, "end");
    assert_eq!(ev[0].1["state"], "interrupted");
    // And the finished one is still there.
    assert_eq!(s.get(&format!("/api/jobs/{id}")).json()["state"], "done");
}

/// The statuses the tests above see are described, and the bodies as they are sent: archives
/// as binary, each Server-Sent Event as an object, job kinds as an enumeration.
#[test]
fn openapi_documents_what_the_api_answers() {
    let s = Server::start();
    let doc = s.get("/api/openapi.json").json();
    let op = |path: &str, method: &str| doc["paths"][path][method].clone();
    for (path, method, statuses) in [
        ("/api/jobs", "get", &["200", "400"][..]),
        (
            "/api/jobs",
            "post",
            &["202", "400", "404", "413", "415", "422"],
        ),
        ("/api/jobs/{id}", "delete", &["202", "404", "409"]),
        (
            "/api/scenarios",
            "post",
            &["201", "400", "409", "413", "415", "422"],
        ),
        ("/api/scenarios/{id}", "delete", &["204", "404", "409"]),
        (
            "/api/scenarios/{id}/brief",
            "get",
            &["200", "400", "404", "422"],
        ),
    ] {
        let responses = op(path, method)["responses"].clone();
        for st in statuses {
            assert!(
                responses.get(*st).is_some(),
                "{method} {path}: status {st} is not described"
            );
        }
    }
    let upload = op("/api/scenarios", "post")["requestBody"]["content"].clone();
    for media in ["application/zip", "application/gzip"] {
        assert_eq!(
            upload[media]["schema"]["$ref"], "#/components/schemas/Archive",
            "{upload}"
        );
    }
    let schemas = &doc["components"]["schemas"];
    let event = &op("/api/jobs/{id}/events", "get")["responses"]["200"]["content"]
        ["text/event-stream"]["schema"];
    assert_eq!(event["$ref"], "#/components/schemas/JobEvent", "{event}");
    assert_eq!(
        schemas["JobEvent"]["properties"]["event"]["enum"],
        json!(["progress", "end"])
    );
    let kinds = &schemas["NewJob"]["properties"]["kind"]["enum"];
    assert!(
        kinds
            .as_array()
            .is_some_and(|k| k.contains(&json!("brief"))),
        "{kinds}"
    );
}
