// Danish text for the sync area: progress lines and "last synchronised" lines. Pure.

import type { Progress } from "../generated/Progress";
import type { SyncStatus } from "../generated/SyncStatus";
import { formatCount, formatDanishDateTime } from "./format";

const MB = 1024 * 1024;

function megabytes(bytes: number): string {
  return (bytes / MB).toFixed(1).replace(".", ",");
}

/** "Henter SOR-data: 12,3 af 266,0 MB (5 %)" for bytes; "Henter side 3 af 9" style for pages. */
export function progressText(p: Progress): string {
  const bytes = p.register === "sor";
  const done = bytes ? `${megabytes(p.done)} MB` : formatCount(p.done);
  if (p.total === null || p.total <= 0) return `${p.stage}: ${done}`;
  const total = bytes ? `${megabytes(p.total)} MB` : formatCount(p.total);
  const percent = Math.min(100, Math.floor((p.done / p.total) * 100));
  return `${p.stage}: ${bytes ? megabytes(p.done) : formatCount(p.done)} af ${total} (${percent} %)`;
}

export interface SourceLine {
  text: string;
  failed: boolean;
}

function line(name: string, at: string | null, error: string | null, never: string): SourceLine {
  if (error) return { text: `${name}: ${error}${at ? ` (senest hentet ${formatDanishDateTime(at)})` : ""}`, failed: true };
  if (at) return { text: `${name}: hentet ${formatDanishDateTime(at)}`, failed: false };
  return { text: `${name}: ${never}`, failed: false };
}

/** One line per register for the header. */
export function syncLines(s: SyncStatus): { org: SourceLine; sor: SourceLine } {
  return {
    org: line("FK Organisation", s.last_org_sync, s.last_org_error, s.fk_configured ? "ikke synkroniseret endnu" : "forbindelsen er ikke sat op (Indstillinger)"),
    sor: line("SOR", s.last_sor_download, s.last_sor_error, "ikke hentet endnu"),
  };
}
