//! IMF Direction of Trade Statistics CSV, long (`Time Period`, `Value`) or wide (one column
//! per period) layout; exports FOB and imports CIF in US dollars (scaled by the unit column
//! when there is one).

use super::sink::{Row, Sink};
use super::{clip, emit, Errors, ImportError, Options, Summary};
use std::io::{BufReader, Read};

/// IMF country codes (the IFS numbers of the old data portal) for the world and the
/// countries astana's scenarios use most; any other code needs `--countries` (or the file's
/// ISO codes). Checked against the IMF's code list, not the M49 numbers.
const IMF_CODES: [(usize, &str); 63] = [
    (1, "WLD"),
    (111, "USA"),
    (112, "GBR"),
    (122, "AUT"),
    (124, "BEL"),
    (128, "DNK"),
    (132, "FRA"),
    (134, "DEU"),
    (136, "ITA"),
    (137, "LUX"),
    (138, "NLD"),
    (142, "NOR"),
    (144, "SWE"),
    (146, "CHE"),
    (156, "CAN"),
    (158, "JPN"),
    (172, "FIN"),
    (174, "GRC"),
    (176, "ISL"),
    (178, "IRL"),
    (181, "MLT"),
    (182, "PRT"),
    (184, "ESP"),
    (186, "TUR"),
    (193, "AUS"),
    (196, "NZL"),
    (199, "ZAF"),
    (213, "ARG"),
    (223, "BRA"),
    (228, "CHL"),
    (273, "MEX"),
    (429, "IRN"),
    (456, "SAU"),
    (466, "ARE"),
    (469, "EGY"),
    (512, "AFG"),
    (532, "HKG"),
    (534, "IND"),
    (536, "IDN"),
    (542, "KOR"),
    (548, "MYS"),
    (564, "PAK"),
    (566, "PHL"),
    (576, "SGP"),
    (578, "THA"),
    (582, "VNM"),
    (911, "ARM"),
    (912, "AZE"),
    (913, "BLR"),
    (915, "GEO"),
    (916, "KAZ"),
    (917, "KGZ"),
    (921, "MDA"),
    (922, "RUS"),
    (923, "TJK"),
    (924, "CHN"),
    (925, "TKM"),
    (926, "UKR"),
    (927, "UZB"),
    (948, "MNG"),
    (964, "POL"),
    (935, "CZE"),
    (944, "HUN"),
];

/// A DOTS country or counterpart code: the world (`001`, `W00`, `G001`, `WLD`), an IMF
/// number (the `--countries` table, else [`IMF_CODES`]), an ISO alpha-3 or alpha-2 code.
fn country(code: &str, table: Option<&[Option<&'static str>]>) -> Result<&'static str, String> {
    if matches!(code, "W00" | "G001" | "WLD" | "W001") {
        return Ok("WLD");
    }
    if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) {
        let n = code.parse::<usize>().unwrap_or(usize::MAX);
        let found = match table {
            Some(t) => t.get(n).copied().flatten(),
            None => IMF_CODES.iter().find(|(c, _)| *c == n).map(|(_, a3)| *a3),
        };
        return found.ok_or_else(|| {
            format!("IMF code `{}` is not in the {}", clip(code, 12), if table.is_some() { "--countries table" } else { "built-in table of IMF codes; pass a table with --countries (country_code,country_iso3)" })
        });
    }
    if code.len() == 2 {
        if let Some(a3) = astana_model::iso::alpha2_to_alpha3(&code.to_ascii_uppercase()) {
            return Ok(a3);
        }
    }
    super::iso3(code)
}

/// `2022` → (2022, FY); `2022Q1`, `2022-Q1` → Q1; `2022M03`, `2022-M03` → Mar-Mar.
fn period(s: &str) -> Option<(i32, &'static str)> {
    const Q: [&str; 4] = ["Q1", "Q2", "Q3", "Q4"];
    const M: [&str; 12] = [
        "Jan-Jan", "Feb-Feb", "Mar-Mar", "Apr-Apr", "May-May", "Jun-Jun", "Jul-Jul", "Aug-Aug",
        "Sep-Sep", "Oct-Oct", "Nov-Nov", "Dec-Dec",
    ];
    let (y, rest) = super::split_year(s).unwrap_or((s, ""));
    let y = super::year(y).ok()?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    if rest.is_empty() {
        return Some((y, "FY"));
    }
    let n = |t: &str| t.parse::<usize>().ok();
    match (
        rest.strip_prefix('Q').and_then(n),
        rest.strip_prefix('M').and_then(n),
    ) {
        (Some(q @ 1..=4), _) => Some((y, Q[q - 1])),
        (_, Some(m @ 1..=12)) => Some((y, M[m - 1])),
        _ => None,
    }
}

/// The factor of a unit or scale text: `Millions`, `US Dollars, Millions`, `Units`, `6`.
fn scale(s: &str) -> Option<f64> {
    let l = s.to_ascii_lowercase();
    match l.as_str() {
        "" | "units" | "us dollars" | "us dollar" | "usd" | "dollars" | "0" => Some(1.0),
        "3" => Some(1e3),
        "6" => Some(1e6),
        "9" => Some(1e9),
        _ if l.contains("billion") => Some(1e9),
        _ if l.contains("million") => Some(1e6),
        _ if l.contains("thousand") => Some(1e3),
        _ => None,
    }
}

fn flow(indicator: &str) -> Option<&'static str> {
    match indicator {
        "TXG_FOB_USD" | "XG_FOB_USD" => Some("exports"),
        "TMG_CIF_USD" | "MG_CIF_USD" => Some("imports"),
        _ => None,
    }
}

pub(crate) fn run<R: Read>(
    input: BufReader<R>,
    opts: &Options,
    errors: &mut Errors,
    sink: &mut Sink,
    summary: &mut Summary,
) -> Result<(), ImportError> {
    let table = match &opts.countries {
        Some(p) => Some(super::country_table(p).map_err(ImportError::Input)?),
        None => None,
    };
    let table = table.as_deref();
    let default_factor = opts.unit.unwrap_or(super::Unit::Usd).factor();
    let mut rdr = super::csv_reader(input);
    let Some(head) = super::header(&mut rdr, errors) else {
        return Ok(());
    };
    let time = super::optional(&head, &["Time Period", "TIME_PERIOD"]);
    // Wide layout: every header that is a period is a value column.
    let wide: Vec<(usize, i32, &'static str)> = head
        .iter()
        .enumerate()
        .filter_map(|(i, h)| period(h).map(|(y, p)| (i, y, p)))
        .collect();
    let (value_names, time_names): (&[&str], &[&str]) = if time.is_some() || wide.is_empty() {
        (&["Value", "OBS_VALUE"], &["Time Period", "TIME_PERIOD"])
    } else {
        (&["Country Code", "COUNTRY"], &["Country Code", "COUNTRY"])
    };
    let Some([cc, pc, ic, tc, vc]) = super::columns(
        &head,
        [
            &["Country Code", "COUNTRY"],
            &["Counterpart Country Code", "COUNTERPART_COUNTRY"],
            &["Indicator Code", "INDICATOR"],
            time_names,
            value_names,
        ],
        "IMF DOTS",
        errors,
    ) else {
        return Ok(());
    };
    let long = time.is_some() || wide.is_empty();
    let unit = super::optional(
        &head,
        &["Unit Name", "Unit", "UNIT", "Scale", "SCALE", "UNIT_MULT"],
    );
    let attribute = super::optional(&head, &["Attribute"]);
    let mut rec = csv::ByteRecord::new();
    while let Some(line) = super::next_record(&mut rdr, &mut rec, errors) {
        summary.records += 1;
        let field = |i: usize, errors: &mut Errors| super::text(&rec, i, &head[i], errors);
        // The wide layout has a `Status` row under each `Value` row.
        if let Some(a) = attribute.and_then(|a| field(a, errors)) {
            if a != "Value" {
                *summary
                    .skipped
                    .entry(format!("Attribute {}", clip(a, 20)))
                    .or_default() += 1;
                continue;
            }
        }
        let Some(ind) = field(ic, errors) else {
            continue;
        };
        let Some(flow) = flow(ind) else {
            *summary
                .skipped
                .entry(format!("indicator {}", clip(ind, 30)))
                .or_default() += 1;
            continue;
        };
        let (Some(cs), Some(ps)) = (field(cc, errors), field(pc, errors)) else {
            continue;
        };
        let reporter = country(cs, table).map_err(|m| errors.at(line, &head[cc], m));
        let partner = country(ps, table).map_err(|m| errors.at(line, &head[pc], m));
        let factor = match unit.and_then(|u| field(u, errors)) {
            None => Some(default_factor),
            Some(u) => scale(u).or_else(|| {
                errors.at(
                    line,
                    &head[unit.unwrap_or_default()],
                    format!(
                        "unknown unit `{}`; expected US dollars, thousands, millions or billions",
                        clip(u, 40)
                    ),
                );
                None
            }),
        };
        let cells: Vec<(usize, i32, &'static str)> = if long {
            match field(tc, errors).map(|t| (t, period(t))) {
                Some((_, Some((y, p)))) => vec![(vc, y, p)],
                Some((t, None)) => {
                    errors.at(
                        line,
                        &head[tc],
                        format!("`{}` is not a period (2022, 2022Q1, 2022M01)", clip(t, 20)),
                    );
                    continue;
                }
                None => continue,
            }
        } else {
            wide.clone()
        };
        let (Ok(reporter), Ok(partner), Some(factor)) = (reporter, partner, factor) else {
            continue;
        };
        for (i, year, per) in cells {
            let Some(v) = field(i, errors) else { continue };
            if v.is_empty() || v == "NA" || v == "..." {
                *summary
                    .skipped
                    .entry("empty value".to_string())
                    .or_default() += 1;
                continue;
            }
            // Imports CIF are stored as positive numbers; a negative value is an error like
            // any other.
            let Ok(value) = super::amount(v).map_err(|m| errors.at(line, &head[i], m)) else {
                continue;
            };
            let row = Row {
                year,
                period: per,
                reporter,
                partner,
                flow,
                product: None,
                value_usd: value * factor,
                quantity: None,
            };
            emit(sink, errors, &row)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_units_and_codes() {
        assert_eq!(period("2022"), Some((2022, "FY")));
        assert_eq!(period("2022-Q4"), Some((2022, "Q4")));
        assert_eq!(period("2022M12"), Some((2022, "Dec-Dec")));
        assert_eq!(period("2022M13"), None);
        assert_eq!(period("20é2"), None);
        assert_eq!(scale("US Dollars, Millions"), Some(1e6));
        assert_eq!(scale("furlongs"), None);
        assert_eq!(country("916", None), Ok("KAZ"));
        assert_eq!(country("001", None), Ok("WLD"));
        assert_eq!(country("KZ", None), Ok("KAZ"));
    }
}
