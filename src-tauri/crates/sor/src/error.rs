//! Errors of reading and downloading SOR data, in words an administrator understands.

use std::collections::VecDeque;
use std::fmt;

/// A place in an input file: the file name and the 1-based line and column (column in bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} linje {}, kolonne {}",
            self.file, self.line, self.column
        )
    }
}

/// Everything that can go wrong while reading or fetching the SOR export.
#[derive(Debug, thiserror::Error)]
pub enum SorError {
    /// The file has no bytes at all.
    #[error("{file}: filen er tom (0 byte); forventede SOR's XML-eksport (Sor.xml)")]
    Empty { file: String },
    /// The file is not well-formed XML, not a SOR export, or breaks the SOR structure.
    #[error("{at}: {problem}")]
    Format { at: Location, problem: String },
    /// One entity is wrong (duplicate id, dangling reference, bad date); names the SOR id.
    #[error("{at}: SOR-enhed {sor_id}: {problem}")]
    Entity {
        at: Location,
        sor_id: String,
        problem: String,
    },
    /// A zip file that holds no usable SOR XML file, or is damaged.
    #[error("{file}: {problem}")]
    Zip { file: String, problem: String },
    /// The file could not be read or written.
    #[error("{file}: kan ikke læse eller skrive filen: {err}")]
    Io {
        file: String,
        #[source]
        err: std::io::Error,
    },
    /// The caller's entity callback stopped the import (e.g. the store failed).
    #[error("indlæsningen af SOR-data blev afbrudt: {0}")]
    Aborted(String),
    /// No connection could be made to the server.
    #[error("Kan ikke hente SOR-data: ingen netværksforbindelse til {host}")]
    Offline { host: String },
    /// The server's certificate is not trusted.
    #[error("Kan ikke hente SOR-data: serveren {host} har et certifikat, der ikke kan godkendes ({detail}); forbindelsen er afvist")]
    Untrusted { host: String, detail: String },
    /// The server did not answer in time.
    #[error("Kan ikke hente SOR-data: {host} svarede ikke inden for {seconds} sekunder")]
    Timeout { host: String, seconds: u64 },
    /// The server answered with an error status.
    #[error("Kan ikke hente SOR-data: {url} svarede med HTTP-status {status}")]
    Http { url: String, status: u16 },
    /// The connection broke before the whole file arrived; the previous file is kept.
    #[error("Kan ikke hente SOR-data: forbindelsen til {host} blev afbrudt efter {done} byte{}; den tidligere SOR-fil er bevaret", total.map(|t| format!(" af {t}")).unwrap_or_default())]
    Interrupted {
        host: String,
        done: u64,
        total: Option<u64>,
    },
    /// The configured URL cannot be used.
    #[error("Kan ikke hente SOR-data: adressen '{url}' er ugyldig: {problem}")]
    BadUrl { url: String, problem: String },
}

impl SorError {
    /// A stable code for the API layer, so the window never matches on message text.
    pub fn code(&self) -> &'static str {
        match self {
            SorError::Empty { .. } => "sor_empty_file",
            SorError::Format { .. } => "sor_format",
            SorError::Entity { .. } => "sor_entity",
            SorError::Zip { .. } => "sor_zip",
            SorError::Io { .. } => "sor_io",
            SorError::Aborted(_) => "sor_aborted",
            SorError::Offline { .. } => "sor_offline",
            SorError::Untrusted { .. } => "sor_untrusted_certificate",
            SorError::Timeout { .. } => "sor_timeout",
            SorError::Http { .. } => "sor_http_status",
            SorError::Interrupted { .. } => "sor_download_interrupted",
            SorError::BadUrl { .. } => "sor_bad_url",
        }
    }

    /// Where in the file the problem is, for errors that point into a file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            SorError::Format { at, .. } | SorError::Entity { at, .. } => Some(at),
            _ => None,
        }
    }
}

/// How far back (in bytes) exact lines and columns can be given. Positions the parser reports
/// lie within the element it is reading, far less than this.
const WINDOW: u64 = 4 << 20;

/// Maps byte offsets to line/column while the file streams past. It counts the newlines of each
/// chunk read and keeps a copy of the chunks of the last [`WINDOW`] bytes (a vectorised count
/// and a copy cost far less than noting every line start), so memory stays flat. Lines are
/// counted on demand from a cursor that moves forward with the parser.
#[derive(Debug, Default)]
pub(crate) struct LineIndex {
    read: u64,
    newlines: u64,
    chunks: VecDeque<Chunk>,
    /// Buffers of forgotten chunks, reused.
    spare: Vec<Vec<u8>>,
    /// The last position located and the number of newlines before it.
    cursor: (u64, u64),
}

#[derive(Debug)]
struct Chunk {
    start: u64,
    newlines_before: u64,
    bytes: Vec<u8>,
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytecount::count(bytes, b'\n') as u64
}

impl LineIndex {
    pub(crate) fn record(&mut self, chunk: &[u8]) {
        if chunk.is_empty() {
            return; // the end of the input, asked for again
        }
        let mut bytes = self.spare.pop().unwrap_or_default();
        bytes.clear();
        bytes.extend_from_slice(chunk);
        self.chunks.push_back(Chunk {
            start: self.read,
            newlines_before: self.newlines,
            bytes,
        });
        self.newlines += count_newlines(chunk);
        self.read += chunk.len() as u64;
        while self.chunks.len() > 1 && self.chunks[1].start + WINDOW <= self.read {
            if let Some(old) = self.chunks.pop_front() {
                self.spare.push(old.bytes);
            }
        }
    }

    /// 1-based (line, column) of byte offset `pos`; exact within the last [`WINDOW`] bytes,
    /// before that the line where the remembered part begins.
    pub(crate) fn locate(&mut self, pos: u64) -> (u64, u64) {
        let Some(first) = self.chunks.front() else {
            return (1, pos + 1);
        };
        if pos < first.start {
            return (first.newlines_before + 1, 1);
        }
        // The chunk holding `pos` (or the last one, for the end of the input).
        let i = self
            .chunks
            .partition_point(|c| c.start + c.bytes.len() as u64 <= pos)
            .min(self.chunks.len() - 1);
        let chunk = &self.chunks[i];
        let within = ((pos - chunk.start) as usize).min(chunk.bytes.len());
        let (cursor_pos, cursor_newlines) = self.cursor;
        let newlines_before = if cursor_pos >= chunk.start && cursor_pos <= pos {
            let from = (cursor_pos - chunk.start) as usize;
            cursor_newlines + count_newlines(&chunk.bytes[from..within])
        } else {
            chunk.newlines_before + count_newlines(&chunk.bytes[..within])
        };
        self.cursor = (pos, newlines_before);
        let line_start = memchr::memrchr(b'\n', &chunk.bytes[..within])
            .map(|at| chunk.start + at as u64 + 1)
            .or_else(|| {
                self.chunks.range(..i).rev().find_map(|c| {
                    memchr::memrchr(b'\n', &c.bytes).map(|at| c.start + at as u64 + 1)
                })
            })
            .unwrap_or(first.start);
        (newlines_before + 1, pos - line_start + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, pos: u64, expected: (u64, u64)) {
        // Fed in chunks of several sizes, as a reader would.
        for size in [3, 11, text.len().max(1)] {
            let mut index = LineIndex::default();
            for chunk in text.as_bytes().chunks(size) {
                index.record(chunk);
            }
            assert_eq!(
                index.locate(pos),
                expected,
                "offset {pos} in {text:?} (read {size} bytes at a time) should be at line/column {expected:?}"
            );
        }
    }

    #[test]
    fn offsets_map_to_one_based_lines_and_columns() {
        check("abc", 0, (1, 1));
        check("abc", 2, (1, 3));
        check("ab\ncd", 3, (2, 1));
        check("ab\ncd", 4, (2, 2));
        check("ab\ncd\n\nef", 7, (4, 1));
        check("ab\n", 2, (1, 3));
        let long = "første linje\nanden linje er længere end otte bytes\n\n\tfjerde\n";
        check(long, 14, (2, 1));
        check(long, 53, (3, 1));
        check(long, 55, (4, 2));
        check(long, 61, (4, 8));
    }

    /// The parser asks mostly forward (the cursor), sometimes back (an entity's start).
    #[test]
    fn every_offset_is_located_exactly_in_any_order() {
        let text: String = (0..200)
            .map(|n| format!("{}æ\n", "x".repeat(n % 17)))
            .collect();
        let naive = |pos: usize| {
            let before = &text.as_bytes()[..pos];
            let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            (line, (pos - start) as u64 + 1)
        };
        for size in [3, 11, 64, text.len()] {
            let mut index = LineIndex::default();
            for chunk in text.as_bytes().chunks(size) {
                index.record(chunk);
            }
            let order = (0..text.len())
                .step_by(7)
                .chain((0..text.len()).rev().step_by(13));
            for pos in order {
                assert_eq!(
                    index.locate(pos as u64),
                    naive(pos),
                    "offset {pos}, read {size} bytes at a time"
                );
            }
        }
    }
}
