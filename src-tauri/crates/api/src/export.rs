//! Change-log export (CSV that Danish Excel opens correctly, XLSX, JSON) and verification of an
//! exported file against its hash chain and its stated head hash.

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

/// The sheet of an XLSX log export that holds the rows, and the one that states the head hash.
const XLSX_LOG_SHEET: &str = "Ændringslog";
const XLSX_CHECK_SHEET: &str = "Kontrol";
const XLSX_HEAD_LABEL: &str = "Sidste hash";

/// Danish local time, the way Danish Excel reads a date: `26-11-2026 11:00:00`.
fn danish_time(rfc3339: &str) -> String {
    danish_local(rfc3339)
        .map(|t| t.format("%d-%m-%Y %H:%M:%S").to_string())
        .unwrap_or_else(|| rfc3339.to_owned())
}

/// An RFC 3339 time as Danish wall-clock time (what an Excel date cell holds).
pub(crate) fn danish_local(rfc3339: &str) -> Option<chrono::NaiveDateTime> {
    DateTime::parse_from_rfc3339(rfc3339).ok().map(|t| {
        t.with_timezone(&chrono_tz::Europe::Copenhagen)
            .naive_local()
    })
}

/// A CSV cell that Excel would read as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading
/// apostrophe: names and reasons come from outside and must never run in the administrator's
/// spreadsheet. A cell that starts with an apostrophe gets one too, so [`as_written`] gives
/// every value back exactly (the log's hash chain is verified from the CSV).
pub(crate) fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\'') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// The value [`inert`] was given.
fn as_written(cell: &str) -> String {
    cell.strip_prefix('\'').unwrap_or(cell).to_owned()
}

pub(crate) fn write_log(
    format: ExportFormat,
    entries: &[LogEntry],
    head_hash: &str,
    out: &Path,
) -> ApiResult<()> {
    write_atomically(out, |file| {
        match format {
            ExportFormat::Csv => {
                file.write_all("\u{feff}".as_bytes())?;
                let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(file);
                w.write_record(CSV_HEADER).map_err(csv_error)?;
                for e in entries {
                    let (id, time) = (e.id.to_string(), danish_time(&e.at));
                    let record = [
                        id.as_str(),
                        &time,
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
                    ]
                    .map(inert);
                    w.write_record(record.iter().map(|c| c.as_bytes()))
                        .map_err(csv_error)?;
                }
                w.flush()?;
            }
            ExportFormat::Xlsx => file.write_all(&log_xlsx(entries, head_hash)?)?,
            ExportFormat::Json => {
                let doc = JsonExport {
                    head_hash: head_hash.to_owned(),
                    rows: entries.len(),
                    entries: entries.to_vec(),
                };
                let mut w = std::io::BufWriter::new(file);
                serde_json::to_writer_pretty(&mut w, &doc)?;
                w.flush()?;
            }
        }
        Ok(())
    })
}

fn log_xlsx(entries: &[LogEntry], head_hash: &str) -> ApiResult<Vec<u8>> {
    use crate::xlsx::{Cell, Table};
    const WIDTHS: [f64; 13] = [
        8.0, 17.0, 22.0, 9.0, 10.0, 16.0, 12.0, 20.0, 70.0, 30.0, 30.0, 20.0, 20.0,
    ];
    let mut book = rust_xlsxwriter::Workbook::new();
    let columns: Vec<(&str, f64)> = CSV_HEADER.into_iter().zip(WIDTHS).collect();
    let mut table = Table::new(&mut book, XLSX_LOG_SHEET, &columns)?;
    for e in entries {
        table.row(&[
            Cell::Number(e.id as f64),
            Cell::Time(Some(&e.at)),
            Cell::Text(&e.at),
            Cell::Text(&e.source),
            Cell::Text(&e.who),
            Cell::Text(&e.action),
            Cell::Text(&e.entity_kind),
            Cell::Text(&e.entity_id),
            Cell::Text(&e.summary),
            Cell::Text(e.before.as_deref().unwrap_or("")),
            Cell::Text(e.after.as_deref().unwrap_or("")),
            Cell::Text(&e.prev_hash),
            Cell::Text(&e.hash),
        ])?;
    }
    table.finish()?;
    let rows = entries.len().to_string();
    let mut check = Table::new(
        &mut book,
        XLSX_CHECK_SHEET,
        &[("Oplysning", 16.0), ("Værdi", 70.0)],
    )?;
    check.row(&[Cell::Text(XLSX_HEAD_LABEL), Cell::Text(head_hash)])?;
    check.row(&[Cell::Text("Rækker"), Cell::Text(&rows)])?;
    check.row(&[
        Cell::Text("Kontrol"),
        Cell::Text(
            "sorkomp log verify FIL genberegner hash-kæden og sammenligner med «Sidste hash».",
        ),
    ])?;
    check.finish()?;
    crate::xlsx::to_bytes(&mut book)
}

/// Writes `out` through a temporary file in the same folder renamed into place, so a failed
/// export never leaves half a file under the chosen name.
pub(crate) fn write_atomically(
    out: &Path,
    write: impl FnOnce(&mut std::fs::File) -> ApiResult<()>,
) -> ApiResult<()> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile_in(dir, out)?;
    let written = write(&mut tmp.1).and_then(|()| Ok(tmp.1.sync_all()?));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp.0);
        return Err(e);
    }
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

pub(crate) fn csv_error(e: csv::Error) -> ApiError {
    ApiError::new("export_csv", format!("CSV-fejl: {e}"))
}

/// Reads an exported log (CSV, XLSX or JSON, told apart by content).
pub fn read_export(path: &Path) -> ApiResult<Vec<LogEntry>> {
    Ok(read_export_with_head(path)?.0)
}

/// The rows of an exported log and the head hash the file states (JSON and XLSX state one).
fn read_export_with_head(path: &Path) -> ApiResult<(Vec<LogEntry>, Option<String>)> {
    let bytes = std::fs::read(path)
        .map_err(|e| ApiError::new("io", format!("Kan ikke læse {}: {e}", path.display())))?;
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(path, bytes);
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        ApiError::new(
            "export_format",
            format!(
                "{} er hverken en CSV-, XLSX- eller JSON-eksport (ikke UTF-8 ved byte {}).",
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
        return Ok((doc.entries, Some(doc.head_hash)));
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
    check_header(path, &header)?;
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(csv_error)?;
        let fields: Vec<String> = rec.iter().map(as_written).collect();
        out.push(entry_from_fields(path, i + 2, &fields)?);
    }
    Ok((out, None))
}

fn check_header(path: &Path, header: &[String]) -> ApiResult<()> {
    if header != CSV_HEADER {
        return Err(ApiError::new(
            "export_format",
            format!(
                "{} er ikke en log-eksport fra SOR-komponent (ukendte kolonner).",
                path.display()
            ),
        ));
    }
    Ok(())
}

/// One exported row (CSV record or XLSX row, in `CSV_HEADER` order); `line` is 1-based.
fn entry_from_fields(path: &Path, line: usize, fields: &[String]) -> ApiResult<LogEntry> {
    let field = |n: usize| fields.get(n).cloned().unwrap_or_default();
    let opt = |n: usize| Some(field(n)).filter(|s| !s.is_empty());
    Ok(LogEntry {
        id: field(0).parse().map_err(|_| {
            ApiError::new(
                "export_format",
                format!(
                    "{} række {line}: løbenummeret «{}» er ikke et tal.",
                    path.display(),
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
    })
}

fn read_xlsx(path: &Path, bytes: Vec<u8>) -> ApiResult<(Vec<LogEntry>, Option<String>)> {
    use calamine::{Reader, Xlsx};
    let not_ours = |detail: String| {
        ApiError::new(
            "export_format",
            format!(
                "{} er ikke en XLSX-log-eksport fra SOR-komponent: {detail}",
                path.display()
            ),
        )
    };
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| not_ours(format!("filen kan ikke åbnes ({e})")))?;
    let rows = book
        .worksheet_range(XLSX_LOG_SHEET)
        .map_err(|_| not_ours(format!("arket «{XLSX_LOG_SHEET}» mangler")))?;
    let mut lines = rows
        .rows()
        .map(|r| r.iter().map(crate::xlsx::cell_text).collect::<Vec<_>>());
    let header = lines.next().unwrap_or_default();
    check_header(path, &header)?;
    let mut out = Vec::new();
    for (i, fields) in lines.enumerate() {
        out.push(entry_from_fields(path, i + 2, &fields)?);
    }
    let head = book
        .worksheet_range(XLSX_CHECK_SHEET)
        .map_err(|_| not_ours(format!("arket «{XLSX_CHECK_SHEET}» mangler")))?
        .rows()
        .find(|r| r.first().map(crate::xlsx::cell_text).as_deref() == Some(XLSX_HEAD_LABEL))
        .and_then(|r| r.get(1).map(crate::xlsx::cell_text));
    Ok((out, head))
}

/// Verifies an exported file's hash chain (and, for JSON and XLSX, that the stated head hash
/// is the chain's); returns the head hash.
pub fn verify_export(path: &Path) -> ApiResult<String> {
    let (entries, stated_head) = read_export_with_head(path)?;
    if entries.is_empty() {
        return Err(ApiError::new(
            "export_empty",
            format!("{} indeholder ingen logrækker.", path.display()),
        ));
    }
    let head = sorkomp_store::verify_chain(&entries)
        .map_err(|e| ApiError::new("log_broken", format!("{}: {e}", path.display())))?;
    match stated_head {
        Some(stated) if stated != head => Err(ApiError::new(
            "log_broken",
            format!(
                "{}: filen angiver sidste hash {stated}, men rækkerne ender med {head}. Der mangler rækker, eller filen er ændret.",
                path.display()
            ),
        )),
        _ => Ok(head),
    }
}
