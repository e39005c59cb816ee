// SOR-data and STS-Org-data: searchable, virtualised tables of both registers.

import type { OrgRow, SorRow } from "../platform";
import * as platform from "../platform";
import { formatCount, formatDanishDate } from "../logic/format";
import { h, replace } from "../ui/dom";
import { DataTable } from "../ui/table";
import type { AppContext, View } from "./context";

/** Rows fetched per search; the tables are virtualised, so this is about transfer, not drawing. */
export const DATA_LIMIT = 100_000;

const LEVEL_LABEL: Record<string, string> = { owner: "Ejer", institution: "Institution", unit: "Enhed" };

export function sorColumns() {
  return [
    { title: "SOR-id", width: "170px", value: (r: SorRow) => r.sor_id },
    { title: "Navn", width: "2fr", value: (r: SorRow) => r.name },
    { title: "Niveau", width: "100px", value: (r: SorRow) => (r.level ? (LEVEL_LABEL[r.level] ?? r.level) : "") },
    { title: "Adresse", width: "2fr", value: (r: SorRow) => (r.address ? `${r.address}${r.address_inherited ? " (arvet)" : ""}` : "") },
    { title: "Type", width: "140px", value: (r: SorRow) => r.type_code ?? "" },
    { title: "Lukket", width: "100px", value: (r: SorRow) => (r.to_date ? formatDanishDate(r.to_date) : "") },
    { title: "ORG-kobling", width: "1fr", value: (r: SorRow) => r.linked_org ?? "" },
  ];
}

export function orgColumns() {
  return [
    { title: "Navn", width: "2fr", value: (r: OrgRow) => r.name },
    { title: "Status", width: "90px", value: (r: OrgRow) => (r.status === "AKTIV" ? "Aktiv" : "Inaktiv") },
    { title: "Adresse", width: "2fr", value: (r: OrgRow) => r.address ?? "" },
    { title: "KLE", width: "1fr", value: (r: OrgRow) => r.kle.join(", ") },
    { title: "SOR-kobling", width: "170px", value: (r: OrgRow) => r.linked_sor ?? r.sor_code ?? "" },
    { title: "Datakvalitet", width: "1fr", value: (r: OrgRow) => r.quality.join("; ") },
  ];
}

/** A search box, a table and a count, re-queried as the administrator types. */
class SearchTable<T> implements View {
  readonly element: HTMLElement;
  readonly search: HTMLInputElement;
  private readonly summary = h("span", { class: "status", "aria-live": "polite" });
  private timer = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly table: DataTable<T>,
    private readonly fetch: (text: string | null) => Promise<T[]>,
    testid: string,
    title: string,
    extra: HTMLElement[] = [],
  ) {
    this.search = h("input", { type: "search", testid: `${testid}-search`, placeholder: "Søg i navn, adresse, id", "aria-label": `Søg i ${title}` });
    this.search.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => void this.refresh().catch((e) => this.ctx.fail(e)), 200);
    });
    this.summary.dataset.testid = `${testid}-summary`;
    this.element = h("section", { class: "view", testid: `view-${testid}` }, h("h2", {}, title), h("div", { class: "toolbar" }, this.search, ...extra, this.summary), table.element);
  }

  async refresh(): Promise<void> {
    const rows = await this.fetch(this.search.value.trim() || null);
    this.table.setRows(rows);
    replace(this.summary, `${formatCount(rows.length)} rækker${rows.length >= DATA_LIMIT ? " (søg for at se flere)" : ""}`);
  }
}

export class DataViews {
  readonly sor: View;
  readonly org: View;

  constructor(ctx: AppContext) {
    const only = h("input", { type: "checkbox", testid: "sor-only-municipality", checked: true });
    const onlyLabel = h("label", {}, only, " Kun kommunens egne");
    const sorTable = new DataTable<SorRow>({ testid: "sor-table", rowTestid: "sor-row", label: "SOR-data", columns: sorColumns() });
    const sor = new SearchTable<SorRow>(ctx, sorTable, (text) => platform.sorEntities({ text, only_municipality: only.checked, limit: DATA_LIMIT, offset: null }), "sor", "SOR-data", [onlyLabel]);
    only.addEventListener("change", () => void sor.refresh().catch((e) => ctx.fail(e)));
    this.sor = sor;

    const orgTable = new DataTable<OrgRow>({ testid: "org-table", rowTestid: "org-row", label: "STS-Org-data", columns: orgColumns() });
    this.org = new SearchTable<OrgRow>(ctx, orgTable, (text) => platform.orgUnits({ text, only_municipality: false, limit: DATA_LIMIT, offset: null }), "org", "STS-Org-data");
  }
}
