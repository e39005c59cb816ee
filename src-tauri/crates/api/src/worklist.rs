//! The SOR worklist as files the administrator works from in SOR's own application: CSV for
//! Danish Excel, XLSX, and a standalone printable HTML page (no scripts, every text escaped).

use std::io::Write;
use std::path::Path;

use crate::export::{csv_error, danish_local, inert, write_atomically};
use crate::xlsx::{Cell, Table};
use crate::{ApiResult, OutboxStatus, OutboxView, WorklistFormat};

/// What the export says about itself.
pub(crate) struct Heading<'a> {
    pub municipality: Option<&'a str>,
    /// The filter the list was written with (None: every item).
    pub status: Option<OutboxStatus>,
    pub written_at: &'a str,
    pub who: &'a str,
    /// The change log's head hash when the list was written.
    pub head_hash: &'a str,
}

const COLUMNS: [(&str, f64); 11] = [
    ("Nr", 6.0),
    ("Status", 12.0),
    ("Handling", 16.0),
    ("Opgave", 60.0),
    ("SOR-ID", 17.0),
    ("ORG-UUID", 38.0),
    ("Felter", 60.0),
    ("Forslag", 8.0),
    ("Godkendt", 17.0),
    ("Udført", 17.0),
    ("Bekræftet", 17.0),
];

/// The action in the administrator's words.
fn action_label(action: &str) -> &str {
    match action {
        "create_unit" => "Opret enhed",
        "close_unit" => "Luk enhed",
        "update_unit" => "Ret enhed",
        "register_link" => "Registrér kobling",
        other => other,
    }
}

fn fields_text(v: &OutboxView) -> String {
    v.fields
        .iter()
        .map(|f| format!("{}: {}", f.label, f.value))
        .collect::<Vec<_>>()
        .join("\n")
}

fn danish_minutes(t: Option<&str>) -> String {
    t.and_then(danish_local)
        .map(|t| t.format("%d-%m-%Y %H:%M").to_string())
        .unwrap_or_default()
}

fn filter_text(status: Option<OutboxStatus>) -> String {
    match status {
        Some(s) => format!("kun «{}»", s.label()),
        None => "alle opgaver".into(),
    }
}

pub(crate) fn write(
    format: WorklistFormat,
    items: &[OutboxView],
    heading: &Heading,
    out: &Path,
) -> ApiResult<()> {
    write_atomically(out, |file| {
        match format {
            WorklistFormat::Csv => write_csv(file, items)?,
            WorklistFormat::Xlsx => file.write_all(&xlsx(items, heading)?)?,
            WorklistFormat::Html => file.write_all(html(items, heading).as_bytes())?,
        }
        Ok(())
    })
}

fn write_csv(file: &mut std::fs::File, items: &[OutboxView]) -> ApiResult<()> {
    file.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(file);
    w.write_record(COLUMNS.map(|c| c.0)).map_err(csv_error)?;
    for v in items {
        let fields = fields_text(v);
        w.write_record([
            v.id.to_string().as_str(),
            v.status.label(),
            action_label(&v.action),
            &inert(&v.title),
            v.sor_id.as_deref().unwrap_or(""),
            v.org_uuid.as_deref().unwrap_or(""),
            &inert(&fields),
            &v.proposal_id.to_string(),
            &danish_minutes(Some(&v.created_at)),
            &danish_minutes(v.done_at.as_deref()),
            &danish_minutes(v.confirmed_at.as_deref()),
        ])
        .map_err(csv_error)?;
    }
    w.flush()?;
    Ok(())
}

fn xlsx(items: &[OutboxView], heading: &Heading) -> ApiResult<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let mut list = Table::new(&mut book, "Arbejdsliste", &COLUMNS)?;
    for v in items {
        let fields = fields_text(v);
        list.row(&[
            Cell::Number(v.id as f64),
            Cell::Text(v.status.label()),
            Cell::Text(action_label(&v.action)),
            Cell::Lines(&v.title),
            Cell::Text(v.sor_id.as_deref().unwrap_or("")),
            Cell::Text(v.org_uuid.as_deref().unwrap_or("")),
            Cell::Lines(&fields),
            Cell::Number(v.proposal_id as f64),
            Cell::Time(Some(&v.created_at)),
            Cell::Time(v.done_at.as_deref()),
            Cell::Time(v.confirmed_at.as_deref()),
        ])?;
    }
    list.finish()?;
    let mut per_field = Table::new(
        &mut book,
        "Felter",
        &[
            ("Nr", 6.0),
            ("Opgave", 60.0),
            ("Felt", 22.0),
            ("Værdi", 60.0),
        ],
    )?;
    for v in items {
        for f in &v.fields {
            per_field.row(&[
                Cell::Number(v.id as f64),
                Cell::Text(&v.title),
                Cell::Text(&f.label),
                Cell::Text(&f.value),
            ])?;
        }
    }
    per_field.finish()?;
    let mut about = Table::new(
        &mut book,
        "Om listen",
        &[("Oplysning", 24.0), ("Værdi", 70.0)],
    )?;
    about.row(&[
        Cell::Text("Kommune"),
        Cell::Text(heading.municipality.unwrap_or("")),
    ])?;
    about.row(&[Cell::Text("Skrevet"), Cell::Time(Some(heading.written_at))])?;
    about.row(&[Cell::Text("Af"), Cell::Text(heading.who)])?;
    about.row(&[
        Cell::Text("Udvalg"),
        Cell::Text(&filter_text(heading.status)),
    ])?;
    about.row(&[
        Cell::Text("Ændringsloggens hash"),
        Cell::Text(heading.head_hash),
    ])?;
    about.finish()?;
    crate::xlsx::to_bytes(&mut book)
}

/// Text for HTML element content and attribute values.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
  :root { color: #111; background: #fff; }
  body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; font-size: 11pt;
         line-height: 1.4; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 18pt; margin: 0 0 .25rem; }
  header p { margin: .2rem 0; color: #333; }
  .howto { border-left: 4px solid #555; padding: .4rem .8rem; background: #f3f3f3; }
  section.item { border: 1px solid #888; border-radius: 4px; padding: .6rem .9rem; margin: 1rem 0;
                 break-inside: avoid; page-break-inside: avoid; }
  section.item h2 { font-size: 12.5pt; margin: 0 0 .3rem; display: flex; gap: .6rem; align-items: baseline; }
  .box { display: inline-block; width: 1.1em; height: 1.1em; border: 2px solid #111; flex: none; }
  .meta { margin: 0 0 .4rem; color: #333; font-size: 10pt; }
  .status { font-weight: 600; }
  .status-confirmed .box { background: #111; }
  .status-withdrawn { color: #555; text-decoration: line-through; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; vertical-align: top; padding: .2rem .5rem; border-top: 1px solid #ccc; }
  th { width: 14rem; font-weight: 600; }
  td { font-family: ui-monospace, 'Cascadia Mono', Consolas, monospace; font-size: 10.5pt; word-break: break-word; }
  .sign { margin: .6rem 0 0; color: #333; }
  footer { margin-top: 2rem; font-size: 9pt; color: #333; word-break: break-all; }
  @page { size: A4; margin: 15mm; }
  @media print {
    body { margin: 0; max-width: none; font-size: 10pt; }
    .howto { background: none; }
    a { color: inherit; text-decoration: none; }
  }
";

fn html(items: &[OutboxView], heading: &Heading) -> String {
    let e = escape_html;
    let municipality = heading.municipality.unwrap_or("kommunen");
    let mut s = String::with_capacity(4096 + items.len() * 1024);
    s.push_str("<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str(&format!(
        "<title>SOR-arbejdsliste – {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        e(municipality)
    ));
    s.push_str(&format!(
        "<header>\n<h1>SOR-arbejdsliste – {}</h1>\n<p>Skrevet {} af {} · {} {} ({})</p>\n",
        e(municipality),
        e(&danish_minutes(Some(heading.written_at))),
        e(heading.who),
        items.len(),
        if items.len() == 1 {
            "opgave"
        } else {
            "opgaver"
        },
        e(&filter_text(heading.status)),
    ));
    s.push_str("<p class=\"howto\">Gør hver ændring i SOR's egen webapplikation med de viste værdier, og sæt kryds. Markér den derefter som udført i SOR-komponent; den bekræftes automatisk, når en senere SOR-import viser ændringen.</p>\n</header>\n<main>\n");
    if items.is_empty() {
        s.push_str(
            "<p>Arbejdslisten er tom: der er ingen godkendte ændringer at lave i SOR.</p>\n",
        );
    }
    for (n, v) in items.iter().enumerate() {
        s.push_str(&format!(
            "<section class=\"item status-{}\">\n<h2><span class=\"box\" aria-hidden=\"true\"></span><span>{}. {}</span></h2>\n",
            v.status.as_str(),
            n + 1,
            e(&v.title)
        ));
        let mut meta = format!(
            "Opgave {} · {} · forslag {} · <span class=\"status\">{}</span> · godkendt {}",
            v.id,
            e(action_label(&v.action)),
            v.proposal_id,
            e(v.status.label()),
            e(&danish_minutes(Some(&v.created_at)))
        );
        if let Some(done) = v.done_at.as_deref() {
            meta.push_str(&format!(" · udført {}", e(&danish_minutes(Some(done)))));
        }
        if let Some(c) = v.confirmed_at.as_deref() {
            meta.push_str(&format!(" · bekræftet {}", e(&danish_minutes(Some(c)))));
        }
        s.push_str(&format!("<p class=\"meta\">{meta}</p>\n<table>\n<tbody>\n"));
        for f in &v.fields {
            s.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n",
                e(&f.label),
                e(&f.value)
            ));
        }
        s.push_str("</tbody>\n</table>\n");
        if matches!(v.status, OutboxStatus::Pending) {
            s.push_str("<p class=\"sign\">Udført i SOR den ______________ af ______________</p>\n");
        }
        s.push_str("</section>\n");
    }
    s.push_str(&format!(
        "</main>\n<footer>Skrevet af SOR-komponent. Ændringsloggens hash da listen blev skrevet: {}</footer>\n</body>\n</html>\n",
        e(heading.head_hash)
    ));
    s
}
