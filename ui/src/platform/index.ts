// The only module that talks to the Rust side. Every function is typed with the TypeScript
// types that ts-rs generates from the API crate (ui/src/generated), so a renamed field breaks
// `npm run build`, not the administrator's day. Errors arrive as ApiError { code, message }.

import { Channel, invoke } from "@tauri-apps/api/core";
import { save } from "@tauri-apps/plugin-dialog";
import type { ApiError } from "../generated/ApiError";
import type { ApprovalEdit } from "../generated/ApprovalEdit";
import type { BulkItem } from "../generated/BulkItem";
import type { BulkReport } from "../generated/BulkReport";
import type { FkSettings } from "../generated/FkSettings";
import type { ImportReport } from "../generated/ImportReport";
import type { KleRule } from "../generated/KleRule";
import type { LogPage } from "../generated/LogPage";
import type { LogRow } from "../generated/LogRow";
import type { NewSorUnit } from "../generated/NewSorUnit";
import type { OutboxStatus } from "../generated/OutboxStatus";
import type { OutboxView } from "../generated/OutboxView";
import type { Progress } from "../generated/Progress";
import type { ProposalKind } from "../generated/ProposalKind";
import type { QualityTask } from "../generated/QualityTask";
import type { Rule } from "../generated/Rule";
import type { SyncStatus } from "../generated/SyncStatus";
import type { WorklistFormat } from "../generated/WorklistFormat";
import type { OrgUnitDetail } from "../generated/OrgUnitDetail";
import type { SorEntity } from "../generated/SorEntity";
import type { SorSyncStatus } from "../generated/SorSyncStatus";
import type { WeightsView } from "../generated/WeightsView";
import type { ChangeSource } from "../generated/ChangeSource";
import type { DataQuery } from "../generated/DataQuery";
import type { ExportFormat } from "../generated/ExportFormat";
import type { ExportReport } from "../generated/ExportReport";
import type { LogEntry } from "../generated/LogEntry";
import type { LogQuery } from "../generated/LogQuery";
import type { MatchReport } from "../generated/MatchReport";
import type { OrgRow } from "../generated/OrgRow";
import type { Overview } from "../generated/Overview";
import type { ProposalQuery } from "../generated/ProposalQuery";
import type { ProposalView } from "../generated/ProposalView";
import type { SorRow } from "../generated/SorRow";
import type { Stats } from "../generated/Stats";

export type { OrgUnitDetail, SorEntity, SorSyncStatus, WeightsView };
export type { ApprovalEdit, BulkItem, BulkReport, FkSettings, ImportReport, KleRule, LogPage, LogRow, NewSorUnit, OutboxStatus, OutboxView, Progress, ProposalKind, QualityTask, Rule, SyncStatus, WorklistFormat };
export type { ApiError, ChangeSource, DataQuery, ExportFormat, ExportReport, LogEntry, LogQuery, MatchReport, OrgRow, Overview, ProposalQuery, ProposalView, SorRow, Stats };

/** A failed command, with the API's code and its Danish message. */
export class PlatformError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function isApiError(value: unknown): value is ApiError {
  return typeof value === "object" && value !== null && typeof (value as ApiError).code === "string" && typeof (value as ApiError).message === "string";
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isApiError(error)) throw new PlatformError(error.code, error.message);
    throw new PlatformError("ipc", `Kaldet "${command}" mislykkedes: ${String(error)}`);
  }
}

export const overview = () => call<Overview>("overview");
export const proposals = (query: ProposalQuery) => call<ProposalView[]>("proposals", { query });
export const approve = (id: number) => call<ProposalView>("approve", { id });
export const reject = (id: number, reason: string | null) => call<ProposalView>("reject", { id, reason });
export const link = (orgUuid: string, sorId: string) => call<null>("link", { org_uuid: orgUuid, sor_id: sorId });
export const log = (query: LogQuery) => call<LogEntry[]>("log", { query });
export const logPage = (query: LogQuery) => call<LogPage>("log_page", { query });
export const approveEdited = (id: number, edit: ApprovalEdit) => call<ProposalView>("approve_edited", { id, edit });
export const undo = (logId: number, reason: string | null) => call<LogEntry>("undo", { log_id: logId, reason });
export const unlink = (orgUuid: string, sorId: string, reason: string | null) => call<null>("unlink", { org_uuid: orgUuid, sor_id: sorId, reason });
export const setOnlyInSor = (sorId: string, only: boolean, reason: string | null) => call<null>("set_only_in_sor", { sor_id: sorId, only, reason });
export const onlyInSor = () => call<SorRow[]>("only_in_sor");
export const rules = () => call<Rule[]>("rules");
export const setRule = (key: string, automatic: boolean) => call<Rule[]>("set_rule", { key, automatic });
export const bulkPreview = (minScore: number, kind: ProposalKind | null) => call<BulkItem[]>("bulk_preview", { min_score: minScore, kind });
export const bulkApprove = (ids: number[]) => call<BulkReport>("bulk_approve", { ids });
export const outbox = (status: OutboxStatus | null) => call<OutboxView[]>("outbox", { status });
export const markOutboxDone = (id: number, done: boolean) => call<OutboxView>("mark_outbox_done", { id, done });
export const kleRules = () => call<KleRule[]>("kle_rules");
export const setKleRules = (rules: KleRule[]) => call<KleRule[]>("set_kle_rules", { rules });
export const qualityTasks = () => call<QualityTask[]>("quality_tasks");
export const syncStatus = () => call<SyncStatus>("sync_status");
export const fkSettings = () => call<FkSettings | null>("fk_settings");
export const setFkSettings = (settings: FkSettings) => call<null>("set_fk_settings", { settings });
export const unlockCertificate = (password: string) => call<null>("unlock_certificate", { password });
export const draftNewUnit = (orgUuid: string) => call<NewSorUnit>("draft_new_unit", { org_uuid: orgUuid });
export const createManually = (orgUuid: string, unit: NewSorUnit) => call<ProposalView>("create_manually", { org_uuid: orgUuid, unit });
export const runMatch = () => call<MatchReport>("run_match");
export const sorEntity = (sorId: string) => call<SorEntity | null>("sor_entity", { sor_id: sorId });
export const orgUnit = (uuid: string) => call<OrgUnitDetail | null>("org_unit", { uuid });
export const learnedWeights = () => call<WeightsView>("learned_weights");
export const sorSyncStatus = () => call<SorSyncStatus>("sor_sync_status");
export const setSorUrl = (url: string) => call<null>("set_sor_url", { url });

function progressChannel(onProgress: (p: Progress) => void): Channel<Progress> {
  const channel = new Channel<Progress>();
  channel.onmessage = onProgress;
  return channel;
}

/** Fetch FK Organisation through OrganisationHent; progress per page. */
export const syncOrg = (onProgress: (p: Progress) => void) => call<ImportReport>("sync_org", { on_progress: progressChannel(onProgress) });
/** Download SOR's export (the configured URL); progress in bytes. */
export const downloadSor = (onProgress: (p: Progress) => void) => call<ImportReport>("download_sor", { on_progress: progressChannel(onProgress) });
export const stats = () => call<Stats>("stats");
export const sorEntities = (query: DataQuery) => call<SorRow[]>("sor_entities", { query });
export const orgUnits = (query: DataQuery) => call<OrgRow[]>("org_units", { query });
export const loadDemo = () => call<MatchReport>("load_demo");
export const setWho = (who: string) => call<null>("set_who", { who });

/**
 * Ask for a file name in the native save dialog and write the change log there.
 * Returns null when the administrator cancels the dialog.
 */
export async function exportLog(format: ExportFormat): Promise<{ path: string; report: ExportReport } | null> {
  const path = await askSavePath("Eksportér log over ændringer", "sor-komponent-log", format);
  if (path === null) return null;
  const report = await call<ExportReport>("export_log", { format, out: path });
  return { path, report };
}

/** The SOR worklist to a file the administrator follows in SOR's own application. */
export async function exportOutbox(format: WorklistFormat, status: OutboxStatus | null): Promise<{ path: string; report: ExportReport } | null> {
  const path = await askSavePath("Eksportér arbejdslisten til SOR", "sor-arbejdsliste", format);
  if (path === null) return null;
  const report = await call<ExportReport>("export_outbox", { format, status, out: path });
  return { path, report };
}

/** The "Klargør data i FK Organisation" list as CSV for Excel. */
export async function exportQuality(): Promise<{ path: string; rows: number } | null> {
  const path = await askSavePath("Eksportér listen over data, der skal rettes", "klargoer-data-fk-organisation", "csv");
  if (path === null) return null;
  const rows = await call<number>("export_quality", { out: path });
  return { path, rows };
}

const FILE_TYPES: Record<string, string> = { csv: "CSV (Excel)", xlsx: "Excel-projektmappe", json: "JSON", html: "Webside til udskrift" };

async function askSavePath(title: string, stem: string, extension: string): Promise<string | null> {
  const today = new Date().toISOString().slice(0, 10);
  return save({ title, defaultPath: `${stem}-${today}.${extension}`, filters: [{ name: FILE_TYPES[extension] ?? extension, extensions: [extension] }] });
}
