//! The parser's input: the file read in large pieces, each cut where an element begins, and
//! the bytes of the last few MiB kept for locating errors by line and column.
//!
//! quick-xml parses a byte slice it borrows much faster than a buffered reader, which copies
//! every event into a buffer of its own (a plain pass over a slice takes ~0.6 of the time of a
//! buffered one; see docs/BENCH-SOR.md). So the parser reads the file in buffers of
//! [`READ_SIZE`] bytes and parses each piece with a fresh slice reader. A piece ends just before
//! its last `<`: text and references can hold no `<`, so every text before the cut is whole, and
//! the only markup that can be cut short contains a `<` of its own (a comment, CDATA, a
//! processing instruction). The parser reports such a construct as unfinished; its bytes are
//! kept and read again with the next piece. Every piece but the first begins with `<`, so a
//! byte order mark is only ever seen, and dropped, at the very start of the file.
//!
//! A full buffer is not overwritten: the next read goes into another one (the unparsed end is
//! carried over), and the old one is kept while it lies within [`WINDOW`] bytes of the end, then
//! reused. Lines are counted on demand from a cursor that follows the parser, so each byte is
//! counted about once, and memory stays flat.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Bytes read from the file at a time.
const READ_SIZE: usize = 256 * 1024;
/// How far back (in bytes) exact lines and columns can be given. Positions the parser reports
/// lie within the element it is reading, far less than this.
const WINDOW: u64 = 4 << 20;

/// At most this many old buffers are kept.
const MAX_OLD: usize = 64;

fn count_newlines(bytes: &[u8]) -> u64 {
    bytecount::count(bytes, b'\n') as u64
}

/// A buffer read before the current one: file bytes `start..start + len` are `bytes[..len]`
/// (what followed was carried into the next buffer).
#[derive(Debug)]
struct Old {
    start: u64,
    len: usize,
    bytes: Vec<u8>,
}

/// The bytes still needed: the current buffer and the older ones within the window.
#[derive(Debug)]
pub(crate) struct Window {
    old: VecDeque<Old>,
    /// The sum of the old buffers' `len`.
    old_len: u64,
    /// File bytes `offset..offset + end` are `buf[..end]`; `buf[start..end]` is not parsed yet.
    buf: Vec<u8>,
    offset: u64,
    start: usize,
    end: usize,
    /// Buffers dropped from `old`, for reuse (only those of the usual size).
    spare: Vec<Vec<u8>>,
    /// The usual buffer size: [`READ_SIZE`] (less in tests).
    base: usize,
    /// The sum of the old buffers' sizes.
    old_size: usize,
    /// Bytes kept before the current buffer: [`WINDOW`] (less in tests).
    keep: u64,
    /// A file position and the number of newlines before it. It never falls behind the
    /// window, so counting from it is always exact.
    cursor: Cell<(u64, u64)>,
}

impl Window {
    fn new(keep: u64, buffer_size: usize) -> Self {
        Window {
            old: VecDeque::new(),
            old_len: 0,
            buf: vec![0; buffer_size.max(1)],
            offset: 0,
            start: 0,
            end: 0,
            spare: Vec::new(),
            base: buffer_size.max(1),
            old_size: 0,
            keep,
            cursor: Cell::new((0, 0)),
        }
    }

    /// The bytes read but not yet parsed.
    pub(crate) fn unparsed(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    fn first(&self) -> u64 {
        self.old.front().map_or(self.offset, |o| o.start)
    }

    /// The file position up to which bytes were read.
    pub(crate) fn read_to(&self) -> u64 {
        self.offset + self.end as u64
    }

    /// The kept bytes of the file range `from..to`, in order, as slices.
    fn segments(&self, from: u64, to: u64) -> impl Iterator<Item = &[u8]> {
        let current = (self.offset, &self.buf[..self.end]);
        self.old
            .iter()
            .map(|o| (o.start, &o.bytes[..o.len]))
            .chain(std::iter::once(current))
            .filter_map(move |(start, bytes)| {
                let end = start + bytes.len() as u64;
                let (a, b) = (from.max(start), to.min(end));
                (a < b).then(|| &bytes[(a - start) as usize..(b - start) as usize])
            })
    }

    fn newlines_between(&self, from: u64, to: u64) -> u64 {
        if from >= self.offset {
            // Both in the current buffer (nearly always: the parser asks about the entity it
            // is reading).
            let at = |pos: u64| ((pos - self.offset) as usize).min(self.end);
            return count_newlines(&self.buf[at(from)..at(to)]);
        }
        self.segments(from, to).map(count_newlines).sum()
    }

    /// Newlines before `pos` (which must lie within the window); moves the cursor there.
    fn newlines_before(&self, pos: u64) -> u64 {
        let (at, newlines) = self.cursor.get();
        let n = if pos >= at {
            newlines + self.newlines_between(at, pos)
        } else {
            newlines - self.newlines_between(pos, at)
        };
        self.cursor.set((pos, n));
        n
    }

    /// 1-based line of file position `pos`; exact within the last [`WINDOW`] bytes, before
    /// that the line where the kept part begins.
    pub(crate) fn line(&self, pos: u64) -> u64 {
        self.newlines_before(pos.clamp(self.first(), self.read_to())) + 1
    }

    /// 1-based (line, column) of file position `pos`, as exact as [`Window::line`]; the column
    /// counts bytes from the start of the line (or of the kept part).
    pub(crate) fn locate(&self, pos: u64) -> (u64, u64) {
        let first = self.first();
        if pos < first {
            return (self.line(first), 1);
        }
        let pos = pos.min(self.read_to());
        let segments: Vec<&[u8]> = self.segments(first, pos).collect();
        let mut line_start = first;
        let mut seg_end = pos;
        for seg in segments.into_iter().rev() {
            let seg_start = seg_end - seg.len() as u64;
            if let Some(i) = memchr::memrchr(b'\n', seg) {
                line_start = seg_start + i as u64 + 1;
                break;
            }
            seg_end = seg_start;
        }
        (self.line(pos), pos - line_start + 1)
    }

    /// Room after the unparsed bytes to read into. A full buffer joins the old ones, and its
    /// unparsed bytes move to the front of another; a buffer they fill doubles.
    fn room(&mut self) -> &mut [u8] {
        if self.end == self.buf.len() && self.start > 0 {
            let unparsed = self.end - self.start;
            // Back to the usual size after a buffer grew for a long element.
            let mut next = self.spare.pop().unwrap_or_default();
            next.resize(self.base.max(2 * unparsed), 0);
            next[..unparsed].copy_from_slice(&self.buf[self.start..self.end]);
            let done = std::mem::replace(&mut self.buf, next);
            let done_size = done.len();
            self.old.push_back(Old {
                start: self.offset,
                len: self.start,
                bytes: done,
            });
            self.old_len += self.start as u64;
            self.old_size += done_size;
            self.offset += self.start as u64;
            self.start = 0;
            self.end = unparsed;
            self.forget_old();
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        &mut self.buf[self.end..]
    }

    /// Drops (for reuse) the old buffers that lie wholly before the window.
    fn forget_old(&mut self) {
        while let Some(o) = self.old.front() {
            // A buffer mostly carried over (a long element) holds few bytes of its own, and one
            // that grew for a long element is large: their number and size are bounded too, so
            // memory stays flat whatever the file holds.
            let needed = self.old_len - (o.len as u64) < self.keep;
            if needed && self.old.len() <= MAX_OLD && self.old_size as u64 <= 2 * self.keep {
                break;
            }
            let end = o.start + o.len as u64;
            if self.cursor.get().0 < end {
                self.newlines_before(end);
            }
            if let Some(o) = self.old.pop_front() {
                self.old_len -= o.len as u64;
                self.old_size -= o.bytes.len();
                if o.bytes.len() == self.base {
                    self.spare.push(o.bytes);
                }
            }
        }
    }
}

/// One piece to parse: the first `len` unparsed bytes, at file position `offset`.
pub(crate) struct Piece {
    pub offset: u64,
    pub len: usize,
    /// The piece ends where the file ends (nothing is cut short).
    pub last: bool,
}

/// Reads the file into the shared [`Window`] and cuts it into pieces.
pub(crate) struct Pieces<R> {
    inner: R,
    window: Rc<RefCell<Window>>,
    at_start: bool,
    eof: bool,
    /// The next piece must hold at least this many unparsed bytes: after a construct was cut
    /// short, twice as many as that piece held, so a huge construct is parsed again only a
    /// few times (the work stays linear in its size).
    need: usize,
    /// So many unparsed bytes (from the second on) are known to hold no `<`: a long run
    /// without one is searched once, not again after every read.
    searched: usize,
}

impl<R: Read> Pieces<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self::sized(inner, WINDOW, READ_SIZE)
    }

    /// Keeps at least `keep` bytes before the current buffer, reads `buffer_size` at a time.
    fn sized(inner: R, keep: u64, buffer_size: usize) -> Self {
        Pieces {
            inner,
            window: Rc::new(RefCell::new(Window::new(keep, buffer_size))),
            at_start: true,
            eof: false,
            need: 0,
            searched: 0,
        }
    }

    /// The window the pieces are read into (its bytes: [`Window::unparsed`]).
    pub(crate) fn window(&self) -> Rc<RefCell<Window>> {
        Rc::clone(&self.window)
    }

    /// The next piece: the unparsed bytes up to their last `<` (all of them at the end of the
    /// file). Empty once everything is consumed at the end of the file.
    pub(crate) fn next(&mut self) -> std::io::Result<Piece> {
        loop {
            {
                let w = self.window.borrow();
                let unparsed = w.unparsed();
                let offset = w.offset + w.start as u64;
                if self.eof {
                    let len = unparsed.len();
                    return Ok(Piece {
                        offset,
                        len,
                        last: true,
                    });
                }
                if unparsed.len() >= self.need && !self.at_start {
                    let from = self.searched.clamp(1, unparsed.len().max(1));
                    if let Some(at) = unparsed.get(from..).and_then(|u| memchr::memrchr(b'<', u)) {
                        return Ok(Piece {
                            offset,
                            len: from + at,
                            last: false,
                        });
                    }
                    self.searched = unparsed.len();
                }
            }
            self.read_more()?;
        }
    }

    /// Marks the first `n` bytes of the last piece parsed. `cut_short`: the parse stopped at a
    /// construct the piece did not hold whole, so the next piece must hold more.
    pub(crate) fn consume(&mut self, n: usize, cut_short: bool) {
        let mut w = self.window.borrow_mut();
        let held = w.end - w.start;
        w.start = (w.start + n).min(w.end);
        self.need = if cut_short { 2 * (held - n) + 1 } else { 0 };
        self.searched = 0;
    }

    #[inline(never)]
    fn read_more(&mut self) -> std::io::Result<()> {
        let mut w = self.window.borrow_mut();
        let room = w.room();
        let n = loop {
            match self.inner.read(room) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        w.end += n;
        self.eof = n == 0;
        if self.at_start {
            // The byte order mark is only recognised whole: wait for 3 bytes or the end.
            if w.end < BOM.len() && !self.eof {
                return Ok(());
            }
            self.at_start = false;
            if w.buf[..w.end].starts_with(BOM) {
                let end = w.end;
                w.buf.copy_within(BOM.len()..end, 0);
                w.end -= BOM.len();
            }
        }
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

    /// Reads `data` `step` bytes at a time, consuming every piece whole, as a parser that never
    /// meets a cut construct does; `visit` sees each piece before it is consumed.
    fn read_all(
        data: &[u8],
        step: usize,
        (keep, buffer_size): (u64, usize),
        mut visit: impl FnMut(&Window, &Piece),
    ) -> Vec<(u64, Vec<u8>)> {
        let mut pieces = Pieces::sized(Trickle { data, step }, keep, buffer_size);
        let window = pieces.window();
        let mut seen = Vec::new();
        loop {
            let piece = pieces.next().unwrap();
            {
                let w = window.borrow();
                seen.push((piece.offset, w.unparsed()[..piece.len].to_vec()));
                visit(&w, &piece);
            }
            pieces.consume(piece.len, false);
            if piece.last {
                return seen;
            }
        }
    }

    const DEFAULT: (u64, usize) = (WINDOW, READ_SIZE);

    fn joined(seen: &[(u64, Vec<u8>)]) -> Vec<u8> {
        seen.iter().flat_map(|(_, b)| b.iter().copied()).collect()
    }

    #[test]
    fn pieces_cover_the_file_once_and_each_later_piece_begins_at_an_element() {
        let text = "<a>x &amp; y</a>\n<b c=\"1\"/><!-- < --></a>";
        for (step, sizes) in [
            (1, (4, 4)),
            (2, (8, 16)),
            (3, DEFAULT),
            (5, (1, 1)),
            (64, DEFAULT),
        ] {
            let seen = read_all(text.as_bytes(), step, sizes, |_, _| {});
            assert_eq!(
                joined(&seen),
                text.as_bytes(),
                "read {step} bytes at a time"
            );
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
            let seen = read_all(text.as_bytes(), step, DEFAULT, |_, _| {});
            assert_eq!(joined(&seen), b"<a>\n</a>\n", "read {step} bytes at a time");
        }
        // A byte order mark later in the file is text, not dropped.
        let seen = read_all("<a>\u{FEFF}</a>".as_bytes(), 2, DEFAULT, |_, _| {});
        assert_eq!(joined(&seen), "<a>\u{FEFF}</a>".as_bytes());
    }

    #[test]
    fn a_construct_cut_short_is_offered_again_with_more_bytes() {
        let text = "<a><!-- 1 < 2 --><b>x</b><c/></a>";
        let mut pieces = Pieces::new(Trickle {
            data: text.as_bytes(),
            step: 12,
        });
        let window = pieces.window();
        let piece = pieces.next().unwrap();
        assert_eq!(&window.borrow().unparsed()[..piece.len], b"<a><!-- 1 ");
        // The parser reads `<a>`, then finds the comment unfinished.
        pieces.consume(3, true);
        let piece = pieces.next().unwrap();
        assert_eq!(piece.offset, 3);
        let bytes = window.borrow().unparsed()[..piece.len].to_vec();
        assert!(bytes.starts_with(b"<!-- 1 < 2 -->"), "{bytes:?}");
        // At least twice what was left: a huge construct is not parsed again for every read.
        assert!(piece.len >= 2 * b"<!-- 1 < ".len(), "{bytes:?}");
    }

    fn naive(text: &str, pos: usize) -> (u64, u64) {
        let before = &text.as_bytes()[..pos];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        (line, (pos - start) as u64 + 1)
    }

    #[test]
    fn offsets_map_to_one_based_lines_and_columns() {
        let long = "<første linje\n<anden linje er længere end otte bytes\n\n\t<fjerde\n";
        for step in [3, 11, long.len()] {
            read_all(long.as_bytes(), step, (1000, 16), |w, piece| {
                if piece.last {
                    let cases = [
                        (0, (1, 1)),
                        (2, (1, 3)),
                        (14, (1, 15)),
                        (15, (2, 1)),
                        (55, (3, 1)),
                        (57, (4, 2)),
                        (63, (4, 8)),
                    ];
                    for (pos, expected) in cases {
                        assert_eq!(w.locate(pos), expected, "offset {pos}, step {step}");
                        assert_eq!(w.line(pos), expected.0, "offset {pos}, step {step}");
                    }
                }
            });
        }
    }

    /// The parser asks mostly forward (each entity's start), sometimes back (an error at an
    /// element that began in an earlier piece); old bytes are forgotten as the file streams.
    #[test]
    fn every_offset_in_the_window_is_located_exactly_in_any_order() {
        let text: String = (0..400)
            .map(|n| format!("<{}æ\n", "x".repeat(n % 17)))
            .collect();
        let cases = [
            (3, (64, 16)),
            (11, (100, 32)),
            (64, (1000, 100)),
            (text.len(), DEFAULT),
        ];
        for (step, (keep, size)) in cases {
            let mut located = 0;
            read_all(text.as_bytes(), step, (keep, size), |w, piece| {
                let end = piece.offset as usize + piece.len;
                let from = w.first() as usize;
                let order = (piece.offset as usize..end)
                    .step_by(5)
                    .chain((from..end).rev().step_by(7));
                for pos in order {
                    assert_eq!(
                        w.locate(pos as u64),
                        naive(&text, pos),
                        "offset {pos}, read {step} bytes at a time into {size}, keeping {keep}"
                    );
                    located += 1;
                }
                // Before the window: the line where the kept part begins.
                if from > 0 {
                    assert_eq!(w.locate(0), (naive(&text, from).0, 1));
                }
            });
            assert!(located > text.len() / 5, "{located} offsets located");
        }
    }
}
