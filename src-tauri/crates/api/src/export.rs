//! Change-log export (CSV that Danish Excel opens correctly, JSON) and verification of an
//! exported file against its hash chain.

use std::io::Write;
use std::path::Path;

use chrono::DateTime;
use serde::{Deserialize, Serialize};
use sorkomp_store::LogEntry;

use crate::{ApiError, ApiResult, ExportFormat};

const CSV_HEADER: [&str; 13] = [
    "Løbenr",
    "Tidspunkt",
    "Tidspunkt (UTC)",
    "Kilde",
    "Hvem",
    "Handling",
    "Enhedstype",
    "Enhed",
    "Beskrivelse",
    "Før",
    "Efter",
    "Forrige hash",
    "Hash",
];

#[derive(Serialize, Deserialize)]
struct JsonExport {
    head_hash: String,
    rows: usize,
    entries: Vec<LogEntry>,
}

/// Danish local time, the way Danish Excel reads a date: `26-11-2026 11:00:00`.
fn danish_time(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&chrono_tz::Europe::Copenhagen)
                .format("%d-%m-%Y %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_owned())
}

pub(crate) fn write_log(
    format: ExportFormat,
    entries: &[LogEntry],
    head_hash: &str,
    out: &Path,
) -> ApiResult<()> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile_in(dir, out)?;
    match format {
        ExportFormat::Csv => {
            tmp.1.write_all("\u{feff}".as_bytes())?;
            let mut w = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(&mut tmp.1);
            w.write_record(CSV_HEADER).map_err(csv_error)?;
            for e in entries {
                w.write_record([
                    e.id.to_string().as_str(),
                    &danish_time(&e.at),
                    &e.at,
                    &e.source,
                    &e.who,
                    &e.action,
                    &e.entity_kind,
                    &e.entity_id,
                    &e.summary,
                    e.before.as_deref().unwrap_or(""),
                    e.after.as_deref().unwrap_or(""),
                    &e.prev_hash,
                    &e.hash,
                ])
                .map_err(csv_error)?;
            }
            w.flush()?;
        }
        ExportFormat::Json => {
            let doc = JsonExport {
                head_hash: head_hash.to_owned(),
                rows: entries.len(),
                entries: entries.to_vec(),
            };
            serde_json::to_writer_pretty(&mut tmp.1, &doc)?;
        }
    }
    tmp.1.sync_all()?;
    std::fs::rename(&tmp.0, out).map_err(|e| {
        let _ = std::fs::remove_file(&tmp.0);
        ApiError::new("io", format!("Kan ikke skrive {}: {e}", out.display()))
    })?;
    Ok(())
}

fn tempfile_in(dir: &Path, out: &Path) -> ApiResult<(std::path::PathBuf, std::fs::File)> {
    let name = format!(
        ".{}.{}.tmp",
        out.file_name().and_then(|n| n.to_str()).unwrap_or("export"),
        std::process::id()
    );
    let path = dir.join(name);
    let file = std::fs::File::create(&path).map_err(|e| {
        ApiError::new(
            "io",
            format!("Kan ikke skrive i mappen {}: {e}", dir.display()),
        )
    })?;
    Ok((path, file))
}

fn csv_error(e: csv::Error) -> ApiError {
    ApiError::new("export_csv", format!("CSV-fejl: {e}"))
}

/// Reads an exported log (CSV or JSON, told apart by content).
pub fn read_export(path: &Path) -> ApiResult<Vec<LogEntry>> {
    let bytes = std::fs::read(path)
        .map_err(|e| ApiError::new("io", format!("Kan ikke læse {}: {e}", path.display())))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        ApiError::new(
            "export_format",
            format!(
                "{} er ikke UTF-8 (byte {}).",
                path.display(),
                e.valid_up_to()
            ),
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('{') {
        let doc: JsonExport = serde_json::from_str(text).map_err(|e| {
            ApiError::new(
                "export_format",
                format!(
                    "{} linje {}: ugyldig JSON-eksport ({e})",
                    path.display(),
                    e.line()
                ),
            )
        })?;
        return Ok(doc.entries);
    }
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let header: Vec<String> = r
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(str::to_owned)
        .collect();
    if header != CSV_HEADER {
        return Err(ApiError::new(
            "export_format",
            format!(
                "{} er ikke en log-eksport fra SOR-komponent (ukendte kolonner).",
                path.display()
            ),
        ));
    }
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(csv_error)?;
        let field = |n: usize| rec.get(n).unwrap_or("").to_owned();
        let opt = |n: usize| Some(field(n)).filter(|s| !s.is_empty());
        out.push(LogEntry {
            id: field(0).parse().map_err(|_| {
                ApiError::new(
                    "export_format",
                    format!(
                        "{} række {}: løbenummeret «{}» er ikke et tal.",
                        path.display(),
                        i + 2,
                        field(0)
                    ),
                )
            })?,
            at: field(2),
            source: field(3),
            who: field(4),
            action: field(5),
            entity_kind: field(6),
            entity_id: field(7),
            summary: field(8),
            before: opt(9),
            after: opt(10),
            prev_hash: field(11),
            hash: field(12),
        });
    }
    Ok(out)
}

/// Verifies an exported file's hash chain; returns its head hash.
pub fn verify_export(path: &Path) -> ApiResult<String> {
    let entries = read_export(path)?;
    if entries.is_empty() {
        return Err(ApiError::new(
            "export_empty",
            format!("{} indeholder ingen logrækker.", path.display()),
        ));
    }
    sorkomp_store::verify_chain(&entries)
        .map_err(|e| ApiError::new("log_broken", format!("{}: {e}", path.display())))
}
