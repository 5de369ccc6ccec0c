//! The embedded run's quick path for CSV: the file is cut into pieces at line breaks and
//! each core sums the rows of the pieces it takes straight into a [`Builder`], without
//! building Arrow arrays first. It takes only rows that are plainly valid (no quotes, no
//! blank key, digits for the year and the value); on anything else it gives up, and the
//! DataFusion plan reads the file with every check and located error. DataFusion's CSV
//! reader was about half polars' speed here, and the tokenising was the cost.

use crate::group::{inline_view, Builder, Fixed, Refused};
use crate::scan::MAX_VALUE_USD;
use crate::work::on_cores;
use crate::By;
use astana_model::WORLD;
use std::path::Path;

/// Bytes per piece at most: enough to keep a core busy, small enough to share out evenly.
const PIECE: u64 = 8 << 20;

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Year,
    Period,
    Reporter,
    Partner,
    Flow,
    Product,
    Value,
    Estimate,
    Source,
    Other,
}

/// What a column is to the quick path.
fn role(name: &str) -> Role {
    match name {
        "year" => Role::Year,
        "period" => Role::Period,
        "reporter" => Role::Reporter,
        "partner" => Role::Partner,
        "flow" => Role::Flow,
        "product" => Role::Product,
        "value_usd" => Role::Value,
        "estimate" => Role::Estimate,
        "source" => Role::Source,
        _ => Role::Other,
    }
}

/// The groups of the rows after `start` (the byte after the header line), one builder per
/// core; refused when a row is not plainly valid (the plan then reads the file) or the
/// groups pass `most` (over all cores).
pub(crate) fn group(
    p: &Path,
    header: &[String],
    start: u64,
    (by, fixed): (By, Fixed<'_>),
    most: usize,
) -> Result<Vec<Builder>, Refused> {
    #[cfg(unix)]
    {
        let roles: Vec<Role> = header.iter().map(|h| role(h)).collect();
        let file = std::fs::File::open(p).map_err(|_| Refused::NotPlain)?;
        let len = file.metadata().map_err(|_| Refused::NotPlain)?.len();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // Eight pieces per core at least (64 KiB or more each), so the cores finish
        // together; small files are cut small too, which the tests rely on.
        let piece = (len / (8 * cores as u64)).clamp(64 << 10, PIECE);
        let pieces = usize::try_from(len.saturating_sub(start).div_ceil(piece))
            .map_err(|_| Refused::NotPlain)?;
        on_cores(pieces, (by, fixed), most, |k, b, buf: &mut Vec<u8>| {
            let a = start + k as u64 * piece;
            read_piece(&file, a, (a + piece).min(len), len, start, buf)
                .is_some_and(|text| rows(text, &roles, by, b))
        })
    }
    #[cfg(not(unix))]
    {
        let _ = (p, header, start, by, fixed, most);
        Err(Refused::NotPlain)
    }
}

/// The lines that start in `[a, b)`, read into `buf` as text: from the first line start at
/// or after `a` through the line break that ends the last of them. None when the bytes are
/// not UTF-8 or cannot be read.
#[cfg(unix)]
fn read_piece<'a>(
    f: &std::fs::File,
    a: u64,
    b: u64,
    len: u64,
    start: u64,
    buf: &'a mut Vec<u8>,
) -> Option<&'a str> {
    use std::os::unix::fs::FileExt;
    // One byte before `a` says whether a line starts at `a`.
    let from = if a > start { a - 1 } else { a };
    let mut end = b;
    // Reused without zeroing: every byte kept is read over.
    let n = usize::try_from(end - from).ok()?;
    if buf.len() < n {
        buf.resize(n, 0);
    }
    buf.truncate(n);
    f.read_exact_at(buf, from).ok()?;
    // Read on until the last line is whole.
    while end < len && buf.last() != Some(&b'\n') {
        let more = (end + (64 << 10)).min(len);
        let at = buf.len();
        buf.resize(at + usize::try_from(more - end).ok()?, 0);
        f.read_exact_at(&mut buf[at..], end).ok()?;
        let cut = memchr::memchr(b'\n', &buf[at..]).map(|i| at + i + 1);
        end = more;
        if let Some(c) = cut {
            buf.truncate(c);
            break;
        }
    }
    let first = if a > start {
        memchr::memchr(b'\n', buf).map_or(buf.len(), |i| i + 1)
    } else {
        0
    };
    std::str::from_utf8(&buf[first..]).ok()
}

/// A value of plain digits (optionally with a fraction), as `str::parse` reads it: up to
/// 15 digits without a point are exact in an f64, so no float parsing is needed for them.
fn value(f: &str) -> Option<f64> {
    let b = f.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if b.len() <= 15 && b.iter().all(u8::is_ascii_digit) {
        let n = b.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
        #[allow(clippy::cast_precision_loss)] // < 10^15 < 2^53: exact
        return Some(n as f64);
    }
    f.parse::<f64>().ok()
}

/// Adds the rows of `text` to `b`; false at the first row the quick path does not take.
fn rows<'t>(text: &'t str, roles: &[Role], by: By, b: &mut Builder) -> bool {
    let bytes = text.as_bytes();
    if memchr::memchr(b'"', bytes).is_some() {
        return false;
    }
    let (world, star) = b.world_and_star();
    let fy = b.fixed_period();
    let (names, acc) = b.parts();
    // The last view of each column and its id: sorted tables repeat them.
    let mut last: Vec<(u128, u32)> = vec![(0, u32::MAX); roles.len()];
    let mut last_long: Vec<(&str, u32)> = vec![("", u32::MAX); roles.len()];
    let mut id = |names: &mut crate::group::Names, c: usize, s: &'t str| match inline_view(s) {
        Some(v) => {
            let l = &mut last[c];
            if l.1 == u32::MAX || l.0 != v {
                *l = (v, names.by_view(v, s));
            }
            l.1
        }
        None => {
            let l = &mut last_long[c];
            if l.1 == u32::MAX || l.0 != s {
                *l = (s, names.id(s));
            }
            l.1
        }
    };
    let mut ends: Vec<usize> = Vec::with_capacity(roles.len() + 8);
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let (from, mut to) = (pos, end);
        pos = end + 1;
        if to > from && bytes[to - 1] == b'\r' {
            to -= 1;
        }
        if to == from || bytes[from] == b'#' {
            continue; // a blank line or a comment
        }
        let mut row = Row::new(fy);
        // The field ends: every comma, then the line's end.
        ends.clear();
        commas(&bytes[from..to], from, &mut ends);
        ends.push(to);
        if ends.len() != roles.len() {
            return false;
        }
        let mut start = from;
        for (c, (&i, role)) in ends.iter().zip(roles).enumerate() {
            // Cut at ASCII commas, so always on a character boundary.
            let f = &text[start..i];
            start = i + 1;
            let key = matches!(
                role,
                Role::Reporter | Role::Partner | Role::Flow | Role::Source
            );
            if key && f.is_empty() {
                return false;
            }
            match role {
                Role::Year => {
                    if f.is_empty() || f.len() > 4 || !f.bytes().all(|c| c.is_ascii_digit()) {
                        return false;
                    }
                    match f.parse::<i32>() {
                        Ok(y) if (1900..=2100).contains(&y) => row.year = Some(y),
                        _ => return false,
                    }
                }
                Role::Value => match value(f) {
                    Some(v) if v <= MAX_VALUE_USD => row.value = Some(v),
                    _ => return false,
                },
                Role::Estimate => match f {
                    "" | "no" => {}
                    "yes" => row.estimate = true,
                    _ => return false,
                },
                Role::Period => row.period = Some(id(names, c, f)),
                Role::Reporter => row.reporter = id(names, c, f),
                Role::Flow => row.flow = id(names, c, f),
                Role::Source => row.source = id(names, c, f),
                Role::Partner => {
                    row.partner = match by {
                        By::Product if f == WORLD => world,
                        By::Product => star,
                        _ => id(names, c, f),
                    }
                }
                Role::Product => match by {
                    By::Partner => row.whole = f.is_empty(),
                    _ => row.product = id(names, c, f) + 1,
                },
                Role::Other => {}
            }
        }
        let r = row;
        let (Some(year), Some(val), Some(period)) = (r.year, r.value, r.period) else {
            return false;
        };
        let context = acc.context((year, period, r.reporter, r.flow, r.source));
        acc.add_row(context, (r.partner, r.product, r.whole), val, r.estimate, 1);
    }
    true
}

/// Pushes `base` plus the index of every comma in `line`, eight bytes at a time.
fn commas(line: &[u8], base: usize, out: &mut Vec<usize>) {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut chunks = line.chunks_exact(8);
    let mut at = base;
    for c in chunks.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        // Bytes equal to ',' become 0; the top bit of each zero byte is then set, exactly.
        let v = u64::from_le_bytes(w) ^ 0x2c2c_2c2c_2c2c_2c2c;
        let mut m = !(((v & LOW) + LOW) | v | LOW);
        while m != 0 {
            out.push(at + (m.trailing_zeros() / 8) as usize);
            m &= m - 1;
        }
        at += 8;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == b',' {
            out.push(at + i);
        }
    }
}

/// The fields of the row being read.
struct Row {
    year: Option<i32>,
    value: Option<f64>,
    estimate: bool,
    period: Option<u32>,
    reporter: u32,
    partner: u32,
    flow: u32,
    source: u32,
    product: u32,
    whole: bool,
}

impl Row {
    fn new(period: Option<u32>) -> Row {
        Row {
            year: None,
            value: None,
            estimate: false,
            period,
            reporter: 0,
            partner: 0,
            flow: 0,
            source: 0,
            product: 0,
            whole: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: [&str; 7] = [
        "year",
        "period",
        "reporter",
        "partner",
        "flow",
        "value_usd",
        "source",
    ];

    fn roles() -> Vec<Role> {
        HEADER.iter().map(|h| role(h)).collect()
    }

    /// The groups `text` gives, or None where the quick path hands over.
    fn groups(text: &str) -> Option<usize> {
        let mut b = Builder::new(By::Partner, Fixed::default());
        rows(text, &roles(), By::Partner, &mut b).then(|| b.groups())
    }

    #[test]
    fn comments_blank_lines_and_crlf_are_read_quickly() {
        let text = "# note, with a comma\r\n2022,FY,KAZ,CHN,exports,1.5e3,s\r\n\r\n2022,,KAZ,RUS,exports,7,s\r\n2022,FY,KAZ,CHN,exports,2,s";
        // The two CHN rows are one key.
        assert_eq!(groups(text), Some(2));
    }

    #[test]
    fn anything_not_plainly_valid_goes_to_the_plan() {
        for row in [
            "2022,FY,KAZ,CHN,exports,\"7\",s", // a quote
            "22,FY,KAZ,CHN,exports,7,s",       // not a four-digit year in range: 22
            "1899,FY,KAZ,CHN,exports,7,s",     // a year out of range
            "2022,FY,,CHN,exports,7,s",        // a blank key
            "2022,FY,KAZ,CHN,exports,-7,s",    // a sign
            "2022,FY,KAZ,CHN,exports,nan,s",   // not digits
            "2022,FY,KAZ,CHN,exports,2e15,s",  // above the largest value
            "2022,FY,KAZ,CHN,exports,7",       // a field short
            "2022,FY,KAZ,CHN,exports,7,s,x",   // a field over
            "2022,FY,KAZ,CHN,exports, 7,s",    // a padded number (the row reader decides)
        ] {
            assert_eq!(groups(row), None, "{row}");
        }
    }

    #[test]
    fn too_many_groups_are_refused_so_the_plan_can_spill() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("f.csv");
        let mut text = HEADER.join(",") + "\n";
        for y in 2000..2010 {
            text += &format!("{y},FY,KAZ,CHN,exports,7,s\n");
        }
        std::fs::write(&p, &text).expect("write");
        let header: Vec<String> = HEADER.iter().map(|s| (*s).to_string()).collect();
        let start = (HEADER.join(",").len() + 1) as u64;
        let run = |most| group(&p, &header, start, (By::Partner, Fixed::default()), most);
        let builders = run(100).expect("10 groups");
        assert_eq!(builders.iter().map(Builder::groups).sum::<usize>(), 10);
        assert!(matches!(run(4), Err(Refused::TooManyGroups)));
    }

    #[test]
    fn whole_numbers_read_as_the_float_parser_reads_them() {
        for f in [
            "0",
            "7",
            "123456789012345",
            "1234567890123456789",
            "0.1",
            "1e3",
            "5.",
        ] {
            assert_eq!(value(f), f.parse::<f64>().ok(), "{f}");
        }
    }
}
