//! The window's commands: one-line adapters onto [`sorkomp_api::Api`]. Nothing here decides
//! anything; arguments keep their Rust (snake_case) names on the TypeScript side.

use std::path::PathBuf;

use sorkomp_api::{
    Api, ApiError, DataQuery, ExportFormat, ExportReport, LogEntry, LogQuery, MatchReport, OrgRow,
    Overview, ProposalQuery, ProposalView, SorRow, Stats,
};
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub fn overview(api: State<'_, Api>) -> Result<Overview, ApiError> {
    api.overview()
}

#[tauri::command(rename_all = "snake_case")]
pub fn proposals(api: State<'_, Api>, query: ProposalQuery) -> Result<Vec<ProposalView>, ApiError> {
    api.proposals(&query)
}

#[tauri::command(rename_all = "snake_case")]
pub fn approve(api: State<'_, Api>, id: i64) -> Result<ProposalView, ApiError> {
    api.approve(id)
}

#[tauri::command(rename_all = "snake_case")]
pub fn reject(
    api: State<'_, Api>,
    id: i64,
    reason: Option<String>,
) -> Result<ProposalView, ApiError> {
    api.reject(id, reason)
}

#[tauri::command(rename_all = "snake_case")]
pub fn link(api: State<'_, Api>, org_uuid: String, sor_id: String) -> Result<(), ApiError> {
    api.link(&org_uuid, &sor_id)
}

#[tauri::command(rename_all = "snake_case")]
pub fn log(api: State<'_, Api>, query: LogQuery) -> Result<Vec<LogEntry>, ApiError> {
    api.log(&query)
}

#[tauri::command(rename_all = "snake_case")]
pub fn export_log(
    api: State<'_, Api>,
    format: ExportFormat,
    out: PathBuf,
) -> Result<ExportReport, ApiError> {
    api.export_log(format, &out)
}

#[tauri::command(rename_all = "snake_case")]
pub fn stats(api: State<'_, Api>) -> Result<Stats, ApiError> {
    api.stats()
}

#[tauri::command(rename_all = "snake_case")]
pub fn sor_entities(api: State<'_, Api>, query: DataQuery) -> Result<Vec<SorRow>, ApiError> {
    api.sor_entities(&query)
}

#[tauri::command(rename_all = "snake_case")]
pub fn org_units(api: State<'_, Api>, query: DataQuery) -> Result<Vec<OrgRow>, ApiError> {
    api.org_units(&query)
}

#[tauri::command(rename_all = "snake_case")]
pub fn load_demo(api: State<'_, Api>) -> Result<MatchReport, ApiError> {
    api.load_demo()
}

#[tauri::command(rename_all = "snake_case")]
pub fn set_who(api: State<'_, Api>, who: String) -> Result<(), ApiError> {
    api.set_who(&who)
}
