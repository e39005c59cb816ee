// Field-by-field comparison of the ORG side and the SOR side of a proposal, and a word diff
// that marks what differs. Pure functions: the view turns the segments into text nodes.

export interface Segment {
  text: string;
  /** True when this part is not in the other value. */
  changed: boolean;
}

/** Lower-case, collapse white space, so "Byvej  12" and "byvej 12" count as equal. */
export function normalise(value: string): string {
  return value.trim().replace(/\s+/g, " ").toLocaleLowerCase("da-DK");
}

/** Split into words and the separators between them, keeping every character. */
function tokens(value: string): string[] {
  return value.match(/[\p{L}\p{N}]+|[^\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The parts of `value` marked changed where they do not appear in `other` in the same order
 * (a longest-common-subsequence over words, compared case-insensitively). Joining the segments'
 * text gives back `value` exactly.
 */
export function diffWords(value: string, other: string): Segment[] {
  const a = tokens(value);
  const b = tokens(other);
  const key = (t: string) => normalise(t) || t;
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = key(a[i]) === key(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: Segment[] = [];
  const push = (text: string, changed: boolean) => {
    const last = out[out.length - 1];
    if (last && last.changed === changed) last.text += text;
    else out.push({ text, changed });
  };
  let i = 0;
  let j = 0;
  while (i < a.length) {
    if (j < b.length && key(a[i]) === key(b[j])) {
      push(a[i], false);
      i++;
      j++;
    } else if (j < b.length && lcs[i][j + 1] >= lcs[i + 1][j]) {
      j++;
    } else {
      // Separators (spaces, commas) never count as a change on their own.
      push(a[i], /[\p{L}\p{N}]/u.test(a[i]));
      i++;
    }
  }
  return out;
}

export interface FieldRow {
  field: string;
  org: string | null;
  sor: string | null;
  /** Both sides present and different (after normalising). */
  differs: boolean;
}

/** Compare named fields of both sides; a field missing on both sides is left out. */
export function compareFields(org: Record<string, string | null | undefined>, sor: Record<string, string | null | undefined>, fields: string[]): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const field of fields) {
    const o = org[field] ?? null;
    const s = sor[field] ?? null;
    if (o === null && s === null) continue;
    rows.push({ field, org: o, sor: s, differs: o !== null && s !== null && normalise(o) !== normalise(s) });
  }
  return rows;
}
