//! Transport types: what the window and the CLI receive. Exported to TypeScript by ts-rs.

use serde::{Deserialize, Serialize};
use sorkomp_model::{
    ChangeSource, Explanation, FieldChange, NewSorUnit, OrgStatus, ProposalKind, ProposalStatus,
    SorLevel,
};
use ts_rs::TS;

/// The ORG side of a proposal card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrgSide {
    pub uuid: String,
    pub name: String,
    pub address: Option<String>,
    /// "27.42.00 Plejeboliger" style.
    pub kle: Vec<String>,
    pub status: OrgStatus,
}

/// The SOR side of a proposal card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SorSide {
    pub sor_id: String,
    pub name: String,
    pub address: Option<String>,
    pub type_code: Option<String>,
    pub to_date: Option<String>,
}

/// A proposal with both sides resolved for display.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProposalView {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: ProposalKind,
    pub status: ProposalStatus,
    pub org_uuid: Option<String>,
    pub sor_id: Option<String>,
    pub score: f64,
    pub explanation: Explanation,
    pub changes: Vec<FieldChange>,
    pub new_unit: Option<NewSorUnit>,
    pub org: Option<OrgSide>,
    pub sor: Option<SorSide>,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProposalQuery {
    pub status: Option<ProposalStatus>,
    pub kind: Option<ProposalKind>,
    /// Case-insensitive text found in either side's name, address or id.
    pub text: Option<String>,
}

pub use sorkomp_store::LogEntry;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LogQuery {
    pub source: Option<ChangeSource>,
    /// A unit's ORG uuid or SOR id: the rows about that unit (its proposals and links too).
    pub entity_id: Option<String>,
    /// Exact action, e.g. "approve", "reject", "undo", "unlink", "sor_import".
    pub action: Option<String>,
    pub text: Option<String>,
    /// ISO dates (Danish local days, Europe/Copenhagen) or RFC 3339 times; both inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    /// Semicolon-separated, UTF-8 with BOM, Danish dates: opens correctly in Danish Excel.
    Csv,
    /// Excel workbook: real dates, bold frozen header; a sheet states the head hash.
    Xlsx,
    Json,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" => Some(ExportFormat::Xlsx),
            "json" => Some(ExportFormat::Json),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportReport {
    pub path: String,
    pub rows: u32,
    /// The hash of the last exported row: the head of the chain.
    pub head_hash: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DataQuery {
    pub text: Option<String>,
    /// SOR: only the municipality's subtree (default) or the whole country.
    pub only_municipality: bool,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// A row of the SOR-data view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SorRow {
    pub sor_id: String,
    pub level: Option<SorLevel>,
    pub parent_id: Option<String>,
    pub name: String,
    pub type_code: Option<String>,
    pub address: Option<String>,
    pub address_inherited: bool,
    pub ean: Option<String>,
    pub from_date: Option<String>,
    pub to_date: Option<String>,
    /// The ORG unit this entity is linked to, if any.
    pub linked_org: Option<String>,
}

/// A row of the STS-Org-data view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrgRow {
    pub uuid: String,
    pub name: String,
    pub parent_uuid: Option<String>,
    pub status: OrgStatus,
    pub address: Option<String>,
    pub kle: Vec<String>,
    pub sor_code: Option<String>,
    pub linked_sor: Option<String>,
    /// Data-quality problems to fix in FK Organisation (Danish).
    pub quality: Vec<String>,
}

/// Counts for `sorkomp stats --json` and the window's header.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Stats {
    pub sor_owners: u32,
    pub sor_institutions: u32,
    pub sor_units: u32,
    pub org_active: u32,
    pub org_inactive: u32,
    pub links: u32,
    /// kind -> status -> count.
    pub proposals: std::collections::BTreeMap<String, std::collections::BTreeMap<String, u32>>,
    pub log_rows: u32,
}

/// What the window shows in its header.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Overview {
    pub municipality_cvr: Option<String>,
    pub municipality_name: Option<String>,
    pub who: String,
    pub last_sor_import: Option<String>,
    pub last_org_import: Option<String>,
    pub stats: Stats,
}

/// Result of an import (either register).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    /// "sor" or "org".
    pub register: String,
    /// Danish one-line summary.
    pub summary: String,
    pub entities: u32,
    pub changes: u32,
    pub unchanged: bool,
}

/// Result of a matcher run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MatchReport {
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub withdrawn: u32,
    pub already_decided: u32,
    /// Open proposals approved by an automatic decision rule.
    pub auto_approved: u32,
    /// What the matcher could not judge and why (Danish).
    pub notes: Vec<String>,
    pub millis: u32,
}
