//! `astana brief --date`: the date on the page, reproducible bytes, and `SOURCE_DATE_EPOCH`.

use super::{astana_cmd, scratch, stderr};

fn brief(args: &[&str], epoch: Option<&str>) -> (std::process::Output, Vec<u8>) {
    let out = scratch("brief-date").join(format!("b{}.html", args.len()));
    let mut all = vec!["brief", "--out"];
    let o = out.display().to_string();
    all.push(&o);
    all.extend_from_slice(args);
    let mut cmd = astana_cmd(&all);
    match epoch {
        Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
        None => cmd.env_remove("SOURCE_DATE_EPOCH"),
    };
    let r = cmd.output().expect("run astana");
    let html = std::fs::read(&out).unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    (r, html)
}

#[test]
fn the_same_date_gives_the_same_bytes_and_the_page_says_how_to_reproduce_it() {
    let (o, a) = brief(&["--date", "2026-11-30"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, b) = brief(&["--date", "2026-11-30"], None);
    assert!(!a.is_empty() && a == b, "two runs with --date differ");
    let html = String::from_utf8(a).expect("utf-8");
    assert_eq!(
        html.matches(r#"Generated <time datetime="2026-11-30">"#)
            .count(),
        2,
        "the date in the header and the footer"
    );
    assert!(html.contains("<code>astana brief --date 2026-11-30</code>"));
    // SOURCE_DATE_EPOCH fixes the date when --date is absent: 1764460800 is 2025-11-30
    // 00:00 UTC; --date wins over it.
    let (o, c) = brief(&["--year", "2022"], Some("1764460800"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let c = String::from_utf8(c).expect("utf-8");
    assert!(c.contains("<code>astana brief --date 2025-11-30 --year 2022</code>"));
    let (_, d) = brief(&["--date", "2026-11-30"], Some("1764460800"));
    assert!(String::from_utf8(d)
        .expect("utf-8")
        .contains(r#"datetime="2026-11-30""#));
}

#[test]
fn a_bad_date_or_source_date_epoch_is_bad_input() {
    let (o, _) = brief(&["--date", "2026-02-30"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--date"), "{}", stderr(&o));
    let (o, _) = brief(&[], Some("yesterday"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("SOURCE_DATE_EPOCH=`yesterday` is not a whole number"),
        "{}",
        stderr(&o)
    );
}
