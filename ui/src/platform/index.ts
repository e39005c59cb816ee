// The only module that talks to the Rust side. Every function is typed with the TypeScript
// types that ts-rs generates from the API crate (ui/src/generated), so a renamed field breaks
// `npm run build`, not the administrator's day. Errors arrive as ApiError { code, message }.

import { invoke } from "@tauri-apps/api/core";
import { save } from "@tauri-apps/plugin-dialog";
import type { ApiError } from "../generated/ApiError";
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
  const today = new Date().toISOString().slice(0, 10);
  const path = await save({
    title: "Eksportér log over ændringer",
    defaultPath: `sor-komponent-log-${today}.${format}`,
    filters: [{ name: format === "csv" ? "CSV (Excel)" : "JSON", extensions: [format] }],
  });
  if (path === null) return null;
  const report = await call<ExportReport>("export_log", { format, out: path });
  return { path, report };
}
