// Undo: every decision can be taken back. The change log knows which rows are decisions that
// may still be undone; the proposal's newest such row is the one to undo.

import * as platform from "../platform";
import { PlatformError } from "../platform";

/** Undo the newest undoable decision on a proposal; resolves to a Danish confirmation. */
export async function undoDecision(proposalId: number): Promise<string> {
  const key = String(proposalId);
  const page = await platform.logPage({ source: null, text: null, from: null, to: null, limit: 100, offset: null, entity_id: key, action: null });
  const row = page.rows.find((r) => r.undoable && r.entry.entity_kind === "proposal" && r.entry.entity_id === key);
  if (!row) throw new PlatformError("not_undoable", `Forslag #${proposalId} har ingen beslutning, der kan fortrydes.`);
  await platform.undo(row.entry.id, null);
  return `Beslutningen om forslag #${proposalId} er fortrudt: forslaget er nyt igen.`;
}
