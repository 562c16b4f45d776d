//! An exact count of runs, however large: scenarios can have more runs than a `u128` holds
//! (three choices a turn for 200 turns are 3^200), and counts are only ever added.

use std::fmt::Write as _;

/// A count of runs: exact, however large.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Count {
    /// The value is `low + high × 2^128` (`high` little-endian, 64 bits a limb).
    low: u128,
    high: Vec<u64>,
}

impl Count {
    #[must_use]
    pub fn one() -> Self {
        Count {
            low: 1,
            high: Vec::new(),
        }
    }

    pub fn add(&mut self, other: &Count) {
        let (low, carry) = self.low.overflowing_add(other.low);
        self.low = low;
        let mut carry = u64::from(carry);
        let limbs = self.high.len().max(other.high.len());
        self.high.resize(limbs, 0);
        for (i, limb) in self.high.iter_mut().enumerate() {
            let (a, c1) = limb.overflowing_add(other.high.get(i).copied().unwrap_or(0));
            let (b, c2) = a.overflowing_add(carry);
            *limb = b;
            carry = u64::from(c1) + u64::from(c2);
        }
        if carry > 0 {
            self.high.push(carry);
        }
    }

    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.low == 0 && self.high.iter().all(|&l| l == 0)
    }

    /// The value, when it fits.
    #[must_use]
    pub fn to_u128(&self) -> Option<u128> {
        self.high.iter().all(|&l| l == 0).then_some(self.low)
    }

    /// The value as a float (rounded).
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn to_f64(&self) -> f64 {
        let mut value = 0.0;
        for &limb in self.high.iter().rev() {
            value = value * 18_446_744_073_709_551_616.0 + limb as f64;
        }
        value * 2f64.powi(128) + self.low as f64
    }

    /// The exact decimal digits.
    #[must_use]
    pub fn exact(&self) -> String {
        if let Some(v) = self.to_u128() {
            return v.to_string();
        }
        // Little-endian 32-bit limbs, divided by 10^9 until nothing is left.
        let mut limbs: Vec<u32> = Vec::new();
        let mut low = self.low;
        for _ in 0..4 {
            limbs.push(u32::try_from(low & 0xFFFF_FFFF).unwrap_or(0));
            low >>= 32;
        }
        for &l in &self.high {
            limbs.push(u32::try_from(l & 0xFFFF_FFFF).unwrap_or(0));
            limbs.push(u32::try_from(l >> 32).unwrap_or(0));
        }
        let mut chunks = Vec::new();
        while limbs.iter().any(|&l| l != 0) {
            let mut rem = 0u64;
            for limb in limbs.iter_mut().rev() {
                let cur = (rem << 32) | u64::from(*limb);
                *limb = u32::try_from(cur / 1_000_000_000).unwrap_or(0);
                rem = cur % 1_000_000_000;
            }
            chunks.push(rem);
            while limbs.last() == Some(&0) {
                limbs.pop();
            }
        }
        let mut out = chunks
            .pop()
            .map_or_else(|| "0".to_string(), |c| c.to_string());
        for c in chunks.iter().rev() {
            let _ = write!(out, "{c:09}");
        }
        out
    }

    /// As a person reads it: exact up to 15 digits, else `1.8e18`.
    #[must_use]
    pub fn short(&self) -> String {
        match self.to_u128() {
            Some(v) if v < 1_000_000_000_000_000 => v.to_string(),
            _ => format!("{:.1e}", self.to_f64()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Count;

    #[test]
    fn counts_add_exactly_past_128_bits_and_print() {
        let mut c = Count::one();
        for _ in 0..200 {
            let d = c.clone();
            c.add(&d);
        }
        // 2^200
        assert_eq!(
            c.exact(),
            "1606938044258990275541962092341162602522202993782792835301376"
        );
        assert_eq!(c.short(), "1.6e60");
        let mut small = Count::one();
        small.add(&Count::one());
        assert_eq!((small.exact(), small.short()), ("2".into(), "2".into()));
        assert_eq!(Count::default().exact(), "0");
    }
}
