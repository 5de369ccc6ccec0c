//! CEPII BACI: `t,i,j,k,v,q` — year, exporter and importer as country numbers, HS6 product,
//! value in thousands of US dollars, quantity in tonnes (blank or `NA` when unknown).

use super::sink::{Row, Sink};
use super::{clip, emit, Errors, ImportError, Options, Summary};
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::OnceLock;

/// BACI (and UN Comtrade) numbers that differ from the ISO 3166 numeric code: the country
/// together with the territories it reports for, as in BACI's `country_codes_V*.csv`.
/// 490 is Comtrade's "Other Asia, not elsewhere specified", which is Taiwan's trade.
const BACI_NUMBERS: [(usize, &str); 7] = [
    (251, "FRA"), // France and Monaco
    (381, "ITA"), // Italy, San Marino and the Holy See
    (490, "TWN"), // Other Asia, nes
    (579, "NOR"), // Norway, Svalbard and Jan Mayen
    (699, "IND"), // India
    (757, "CHE"), // Switzerland and Liechtenstein
    (842, "USA"), // USA, Puerto Rico and the US Virgin Islands
];

/// The built-in table: ISO 3166 numeric codes (astana-model) and [`BACI_NUMBERS`].
pub(crate) fn builtin_countries() -> &'static [Option<&'static str>] {
    static T: OnceLock<Vec<Option<&'static str>>> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = vec![None; 1000];
        for c in astana_model::iso::countries() {
            if let Ok(n) = c.numeric.parse::<usize>() {
                if n < 1000 {
                    t[n] = Some(c.alpha3);
                }
            }
        }
        for (n, a3) in BACI_NUMBERS {
            t[n] = Some(a3);
        }
        t
    })
}

/// `baci-hs17-v202501` from `BACI_HS17_Y2022_V202501.csv`, else `baci`.
pub(crate) fn source_id(input: &Path) -> String {
    let stem = input
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let parts: Vec<&str> = stem.split('_').collect();
    if parts
        .first()
        .is_some_and(|p| p.eq_ignore_ascii_case("baci"))
    {
        let keep = |p: &&&str| {
            let up = p.to_ascii_uppercase();
            let digits = up.strip_prefix("HS").or_else(|| up.strip_prefix('V'));
            digits.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        };
        let tags: Vec<String> = parts
            .iter()
            .filter(keep)
            .map(|p| p.to_lowercase())
            .collect();
        if !tags.is_empty() {
            return format!("baci-{}", tags.join("-"));
        }
    }
    "baci".to_string()
}

/// `v` (thousands) in dollars: the decimal point moved three places in the text, so that
/// `1.234` is exactly 1234 (multiplying the parsed number by 1000 would round twice).
pub(crate) fn thousands(s: &str, buf: &mut String) -> Result<f64, String> {
    // Plain decimals only (ASCII, so the slicing below is safe); anything else (an
    // exponent, a sign, `NA`) is parsed and multiplied, or reported.
    if !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return super::amount(s).map(|v| v * 1e3);
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return Err(format!("`{}` is not a number", clip(s, 40)));
    }
    buf.clear();
    buf.push_str(int);
    let (head, tail) = frac.split_at(frac.len().min(3));
    buf.push_str(head);
    for _ in head.len()..3 {
        buf.push('0');
    }
    buf.push('.');
    buf.push_str(tail);
    buf.push('0');
    super::amount(buf).map_err(|_| {
        super::amount(s)
            .err()
            .unwrap_or_else(|| format!("`{}` is not a number", clip(s, 40)))
    })
}

/// An HS6 code: six digits, or five when BACI wrote it as an integer (left-padded).
fn product<'b>(k: &str, buf: &'b mut String) -> Result<&'b str, String> {
    if !k.bytes().all(|b| b.is_ascii_digit()) || !(5..=6).contains(&k.len()) {
        return Err(format!(
            "`{}` is not an HS6 product code (six digits, or five when the leading zero was dropped)",
            clip(k, 40)
        ));
    }
    buf.clear();
    if k.len() == 5 {
        buf.push('0');
    }
    buf.push_str(k);
    Ok(buf)
}

pub(crate) fn run<R: Read>(
    input: BufReader<R>,
    opts: &Options,
    errors: &mut Errors,
    sink: &mut Sink,
    summary: &mut Summary,
) -> Result<(), ImportError> {
    let table_owned;
    let countries: &[Option<&str>] = match &opts.countries {
        Some(p) => {
            table_owned = super::country_table(p).map_err(ImportError::Input)?;
            &table_owned
        }
        None => builtin_countries(),
    };
    let hint_table = if opts.countries.is_some() {
        "add it to the --countries file"
    } else {
        "pass BACI's country_codes_V*.csv with --countries"
    };
    let mut rdr = super::csv_reader(input);
    let Some(head) = super::header(&mut rdr, errors) else {
        return Ok(());
    };
    let Some([t, i, j, k, v]) = super::columns(
        &head,
        [&["t"], &["i"], &["j"], &["k"], &["v"]],
        "BACI (t,i,j,k,v,q)",
        errors,
    ) else {
        return Ok(());
    };
    let q = super::optional(&head, &["q"]);
    let (mut rec, mut kbuf, mut vbuf) = (csv::ByteRecord::new(), String::new(), String::new());
    while let Some(line) = super::next_record(&mut rdr, &mut rec, errors) {
        summary.records += 1;
        let mut ok = true;
        let mut get = |col: usize, name: &str, errors: &mut Errors| {
            let f = super::text(&rec, col, name, errors);
            ok &= f.is_some();
            f.unwrap_or_default()
        };
        let (ts, is, js, ks, vs) = (
            get(t, "t", errors),
            get(i, "i", errors),
            get(j, "j", errors),
            get(k, "k", errors),
            get(v, "v", errors),
        );
        let qs = q.map(|q| get(q, "q", errors)).unwrap_or_default();
        if !ok {
            continue;
        }
        let year = super::year(ts).map_err(|m| errors.at(line, "t", m));
        let country = |s: &str, field: &str, errors: &mut Errors| {
            let a3 = s
                .parse::<usize>()
                .ok()
                .and_then(|n| countries.get(n).copied().flatten());
            if a3.is_none() {
                errors.push(
                    astana_diag::Diagnostic::error(
                        &errors_name(errors),
                        format!("`{}` is not a known BACI country code", clip(s, 40)),
                    )
                    .at_line(usize::try_from(line).unwrap_or(usize::MAX))
                    .field(field)
                    .hint(hint_table),
                );
            }
            a3
        };
        let exporter = country(is, "i", errors);
        let importer = country(js, "j", errors);
        let value = thousands(vs, &mut vbuf).map_err(|m| errors.at(line, "v", m));
        let quantity = match qs {
            "" | "NA" => Ok(None),
            s => super::amount(s)
                .map(Some)
                .map_err(|m| errors.at(line, "q", m)),
        };
        let prod = match product(ks, &mut kbuf) {
            Ok(p) => Some(p),
            Err(m) => {
                errors.at(line, "k", m);
                None
            }
        };
        let (Ok(year), Some(exporter), Some(importer), Ok(value), Ok(quantity), Some(prod)) =
            (year, exporter, importer, value, quantity, prod)
        else {
            continue;
        };
        let mut row = Row {
            year,
            period: "FY",
            reporter: exporter,
            partner: importer,
            flow: "exports",
            product: Some(prod),
            value_usd: value,
            quantity,
        };
        emit(sink, errors, &row)?;
        if opts.both {
            row.reporter = importer;
            row.partner = exporter;
            row.flow = "imports";
            emit(sink, errors, &row)?;
        }
    }
    Ok(())
}

fn errors_name(errors: &Errors) -> String {
    errors.name.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_moves_the_decimal_point_in_the_text() {
        let mut b = String::new();
        let t = |s: &str, b: &mut String| thousands(s, b);
        // 0.001 × 1000 and 1.005 × 1000 in floating point are not exactly 1 and 1005.
        assert_ne!(1.005_f64 * 1e3, 1005.0);
        assert_eq!(t("1.005", &mut b), Ok(1005.0));
        assert_eq!(t("0.001", &mut b), Ok(1.0));
        assert_eq!(t("1.234567", &mut b), Ok(1234.567));
        assert_eq!(t("42", &mut b), Ok(42_000.0));
        assert_eq!(t(".5", &mut b), Ok(500.0));
        assert_eq!(t("1e2", &mut b), Ok(100_000.0));
        assert_eq!(t("NA", &mut b), Err("`NA` is not a number".to_string()));
        assert_eq!(t(".", &mut b), Err("`.` is not a number".to_string()));
        assert_eq!(t("1.é", &mut b), Err("`1.é` is not a number".to_string()));
    }

    #[test]
    fn source_id_from_the_file_name() {
        assert_eq!(
            source_id(Path::new("/d/BACI_HS17_Y2022_V202501.csv")),
            "baci-hs17-v202501"
        );
        assert_eq!(source_id(Path::new("trade.csv")), "baci");
    }

    #[test]
    fn builtin_table_has_baci_numbers() {
        let t = builtin_countries();
        assert_eq!(
            (t[398], t[842], t[840], t[251], t[4], t[58]),
            (
                Some("KAZ"),
                Some("USA"),
                Some("USA"),
                Some("FRA"),
                Some("AFG"),
                None
            )
        );
    }
}
