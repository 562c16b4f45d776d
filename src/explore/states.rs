//! Compact state storage for the explorer: a state's fields packed into a few `u64` words
//! sized from their declared ranges, and one flat table of them.
//!
//! A state is a list of small integers (a scene index, emotions, bit words, counters). Each
//! field takes the bits its range needs; fields fill a word before the next word starts
//! (none straddles two), so the 10,000-scene benchmark story's states (a scene and three
//! emotions of 0..5) are 23 bits: one word. The table stores each key once, in the order
//! found, and finds keys through an open-addressing index of 4-byte state numbers, so a
//! state costs its key words plus about 10 bytes of index, with no allocation per state.

/// How the fields of a key are packed into words.
#[derive(Clone, Debug)]
pub(super) struct Layout {
    /// Per field: its lowest value, its bits, its word and its shift in the word.
    fields: Vec<Field>,
    width: usize,
}

#[derive(Clone, Copy, Debug)]
struct Field {
    lo: i64,
    bits: u32,
    word: usize,
    shift: u32,
}

/// Bits needed to store `0..values` (64 when the count is unknown or too large).
pub(super) fn bits_for(values: Option<i64>) -> u32 {
    let Some(values) = values else { return 64 };
    let mut bits = 0;
    while bits < 64 && (1i128 << bits) < i128::from(values) {
        bits += 1;
    }
    bits
}

impl Layout {
    /// A layout for fields of the given lowest values and bit counts (64: any value).
    pub(super) fn new(ranges: &[(i64, u32)]) -> Self {
        let mut fields = Vec::with_capacity(ranges.len());
        let (mut word, mut used) = (0, 0);
        for &(lo, bits) in ranges {
            let bits = bits.min(64);
            if bits == 0 {
                // A field of one value takes no bits (and no shift past a full word).
                fields.push(Field {
                    lo,
                    bits,
                    word,
                    shift: 0,
                });
                continue;
            }
            if used + bits > 64 {
                word += 1;
                used = 0;
            }
            fields.push(Field {
                lo,
                bits,
                word,
                shift: used,
            });
            used += bits;
        }
        let width = if ranges.is_empty() { 0 } else { word + 1 };
        Layout { fields, width }
    }

    /// A layout that stores every one of `count` fields whole: for keys whose values fall
    /// outside the declared ranges.
    pub(super) fn raw(count: usize) -> Self {
        Self::new(&vec![(0, 64); count])
    }

    /// Words per key.
    pub(super) fn width(&self) -> usize {
        self.width
    }

    /// Packs `key` into `out` (`width` words); false if a value falls outside its field.
    pub(super) fn pack(&self, key: &[i64], out: &mut [u64]) -> bool {
        if key.len() != self.fields.len() || out.len() != self.width {
            return false;
        }
        out.fill(0);
        for (&value, field) in key.iter().zip(&self.fields) {
            // Two's complement: the offset from `lo`, as the unsigned number it is.
            #[allow(clippy::cast_sign_loss)]
            let offset = value.wrapping_sub(field.lo) as u64;
            if field.bits < 64 && (value < field.lo || offset >> field.bits != 0) {
                return false;
            }
            out[field.word] |= offset << field.shift;
        }
        true
    }

    /// The key that `words` packs (the inverse of [`Layout::pack`]).
    pub(super) fn unpack(&self, words: &[u64], out: &mut Vec<i64>) {
        out.clear();
        for field in &self.fields {
            let word = words[field.word] >> field.shift;
            let offset = if field.bits < 64 {
                word & ((1u64 << field.bits) - 1)
            } else {
                word
            };
            #[allow(clippy::cast_possible_wrap)]
            out.push(field.lo.wrapping_add(offset as i64));
        }
    }
}

/// Keys of one width, each stored once in the order inserted, numbered from 0.
#[derive(Debug)]
pub(super) struct Table {
    width: usize,
    keys: Vec<u64>,
    /// Open addressing, linear probing: 0 is empty, else a state's number plus one.
    index: Vec<u32>,
    len: usize,
}

/// The most states a table holds (numbers are `u32`, with 0 kept for "empty").
pub(super) const MAX_LEN: usize = u32::MAX as usize - 1;

fn hash(words: &[u64]) -> u64 {
    let mut h = 0x243F_6A88_85A3_08D3u64;
    for &w in words {
        h = (h ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^= h >> 31;
    }
    h
}

impl Table {
    pub(super) fn new(width: usize) -> Self {
        Table {
            width,
            keys: Vec::new(),
            index: vec![0; 1 << 10],
            len: 0,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The key of state `id`.
    pub(super) fn key(&self, id: usize) -> &[u64] {
        &self.keys[id * self.width..(id + 1) * self.width]
    }

    /// Inserts a key; returns its number if it is new, `None` if it was there (or the table
    /// is full: see [`MAX_LEN`]).
    pub(super) fn insert(&mut self, key: &[u64]) -> Option<usize> {
        self.entry(key).and_then(|(id, new)| new.then_some(id))
    }

    /// The number of a key, inserting it if it is new (then with `true`); `None` when the
    /// table is full.
    pub(super) fn entry(&mut self, key: &[u64]) -> Option<(usize, bool)> {
        if self.len >= MAX_LEN {
            return None;
        }
        // Grow at half full: probes stay short, and the index is 4 bytes a slot.
        if (self.len + 1) * 2 > self.index.len() {
            self.grow();
        }
        let mask = self.index.len() - 1;
        #[allow(clippy::cast_possible_truncation)]
        let mut slot = hash(key) as usize & mask;
        loop {
            let at = self.index[slot];
            if at == 0 {
                break;
            }
            if self.key(at as usize - 1) == key {
                return Some((at as usize - 1, false));
            }
            slot = (slot + 1) & mask;
        }
        let id = self.len;
        self.index[slot] = u32::try_from(id + 1).unwrap_or(u32::MAX);
        self.keys.extend_from_slice(key);
        self.len += 1;
        Some((id, true))
    }

    fn grow(&mut self) {
        let size = self.index.len() * 2;
        let mask = size - 1;
        let mut index = vec![0u32; size];
        for id in 0..self.len {
            #[allow(clippy::cast_possible_truncation)]
            let mut slot = hash(self.key(id)) as usize & mask;
            while index[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            index[slot] = u32::try_from(id + 1).unwrap_or(u32::MAX);
        }
        self.index = index;
    }
}

#[cfg(test)]
mod tests {
    use super::{bits_for, Layout, Table};

    #[test]
    fn keys_pack_unpack_and_are_found_again() {
        let layout = Layout::new(&[(0, 14), (-3, bits_for(Some(7))), (0, 1), (0, 64), (5, 60)]);
        assert_eq!(layout.width(), 3, "fields do not straddle words");
        let key = [9000, 3, 1, -1, 5 + (1 << 59)];
        let mut words = vec![0; layout.width()];
        assert!(layout.pack(&key, &mut words));
        let mut back = Vec::new();
        layout.unpack(&words, &mut back);
        assert_eq!(back, key);
        assert!(
            !layout.pack(&[1 << 14, 0, 0, 0, 5], &mut words),
            "out of range"
        );
        assert!(
            !layout.pack(&[0, -4, 0, 0, 5], &mut words),
            "below the range"
        );
        // A whole word, then fields of one value: no shift past the word.
        let full = Layout::new(&[(i64::MIN, 64), (0, 0), (7, 0), (0, 1)]);
        assert_eq!(full.width(), 2);
        let mut words = vec![0; 2];
        assert!(full.pack(&[i64::MAX, 0, 7, 1], &mut words));
        full.unpack(&words, &mut back);
        assert_eq!(back, [i64::MAX, 0, 7, 1]);
        assert!(
            !full.pack(&[0, 1, 7, 1], &mut words),
            "a one-value field holds one value"
        );
        let mut table = Table::new(1);
        for k in 0..10_000u64 {
            assert_eq!(table.insert(&[k * 7919]), Some(usize::try_from(k).unwrap()));
        }
        for k in 0..10_000u64 {
            assert_eq!(table.insert(&[k * 7919]), None);
        }
        assert_eq!(table.key(17), &[17 * 7919]);
        assert_eq!(table.len(), 10_000);
    }
}
