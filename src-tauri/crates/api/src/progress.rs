//! Progress of a long-running operation (SOR download, FK Organisation sync), reported to the
//! window's progress bars and the CLI's status line.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Progress {
    /// "sor" or "org".
    pub register: String,
    /// Danish, e.g. "Henter SOR-data", "Henter side 3", "Gemmer".
    pub stage: String,
    /// Bytes, pages or entities done so far.
    #[ts(type = "number")]
    pub done: u64,
    /// The total when known (Content-Length, page count), else `None`.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// Where an operation reports its progress. `&|_| {}` when nobody listens.
pub type ProgressSink<'a> = &'a (dyn Fn(Progress) + Send + Sync);
