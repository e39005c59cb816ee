// Client-side filtering of lists already in memory (the queue of one tab).

/** Fold case and Danish/foreign diacritics so "aeldre", "Ældre" and "ÆLDRE" all match. */
export function fold(text: string): string {
  return text
    .toLocaleLowerCase("da-DK")
    .replace(/æ/g, "ae")
    .replace(/ø/g, "oe")
    .replace(/å/g, "aa")
    .normalize("NFD")
    .replace(/\p{M}/gu, "");
}

/**
 * True when every word of `query` occurs in at least one of `fields` (folded). An empty query
 * matches everything.
 */
export function matchesQuery(fields: Array<string | null | undefined>, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = fields.filter((f): f is string => typeof f === "string").map(fold).join("\n");
  return words.every((w) => hay.includes(w));
}

/** The score band a proposal falls in, for the filter menu. */
export type ScoreBand = "all" | "high" | "medium" | "low";

export function scoreBand(score: number): Exclude<ScoreBand, "all"> {
  if (score >= 8) return "high";
  if (score >= 3) return "medium";
  return "low";
}

export function inBand(score: number, band: ScoreBand): boolean {
  return band === "all" || scoreBand(score) === band;
}
