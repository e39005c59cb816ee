//! Fetching the SOR export over HTTPS: conditional, with progress, never leaving half a file.

use std::error::Error as _;
use std::path::Path;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

use crate::error::SorError;

/// The public SOR XML export (format 2, zipped), published nightly without login.
///
/// The folder `sor_produktion/data/sor/` and the CSV sibling (`sorcsv/V_1_2_1_19/sor.csv`) are
/// documented; this exact XML path follows the same pattern and must be verified when a machine
/// with internet access is available. It is configurable through [`DownloadOptions::url`].
pub const DEFAULT_SOR_URL: &str =
    "https://sor-filer.sundhedsdata.dk/sor_produktion/data/sor/sorxml/v_2_0_0/Sor.zip";

/// How to fetch the export.
#[derive(Debug, Clone)]
pub struct DownloadOptions {
    pub url: String,
    /// Time allowed to establish the connection (TCP + TLS).
    pub connect_timeout: Duration,
    /// Longest silence allowed while waiting for the answer or the next piece of the body.
    pub read_timeout: Duration,
    /// Extra trusted root certificates (PEM), in addition to the built-in web roots; used by
    /// tests and by municipalities behind an inspecting proxy with their own CA.
    pub extra_root_certs_pem: Vec<Vec<u8>>,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        DownloadOptions {
            url: DEFAULT_SOR_URL.to_string(),
            connect_timeout: Duration::from_secs(20),
            read_timeout: Duration::from_secs(60),
            extra_root_certs_pem: Vec::new(),
        }
    }
}

/// What the server said about the copy we have, for the next conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheValidators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// The result of a download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadOutcome {
    /// A new file was written to `dest`.
    Downloaded {
        bytes: u64,
        validators: CacheValidators,
    },
    /// The server's copy equals the one we have (HTTP 304); `dest` was not touched.
    NotModified,
}

/// Downloads `opts.url` to `dest`. With `previous`, asks the server only for a changed file
/// (`If-None-Match` / `If-Modified-Since`). The body goes to a temporary file beside `dest`
/// that replaces `dest` only when complete, so a broken connection keeps the old file.
/// `progress(done, total)` is called as bytes arrive (`total` from Content-Length).
pub async fn download(
    opts: &DownloadOptions,
    dest: &Path,
    previous: Option<&CacheValidators>,
    mut progress: impl FnMut(u64, Option<u64>),
) -> Result<DownloadOutcome, SorError> {
    let url = parse_url(&opts.url)?;
    let host = url.host_str().unwrap_or_default().to_string();
    let mut builder = reqwest::Client::builder()
        .connect_timeout(opts.connect_timeout)
        .read_timeout(opts.read_timeout)
        .https_only(true);
    for pem in &opts.extra_root_certs_pem {
        let cert = reqwest::Certificate::from_pem(pem).map_err(|e| SorError::BadUrl {
            url: opts.url.clone(),
            problem: format!("et ekstra rodcertifikat kan ikke læses: {e}"),
        })?;
        builder = builder.add_root_certificate(cert);
    }
    let client = builder.build().map_err(|e| SorError::BadUrl {
        url: opts.url.clone(),
        problem: e.to_string(),
    })?;

    let mut request = client.get(url.clone());
    if let Some(prev) = previous {
        if let Some(etag) = &prev.etag {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &prev.last_modified {
            request = request.header(reqwest::header::IF_MODIFIED_SINCE, lm);
        }
    }
    let seconds = opts.read_timeout.max(opts.connect_timeout).as_secs();
    let mut response = request
        .send()
        .await
        .map_err(|e| classify(e, &host, seconds))?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(DownloadOutcome::NotModified);
    }
    if !status.is_success() {
        return Err(SorError::Http {
            url: opts.url.clone(),
            status: status.as_u16(),
        });
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let validators = CacheValidators {
        etag: header(reqwest::header::ETAG),
        last_modified: header(reqwest::header::LAST_MODIFIED),
    };
    let total = response.content_length();

    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let io_err = |err| SorError::Io {
        file: dest.display().to_string(),
        err,
    };
    let tmp = tempfile::Builder::new()
        .prefix(".sor-download-")
        .tempfile_in(&dir)
        .map_err(io_err)?;
    let mut out = tokio::fs::File::from_std(tmp.as_file().try_clone().map_err(io_err)?);
    let mut done = 0u64;
    progress(done, total);
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) if e.is_timeout() => {
                return Err(SorError::Timeout { host, seconds });
            }
            Err(_) => {
                return Err(SorError::Interrupted { host, done, total });
            }
        };
        out.write_all(&chunk).await.map_err(io_err)?;
        done += chunk.len() as u64;
        progress(done, total);
    }
    if total.is_some_and(|t| t != done) {
        return Err(SorError::Interrupted { host, done, total });
    }
    out.flush().await.map_err(io_err)?;
    out.sync_all().await.map_err(io_err)?;
    drop(out);
    tmp.persist(dest).map_err(|e| io_err(e.error))?;
    Ok(DownloadOutcome::Downloaded {
        bytes: done,
        validators,
    })
}

/// Checks that `url` can be downloaded from: an absolute https:// URL with a host.
pub fn check_url(url: &str) -> Result<(), SorError> {
    parse_url(url).map(|_| ())
}

fn parse_url(text: &str) -> Result<reqwest::Url, SorError> {
    let bad = |problem: String| SorError::BadUrl {
        url: text.to_string(),
        problem,
    };
    let url = reqwest::Url::parse(text).map_err(|e| bad(e.to_string()))?;
    if url.scheme() != "https" {
        return Err(bad("kun https:// er tilladt".to_string()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("adressen mangler et værtsnavn".to_string()));
    }
    Ok(url)
}

/// Turns a request error into what the administrator needs to know.
fn classify(e: reqwest::Error, host: &str, seconds: u64) -> SorError {
    if let Some(detail) = certificate_problem(&e) {
        return SorError::Untrusted {
            host: host.to_string(),
            detail,
        };
    }
    if e.is_timeout() {
        return SorError::Timeout {
            host: host.to_string(),
            seconds,
        };
    }
    if e.is_connect() {
        return SorError::Offline {
            host: host.to_string(),
        };
    }
    SorError::Interrupted {
        host: host.to_string(),
        done: 0,
        total: None,
    }
}

/// The TLS certificate error somewhere in the chain, if that is what failed. I/O errors that
/// wrap another error hide it from `source()`, so those are opened with `get_ref()`.
fn certificate_problem(e: &reqwest::Error) -> Option<String> {
    let mut todo: Vec<&(dyn std::error::Error + 'static)> = e.source().into_iter().collect();
    while let Some(err) = todo.pop() {
        if let Some(rustls::Error::InvalidCertificate(reason)) = err.downcast_ref::<rustls::Error>()
        {
            return Some(format!("{reason:?}"));
        }
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            todo.push(inner);
        }
        todo.extend(err.source());
    }
    None
}
