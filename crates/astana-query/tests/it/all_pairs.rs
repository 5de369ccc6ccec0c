//! Issue 14: the all-pairs document is streamed from the engine's flat table: node ids by
//! index, each pair's values read in place; the same rows as single-pair searches.

use astana_query::corridor;

#[test]
fn all_pairs_rows_come_from_the_flat_table_by_node_index() {
    let s = astana_scenario::load_embedded().expect("embedded").0;
    let p: corridor::RoutesParams =
        serde_urlencoded::from_str("all_pairs=true&k=1&by=cost").expect("params");
    let corridor::RoutesReport::AllPairs(all) = corridor::routes(&s, &p).expect("routes") else {
        panic!("all pairs");
    };
    let n = s.corridor_nodes.len();
    assert_eq!(all.ids.len(), n);
    assert_eq!(all.pairs(), n * (n - 1));
    assert_eq!(all.weights.k(), 1);
    // The document's rows are the table's, in order of origin, then destination.
    let doc = serde_json::to_value(&all).expect("json");
    let rows = doc["results"].as_array().expect("rows");
    assert_eq!(rows.len(), all.pairs());
    assert_eq!(doc["routes"], all.routes());
    for ((from, to, values), row) in all.results().zip(rows) {
        assert_eq!(row["from"], from);
        assert_eq!(row["to"], to);
        let got: Vec<f64> = serde_json::from_value(row["values"].clone()).expect("values");
        assert_eq!(got, values);
    }
    // A pair's value is its single-pair search's best route.
    let (first, last) = (0, n - 1);
    let one: corridor::RoutesParams = serde_urlencoded::from_str(&format!(
        "from={}&to={}&k=1&by=cost",
        all.ids[first], all.ids[last]
    ))
    .expect("params");
    let corridor::RoutesReport::Od(r) = corridor::routes(&s, &one).expect("routes") else {
        panic!("one pair");
    };
    let v = all.weights.get(first, last);
    assert_eq!(v.len(), 1);
    assert!(
        (v[0] - r.routes[0].cost_usd_feu).abs() <= 1e-9 * v[0],
        "{v:?}"
    );
}
