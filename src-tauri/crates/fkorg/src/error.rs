//! Errors of the FK Organisation side. `Display` is Danish: it is shown to the administrator.

use std::path::PathBuf;

/// Everything that can go wrong reading FK Organisation data, saved or live.
///
/// `source_name` names where the data came from: a file path for saved pages, or
/// "FK Organisation, AKTIV side 3" for a live page.
#[derive(Debug, thiserror::Error)]
pub enum FkOrgError {
    #[error("Ingen FK Organisation-sider at indlæse: {0}")]
    NothingToLoad(String),

    #[error("{}: kan ikke læse filen: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{source_name}: er {bytes} byte; højst {limit} byte er tilladt for én side")]
    TooLarge {
        source_name: String,
        bytes: u64,
        limit: u64,
    },

    #[error("{source_name}: ugyldig JSON i linje {line}, kolonne {column}: {message}")]
    Json {
        source_name: String,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("{source_name}: FK Organisation svarede med fejl: {messages}")]
    GraphQl {
        source_name: String,
        messages: String,
    },

    #[error("{source_name}: {}feltet '{field}' mangler", unit_label(uuid))]
    MissingField {
        source_name: String,
        uuid: Option<String>,
        field: String,
    },

    #[error(
        "{source_name}: {}feltet '{field}' har en ugyldig værdi ('{value}'): {expected}",
        unit_label(uuid)
    )]
    BadValue {
        source_name: String,
        uuid: Option<String>,
        field: String,
        value: String,
        expected: String,
    },

    #[error(
        "{source_name}: {}feltet '{field}' er {chars} tegn langt; højst {limit} tegn er tilladt",
        unit_label(uuid)
    )]
    FieldTooLong {
        source_name: String,
        uuid: Option<String>,
        field: String,
        chars: usize,
        limit: usize,
    },

    #[error("Enhed {uuid} forekommer to gange: i {first_source} og i {second_source}")]
    DuplicateUuid {
        uuid: String,
        first_source: String,
        second_source: String,
    },

    #[error("{source_name}: enhed {uuid}: den overordnede enhed {parent} findes ikke i data (feltet 'overordnetEnhed')")]
    MissingParent {
        source_name: String,
        uuid: String,
        parent: String,
    },

    #[error("Organisationstræet har en løkke: {}", path.join(" → "))]
    Cycle { path: Vec<String> },

    #[error("Funktionscertifikatet kan ikke bruges: {0}")]
    Certificate(String),

    #[error("Ugyldig opsætning af FK Organisation: {0}")]
    Config(String),

    #[error("Forbindelsen til {url} blev afvist under TLS-håndtrykket ({detail}). Kontrollér at funktionscertifikatet er det rigtige og er godkendt i serviceaftalen")]
    TlsRejected { url: String, detail: String },

    #[error("Serveren {url} har et certifikat, der ikke kan godkendes ({detail}); forbindelsen er afbrudt. Kontrollér adressen og miljøet (test/produktion)")]
    ServerCertificate { url: String, detail: String },

    #[error("Kan ikke få forbindelse til {url}: {detail}")]
    Connect { url: String, detail: String },

    #[error("{url} svarede ikke inden for {seconds} sekunder")]
    Timeout { url: String, seconds: u64 },

    #[error("{url} svarede med HTTP-status {status}: {body}")]
    Http {
        url: String,
        status: u16,
        body: String,
    },

    #[error("Adgangsbilletten (token) blev afvist af {url}, også efter en ny billet blev hentet. Kontrollér serviceaftalen og CVR-nummeret")]
    Unauthorized { url: String },

    #[error("Svaret fra token-tjenesten {url} kan ikke bruges: {detail}")]
    Token { url: String, detail: String },
}

fn unit_label(uuid: &Option<String>) -> String {
    match uuid {
        Some(u) => format!("enhed {u}: "),
        None => String::new(),
    }
}

impl FkOrgError {
    /// A stable code for the UI, which never matches on message text.
    pub fn code(&self) -> &'static str {
        match self {
            FkOrgError::NothingToLoad(_) => "fkorg.nothing_to_load",
            FkOrgError::Io { .. } => "fkorg.io",
            FkOrgError::TooLarge { .. } => "fkorg.too_large",
            FkOrgError::Json { .. } => "fkorg.json",
            FkOrgError::GraphQl { .. } => "fkorg.graphql",
            FkOrgError::MissingField { .. } => "fkorg.missing_field",
            FkOrgError::BadValue { .. } => "fkorg.bad_value",
            FkOrgError::FieldTooLong { .. } => "fkorg.field_too_long",
            FkOrgError::DuplicateUuid { .. } => "fkorg.duplicate_uuid",
            FkOrgError::MissingParent { .. } => "fkorg.missing_parent",
            FkOrgError::Cycle { .. } => "fkorg.cycle",
            FkOrgError::Certificate(_) => "fkorg.certificate",
            FkOrgError::Config(_) => "fkorg.config",
            FkOrgError::TlsRejected { .. } => "fkorg.tls_rejected",
            FkOrgError::ServerCertificate { .. } => "fkorg.server_certificate",
            FkOrgError::Connect { .. } => "fkorg.connect",
            FkOrgError::Timeout { .. } => "fkorg.timeout",
            FkOrgError::Http { .. } => "fkorg.http",
            FkOrgError::Unauthorized { .. } => "fkorg.unauthorized",
            FkOrgError::Token { .. } => "fkorg.token",
        }
    }
}
