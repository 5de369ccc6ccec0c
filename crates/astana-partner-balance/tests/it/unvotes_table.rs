//! The derived table `data/unvotes/alignment.csv` (issue 18), which `astana scenario init`
//! copies into a new scenario, equals a recomputation from the raw roll calls
//! (`$ASTANA_REFERENCE_DIR/balance/unvotes`, not part of the project) for several countries.

use astana_partner_balance::{alignment, alignment_rows, AlignmentQuery};

const PARTNERS: [&str; 4] = ["CHN", "DEU", "RUS", "USA"];

#[test]
fn committed_alignment_table_equals_a_recomputation_from_the_roll_calls() {
    let Some(dir) = super::reference_dir() else {
        return;
    };
    let data = astana_scenario::read_unvotes(&dir.join("balance/unvotes"))
        .unwrap_or_else(|e| panic!("{e}"));
    // Two of the fixed partners among them: the table holds them against the other three.
    for country in ["KAZ", "IDN", "BRA", "KOR", "TUR", "CHN", "USA"] {
        let q = AlignmentQuery {
            country: country.into(),
            partners: PARTNERS
                .iter()
                .filter(|p| **p != country)
                .map(|p| (*p).to_string())
                .collect(),
            from: 1946,
            to: 2019,
        };
        let a = alignment(&data, &q);
        let mut expected: Vec<String> = alignment_rows(&a, "")
            .iter()
            .map(|r| {
                format!(
                    "{},{},{},{},{},{}",
                    r.year, r.country, r.partner, r.roll_calls, r.identical, r.half
                )
            })
            .collect();
        expected.sort_by_key(|l| (l[..4].to_string(), l[9..12].to_string()));
        let committed: Vec<&str> = astana_scenario::UNVOTES_ALIGNMENT
            .lines()
            .filter(|l| l.split(',').nth(1) == Some(country))
            .collect();
        assert!(!committed.is_empty(), "{country}: no rows");
        assert_eq!(committed, expected, "{country}");
    }
}
