//! Byte offsets ↔ LSP positions.
//!
//! LSP counts a position's character in UTF-16 code units unless client and server agreed
//! on UTF-8 (`positionEncoding`, LSP 3.17). Rapport's spans are byte offsets, so every
//! position crosses this table: line starts built once per text, then a scan of one line.

use lsp_types::{Position, Range};

/// How a position's `character` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// The line starts of one text.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'t> LineIndex<'t> {
    #[must_use]
    pub fn new(text: &'t str, encoding: Encoding) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            text,
            starts,
            encoding,
        }
    }

    /// The position of a byte offset (clamped to the text, and back to a character start).
    #[must_use]
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = self.text[start..offset]
            .chars()
            .map(|c| self.encoding.width(c))
            .sum();
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(character).unwrap_or(u32::MAX),
        )
    }

    #[must_use]
    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end.max(start)))
    }

    /// The byte offset of a position. A line past the end is the end of the text; a
    /// character past the end of its line is the line's end (as LSP specifies), and one
    /// inside a character (half a surrogate pair) is that character's start.
    #[must_use]
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let line = &self.text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += self.encoding.width(c);
            if units > position.character as usize {
                return start + i;
            }
        }
        start + line.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_an_emoji_as_two_units_and_utf8_as_four_bytes() {
        let text = "a\n  Zoë: \"😀 hi\" goto x\n";
        let at = text.find("goto").unwrap_or_default();
        let utf16 = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(utf16.position(at), Position::new(1, 15));
        assert_eq!(utf16.offset(Position::new(1, 15)), at);
        let utf8 = LineIndex::new(text, Encoding::Utf8);
        assert_eq!(
            utf8.position(at),
            Position::new(1, u32::try_from(at).unwrap_or(0) - 2)
        );
        assert_eq!(utf8.offset(utf8.position(at)), at);
        // Past the end of a line: its end; past the last line: the end of the text.
        assert_eq!(utf16.offset(Position::new(0, 99)), 1);
        assert_eq!(utf16.offset(Position::new(9, 0)), text.len());
    }
}
