//! The house style of every XLSX export: one table per sheet, a bold frozen header row with an
//! autofilter, set column widths, and times as real Excel dates shown `dd-mm-yyyy hh:mm` in
//! Danish local time.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::{ApiError, ApiResult};

/// Excel's limit on the text in one cell.
const MAX_CELL_CHARS: usize = 32_767;

/// One cell of a row.
pub(crate) enum Cell<'a> {
    Text(&'a str),
    /// Text that may hold line breaks: wrapped, aligned to the top.
    Lines(&'a str),
    Number(f64),
    /// An RFC 3339 time, written as a Danish local date-time (empty when None).
    Time(Option<&'a str>),
}

/// A sheet being filled row by row.
pub(crate) struct Table<'a> {
    sheet: &'a mut Worksheet,
    name: String,
    columns: u16,
    row: u32,
    date: Format,
    wrap: Format,
    top: Format,
}

fn xlsx_error(e: XlsxError) -> ApiError {
    ApiError::new("export_xlsx", format!("XLSX-fejl: {e}"))
}

impl<'a> Table<'a> {
    /// A new sheet `name` with a header row of (title, width in characters).
    pub(crate) fn new(
        book: &'a mut Workbook,
        name: &str,
        columns: &[(&str, f64)],
    ) -> ApiResult<Table<'a>> {
        let sheet = book.add_worksheet();
        sheet.set_name(name).map_err(xlsx_error)?;
        let bold = Format::new().set_bold().set_align(FormatAlign::Top);
        for (col, (title, width)) in columns.iter().enumerate() {
            let col = col as u16;
            sheet
                .write_string_with_format(0, col, *title, &bold)
                .map_err(xlsx_error)?;
            sheet.set_column_width(col, *width).map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        Ok(Table {
            sheet,
            name: name.to_owned(),
            columns: columns.len() as u16,
            row: 1,
            date: Format::new()
                .set_num_format("dd-mm-yyyy hh:mm")
                .set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            top: Format::new().set_align(FormatAlign::Top),
        })
    }

    pub(crate) fn row(&mut self, cells: &[Cell]) -> ApiResult<()> {
        for (col, cell) in cells.iter().enumerate() {
            let col = col as u16;
            let (r, s) = (self.row, &mut *self.sheet);
            match cell {
                Cell::Text(t) | Cell::Lines(t) => {
                    let n = t.chars().count();
                    if n > MAX_CELL_CHARS {
                        return Err(ApiError::new(
                            "export_xlsx",
                            format!(
                                "Arket «{}» række {} kolonne {}: teksten er {n} tegn, men Excel tillader højst {MAX_CELL_CHARS} i en celle. Eksportér som CSV eller JSON.",
                                self.name,
                                r + 1,
                                col + 1
                            ),
                        ));
                    }
                    let format = match cell {
                        Cell::Lines(_) => &self.wrap,
                        _ => &self.top,
                    };
                    s.write_string_with_format(r, col, *t, format)
                        .map_err(xlsx_error)?;
                }
                Cell::Number(n) => {
                    s.write_number_with_format(r, col, *n, &self.top)
                        .map_err(xlsx_error)?;
                }
                Cell::Time(t) => {
                    if let Some(local) = t.and_then(crate::export::danish_local) {
                        s.write_datetime_with_format(r, col, local, &self.date)
                            .map_err(xlsx_error)?;
                    }
                }
            }
        }
        self.row += 1;
        Ok(())
    }

    /// Adds the autofilter over the header and the rows written.
    pub(crate) fn finish(self) -> ApiResult<()> {
        self.sheet
            .autofilter(0, 0, self.row.saturating_sub(1), self.columns - 1)
            .map_err(xlsx_error)?;
        Ok(())
    }
}

pub(crate) fn to_bytes(book: &mut Workbook) -> ApiResult<Vec<u8>> {
    book.save_to_buffer().map_err(xlsx_error)
}

/// A cell read back as text (numbers without a needless ".0").
pub(crate) fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(t) => t.as_f64().to_string(),
        Data::Error(e) => e.to_string(),
    }
}
