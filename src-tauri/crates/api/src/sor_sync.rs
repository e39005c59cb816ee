//! "Hent SOR-data": downloads the SOR export over HTTPS and imports it through the same path as
//! a saved file. Conditional requests (ETag / If-Modified-Since) keep an unchanged file from
//! being fetched again; the validators are saved only after a successful import.
//!
//! Settings read and written here (the window's sync status reads the last two):
//! `sor.url`, `sor.etag`, `sor.last_modified`, `sor.validators_url`, `sor.extra_ca_file`,
//! `sor.last_download_at` (RFC 3339) and `sor.last_download_error` (Danish; removed on success).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sorkomp_sor::{CacheValidators, DownloadOptions, DownloadOutcome, SorError};

use crate::{Api, ApiError, ApiResult, ImportReport, Progress, ProgressSink};

/// Environment variable naming a PEM file with extra trusted root certificates for the
/// download (a municipality's inspecting proxy, or a test server). The built-in web roots stay
/// trusted; certificates are always verified.
pub const EXTRA_CA_ENV: &str = "SORKOMP_EXTRA_CA_PEM";

const URL_KEY: &str = "sor.url";
const ETAG_KEY: &str = "sor.etag";
const LAST_MODIFIED_KEY: &str = "sor.last_modified";
const VALIDATORS_URL_KEY: &str = "sor.validators_url";
const EXTRA_CA_KEY: &str = "sor.extra_ca_file";
const LAST_DOWNLOAD_AT_KEY: &str = "sor.last_download_at";
const LAST_DOWNLOAD_ERROR_KEY: &str = "sor.last_download_error";

/// The state of "Hent SOR-data" for the window's sync status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SorSyncStatus {
    /// The URL the next download uses.
    pub url: String,
    /// When the last download succeeded (RFC 3339), whether or not the file had changed.
    pub last_download_at: Option<String>,
    /// Why the last download failed (Danish); `None` after a success.
    pub last_download_error: Option<String>,
}

/// What the download needs from the database, read before the first `.await`.
struct Plan {
    url: String,
    previous: Option<CacheValidators>,
    extra_ca_file: Option<PathBuf>,
    work_dir: PathBuf,
}

impl Api {
    pub fn sor_sync_status(&self) -> ApiResult<SorSyncStatus> {
        let store = self.store();
        Ok(SorSyncStatus {
            url: store
                .setting(URL_KEY)?
                .unwrap_or_else(|| sorkomp_sor::DEFAULT_SOR_URL.to_string()),
            last_download_at: store.setting(LAST_DOWNLOAD_AT_KEY)?,
            last_download_error: store.setting(LAST_DOWNLOAD_ERROR_KEY)?,
        })
    }

    /// Sets the URL of the SOR export (must be https://).
    pub fn set_sor_url(&self, url: &str) -> ApiResult<()> {
        let url = url.trim();
        sorkomp_sor::check_url(url).map_err(download_error)?;
        self.store().set_setting(URL_KEY, url)?;
        Ok(())
    }

    /// Downloads the SOR export (`url`, else the setting `sor.url`, else the public production
    /// export) and imports it. An unchanged file on the server gives `unchanged = true` without
    /// transferring it. Progress reports bytes (total from Content-Length), then the import.
    pub async fn download_sor(
        &self,
        url: Option<&str>,
        progress: ProgressSink<'_>,
    ) -> ApiResult<ImportReport> {
        let result = self.download_and_import(url, progress).await;
        let now = self.now();
        let store = self.store();
        match &result {
            Ok(_) => {
                store.set_setting(LAST_DOWNLOAD_AT_KEY, &now)?;
                store.remove_setting(LAST_DOWNLOAD_ERROR_KEY)?;
            }
            Err(e) => store.set_setting(LAST_DOWNLOAD_ERROR_KEY, &e.message)?,
        }
        result
    }

    fn download_plan(&self, url: Option<&str>) -> ApiResult<Plan> {
        let store = self.store();
        let url = match url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => u.to_string(),
            None => store
                .setting(URL_KEY)?
                .unwrap_or_else(|| sorkomp_sor::DEFAULT_SOR_URL.to_string()),
        };
        sorkomp_sor::check_url(&url).map_err(download_error)?;
        // Validators describe the copy fetched from one URL; another URL starts afresh.
        let previous = if store.setting(VALIDATORS_URL_KEY)?.as_deref() == Some(url.as_str()) {
            Some(CacheValidators {
                etag: store.setting(ETAG_KEY)?,
                last_modified: store.setting(LAST_MODIFIED_KEY)?,
            })
            .filter(|v| v.etag.is_some() || v.last_modified.is_some())
        } else {
            None
        };
        let extra_ca_file = std::env::var_os(EXTRA_CA_ENV)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or(store.setting(EXTRA_CA_KEY)?.map(PathBuf::from));
        let work_dir = store
            .path()
            .and_then(|p| p.parent())
            .filter(|d| !d.as_os_str().is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        Ok(Plan {
            url,
            previous,
            extra_ca_file,
            work_dir,
        })
    }

    async fn download_and_import(
        &self,
        url: Option<&str>,
        progress: ProgressSink<'_>,
    ) -> ApiResult<ImportReport> {
        let plan = self.download_plan(url)?;
        let mut extra_root_certs_pem = Vec::new();
        if let Some(file) = &plan.extra_ca_file {
            let pem = std::fs::read(file).map_err(|e| {
                ApiError::new(
                    "invalid_ca",
                    format!(
                        "Filen med ekstra rodcertifikater {} (fra {EXTRA_CA_ENV} eller indstillingen {EXTRA_CA_KEY}) kan ikke læses: {e}",
                        file.display()
                    ),
                )
            })?;
            extra_root_certs_pem.push(pem);
        }
        let opts = DownloadOptions {
            url: plan.url.clone(),
            extra_root_certs_pem,
            ..DownloadOptions::default()
        };
        // The file lands in a private folder beside the database (same disk, removed on drop).
        let dir = tempfile::Builder::new()
            .prefix(".sor-download-")
            .tempdir_in(&plan.work_dir)
            .map_err(|e| {
                ApiError::new(
                    "io",
                    format!(
                        "Kan ikke oprette en midlertidig mappe i {} til SOR-filen: {e}",
                        plan.work_dir.display()
                    ),
                )
            })?;
        let name = plan
            .url
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty() && !n.contains(['?', '#', '\\']))
            .unwrap_or("Sor.xml");
        let dest = dir.path().join(name);

        let mut last_reported: Option<u64> = None;
        let report = |done: u64, total: Option<u64>| {
            progress(Progress {
                register: "sor".into(),
                stage: "Henter SOR-data".into(),
                done,
                total,
            })
        };
        let outcome = sorkomp_sor::download(&opts, &dest, plan.previous.as_ref(), |done, total| {
            // Roughly 200 reports per file, plus the first and the last.
            let step = total.map_or(1 << 20, |t| (t / 200).max(64 * 1024));
            let due = match last_reported {
                None => true,
                Some(last) => done >= last + step || Some(done) == total,
            };
            if due {
                last_reported = Some(done);
                report(done, total);
            }
        })
        .await
        .map_err(download_error)?;

        match outcome {
            DownloadOutcome::NotModified => {
                let store = self.store();
                let entities: i64 = store.sor_counts()?.values().sum();
                let since = store
                    .setting(LAST_DOWNLOAD_AT_KEY)?
                    .map(|at| format!(" hentet {at}"))
                    .unwrap_or_default();
                Ok(ImportReport {
                    register: "sor".into(),
                    summary: format!(
                        "SOR-data er uændrede: serveren har ingen nyere fil end den{since} ({entities} enheder)"
                    ),
                    entities: entities as u32,
                    changes: 0,
                    unchanged: true,
                })
            }
            DownloadOutcome::Downloaded { bytes, validators } => {
                progress(Progress {
                    register: "sor".into(),
                    stage: "Indlæser SOR-data".into(),
                    done: bytes,
                    total: Some(bytes),
                });
                let report =
                    self.import_sor_with(&plan.url, |sink| sorkomp_sor::read_file(&dest, sink))?;
                let store = self.store();
                for (key, value) in [
                    (ETAG_KEY, &validators.etag),
                    (LAST_MODIFIED_KEY, &validators.last_modified),
                ] {
                    match value {
                        Some(v) => store.set_setting(key, v)?,
                        None => store.remove_setting(key)?,
                    }
                }
                store.set_setting(VALIDATORS_URL_KEY, &plan.url)?;
                Ok(report)
            }
        }
    }
}

/// A download failure as the administrator should read it: what happened and that the cached
/// SOR data is still there.
fn download_error(e: SorError) -> ApiError {
    const KEPT: &str = "De gemte SOR-data er uændrede og kan stadig bruges.";
    match e {
        SorError::Offline { host } => ApiError::new(
            "offline",
            format!(
                "Computeren ser ud til at være offline: der er ingen forbindelse til {host}. {KEPT} Prøv igen, når der er netværk."
            ),
        ),
        SorError::Timeout { host, seconds } => ApiError::new(
            "timeout",
            format!(
                "{host} svarede ikke inden for {seconds} sekunder (langsom eller ustabil forbindelse, eller serveren er optaget). {KEPT} Prøv igen senere."
            ),
        ),
        SorError::Interrupted { host, done, total } => ApiError::new(
            "download_interrupted",
            format!(
                "Forbindelsen til {host} blev afbrudt under hentningen af SOR-data (efter {done}{} byte). {KEPT} Prøv igen.",
                total.map(|t| format!(" af {t}")).unwrap_or_default()
            ),
        ),
        SorError::Untrusted { host, detail } => ApiError::new(
            "untrusted_certificate",
            format!(
                "Serveren {host} viste et certifikat, der ikke kan godkendes ({detail}); forbindelsen er afvist. {KEPT} Står computeren bag en proxy med eget rodcertifikat, så angiv det med {EXTRA_CA_ENV}."
            ),
        ),
        SorError::Http { url, status } => ApiError::new(
            "http_status",
            format!(
                "Serveren svarede med HTTP-status {status} for {url}. Kontrollér SOR-adressen (indstillingen {URL_KEY}). {KEPT}"
            ),
        ),
        SorError::BadUrl { url, problem } => ApiError::new(
            "invalid_url",
            format!("SOR-adressen «{url}» kan ikke bruges: {problem}."),
        ),
        other => other.into(),
    }
}

impl Api {
    /// One SOR entity of the current snapshot with every field (the detail pane), or `None`
    /// when the id is not in it.
    pub fn sor_entity(&self, sor_id: &str) -> ApiResult<Option<sorkomp_model::SorEntity>> {
        Ok(self.store().sor_entity(sor_id.trim())?)
    }
}
