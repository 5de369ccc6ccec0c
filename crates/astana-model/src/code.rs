use serde::{Serialize, Serializer};
use std::fmt;
use std::ops::Deref;

/// A short identifier — an ISO 3166 alpha-3 code, a bloc id or an aggregate such as `WLD` —
/// stored inline in 16 bytes, so that copying, hashing and comparing it cost as much as an
/// integer. Flow tables hold millions of them; strings would mean an allocation each.
///
/// Ordering is lexicographic, as for the string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Code([u8; Code::MAX]);

impl Code {
    /// Longest id, in bytes.
    pub const MAX: usize = 16;

    /// `s` as a code; `None` when longer than [`Code::MAX`] bytes, empty, or containing NUL.
    pub fn new(s: &str) -> Option<Code> {
        let b = s.as_bytes();
        if b.is_empty() || b.len() > Self::MAX || b.contains(&0) {
            return None;
        }
        let mut bytes = [0u8; Self::MAX];
        bytes[..b.len()].copy_from_slice(b);
        Some(Code(bytes))
    }

    /// The codes joined by `sep`, e.g. `CHN, RUS`.
    pub fn join(codes: &[Code], sep: &str) -> String {
        codes.iter().map(Code::as_str).collect::<Vec<_>>().join(sep)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        let len = self.0.iter().position(|b| *b == 0).unwrap_or(Self::MAX);
        // Built from a &str and cut at a byte boundary we chose, so this cannot fail.
        std::str::from_utf8(&self.0[..len]).unwrap_or("")
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Big-endian integers compare like their bytes, without a call to memcmp.
        u128::from_be_bytes(self.0).cmp(&u128::from_be_bytes(other.0))
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Deref for Code {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours width and alignment in format strings, as `str` does.
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Code {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Code> for String {
    fn eq(&self, other: &Code) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn round_trip_and_order() {
        let k = Code::new("KAZ").unwrap();
        assert_eq!(k.as_str(), "KAZ");
        assert_eq!(k, "KAZ");
        assert!(Code::new("AB").unwrap() < Code::new("ABC").unwrap());
        assert!(Code::new("ABC").unwrap() < Code::new("ABD").unwrap());
        assert!(Code::new("EU27").unwrap() < Code::new("EUR").unwrap());
        assert!(Code::new("").is_none());
        assert!(Code::new("ABCDEFGHIJKLMNOPQ").is_none());
        assert_eq!(Code::new("ABCDEFGHIJKLMNOP").unwrap().as_str().len(), 16);
    }
}
