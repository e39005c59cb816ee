//! The live OrganisationHent client: a certificate-based OAuth2 token, then
//! `organisationEnhedListe` for AKTIV and INAKTIV with cursor paging.
//!
//! The token lives in memory only (as a `SecretString`, zeroed on drop) and is reused until
//! shortly before it expires. A sync is all or nothing: any failing page fails `fetch_all`, and
//! nothing of the partial result is returned.

use std::time::{Duration, Instant};

use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;
use sorkomp_model::OrgStatus;
use zeroize::{Zeroize, Zeroizing};

use crate::page::{parse_page, MAX_PAGE_BYTES};
use crate::snapshot::OrgSnapshot;
use crate::FkOrgError;

// The host names below follow KOMBIT's published naming for the support systems
// ("stoettesystemerne"); they must be verified against KOMBIT's documentation when online.
/// Token endpoint of the access-control service, external test environment.
pub const TEST_TOKEN_URL: &str =
    "https://n2adgangsstyring.eksterntest-stoettesystemerne.dk/runtime/api/rest/oauth/v1/issue";
/// OrganisationHent GraphQL endpoint, external test environment.
pub const TEST_GRAPHQL_URL: &str =
    "https://organisation.eksterntest-stoettesystemerne.dk/organisation/organisationhent/1";
/// Token endpoint of the access-control service, production.
pub const PRODUCTION_TOKEN_URL: &str =
    "https://n2adgangsstyring.stoettesystemerne.dk/runtime/api/rest/oauth/v1/issue";
/// OrganisationHent GraphQL endpoint, production.
pub const PRODUCTION_GRAPHQL_URL: &str =
    "https://organisation.stoettesystemerne.dk/organisation/organisationhent/1";
/// The service's entity id in the token scope.
pub const ORGANISATION_ENTITY_ID: &str = "http://stoettesystemerne.dk/service/organisation/3";

/// The query, asking for exactly the fields the component uses.
pub const UNIT_LIST_QUERY: &str = "query OrganisationEnhedListe($cvr: CVR!, $status: TilstandStatus!, $first: Int, $after: Cursor) {
  organisationEnhedListe(cvr: $cvr, status: $status, first: $first, after: $after) {
    edges {
      node {
        uuid
        enhedsnavn
        brugervendtNoegle
        overordnetEnhed { uuid }
        tilstand { status fraTidspunkt tilTidspunkt }
        adresser { adresseTekst adresseRolleTitel klassifikation { rolle } }
        opgaver { kleEmneNummer kleEmneTitel opgaveRolleTitel }
      }
    }
    pageInfo { endCursor hasNextPage }
  }
}";

/// Which FK Organisation installation to talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// KOMBIT's external test environment.
    Test,
    Production,
    Custom {
        token_url: String,
        graphql_url: String,
    },
}

impl Environment {
    pub fn token_url(&self) -> &str {
        match self {
            Environment::Test => TEST_TOKEN_URL,
            Environment::Production => PRODUCTION_TOKEN_URL,
            Environment::Custom { token_url, .. } => token_url,
        }
    }
    pub fn graphql_url(&self) -> &str {
        match self {
            Environment::Test => TEST_GRAPHQL_URL,
            Environment::Production => PRODUCTION_GRAPHQL_URL,
            Environment::Custom { graphql_url, .. } => graphql_url,
        }
    }
}

/// The municipality's function certificate (FOCES/OCES3) with its private key.
pub enum ClientCertificate {
    /// A `.p12`/`.pfx` file's bytes and its password.
    Pkcs12 {
        der: Vec<u8>,
        password: SecretString,
    },
    /// PEM certificate (chain) and PEM private key (PKCS#8, RSA or SEC1).
    Pem {
        cert_pem: String,
        key_pem: SecretString,
    },
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientCertificate::Pkcs12 { der, .. } => {
                write!(f, "Pkcs12 {{ {} bytes, password: [skjult] }}", der.len())
            }
            ClientCertificate::Pem { .. } => write!(f, "Pem {{ key: [skjult] }}"),
        }
    }
}

/// Bounded retries with exponential backoff for 5xx answers, timeouts and dropped connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    fn delay(&self, attempt: u32) -> Duration {
        self.base_delay
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_delay)
    }
}

#[derive(Debug)]
pub struct FkOrgConfig {
    pub environment: Environment,
    pub client_id: String,
    /// The municipality's CVR number (8 digits).
    pub cvr: String,
    pub certificate: ClientCertificate,
    /// Extra trusted root certificates (PEM), for test servers.
    pub extra_root_certs: Vec<String>,
    /// Per request.
    pub timeout: Duration,
    /// `first` of each page request.
    pub page_size: u32,
    pub retry: RetryPolicy,
    /// Fetch a new token this long before the current one expires.
    pub token_refresh_margin: Duration,
}

impl FkOrgConfig {
    /// A configuration with the defaults: 60 s timeout, pages of 500, 4 attempts.
    pub fn new(
        environment: Environment,
        client_id: impl Into<String>,
        cvr: impl Into<String>,
        certificate: ClientCertificate,
    ) -> Self {
        FkOrgConfig {
            environment,
            client_id: client_id.into(),
            cvr: cvr.into(),
            certificate,
            extra_root_certs: Vec::new(),
            timeout: Duration::from_secs(60),
            page_size: 500,
            retry: RetryPolicy::default(),
            token_refresh_margin: Duration::from_secs(300),
        }
    }

    /// `entityid:<service>,anvenderkontekst:<CVR>`.
    pub fn scope(&self) -> String {
        format!(
            "entityid:{ORGANISATION_ENTITY_ID},anvenderkontekst:{}",
            self.cvr
        )
    }
}

/// Reported after each page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchProgress {
    pub status: OrgStatus,
    /// 1-based page number within this status.
    pub page: usize,
    /// Units read so far, both statuses.
    pub units_so_far: usize,
}

struct CachedToken {
    value: SecretString,
    refresh_at: Instant,
}

/// Talks to FK Organisation. Cheap to share: hold one per configuration.
pub struct FkOrgClient {
    http: reqwest::Client,
    config: FkOrgConfig,
    token: tokio::sync::Mutex<Option<CachedToken>>,
}

/// Refuse to follow a server that never stops paging.
const MAX_PAGES_PER_STATUS: usize = 10_000;

impl FkOrgClient {
    pub fn new(config: FkOrgConfig) -> Result<Self, FkOrgError> {
        if config.cvr.len() != 8 || !config.cvr.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FkOrgError::Config(format!(
                "CVR-nummeret '{}' skal være 8 cifre",
                config.cvr
            )));
        }
        if config.client_id.trim().is_empty() {
            return Err(FkOrgError::Config("client_id mangler".into()));
        }
        if config.page_size == 0 {
            return Err(FkOrgError::Config(
                "sidestørrelsen skal være mindst 1".into(),
            ));
        }
        let identity = identity(&config.certificate)?;
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .https_only(true)
            .identity(identity)
            .timeout(config.timeout)
            .connect_timeout(config.timeout);
        for pem in &config.extra_root_certs {
            let cert = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                FkOrgError::Config(format!("et ekstra rodcertifikat kan ikke læses: {e}"))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let http = builder
            .build()
            .map_err(|e| FkOrgError::Config(format!("HTTP-klienten kan ikke oprettes: {e}")))?;
        Ok(FkOrgClient {
            http,
            config,
            token: tokio::sync::Mutex::new(None),
        })
    }

    /// Every unit, AKTIV and INAKTIV, checked as one snapshot; any failure returns `Err` and
    /// nothing else.
    pub async fn fetch_all(
        &self,
        mut progress: impl FnMut(FetchProgress),
    ) -> Result<OrgSnapshot, FkOrgError> {
        let mut pages = Vec::new();
        let mut units_so_far = 0;
        for status in [OrgStatus::Aktiv, OrgStatus::Inaktiv] {
            let mut after: Option<String> = None;
            for page_no in 1..=MAX_PAGES_PER_STATUS {
                let source = format!("FK Organisation, {} side {page_no}", status.as_str());
                let body = json!({
                    "query": UNIT_LIST_QUERY,
                    "variables": {
                        "cvr": self.config.cvr,
                        "status": status.as_str(),
                        "first": self.config.page_size,
                        "after": after,
                    },
                });
                let bytes = self.post_graphql(&body).await?;
                let page = parse_page(&bytes, &source)?;
                units_so_far += page.units.len();
                progress(FetchProgress {
                    status,
                    page: page_no,
                    units_so_far,
                });
                let next = page.end_cursor.clone().filter(|_| page.has_next_page);
                pages.push((source.clone(), page));
                match next {
                    None => break,
                    Some(cursor) if after.as_deref() == Some(cursor.as_str()) => {
                        return Err(FkOrgError::BadValue {
                            source_name: source,
                            uuid: None,
                            field: "pageInfo.endCursor".into(),
                            value: cursor,
                            expected: "serveren gav samme markør som forrige side; siderne ville gentage sig".into(),
                        });
                    }
                    Some(cursor) => after = Some(cursor),
                }
                if page_no == MAX_PAGES_PER_STATUS {
                    return Err(FkOrgError::BadValue {
                        source_name: source,
                        uuid: None,
                        field: "pageInfo.hasNextPage".into(),
                        value: "true".into(),
                        expected: format!("højst {MAX_PAGES_PER_STATUS} sider pr. status"),
                    });
                }
            }
        }
        OrgSnapshot::from_pages(pages)
    }

    /// The cached token, or a new one when none is cached or it is about to expire.
    async fn token(&self) -> Result<SecretString, FkOrgError> {
        let mut cached = self.token.lock().await;
        if let Some(t) = cached.as_ref() {
            if Instant::now() < t.refresh_at {
                return Ok(t.value.clone());
            }
        }
        let fresh = self.request_token().await?;
        let value = fresh.value.clone();
        *cached = Some(fresh);
        Ok(value)
    }

    async fn forget_token(&self) {
        *self.token.lock().await = None;
    }

    async fn request_token(&self) -> Result<CachedToken, FkOrgError> {
        let url = self.config.environment.token_url();
        let scope = self.config.scope();
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.config.client_id.as_str()),
            ("scope", scope.as_str()),
        ];
        let started = Instant::now();
        let mut body = self
            .with_retries(url, || self.http.post(url).form(&form), false)
            .await?;
        let parsed: Result<TokenResponse, _> = serde_json::from_slice(&body);
        body.zeroize();
        let token = parsed.map_err(|e| FkOrgError::Token {
            url: url.to_string(),
            detail: format!("svaret er ikke et OAuth2-token ({e})"),
        })?;
        if token.access_token.expose_secret().trim().is_empty() {
            return Err(FkOrgError::Token {
                url: url.to_string(),
                detail: "access_token er tom".into(),
            });
        }
        // KOMBIT's tokens live 8 hours; used when the answer does not say.
        let lifetime = Duration::from_secs(token.expires_in.unwrap_or(8 * 3600));
        let margin = self.config.token_refresh_margin.min(lifetime / 2);
        Ok(CachedToken {
            value: token.access_token,
            refresh_at: started + lifetime - margin,
        })
    }

    /// POST the query; a 401 fetches a new token once and tries again.
    async fn post_graphql(&self, body: &serde_json::Value) -> Result<Vec<u8>, FkOrgError> {
        let url = self.config.environment.graphql_url();
        let mut renewed = false;
        loop {
            let token = self.token().await?;
            let send = || {
                self.http
                    .post(url)
                    .bearer_auth(token.expose_secret())
                    .header("x-TransaktionsId", uuid::Uuid::new_v4().to_string())
                    .header(
                        "x-TransaktionsTid",
                        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    )
                    .json(body)
            };
            match self.with_retries(url, send, true).await {
                Err(FkOrgError::Unauthorized { .. }) if !renewed => {
                    renewed = true;
                    self.forget_token().await;
                }
                other => return other,
            }
        }
    }

    /// Send with bounded retries on 5xx, timeouts and broken connections; the body on 2xx.
    async fn with_retries(
        &self,
        url: &str,
        request: impl Fn() -> reqwest::RequestBuilder,
        bearer: bool,
    ) -> Result<Vec<u8>, FkOrgError> {
        let policy = self.config.retry;
        let mut attempt = 0;
        loop {
            let result = match request().send().await {
                Ok(response) => self.read_response(url, response, bearer).await,
                Err(e) => Err(self.transport_error(url, &e)),
            };
            match result {
                Err(e) if is_retryable(&e) && attempt + 1 < policy.max_attempts.max(1) => {
                    tokio::time::sleep(policy.delay(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn read_response(
        &self,
        url: &str,
        mut response: reqwest::Response,
        bearer: bool,
    ) -> Result<Vec<u8>, FkOrgError> {
        let status = response.status();
        if bearer && status == reqwest::StatusCode::UNAUTHORIZED {
            return Err(FkOrgError::Unauthorized {
                url: url.to_string(),
            });
        }
        if let Some(len) = response.content_length() {
            if len > MAX_PAGE_BYTES {
                return Err(FkOrgError::TooLarge {
                    source_name: url.to_string(),
                    bytes: len,
                    limit: MAX_PAGE_BYTES,
                });
            }
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    body.extend_from_slice(&chunk);
                    if body.len() as u64 > MAX_PAGE_BYTES {
                        return Err(FkOrgError::TooLarge {
                            source_name: url.to_string(),
                            bytes: body.len() as u64,
                            limit: MAX_PAGE_BYTES,
                        });
                    }
                }
                Ok(None) => break,
                Err(e) => return Err(self.transport_error(url, &e)),
            }
        }
        if status.is_success() {
            return Ok(body);
        }
        let text: String = String::from_utf8_lossy(&body).chars().take(300).collect();
        Err(FkOrgError::Http {
            url: url.to_string(),
            status: status.as_u16(),
            body: if text.trim().is_empty() {
                status.canonical_reason().unwrap_or("").to_string()
            } else {
                text
            },
        })
    }

    fn transport_error(&self, url: &str, e: &reqwest::Error) -> FkOrgError {
        match tls_problem(e) {
            Some(rustls::Error::InvalidCertificate(why)) => {
                return FkOrgError::ServerCertificate {
                    url: url.to_string(),
                    detail: format!("{why:?}"),
                }
            }
            Some(other) => {
                return FkOrgError::TlsRejected {
                    url: url.to_string(),
                    detail: other.to_string(),
                }
            }
            None => {}
        }
        // Some connectors box the rustls error so it cannot be downcast; rustls's own wording
        // then tells the two cases apart.
        let chain = error_chain(e);
        if let Some(at) = chain.find("invalid peer certificate") {
            return FkOrgError::ServerCertificate {
                url: url.to_string(),
                detail: chain[at..].to_string(),
            };
        }
        if let Some(at) = chain.find("received fatal alert") {
            return FkOrgError::TlsRejected {
                url: url.to_string(),
                detail: chain[at..].to_string(),
            };
        }
        if e.is_timeout() {
            return FkOrgError::Timeout {
                url: url.to_string(),
                seconds: self.config.timeout.as_secs().max(1),
            };
        }
        FkOrgError::Connect {
            url: url.to_string(),
            detail: chain,
        }
    }
}

fn is_retryable(e: &FkOrgError) -> bool {
    match e {
        FkOrgError::Http { status, .. } => *status >= 500,
        FkOrgError::Timeout { .. } | FkOrgError::Connect { .. } => true,
        _ => false,
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: SecretString,
    #[serde(default, deserialize_with = "seconds")]
    expires_in: Option<u64>,
}

/// `expires_in` as a number or a numeric string.
fn seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => Ok(n.as_u64()),
        Some(serde_json::Value::String(s)) => {
            s.trim().parse().map(Some).map_err(serde::de::Error::custom)
        }
        Some(other) => Err(serde::de::Error::custom(format!(
            "expires_in skal være et tal, ikke {other}"
        ))),
    }
}

/// The rustls error in an error's chain, if the failure was the TLS handshake.
/// `InvalidCertificate` means we refused the server; an alert means the server refused us.
fn tls_problem(e: &(dyn std::error::Error + 'static)) -> Option<rustls::Error> {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r.clone());
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(r) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return Some(r.clone());
            }
        }
        current = err.source();
    }
    None
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut current = e.source();
    while let Some(err) = current {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        current = err.source();
    }
    parts.join(": ")
}

/// The certificate and key as a reqwest identity; a PKCS#12 file is converted to PEM in memory
/// (zeroed after use).
fn identity(cert: &ClientCertificate) -> Result<reqwest::Identity, FkOrgError> {
    let pem: Zeroizing<Vec<u8>> = match cert {
        ClientCertificate::Pem { cert_pem, key_pem } => {
            let mut buf = Zeroizing::new(Vec::new());
            buf.extend_from_slice(key_pem.expose_secret().as_bytes());
            buf.push(b'\n');
            buf.extend_from_slice(cert_pem.as_bytes());
            buf
        }
        ClientCertificate::Pkcs12 { der, password } => {
            let store = p12_keystore::KeyStore::from_pkcs12(der, password.expose_secret())
                .map_err(|e| {
                    FkOrgError::Certificate(format!(
                        "PKCS#12-filen kan ikke åbnes; er adgangskoden rigtig? ({e})"
                    ))
                })?;
            let (_, chain) = store.private_key_chain().ok_or_else(|| {
                FkOrgError::Certificate("PKCS#12-filen indeholder ingen privat nøgle".into())
            })?;
            if chain.chain().is_empty() {
                return Err(FkOrgError::Certificate(
                    "PKCS#12-filen indeholder ingen certifikater til nøglen".into(),
                ));
            }
            let mut buf = Zeroizing::new(Vec::new());
            push_pem(&mut buf, "PRIVATE KEY", chain.key());
            for c in chain.chain() {
                push_pem(&mut buf, "CERTIFICATE", c.as_der());
            }
            buf
        }
    };
    reqwest::Identity::from_pem(&pem).map_err(|e| {
        FkOrgError::Certificate(format!(
            "certifikat og privat nøgle kan ikke læses som PEM ({})",
            error_chain(&e)
        ))
    })
}

fn push_pem(buf: &mut Vec<u8>, label: &str, der: &[u8]) {
    let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(der));
    buf.extend_from_slice(format!("-----BEGIN {label}-----\n").as_bytes());
    for line in b64.as_bytes().chunks(64) {
        buf.extend_from_slice(line);
        buf.push(b'\n');
    }
    buf.extend_from_slice(format!("-----END {label}-----\n").as_bytes());
}
