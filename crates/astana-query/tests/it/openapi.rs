//! With the `openapi` feature, every Params struct describes its query parameters (run with
//! `cargo test -p astana-query --features openapi`).

use utoipa::IntoParams;

#[test]
fn params_become_documented_query_parameters() {
    let ps = astana_query::corridor::RoutesParams::into_params(|| None);
    let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "from",
            "to",
            "all_pairs",
            "avoid",
            "close",
            "corridor",
            "by",
            "value_of_time",
            "k"
        ]
    );
    for p in &ps {
        assert!(p.parameter_in == utoipa::openapi::path::ParameterIn::Query);
        assert!(
            p.description.as_deref().is_some_and(|d| !d.is_empty()),
            "{} has no description",
            p.name
        );
    }
    let avoid = ps.iter().find(|p| p.name == "avoid").expect("avoid");
    assert!(avoid
        .description
        .as_deref()
        .unwrap_or("")
        .contains("comma-separated"));
    for ps in [
        astana_query::balance::Params::into_params(|| None),
        astana_query::power::Params::into_params(|| None),
        astana_query::mediate::RunParams::into_params(|| None),
        astana_query::forum::Params::into_params(|| None),
    ] {
        assert!(!ps.is_empty());
    }
}

/// Every parameter has a default (the CLI's), so none is required.
#[test]
fn no_parameter_is_required() {
    use utoipa::openapi::Required;
    for p in astana_query::corridor::RoutesParams::into_params(|| None)
        .iter()
        .chain(&astana_query::balance::Params::into_params(|| None))
    {
        assert!(p.required == Required::False, "{} is required", p.name);
    }
}
