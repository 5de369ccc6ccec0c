//! Integration tests for the scenario loader.

#[test]
fn embedded_scenario_loads_without_errors() {
    let (s, warnings) = match astana_scenario::load_embedded() {
        Ok(x) => x,
        Err(d) => panic!("{d}"),
    };
    eprintln!("{warnings}");
    assert_eq!(s.focal, "KAZ");
    assert!(s.flows.len() > 50);
}
