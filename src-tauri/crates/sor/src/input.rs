//! The parser's input: the file read in large pieces, each cut where an element begins.
//!
//! quick-xml parses a byte slice it borrows much faster than a buffered reader, which copies
//! every event into a buffer of its own (a plain pass over a slice takes ~0.6 of the time of a
//! buffered one; see docs/BENCH-SOR.md). So the parser reads the file in pieces of
//! [`READ_SIZE`] bytes and parses each with a fresh slice reader. A piece ends just before its
//! last `<`: text and references can hold no `<`, so every text before the cut is whole, and
//! the only markup that can be cut short contains a `<` of its own (a comment, CDATA, a
//! processing instruction). The parser reports such a construct as unfinished; its bytes are
//! kept and read again with the next piece. Every piece but the first begins with `<`, so a
//! byte order mark is only ever seen, and dropped, at the very start of the file.

use std::cell::RefCell;
use std::io::Read;
use std::rc::Rc;

use crate::error::LineIndex;

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Bytes read from the file at a time.
const READ_SIZE: usize = 256 * 1024;

/// One piece to parse: `bytes` begin at byte `offset` of the file (after any byte order mark).
pub(crate) struct Piece<'a> {
    pub offset: u64,
    pub bytes: &'a [u8],
    /// The piece ends where the file ends (nothing is cut short).
    pub last: bool,
}

/// Reads the file in pieces and feeds each newly read buffer into a shared [`LineIndex`] once.
pub(crate) struct Pieces<R> {
    inner: R,
    buf: Vec<u8>,
    /// Unparsed bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    /// File offset of `buf[0]`.
    buf_offset: u64,
    at_start: bool,
    eof: bool,
    /// The last piece ended in a construct cut short: read more before cutting again.
    need_more: bool,
    index: Rc<RefCell<LineIndex>>,
}

impl<R: Read> Pieces<R> {
    pub(crate) fn new(inner: R, index: Rc<RefCell<LineIndex>>) -> Self {
        Pieces {
            inner,
            buf: vec![0; READ_SIZE],
            start: 0,
            end: 0,
            buf_offset: 0,
            at_start: true,
            eof: false,
            need_more: false,
            index,
        }
    }

    /// The next piece: the unparsed bytes up to their last `<` (all of them at the end of the
    /// file). Empty once everything is consumed at the end of the file.
    pub(crate) fn next(&mut self) -> std::io::Result<Piece<'_>> {
        loop {
            let unparsed = &self.buf[self.start..self.end];
            if self.eof {
                break;
            }
            if !self.need_more && !self.at_start {
                if let Some(cut @ 1..) = memchr::memrchr(b'<', unparsed) {
                    return Ok(Piece {
                        offset: self.buf_offset + self.start as u64,
                        bytes: &self.buf[self.start..self.start + cut],
                        last: false,
                    });
                }
            }
            self.read_more()?;
        }
        Ok(Piece {
            offset: self.buf_offset + self.start as u64,
            bytes: &self.buf[self.start..self.end],
            last: true,
        })
    }

    /// Marks the first `n` bytes of the last piece parsed. `cut_short`: the parse stopped at a
    /// construct the piece did not hold whole, so the next piece must hold more.
    pub(crate) fn consume(&mut self, n: usize, cut_short: bool) {
        self.start = (self.start + n).min(self.end);
        self.need_more = cut_short;
    }

    /// Reads once more into the buffer, after the unparsed bytes (moved to its front; the
    /// buffer doubles if they fill it).
    #[inline(never)]
    fn read_more(&mut self) -> std::io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.buf_offset += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        let mut fresh = self.end..self.end + n;
        self.end += n;
        self.need_more = false;
        if n == 0 {
            self.eof = true;
        }
        if self.at_start {
            // The byte order mark is only recognised whole: wait for 3 bytes or the end.
            if self.end < BOM.len() && !self.eof {
                return Ok(());
            }
            self.at_start = false;
            if self.buf[..self.end].starts_with(BOM) {
                self.buf.copy_within(BOM.len()..self.end, 0);
                self.end -= BOM.len();
            }
            fresh = 0..self.end;
        }
        self.index.borrow_mut().record(&self.buf[fresh]);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per call, as a pipe or a zip entry may.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// Consumes every piece whole, as a parser that never meets a cut construct does.
    fn read_all(data: &[u8], step: usize) -> (Vec<u8>, Vec<(u64, Vec<u8>)>) {
        let index = Rc::new(RefCell::new(LineIndex::default()));
        let mut pieces = Pieces::new(Trickle { data, step }, index.clone());
        let mut out = Vec::new();
        let mut seen = Vec::new();
        loop {
            let piece = pieces.next().unwrap();
            out.extend_from_slice(piece.bytes);
            seen.push((piece.offset, piece.bytes.to_vec()));
            let (n, last) = (piece.bytes.len(), piece.last);
            pieces.consume(n, false);
            if last {
                break;
            }
        }
        (out, seen)
    }

    #[test]
    fn pieces_cover_the_file_once_and_each_later_piece_begins_at_an_element() {
        let text = "<a>x &amp; y</a>\n<b c=\"1\"/><!-- < --></a>";
        for step in [1, 2, 3, 5, 64] {
            let (out, seen) = read_all(text.as_bytes(), step);
            assert_eq!(out, text.as_bytes(), "read {step} bytes at a time");
            let mut expected_offset = 0;
            for (i, (offset, bytes)) in seen.iter().enumerate() {
                assert_eq!(*offset, expected_offset, "piece {i}, step {step}");
                expected_offset += bytes.len() as u64;
                if i > 0 && !bytes.is_empty() {
                    assert_eq!(bytes[0], b'<', "piece {i} of step {step}: {bytes:?}");
                }
            }
        }
    }

    #[test]
    fn a_leading_byte_order_mark_is_dropped_even_when_it_arrives_in_pieces() {
        let text = "\u{FEFF}<a>\n</a>\n";
        for step in [1, 2, 3, 64] {
            let (out, _) = read_all(text.as_bytes(), step);
            assert_eq!(out, b"<a>\n</a>\n", "read {step} bytes at a time");
        }
        // A byte order mark later in the file is text, not dropped.
        let (out, _) = read_all("<a>\u{FEFF}</a>".as_bytes(), 2);
        assert_eq!(out, "<a>\u{FEFF}</a>".as_bytes());
    }

    #[test]
    fn a_construct_cut_short_is_offered_again_with_more_bytes() {
        let text = "<a><!-- 1 < 2 --></a>";
        let index = Rc::new(RefCell::new(LineIndex::default()));
        let mut pieces = Pieces::new(Trickle { data: text.as_bytes(), step: 12 }, index);
        let piece = pieces.next().unwrap();
        assert_eq!(piece.bytes, b"<a><!-- 1 ");
        // The parser reads `<a>`, then finds the comment unfinished.
        pieces.consume(3, true);
        let piece = pieces.next().unwrap();
        assert_eq!((piece.offset, piece.bytes), (3, &b"<!-- 1 < 2 -->"[..]));
    }
}
