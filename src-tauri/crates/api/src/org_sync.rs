//! FK Organisation sync: the connection settings (in the database), the function certificate
//! (its password in memory only, for this session), the live sync through OrganisationHent, and
//! the sync status the window shows.
//!
//! The certificate password and the access token are never written anywhere: the password lives
//! in [`OrgSession`] as a `SecretString` (zeroed when dropped), the token inside the cached
//! `FkOrgClient`.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use sorkomp_fkorg::{
    ClientCertificate, Environment, FkOrgClient, FkOrgConfig, FkOrgError, SecretString,
};
use sorkomp_model::OrgStatus;
use ts_rs::TS;

use crate::{Api, ApiError, ApiResult, ImportReport, Progress, ProgressSink};

/// Settings key of the FK Organisation connection (JSON of [`FkSettings`]).
const SETTINGS_KEY: &str = "org.fk_settings";
const LAST_SYNC_AT: &str = "org.last_sync_at";
const LAST_SYNC_ERROR: &str = "org.last_sync_error";
const SOR_LAST_DOWNLOAD_AT: &str = "sor.last_download_at";
const SOR_LAST_DOWNLOAD_ERROR: &str = "sor.last_download_error";

/// Largest certificate or CA file read (real ones are a few kilobytes).
const MAX_CERT_FILE_BYTES: u64 = 1_000_000;

/// How SOR-komponent reaches FK Organisation. The municipality's CVR comes from `init`; the
/// certificate's password is never part of the settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FkSettings {
    /// "test" (KOMBIT's external test environment) or "produktion".
    pub environment: String,
    /// Overrides the environment's token endpoint.
    pub token_url: Option<String>,
    /// Overrides the environment's OrganisationHent endpoint.
    pub graphql_url: Option<String>,
    /// The IT system's id in the service agreement.
    pub client_id: String,
    /// The function certificate: PKCS#12 (.p12/.pfx, with password) or PEM with certificate and
    /// unencrypted private key.
    pub certificate_path: String,
    /// Extra trusted root certificates (PEM), e.g. for a test server.
    pub extra_ca_path: Option<String>,
}

/// What the window shows about the last syncs of both registers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncStatus {
    /// RFC 3339 time of the last successful FK Organisation sync.
    pub last_org_sync: Option<String>,
    /// Danish message of the last failed FK Organisation sync; cleared by a successful one.
    pub last_org_error: Option<String>,
    pub last_sor_download: Option<String>,
    pub last_sor_error: Option<String>,
    /// The certificate can be used now (its password was given this session, or it has none).
    pub certificate_unlocked: bool,
    /// FK Organisation settings are saved.
    pub fk_configured: bool,
}

/// What this session knows that must never be stored: the certificate password, and the client
/// holding the access token.
#[derive(Default)]
pub(crate) struct OrgSession {
    state: Mutex<SessionState>,
}

#[derive(Default)]
struct SessionState {
    /// The certificate file the password unlocks, and the password.
    password: Option<(String, SecretString)>,
    /// The client for these settings and CVR (its token is cached inside).
    client: Option<(FkSettings, String, Arc<FkOrgClient>)>,
}

impl OrgSession {
    fn lock(&self) -> std::sync::MutexGuard<'_, SessionState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A certificate file as read from disk.
enum CertificateFile {
    Pkcs12(Vec<u8>),
    Pem {
        cert_pem: String,
        key_pem: SecretString,
    },
}

impl Api {
    /// The saved FK Organisation settings, if any.
    pub fn fk_settings(&self) -> ApiResult<Option<FkSettings>> {
        match self.store().setting(SETTINGS_KEY)? {
            None => Ok(None),
            Some(json) => Ok(Some(serde_json::from_str(&json)?)),
        }
    }

    /// Checks and saves the FK Organisation settings (logged as a change by the user).
    pub fn set_fk_settings(&self, s: &FkSettings) -> ApiResult<()> {
        let s = validate(s)?;
        let now = self.now();
        let who = self.who()?;
        let after = serde_json::to_string(&s)?;
        {
            let store = self.store();
            let before = store.setting(SETTINGS_KEY)?;
            store.set_setting(SETTINGS_KEY, &after)?;
            store.append_log(&sorkomp_store::NewLogEntry {
                at: &now,
                source: "user",
                who: &who,
                action: "fk_settings",
                entity_kind: "setting",
                entity_id: SETTINGS_KEY,
                summary: &format!(
                    "Forbindelsen til FK Organisation er sat op: miljø {}, klient-id {}, certifikat {}",
                    s.environment, s.client_id, s.certificate_path
                ),
                before: before.as_deref(),
                after: Some(&after),
            })?;
        }
        let mut session = self.org_session.lock();
        session.client = None;
        if session
            .password
            .as_ref()
            .is_some_and(|(path, _)| *path != s.certificate_path)
        {
            session.password = None;
        }
        Ok(())
    }

    /// Opens the PKCS#12 certificate with `password` and keeps the password in memory for this
    /// session only. A PEM certificate has no password; it is checked all the same.
    pub fn unlock_certificate(&self, password: String) -> ApiResult<()> {
        let password = SecretString::from(password);
        let settings = self.fk_settings()?.ok_or_else(not_configured)?;
        let cvr = self.municipality_cvr(&self.store())?;
        let file = read_certificate(&settings.certificate_path)?;
        let needs_password = matches!(file, CertificateFile::Pkcs12(_));
        let client = Arc::new(build_client(&settings, &cvr, file, Some(&password))?);
        let mut session = self.org_session.lock();
        if needs_password {
            session.password = Some((settings.certificate_path.clone(), password));
        }
        session.client = Some((settings, cvr, client));
        Ok(())
    }

    /// True when a sync can use the certificate without asking for its password.
    pub fn certificate_unlocked(&self) -> bool {
        let Ok(Some(settings)) = self.fk_settings() else {
            return false;
        };
        let session = self.org_session.lock();
        if session
            .password
            .as_ref()
            .is_some_and(|(path, _)| *path == settings.certificate_path)
        {
            return true;
        }
        drop(session);
        matches!(
            read_certificate(&settings.certificate_path),
            Ok(CertificateFile::Pem { .. })
        )
    }

    /// Fetches every unit from FK Organisation and replaces the cached snapshot (all or
    /// nothing), logging the changes with source `sync`. The outcome is recorded in
    /// `org.last_sync_at` / `org.last_sync_error`.
    pub async fn sync_org(&self, progress: ProgressSink<'_>) -> ApiResult<ImportReport> {
        // Missing settings, no municipality or a locked certificate: nothing was tried, so the
        // last sync's outcome stays as it is.
        let (client, label) = self.org_client()?;
        let result = self.fetch_and_store(&client, &label, progress).await;
        let now = self.now();
        let outcome = match &result {
            Ok(_) => Ok(now.as_str()),
            Err(e) => Err(e.message.as_str()),
        };
        self.store()
            .record_org_sync(LAST_SYNC_AT, LAST_SYNC_ERROR, outcome)?;
        result
    }

    async fn fetch_and_store(
        &self,
        client: &FkOrgClient,
        label: &str,
        progress: ProgressSink<'_>,
    ) -> ApiResult<ImportReport> {
        let report = |stage: String, done: u64| {
            progress(Progress {
                register: "org".into(),
                stage,
                done,
                total: None,
            })
        };
        report("Forbinder til FK Organisation".into(), 0);
        let mut pages = 0u64;
        let snapshot = client
            .fetch_all(|p| {
                pages += 1;
                let status = match p.status {
                    OrgStatus::Aktiv => "aktive",
                    OrgStatus::Inaktiv => "inaktive",
                };
                report(
                    format!(
                        "Hentet side {} af de {status} enheder ({} enheder i alt)",
                        p.page, p.units_so_far
                    ),
                    pages,
                );
            })
            .await
            .map_err(sync_error)?;
        report(format!("Gemmer {} enheder", snapshot.units.len()), pages);
        let result = self.store_org_snapshot(snapshot.units, label)?;
        report("Færdig".into(), pages);
        Ok(result)
    }

    /// The client for the current settings, from this session's cache or built now.
    fn org_client(&self) -> ApiResult<(Arc<FkOrgClient>, String)> {
        let settings = self.fk_settings()?.ok_or_else(not_configured)?;
        let cvr = self.municipality_cvr(&self.store())?;
        let label = format!("FK Organisation ({})", settings.environment);
        let mut session = self.org_session.lock();
        if let Some((s, c, client)) = &session.client {
            if *s == settings && *c == cvr {
                return Ok((client.clone(), label));
            }
        }
        let file = read_certificate(&settings.certificate_path)?;
        let password = match (&file, &session.password) {
            (CertificateFile::Pem { .. }, _) => None,
            (CertificateFile::Pkcs12(_), Some((path, pw))) if *path == settings.certificate_path => {
                Some(pw.clone())
            }
            (CertificateFile::Pkcs12(_), _) => {
                return Err(ApiError::new(
                    "certificate_locked",
                    format!(
                        "Funktionscertifikatet {} er låst. Indtast certifikatets adgangskode for at synkronisere; den gemmes ikke og skal gives igen, når programmet startes.",
                        settings.certificate_path
                    ),
                ))
            }
        };
        let client = Arc::new(build_client(&settings, &cvr, file, password.as_ref())?);
        session.client = Some((settings, cvr, client.clone()));
        Ok((client, label))
    }

    /// Status of the last syncs (both registers) for the window.
    pub fn sync_status(&self) -> ApiResult<SyncStatus> {
        let (last_org_sync, last_org_error, last_sor_download, last_sor_error, fk_configured) = {
            let store = self.store();
            (
                store.setting(LAST_SYNC_AT)?,
                store.setting(LAST_SYNC_ERROR)?,
                store.setting(SOR_LAST_DOWNLOAD_AT)?,
                store.setting(SOR_LAST_DOWNLOAD_ERROR)?,
                store.setting(SETTINGS_KEY)?.is_some(),
            )
        };
        Ok(SyncStatus {
            last_org_sync,
            last_org_error,
            last_sor_download: last_sor_download.filter(|v| !v.is_empty()),
            last_sor_error: last_sor_error.filter(|v| !v.is_empty()),
            certificate_unlocked: self.certificate_unlocked(),
            fk_configured,
        })
    }
}

fn not_configured() -> ApiError {
    ApiError::new(
        "fk_not_configured",
        "Forbindelsen til FK Organisation er ikke sat op. Angiv miljø, klient-id og funktionscertifikat (sorkomp config-fk).",
    )
}

/// Network failures become `offline`; everything else keeps the FK Organisation error's code.
fn sync_error(e: FkOrgError) -> ApiError {
    match e {
        FkOrgError::Connect { .. } | FkOrgError::Timeout { .. } => ApiError::new(
            "offline",
            format!(
                "FK Organisation kan ikke nås lige nu ({e}). Du kan arbejde videre på de gemte data; synkronisér igen, når der er forbindelse."
            ),
        ),
        other => ApiError::new(other.code(), other.to_string()),
    }
}

fn invalid(message: String) -> ApiError {
    ApiError::new("invalid_fk_settings", message)
}

/// Trimmed, checked settings: the environment is known, the URLs are https, the files exist and
/// hold what they should.
fn validate(s: &FkSettings) -> ApiResult<FkSettings> {
    let trim = |o: &Option<String>| {
        o.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let out = FkSettings {
        environment: s.environment.trim().to_lowercase(),
        token_url: trim(&s.token_url),
        graphql_url: trim(&s.graphql_url),
        client_id: s.client_id.trim().to_owned(),
        certificate_path: s.certificate_path.trim().to_owned(),
        extra_ca_path: trim(&s.extra_ca_path),
    };
    if out.environment != "test" && out.environment != "produktion" {
        return Err(invalid(format!(
            "Miljøet «{}» findes ikke. Vælg «test» eller «produktion».",
            s.environment.trim()
        )));
    }
    for (name, url) in [
        ("token-adressen", &out.token_url),
        ("GraphQL-adressen", &out.graphql_url),
    ] {
        if let Some(u) = url {
            let host = u.strip_prefix("https://").unwrap_or("");
            if host.is_empty() || host.starts_with('/') || u.chars().any(char::is_whitespace) {
                return Err(invalid(format!(
                    "{name} «{u}» er ikke en https-adresse (fx https://vært/sti)."
                )));
            }
        }
    }
    if out.client_id.is_empty() || out.client_id.chars().count() > 200 {
        return Err(invalid(
            "Klient-id mangler (eller er over 200 tegn). Det står i serviceaftalen for IT-systemet.".into(),
        ));
    }
    if out.certificate_path.is_empty() {
        return Err(invalid("Angiv stien til funktionscertifikatet.".into()));
    }
    read_certificate(&out.certificate_path)?;
    if let Some(ca) = &out.extra_ca_path {
        read_extra_ca(ca)?;
    }
    Ok(out)
}

fn read_small_file(path: &str, what: &str) -> ApiResult<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| {
        ApiError::new(
            "certificate_file",
            format!("{what} {path} kan ikke læses: {e}"),
        )
    })?;
    if !meta.is_file() || meta.len() > MAX_CERT_FILE_BYTES {
        return Err(ApiError::new(
            "certificate_file",
            format!("{what} {path} er ikke en certifikatfil (en fil på højst 1 MB)."),
        ));
    }
    std::fs::read(path).map_err(|e| {
        ApiError::new(
            "certificate_file",
            format!("{what} {path} kan ikke læses: {e}"),
        )
    })
}

/// Reads the certificate file: PEM (certificate(s) and an unencrypted private key) or PKCS#12.
fn read_certificate(path: &str) -> ApiResult<CertificateFile> {
    let bytes = read_small_file(path, "Funktionscertifikatet")?;
    let bad = |why: &str| {
        ApiError::new(
            "certificate_file",
            format!("Funktionscertifikatet {path} kan ikke bruges: {why}"),
        )
    };
    let text = std::str::from_utf8(&bytes)
        .ok()
        .filter(|t| t.contains("-----BEGIN "));
    let Some(text) = text else {
        // PKCS#12 is DER: an ASN.1 SEQUENCE.
        if bytes.first() != Some(&0x30) {
            return Err(bad("filen er hverken PKCS#12 (.p12/.pfx) eller PEM"));
        }
        return Ok(CertificateFile::Pkcs12(bytes));
    };
    let mut cert_pem = String::new();
    let mut key_pem = String::new();
    for block in pem_blocks(text) {
        let label = block
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("-----BEGIN ")
            .trim_end_matches('-');
        if label == "CERTIFICATE" {
            cert_pem.push_str(block);
            cert_pem.push('\n');
        } else if label == "ENCRYPTED PRIVATE KEY"
            || (label.ends_with("PRIVATE KEY") && block.contains("Proc-Type: 4,ENCRYPTED"))
        {
            return Err(bad(
                "den private nøgle er krypteret. Gem certifikatet som PKCS#12 (.p12) med adgangskode i stedet",
            ));
        } else if label.ends_with("PRIVATE KEY") {
            key_pem.push_str(block);
            key_pem.push('\n');
        }
    }
    if cert_pem.is_empty() {
        return Err(bad(
            "PEM-filen indeholder intet certifikat (BEGIN CERTIFICATE)",
        ));
    }
    if key_pem.is_empty() {
        return Err(bad(
            "PEM-filen indeholder ingen privat nøgle; læg nøglen i samme fil som certifikatet",
        ));
    }
    Ok(CertificateFile::Pem {
        cert_pem,
        key_pem: SecretString::from(key_pem),
    })
}

/// The `-----BEGIN X----- ... -----END X-----` blocks of a PEM text.
fn pem_blocks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let from = &rest[start..];
        let Some(end) = from.find("-----END ") else {
            break;
        };
        let close = from[end + 9..]
            .find("-----")
            .map(|i| end + 9 + i + 5)
            .unwrap_or(from.len());
        out.push(&from[..close]);
        rest = &from[close..];
    }
    out
}

fn read_extra_ca(path: &str) -> ApiResult<String> {
    let bytes = read_small_file(path, "Rodcertifikatet")?;
    match String::from_utf8(bytes) {
        Ok(text) if text.contains("-----BEGIN CERTIFICATE-----") => Ok(text),
        _ => Err(ApiError::new(
            "certificate_file",
            format!("Rodcertifikatet {path} er ikke et PEM-certifikat (BEGIN CERTIFICATE)."),
        )),
    }
}

fn build_client(
    settings: &FkSettings,
    cvr: &str,
    file: CertificateFile,
    password: Option<&SecretString>,
) -> ApiResult<FkOrgClient> {
    let certificate = match file {
        CertificateFile::Pem { cert_pem, key_pem } => ClientCertificate::Pem { cert_pem, key_pem },
        CertificateFile::Pkcs12(der) => ClientCertificate::Pkcs12 {
            der,
            password: password.cloned().unwrap_or_else(|| SecretString::from("")),
        },
    };
    let base = if settings.environment == "produktion" {
        Environment::Production
    } else {
        Environment::Test
    };
    let environment = if settings.token_url.is_none() && settings.graphql_url.is_none() {
        base
    } else {
        Environment::Custom {
            token_url: settings
                .token_url
                .clone()
                .unwrap_or_else(|| base.token_url().to_owned()),
            graphql_url: settings
                .graphql_url
                .clone()
                .unwrap_or_else(|| base.graphql_url().to_owned()),
        }
    };
    let mut config = FkOrgConfig::new(environment, settings.client_id.clone(), cvr, certificate);
    if let Some(ca) = &settings.extra_ca_path {
        config.extra_root_certs.push(read_extra_ca(ca)?);
    }
    FkOrgClient::new(config).map_err(|e| match e {
        FkOrgError::Certificate(_) => ApiError::new("certificate_invalid", e.to_string()),
        other => ApiError::new(other.code(), other.to_string()),
    })
}
