//! Errors of reading and downloading SOR data, in words an administrator understands.

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
