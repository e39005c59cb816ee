use std::path::PathBuf;

/// What went wrong in the store, in words an administrator understands.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Databasen {path} kan ikke åbnes: {detail}. Kontrollér at mappen findes og at du har skriveadgang.")]
    Unopenable { path: PathBuf, detail: String },
    #[error("Databasefilen {path} er beskadiget eller er ikke en SOR-komponent-database. Filen er ikke ændret; flyt den væk eller gendan en sikkerhedskopi.")]
    Corrupt { path: PathBuf },
    #[error("Databasen {path} er lavet af en nyere version af SOR-komponent (skemaversion {found}; denne version kender op til {known}). Opdatér programmet; databasen er ikke ændret.")]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("Databasen {path} er allerede åben i en anden SOR-komponent (vindue eller kommandolinje). Luk den anden først.")]
    Locked { path: PathBuf },
    #[error("{what} {id} findes ikke.")]
    NotFound { what: &'static str, id: String },
    #[error("Forslag {id} er allerede {status} og kan ikke ændres.")]
    AlreadyDecided { id: i64, status: String },
    #[error("{0}")]
    Conflict(String),
    #[error("Ændringsloggen er brudt ved række {id}: hashen passer ikke. Loggen kan være ændret uden om programmet.")]
    BrokenChain { id: i64 },
    #[error("SOR-datafilen {path} kan ikke skrives: {detail}. De tidligere SOR-data er bevaret.")]
    SnapshotFile { path: PathBuf, detail: String },
    #[error("Databasefejl: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("Data i databasen kan ikke læses: {0}")]
    Json(#[from] serde_json::Error),
}

impl StoreError {
    /// A stable code for the window and scripts (never match on the message).
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Unopenable { .. } => "db_unopenable",
            StoreError::Corrupt { .. } => "db_corrupt",
            StoreError::NewerSchema { .. } => "db_newer_schema",
            StoreError::Locked { .. } => "db_locked",
            StoreError::NotFound { .. } => "not_found",
            StoreError::AlreadyDecided { .. } => "already_decided",
            StoreError::Conflict(_) => "conflict",
            StoreError::BrokenChain { .. } => "log_broken",
            StoreError::SnapshotFile { .. } => "sor_file",
            StoreError::Sqlite(_) => "db_error",
            StoreError::Json(_) => "db_data",
        }
    }
}
