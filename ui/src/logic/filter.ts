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

/** The KLE areas (main group + group, "27.42") of a proposal's ORG unit, from "27.42.00 Plejeboliger". */
export function kleAreas(kle: readonly string[]): string[] {
  const areas = new Set<string>();
  for (const k of kle) {
    const m = /^(\d{2})\.(\d{2})/.exec(k.trim());
    if (m) areas.add(`${m[1]}.${m[2]}`);
  }
  return [...areas];
}

export type SortOrder = "score-desc" | "score-asc" | "name" | "newest";

interface Sortable {
  id: number;
  score: number;
  name: string;
}

const collator = new Intl.Collator("da-DK", { sensitivity: "base", numeric: true });

/** A stable order for the queue: ties keep the id order, so the list does not jump. */
export function compareBy(order: SortOrder): (a: Sortable, b: Sortable) => number {
  switch (order) {
    case "score-desc":
      return (a, b) => b.score - a.score || a.id - b.id;
    case "score-asc":
      return (a, b) => a.score - b.score || a.id - b.id;
    case "name":
      return (a, b) => collator.compare(a.name, b.name) || a.id - b.id;
    case "newest":
      return (a, b) => b.id - a.id;
  }
}
