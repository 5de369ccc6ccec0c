use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The part of a calendar year a figure covers: months `first..=last` (1-based).
///
/// Written `FY` (full year), `Q1`…`Q4`, `H1`, `H2`, or `Jan-Sep` style ranges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    first: u8,
    last: u8,
}

impl Period {
    /// The whole calendar year.
    pub const FULL_YEAR: Period = Period { first: 1, last: 12 };

    /// Whether this is the whole year.
    pub fn is_full_year(self) -> bool {
        self == Self::FULL_YEAR
    }

    /// Number of months covered.
    pub fn months(self) -> u8 {
        self.last - self.first + 1
    }
}

impl Default for Period {
    fn default() -> Self {
        Self::FULL_YEAR
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.first, self.last) {
            (1, 12) => f.write_str("FY"),
            (1, 3) => f.write_str("Q1"),
            (4, 6) => f.write_str("Q2"),
            (7, 9) => f.write_str("Q3"),
            (10, 12) => f.write_str("Q4"),
            (1, 6) => f.write_str("H1"),
            (7, 12) => f.write_str("H2"),
            (a, b) => write!(
                f,
                "{}-{}",
                MONTHS[usize::from(a - 1)],
                MONTHS[usize::from(b - 1)]
            ),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let p = |first, last| Ok(Period { first, last });
        match s {
            "FY" | "" => return p(1, 12),
            "Q1" => return p(1, 3),
            "Q2" => return p(4, 6),
            "Q3" => return p(7, 9),
            "Q4" => return p(10, 12),
            "H1" => return p(1, 6),
            "H2" => return p(7, 12),
            _ => {}
        }
        let month = |m: &str| {
            MONTHS
                .iter()
                .position(|x| x.eq_ignore_ascii_case(m))
                .and_then(|i| u8::try_from(i + 1).ok())
        };
        if let Some((a, b)) = s.split_once('-') {
            if let (Some(a), Some(b)) = (month(a), month(b)) {
                if a <= b {
                    return p(a, b);
                }
            }
        }
        Err(format!(
            "unknown period `{s}`; expected FY, Q1..Q4, H1, H2 or a month range such as Jan-Sep"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for s in ["FY", "Q1", "Q4", "H2", "Jan-Sep", "Feb-Nov"] {
            assert_eq!(s.parse::<Period>().unwrap().to_string(), s);
        }
        assert_eq!("Jan-Dec".parse::<Period>().unwrap(), Period::FULL_YEAR);
        assert_eq!("Jan-Sep".parse::<Period>().unwrap().months(), 9);
        assert!("Sep-Jan".parse::<Period>().is_err());
        assert!("2023".parse::<Period>().is_err());
    }
}
