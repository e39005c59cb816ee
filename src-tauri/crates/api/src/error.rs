use serde::Serialize;
use ts_rs::TS;

/// An error as the window and the CLI see it: a stable code and a Danish message that says
/// what went wrong, where, and what to do next.
#[derive(Debug, Clone, PartialEq, Serialize, TS, thiserror::Error)]
#[ts(export)]
#[error("{message}")]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl From<sorkomp_store::StoreError> for ApiError {
    fn from(e: sorkomp_store::StoreError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

impl From<sorkomp_sor::SorError> for ApiError {
    fn from(e: sorkomp_sor::SorError) -> Self {
        ApiError::new("sor_input", e.to_string())
    }
}

impl From<sorkomp_fkorg::FkOrgError> for ApiError {
    fn from(e: sorkomp_fkorg::FkOrgError) -> Self {
        ApiError::new("org_input", e.to_string())
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ApiError::new("io", format!("Fil- eller mappefejl: {e}"))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::new("json", format!("JSON-fejl: {e}"))
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
