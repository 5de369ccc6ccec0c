//! The live mediation pages without a browser (issue 13): security headers, no inline
//! script, escaping, the static script's cache, the form's contents, and why a cross-site
//! form cannot act (the API takes JSON and Bearer tokens only).

use crate::support::{request, Server};

const STRICT: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Every `<script` tag loads a file: no inline script on the page.
#[track_caller]
fn no_inline_script(body: &str) {
    for (i, _) in body.match_indices("<script") {
        let tag = &body[i..body[i..].find('>').map_or(body.len(), |e| i + e)];
        assert!(tag.contains(" src=\"/assets/"), "inline script: {tag}");
    }
    assert!(!body.contains(" style=\""), "an inline style attribute");
    assert!(!body.contains("<style"), "an inline <style>");
}

#[test]
fn mediation_pages_carry_a_strict_policy_and_no_inline_script() {
    let s = Server::start();
    for path in ["/mediations/new", "/m/abc123"] {
        let r = request(&s.url(path), "GET", None);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        assert_eq!(r.header("content-security-policy"), Some(STRICT), "{path}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{path}");
        let body = r.text();
        no_inline_script(&body);
        assert!(
            body.contains(r#"<script src="/assets/mediation.js?v="#),
            "{path}"
        );
        assert!(
            body.contains(r#"<link rel="stylesheet" href="/assets/astana.css?v="#),
            "{path}"
        );
    }
    // The dashboard: script only from files too; inline style stays allowed (SVG charts).
    for path in ["/", "/s/kazakhstan/balance", "/s/kazakhstan/mediation"] {
        let r = request(&s.url(path), "GET", None);
        assert_eq!(r.status, 200, "{path}");
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        for (i, _) in r.text().match_indices("<script") {
            let t = r.text();
            let tag = &t[i..i + t[i..].find('>').unwrap_or(0)];
            assert!(
                tag.contains(" src=\"/assets/"),
                "{path}: inline script {tag}"
            );
        }
        assert!(!r.text().contains(" oninput="), "{path}: an inline handler");
    }
}

#[test]
fn the_party_page_shows_no_navigation_and_escapes_its_id() {
    let s = Server::start();
    let r = request(
        &s.url("/m/%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
        "GET",
        None,
    );
    assert_eq!(r.status, 200);
    let body = r.text();
    assert!(!body.contains("<script>alert"), "{body}");
    assert!(
        body.contains(r#"data-id="&lt;script&gt;alert(1)&lt;/script&gt;""#),
        "{body}"
    );
    // An outsider's page: no link to the team's scenarios, jobs or API.
    assert!(
        !body.contains(r#"href="/s/"#) && !body.contains(r#"href="/jobs""#),
        "{body}"
    );
    assert!(!body.contains("/pick"), "{body}");
}

#[test]
fn assets_are_versioned_and_cached_for_a_year() {
    let s = Server::start();
    let page = request(&s.url("/mediations/new"), "GET", None).text();
    let at = page
        .find("/assets/mediation.js?v=")
        .expect("the script's URL");
    let url = &page[at..at + page[at..].find('"').expect("end")];
    let r = request(&s.url(url), "GET", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type, "text/javascript; charset=utf-8");
    assert_eq!(
        r.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(
        r.text().contains("history.replaceState"),
        "the script removes the token from the address"
    );
    let css = request(&s.url("/assets/astana.css"), "GET", None);
    assert_eq!(css.status, 200);
    assert!(css.content_type.starts_with("text/css"));
    assert_eq!(request(&s.url("/assets/nope.js"), "GET", None).status, 404);
}

#[test]
fn the_form_is_filled_with_the_scenarios_domain_without_its_profiles() {
    let s = Server::start();
    let r = request(&s.url("/mediations/new"), "GET", None);
    let body = r.text();
    assert!(body.contains("name = &quot;through_tariff&quot;"), "{body}");
    assert!(body.contains("[[issue]]"));
    let area =
        &body[body.find("<textarea").expect("textarea")..body.find("</textarea>").expect("end")];
    assert!(
        !area.contains("[[party]]") && !area.contains("reservation ="),
        "profiles leaked into the form: {area}"
    );
    assert!(
        body.contains(r#"name="parties" value="KAZ, AZE, GEO""#),
        "{body}"
    );
    let bad = request(&s.url("/mediations/new?domain=nope.toml"), "GET", None);
    assert_eq!(bad.status, 400);
    assert!(
        bad.text().contains("unknown value `nope.toml`"),
        "{}",
        bad.text()
    );
}

/// What a cross-site form can send (urlencoded, multipart or text/plain, with cookies but
/// no Authorization header) creates nothing and acts on nothing.
#[test]
fn a_cross_site_form_cannot_create_or_answer() {
    let s = Server::start();
    for ct in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
    ] {
        let r = request(
            &s.url("/api/mediations"),
            "POST",
            Some((ct, b"domain=x&parties=A,B")),
        );
        assert!(
            matches!(r.status, 400 | 415),
            "{ct}: {} {}",
            r.status,
            r.text()
        );
    }
    let r = request(
        &s.url("/api/mediations/abc/responses"),
        "POST",
        Some(("text/plain", br#"{"round":1,"accept":true}"#)),
    );
    assert_eq!(r.status, 401, "{}", r.text());
}

/// With a team token, a party (who has none) still gets its page with its script and styles.
#[test]
fn a_party_page_works_on_a_server_with_a_team_token() {
    let s = Server::start_with(|c| c.token = Some("t".repeat(32)));
    let page = request(&s.url("/m/abc"), "GET", None);
    assert_eq!(page.status, 200, "{}", page.text());
    for asset in ["/assets/mediation.js", "/assets/astana.css"] {
        assert_eq!(request(&s.url(asset), "GET", None).status, 200, "{asset}");
    }
    // The team's own pages still need the token.
    assert_eq!(request(&s.url("/mediations/new"), "GET", None).status, 303);
}
