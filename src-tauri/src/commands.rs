//! The window's commands: one-line adapters onto [`sorkomp_api::Api`]. Nothing here decides
//! anything; arguments keep their Rust (snake_case) names on the TypeScript side.

use std::path::PathBuf;

use sorkomp_api::{
    Api, ApiError, ApprovalEdit, BulkItem, BulkReport, DataQuery, ExportFormat, ExportReport,
    FkSettings, ImportReport, KleRule, LogEntry, LogPage, LogQuery, MatchReport, NewSorUnit,
    OrgRow, OrgUnitDetail, OutboxStatus, OutboxView, Overview, Progress, ProposalKind,
    ProposalQuery, ProposalView, QualityTask, Rule, SorRow, SorSyncStatus, Stats, SyncStatus,
    WeightsView, WorklistFormat,
};
use sorkomp_model::SorEntity;
use tauri::ipc::Channel;
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

// Decisions: edited approval, undo, unlink, "kun i SOR", rules, bulk approval.

#[tauri::command(rename_all = "snake_case")]
pub fn approve_edited(
    api: State<'_, Api>,
    id: i64,
    edit: ApprovalEdit,
) -> Result<ProposalView, ApiError> {
    api.approve_edited(id, &edit)
}

#[tauri::command(rename_all = "snake_case")]
pub fn undo(
    api: State<'_, Api>,
    log_id: i64,
    reason: Option<String>,
) -> Result<LogEntry, ApiError> {
    api.undo(log_id, reason)
}

#[tauri::command(rename_all = "snake_case")]
pub fn log_page(api: State<'_, Api>, query: LogQuery) -> Result<LogPage, ApiError> {
    api.log_page(&query)
}

#[tauri::command(rename_all = "snake_case")]
pub fn unlink(
    api: State<'_, Api>,
    org_uuid: String,
    sor_id: String,
    reason: Option<String>,
) -> Result<(), ApiError> {
    api.unlink(&org_uuid, &sor_id, reason)
}

#[tauri::command(rename_all = "snake_case")]
pub fn set_only_in_sor(
    api: State<'_, Api>,
    sor_id: String,
    only: bool,
    reason: Option<String>,
) -> Result<(), ApiError> {
    api.set_only_in_sor(&sor_id, only, reason)
}

#[tauri::command(rename_all = "snake_case")]
pub fn only_in_sor(api: State<'_, Api>) -> Result<Vec<SorRow>, ApiError> {
    api.only_in_sor()
}

#[tauri::command(rename_all = "snake_case")]
pub fn rules(api: State<'_, Api>) -> Result<Vec<Rule>, ApiError> {
    api.rules()
}

#[tauri::command(rename_all = "snake_case")]
pub fn set_rule(api: State<'_, Api>, key: String, automatic: bool) -> Result<Vec<Rule>, ApiError> {
    api.set_rule(&key, automatic)
}

#[tauri::command(rename_all = "snake_case")]
pub fn bulk_preview(
    api: State<'_, Api>,
    min_score: f64,
    kind: Option<ProposalKind>,
) -> Result<Vec<BulkItem>, ApiError> {
    api.bulk_preview(min_score, kind)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn bulk_approve(api: State<'_, Api>, ids: Vec<i64>) -> Result<BulkReport, ApiError> {
    api.bulk_approve(&ids)
}

// The SOR worklist.

#[tauri::command(rename_all = "snake_case")]
pub fn outbox(
    api: State<'_, Api>,
    status: Option<OutboxStatus>,
) -> Result<Vec<OutboxView>, ApiError> {
    api.outbox(status)
}

#[tauri::command(rename_all = "snake_case")]
pub fn mark_outbox_done(api: State<'_, Api>, id: i64, done: bool) -> Result<OutboxView, ApiError> {
    api.mark_outbox_done(id, done)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn export_outbox(
    api: State<'_, Api>,
    format: WorklistFormat,
    status: Option<OutboxStatus>,
    out: PathBuf,
) -> Result<ExportReport, ApiError> {
    api.export_outbox(format, status, &out)
}

// Matching: the run itself, the KLE table, what was learnt.

#[tauri::command(rename_all = "snake_case")]
pub async fn run_match(api: State<'_, Api>) -> Result<MatchReport, ApiError> {
    api.run_match()
}

#[tauri::command(rename_all = "snake_case")]
pub fn kle_rules(api: State<'_, Api>) -> Result<Vec<KleRule>, ApiError> {
    api.kle_rules()
}

#[tauri::command(rename_all = "snake_case")]
pub fn set_kle_rules(api: State<'_, Api>, rules: Vec<KleRule>) -> Result<Vec<KleRule>, ApiError> {
    api.set_kle_rules(rules)
}

// Sync: FK Organisation and SOR, with progress over a channel.

#[tauri::command(rename_all = "snake_case")]
pub fn sync_status(api: State<'_, Api>) -> Result<SyncStatus, ApiError> {
    api.sync_status()
}

#[tauri::command(rename_all = "snake_case")]
pub fn fk_settings(api: State<'_, Api>) -> Result<Option<FkSettings>, ApiError> {
    api.fk_settings()
}

#[tauri::command(rename_all = "snake_case")]
pub fn set_fk_settings(api: State<'_, Api>, settings: FkSettings) -> Result<(), ApiError> {
    api.set_fk_settings(&settings)
}

#[tauri::command(rename_all = "snake_case")]
pub fn unlock_certificate(api: State<'_, Api>, password: String) -> Result<(), ApiError> {
    api.unlock_certificate(password)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_org(
    api: State<'_, Api>,
    on_progress: Channel<Progress>,
) -> Result<ImportReport, ApiError> {
    api.sync_org(&move |p| {
        // A closed window cannot receive progress; the sync itself goes on.
        let _ = on_progress.send(p);
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn download_sor(
    api: State<'_, Api>,
    on_progress: Channel<Progress>,
) -> Result<ImportReport, ApiError> {
    api.download_sor(None, &move |p| {
        let _ = on_progress.send(p);
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub fn quality_tasks(api: State<'_, Api>) -> Result<Vec<QualityTask>, ApiError> {
    api.quality_tasks()
}

#[tauri::command(rename_all = "snake_case")]
pub async fn export_quality(api: State<'_, Api>, out: PathBuf) -> Result<u32, ApiError> {
    api.export_quality(&out)
}

// Details and settings read by the data views and "Indstillinger".

#[tauri::command(rename_all = "snake_case")]
pub fn sor_entity(api: State<'_, Api>, sor_id: String) -> Result<Option<SorEntity>, ApiError> {
    api.sor_entity(&sor_id)
}

#[tauri::command(rename_all = "snake_case")]
pub fn org_unit(api: State<'_, Api>, uuid: String) -> Result<Option<OrgUnitDetail>, ApiError> {
    api.org_unit(&uuid)
}

#[tauri::command(rename_all = "snake_case")]
pub fn learned_weights(api: State<'_, Api>) -> Result<WeightsView, ApiError> {
    api.learned_weights()
}

#[tauri::command(rename_all = "snake_case")]
pub fn sor_sync_status(api: State<'_, Api>) -> Result<SorSyncStatus, ApiError> {
    api.sor_sync_status()
}

#[tauri::command(rename_all = "snake_case")]
pub fn set_sor_url(api: State<'_, Api>, url: String) -> Result<(), ApiError> {
    api.set_sor_url(&url)
}

// Manuel oprettelse of a SOR unit.

#[tauri::command(rename_all = "snake_case")]
pub fn draft_new_unit(api: State<'_, Api>, org_uuid: String) -> Result<NewSorUnit, ApiError> {
    api.draft_new_unit(&org_uuid)
}

#[tauri::command(rename_all = "snake_case")]
pub fn create_manually(
    api: State<'_, Api>,
    org_uuid: String,
    unit: NewSorUnit,
) -> Result<ProposalView, ApiError> {
    api.create_manually(&org_uuid, &unit)
}
