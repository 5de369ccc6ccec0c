//! `load_flows_text`: a bare flows CSV already in memory (the Python package's tables).

use astana_scenario::load_flows_text;

#[test]
fn flows_text_loads_like_a_file() {
    let csv = "year,reporter,partner,flow,value_usd,source\n\
               2023,KAZ,CHN,exports,6000000000,example\n\
               2023,KAZ,RUS,exports,3000000000,example\n";
    let (s, _) = load_flows_text("<table>", csv).expect("valid flows");
    assert_eq!(s.flows.len(), 2);
    assert_eq!(s.flows[0].year, 2023);
    assert_eq!(s.flows[1].value_usd, 3.0e9);
}

#[test]
fn flows_text_errors_name_the_given_name_line_and_field() {
    let csv = "year,reporter,partner,flow,value_usd,source\n\
               2023,KAZ,CHN,exports,6000000000,example\n\
               2023,KZ,RUS,exports,3000000000,example\n";
    let d = load_flows_text("<table>", csv).expect_err("a bad reporter");
    let e = d.0.iter().find(|e| e.is_error()).expect("an error");
    assert_eq!(e.file, "<table>");
    assert_eq!(e.line, Some(3));
    assert_eq!(e.field.as_deref(), Some("reporter"));
}
