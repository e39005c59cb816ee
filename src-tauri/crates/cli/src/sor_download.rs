//! `sorkomp import-sor`: a file, an https:// URL, or `--download` (the configured URL).

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use sorkomp_api::{Api, ApiError, ImportReport, Progress};

pub fn import_sor(
    api: &Api,
    source: Option<String>,
    download: bool,
) -> Result<ImportReport, ApiError> {
    let url = match (&source, download) {
        (_, true) => None,
        (Some(s), false) if is_url(s) => Some(s.as_str()),
        (Some(file), false) => return api.import_sor_file(Path::new(file)),
        (None, false) => {
            return Err(ApiError::new(
                "usage",
                "Angiv en SOR-fil, en https://-adresse eller --download.",
            ))
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::new("io", format!("Kan ikke starte netværksdelen: {e}")))?;
    let line = Mutex::new(StatusLine::default());
    let progress = |p: Progress| line.lock().unwrap_or_else(|e| e.into_inner()).show(&p);
    let result = runtime.block_on(api.download_sor(url, &progress));
    line.lock().unwrap_or_else(|e| e.into_inner()).end();
    result
}

/// "https://..." or "http://..." (the latter is refused by the download with a clear message).
fn is_url(s: &str) -> bool {
    let lower = s.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// One status line on stderr, rewritten in place; changes only when the whole percent or the
/// stage changes.
#[derive(Default)]
struct StatusLine {
    shown: Option<(String, u64)>,
}

impl StatusLine {
    fn show(&mut self, p: &Progress) {
        let mb = |b: u64| b as f64 / 1e6;
        let (text, key) = match p.total {
            Some(t) if t > 0 => {
                let pct = p.done.saturating_mul(100) / t;
                (
                    format!(
                        "{}: {:.1} af {:.1} MB ({pct} %)",
                        p.stage,
                        mb(p.done),
                        mb(t)
                    ),
                    pct,
                )
            }
            _ => (format!("{}: {:.1} MB", p.stage, mb(p.done)), p.done >> 20),
        };
        if self.shown.as_ref() == Some(&(p.stage.clone(), key)) {
            return;
        }
        self.shown = Some((p.stage.clone(), key));
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{text:<60}");
        let _ = err.flush();
    }

    fn end(&mut self) {
        if self.shown.take().is_some() {
            eprintln!();
        }
    }
}
