// Danish presentation of times, numbers and enum values. Pure functions: no DOM, no platform.

const COPENHAGEN = "Europe/Copenhagen";

const dateTimeParts = new Intl.DateTimeFormat("da-DK", {
  timeZone: COPENHAGEN,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/**
 * An RFC 3339 time as the administrator reads it: `dd.mm.åååå tt:mm` in Danish local time
 * (Europe/Copenhagen, summer time included). Text that is not a time is returned unchanged,
 * so a malformed value is still visible instead of becoming "Invalid Date".
 */
export function formatDanishDateTime(rfc3339: string): string {
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) return rfc3339;
  const parts: Record<string, string> = {};
  for (const p of dateTimeParts.formatToParts(new Date(ms))) parts[p.type] = p.value;
  return `${parts.day}.${parts.month}.${parts.year} ${parts.hour}:${parts.minute}`;
}

/** An ISO date (`YYYY-MM-DD`) as `dd.mm.åååå`; anything else unchanged. */
export function formatDanishDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

/** A match score (log-odds) with a sign and one decimal, Danish decimal comma. */
export function formatScore(score: number): string {
  const text = Math.abs(score).toFixed(1).replace(".", ",");
  if (score > 0) return `+${text}`;
  if (score < 0) return `−${text}`;
  return text;
}

/** A count with Danish thousands separators (5.000). */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

export const KIND_LABEL: Record<string, string> = {
  link: "Kobling",
  create: "Opret i SOR",
  delete: "Slet i SOR",
  update: "Opdatering",
};

export const STATUS_LABEL: Record<string, string> = {
  new: "Ny",
  approved: "Godkendt",
  rejected: "Afvist",
  withdrawn: "Trukket tilbage",
};

export const SOURCE_LABEL: Record<string, string> = {
  sync: "Synkronisering",
  matcher: "Matcher",
  user: "Bruger",
  rule: "Regel",
};

export const FIELD_LABEL: Record<string, string> = {
  name: "Navn",
  address: "Adresse",
  type_code: "Enhedstype",
  sor_code: "SOR-kode",
  ean: "EAN",
  kle_type: "KLE / type",
  parent: "Overordnet enhed",
  kle: "KLE",
};

/** The Danish label of a code, or the code itself when it has none. */
export function label(table: Record<string, string>, code: string): string {
  return table[code] ?? code;
}

/** The parts of a Danish address, as the model crate sends them. */
export interface AddressParts {
  street: string;
  number: string | null;
  floor: string | null;
  door: string | null;
  postcode: string | null;
  city: string | null;
}

/** `{street} {number}[, {floor}.][ {door}], {postcode} {city}`: the same form as the Rust side. */
export function oneLineAddress(a: AddressParts): string {
  let s = a.street;
  if (a.number) s += ` ${a.number}`;
  if (a.floor && a.door) s += `, ${a.floor}. ${a.door}`;
  else if (a.floor) s += `, ${a.floor}.`;
  else if (a.door) s += `, ${a.door}`;
  if (a.postcode && a.city) s += `, ${a.postcode} ${a.city}`;
  else if (a.postcode) s += `, ${a.postcode}`;
  else if (a.city) s += `, ${a.city}`;
  return s;
}

export const ENTITY_LABEL: Record<string, string> = {
  proposal: "Forslag",
  sor: "SOR",
  org: "ORG",
  link: "Kobling",
  municipality: "Kommune",
  setting: "Indstilling",
};

/** The header line: "Korsbæk Kommune (CVR 12345678)". */
export function municipalityLine(name: string | null, cvr: string | null): string {
  if (name && cvr) return `${name} (CVR ${cvr})`;
  if (name) return name;
  if (cvr) return `CVR ${cvr}`;
  return "Ingen kommune valgt";
}

/** Proposal counts per status, summed over kinds (the API counts kind -> status -> n). */
export function countsByStatus(byKind: Record<string, Record<string, number | undefined> | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const statuses of Object.values(byKind)) {
    for (const [status, n] of Object.entries(statuses ?? {})) out[status] = (out[status] ?? 0) + (n ?? 0);
  }
  return out;
}
