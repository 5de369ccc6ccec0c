//! UN Comtrade bulk / API CSV ("Final data", comma or tab separated): one row per
//! reporter × partner × flow × commodity; values in US dollars.

use super::sink::{Row, Sink};
use super::{clip, emit, Errors, ImportError, Summary};
use std::io::{BufReader, Read};

const MONTHS: [&str; 12] = [
    "Jan-Jan", "Feb-Feb", "Mar-Mar", "Apr-Apr", "May-May", "Jun-Jun", "Jul-Jul", "Aug-Aug",
    "Sep-Sep", "Oct-Oct", "Nov-Nov", "Dec-Dec",
];

/// A partner: `W00` (world) → `WLD`, `S19` (Other Asia, nes) → `TWN`, an ISO alpha-3 code
/// as is; `Ok(None)` for Comtrade's residual areas (codes with a digit or `_`, such as `_X`
/// areas nes, `X1` bunkers, `E19` Europe nes), which are no country.
fn partner(code: &str) -> Result<Option<&'static str>, String> {
    match code {
        "W00" => Ok(Some("WLD")),
        "S19" => Ok(Some("TWN")),
        c if c.bytes().any(|b| b.is_ascii_digit() || b == b'_') || c.len() < 3 => Ok(None),
        c => super::iso3(c).map(Some),
    }
}

pub(crate) fn run<R: Read>(
    input: BufReader<R>,
    errors: &mut Errors,
    sink: &mut Sink,
    summary: &mut Summary,
) -> Result<(), ImportError> {
    let mut rdr = super::csv_reader(input);
    let Some(head) = super::header(&mut rdr, errors) else {
        return Ok(());
    };
    let Some([yc, rc, pc, fc, cc, vc]) = super::columns(
        &head,
        [
            &["refYear", "period"],
            &["reporterISO"],
            &["partnerISO"],
            &["flowCode"],
            &["cmdCode"],
            &["primaryValue"],
        ],
        "UN Comtrade",
        errors,
    ) else {
        return Ok(());
    };
    // Optional: the frequency and period (monthly files), breakdowns whose totals are kept,
    // and the net weight (kg) carried as the quantity in tonnes.
    let freq = super::optional(&head, &["freqCode"]);
    let period = super::optional(&head, &["period"]);
    let totals: Vec<(usize, &str, &str)> = [
        ("partner2Code", "0"),
        ("motCode", "0"),
        ("customsCode", "C00"),
    ]
    .into_iter()
    .filter_map(|(n, total)| super::optional(&head, &[n]).map(|i| (i, n, total)))
    .collect();
    let weight = super::optional(&head, &["netWgt"]);
    let mut rec = csv::ByteRecord::new();
    while let Some(line) = super::next_record(&mut rdr, &mut rec, errors) {
        summary.records += 1;
        let field = |i: usize, name: &str, errors: &mut Errors| super::text(&rec, i, name, errors);
        // Breakdown rows (by second partner, transport mode, customs procedure) repeat the
        // total: only the totals are kept, or the values would be counted twice.
        let mut breakdown = None;
        for &(i, name, total) in &totals {
            match field(i, name, errors) {
                Some(v) if v != total && !v.is_empty() => breakdown = Some(name),
                _ => {}
            }
        }
        if let Some(name) = breakdown {
            *summary
                .skipped
                .entry(format!("{name} other than the total"))
                .or_default() += 1;
            continue;
        }
        let flow = match field(fc, "flowCode", errors) {
            Some("X") => "exports",
            Some("M") => "imports",
            Some(other) => {
                let why = match other {
                    "RX" => "flowCode RX (re-exports, already within X)".to_string(),
                    "RM" => "flowCode RM (re-imports, already within M)".to_string(),
                    o => format!("flowCode {} (not X or M)", clip(o, 10)),
                };
                *summary.skipped.entry(why).or_default() += 1;
                continue;
            }
            None => continue,
        };
        let (Some(ys), Some(rs), Some(ps), Some(cs), Some(vs)) = (
            field(yc, "year", errors),
            field(rc, "reporterISO", errors),
            field(pc, "partnerISO", errors),
            field(cc, "cmdCode", errors),
            field(vc, "primaryValue", errors),
        ) else {
            continue;
        };
        let year_field = head[yc].as_str();
        let monthly = freq.and_then(|f| field(f, "freqCode", errors)) == Some("M");
        let mut per = "FY";
        let year = if year_field == "period" || monthly {
            // `period` is YYYY (annual) or YYYYMM (monthly).
            let p = match period {
                Some(i) => field(i, "period", errors).unwrap_or_default(),
                None => ys,
            };
            let (y, m) = super::split_year(p).unwrap_or((p, ""));
            if monthly || !m.is_empty() {
                match m.parse::<usize>() {
                    Ok(m @ 1..=12) => per = MONTHS[m - 1],
                    _ => errors.at(
                        line,
                        "period",
                        format!("`{}` is not a month YYYYMM", clip(p, 20)),
                    ),
                }
            }
            if year_field == "period" {
                super::year(y)
            } else {
                super::year(ys)
            }
        } else {
            super::year(ys)
        }
        .map_err(|m| errors.at(line, year_field, m));
        let reporter = match rs {
            "S19" => Ok("TWN"),
            r => super::iso3(r).map_err(|m| errors.at(line, "reporterISO", m)),
        };
        let partner = match partner(ps) {
            Ok(Some(p)) => Some(p),
            Ok(None) => {
                *summary
                    .skipped
                    .entry(format!(
                        "partnerISO {} (an area, not a country)",
                        clip(ps, 10)
                    ))
                    .or_default() += 1;
                continue;
            }
            Err(m) => {
                errors.at(line, "partnerISO", m);
                None
            }
        };
        let product = match cs {
            "TOTAL" => Ok(None),
            c if !c.is_empty() && c.len() <= 12 && c.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Some(c))
            }
            c => {
                let m = format!("`{}` is not an HS code (digits) or TOTAL", clip(c, 40));
                errors.at(line, "cmdCode", m);
                Err(())
            }
        };
        let value = super::amount(vs).map_err(|m| errors.at(line, "primaryValue", m));
        let quantity = match weight.and_then(|w| field(w, "netWgt", errors)) {
            None | Some("") => Ok(None),
            Some(s) => super::amount(s)
                .map(|kg| Some(kg / 1e3))
                .map_err(|m| errors.at(line, "netWgt", m)),
        };
        let (Ok(year), Ok(reporter), Some(partner), Ok(product), Ok(value), Ok(quantity)) =
            (year, reporter, partner, product, value, quantity)
        else {
            continue;
        };
        let row = Row {
            year,
            period: per,
            reporter,
            partner,
            flow,
            product,
            value_usd: value,
            quantity,
        };
        emit(sink, errors, &row)?;
    }
    Ok(())
}
