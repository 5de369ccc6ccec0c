use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use serde::{Serialize, Serializer};
use std::fmt;

/// An exact non-negative fraction in lowest terms; written `p/q`, or `p` when `q = 1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ratio {
    num: BigUint,
    den: BigUint,
}

impl Ratio {
    /// `num / den` reduced; `0` when `den` is zero (an empty sum over an empty sum).
    pub fn new(num: BigUint, den: BigUint) -> Ratio {
        if den.is_zero() || num.is_zero() {
            return Ratio {
                num: BigUint::zero(),
                den: BigUint::one(),
            };
        }
        let g = num.gcd(&den);
        Ratio {
            num: num / &g,
            den: den / g,
        }
    }

    /// Numerator.
    pub fn numer(&self) -> &BigUint {
        &self.num
    }

    /// Denominator.
    pub fn denom(&self) -> &BigUint {
        &self.den
    }

    /// The nearest `f64`, also when numerator and denominator exceed its range.
    pub fn to_f64(&self) -> f64 {
        let shift = self.den.bits().max(self.num.bits()).saturating_sub(1000);
        let n = (&self.num >> shift).to_f64().unwrap_or(f64::INFINITY);
        let d = (&self.den >> shift).to_f64().unwrap_or(f64::INFINITY);
        if n.is_finite() && d.is_finite() {
            return n / d;
        }
        // Both huge: keep 64 significant bits of the denominator.
        let shift = self.den.bits().saturating_sub(64);
        let n = (&self.num >> shift).to_f64().unwrap_or(0.0);
        let d = (&self.den >> shift).to_f64().unwrap_or(1.0);
        n / d
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den.is_one() {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_and_prints() {
        let r = Ratio::new(BigUint::from(10u32), BigUint::from(42u32));
        assert_eq!(r.to_string(), "5/21");
        assert_eq!(
            Ratio::new(BigUint::zero(), BigUint::from(7u32)).to_string(),
            "0"
        );
        assert_eq!(
            Ratio::new(BigUint::from(6u32), BigUint::from(3u32)).to_string(),
            "2"
        );
        assert!((r.to_f64() - 5.0 / 21.0).abs() < 1e-15);
        let big = BigUint::from(3u32).pow(900);
        let r = Ratio::new(big.clone(), big * 2u32 + 1u32);
        assert!((r.to_f64() - 0.5).abs() < 1e-15);
    }
}
