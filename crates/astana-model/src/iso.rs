//! ISO 3166-1 country codes, embedded from `data/iso3166.csv`
//! (generated from Debian's `iso-codes` 4.15 `iso_3166-1.json`; see `data/README.md`).

use std::sync::OnceLock;

/// One row of the ISO 3166-1 table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Country {
    /// Alpha-3 code, e.g. `KAZ`.
    pub alpha3: &'static str,
    /// Alpha-2 code, e.g. `KZ`.
    pub alpha2: &'static str,
    /// Numeric code as three digits, e.g. `398`.
    pub numeric: &'static str,
    /// Common English name.
    pub name: &'static str,
}

impl Country {
    /// A name short enough for a chart label.
    pub fn short_name(&self) -> &'static str {
        match self.alpha3 {
            "RUS" => "Russia",
            "USA" => "United States",
            "GBR" => "United Kingdom",
            "KOR" => "South Korea",
            "PRK" => "North Korea",
            "IRN" => "Iran",
            "SYR" => "Syria",
            "VNM" => "Vietnam",
            "LAO" => "Laos",
            "MDA" => "Moldova",
            "COD" => "DR Congo",
            "PSE" => "Palestine",
            "VEN" => "Venezuela",
            "BOL" => "Bolivia",
            "TZA" => "Tanzania",
            _ => self.name,
        }
    }
}

const TABLE: &str = include_str!("../../../data/iso3166.csv");

fn table() -> &'static [Country] {
    static CELL: OnceLock<Vec<Country>> = OnceLock::new();
    CELL.get_or_init(|| {
        TABLE
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut it = line.splitn(4, ',');
                Some(Country {
                    alpha3: it.next()?,
                    alpha2: it.next()?,
                    numeric: it.next()?,
                    name: it.next()?.trim_matches('"'),
                })
            })
            .collect()
    })
}

/// All countries, sorted by alpha-3.
pub fn countries() -> &'static [Country] {
    table()
}

/// The country with this alpha-3 code (upper case).
pub fn country(alpha3: &str) -> Option<&'static Country> {
    let t = table();
    t.binary_search_by(|c| c.alpha3.cmp(alpha3))
        .ok()
        .map(|i| &t[i])
}

/// Number of distinct values of [`letter_index`].
pub const LETTER_CODES: usize = 26 * 26 * 26;

/// Whether `code` is an assigned ISO 3166-1 alpha-3 code.
pub fn is_alpha3(code: &str) -> bool {
    // A bitmap over the 26³ three-letter codes: this runs once or twice per data row.
    static BITS: OnceLock<Vec<u64>> = OnceLock::new();
    let bits = BITS.get_or_init(|| {
        let mut bits = vec![0u64; (26 * 26 * 26) / 64 + 1];
        for c in table() {
            if let Some(i) = letter_index(c.alpha3) {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        bits
    });
    letter_index(code).is_some_and(|i| bits[i / 64] & (1 << (i % 64)) != 0)
}

/// A dense index for three-letter upper-case codes, `0..LETTER_CODES` (AAA = 0, ZZZ =
/// 17,575), so that per-country tables can be plain vectors.
pub fn letter_index(code: &str) -> Option<usize> {
    let b = code.as_bytes();
    if b.len() != 3 || !b.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    Some(b.iter().fold(0, |acc, x| acc * 26 + usize::from(x - b'A')))
}

/// Alpha-3 for an alpha-2 code, e.g. `KZ` → `KAZ`.
pub fn alpha2_to_alpha3(alpha2: &str) -> Option<&'static str> {
    table()
        .iter()
        .find(|c| c.alpha2 == alpha2)
        .map(|c| c.alpha3)
}

/// Alpha-3 for a numeric code, e.g. `398` → `KAZ`.
pub fn numeric_to_alpha3(numeric: &str) -> Option<&'static str> {
    table()
        .iter()
        .find(|c| c.numeric == numeric)
        .map(|c| c.alpha3)
}

/// Codes that look like `code` (same first letter or an edit distance of one), for hints.
pub fn suggestions(code: &str) -> Vec<&'static str> {
    let up = code.to_ascii_uppercase();
    if is_alpha3(&up) {
        return vec![country(&up).map(|c| c.alpha3).unwrap_or_default()];
    }
    if let Some(a3) = alpha2_to_alpha3(&up) {
        return vec![a3];
    }
    let mut out: Vec<&'static str> = table()
        .iter()
        .filter(|c| {
            c.alpha3.len() == up.len()
                && c.alpha3
                    .chars()
                    .zip(up.chars())
                    .filter(|(a, b)| a != b)
                    .count()
                    == 1
        })
        .map(|c| c.alpha3)
        .collect();
    let by_name: Vec<&'static str> = table()
        .iter()
        .filter(|c| c.name.to_ascii_uppercase().starts_with(&up) && !out.contains(&c.alpha3))
        .map(|c| c.alpha3)
        .collect();
    out.extend(by_name);
    out.truncate(5);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        let t = countries();
        assert_eq!(t.len(), 249);
        assert!(t.windows(2).all(|w| w[0].alpha3 < w[1].alpha3));
    }

    #[test]
    fn lookups() {
        assert_eq!(country("KAZ").map(|c| c.numeric), Some("398"));
        assert_eq!(alpha2_to_alpha3("CN"), Some("CHN"));
        assert_eq!(numeric_to_alpha3("643"), Some("RUS"));
        assert_eq!(country("PSE").map(|c| c.name), Some("Palestine, State of"));
        assert!(!is_alpha3("EU27"));
        assert!(!is_alpha3("kaz"));
    }

    #[test]
    fn hints() {
        assert_eq!(suggestions("kaz"), vec!["KAZ"]);
        assert_eq!(suggestions("KZ"), vec!["KAZ"]);
        assert!(suggestions("KAX").contains(&"KAZ"));
    }
}
