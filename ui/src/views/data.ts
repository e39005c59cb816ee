// SOR-data and STS-Org-data: each register as a searchable, virtualised tree (the municipality's
// SOR subtree, the FK Organisation tree) or, for SOR, a search across the whole country; the
// selected unit's details and link beside it.

import type { OrgRow, SorRow } from "../platform";
import * as platform from "../platform";
import type { Address } from "../generated/Address";
import { formatCount, formatDanishDate, oneLineAddress } from "../logic/format";
import { fold } from "../logic/filter";
import { allParents, flattenTree, type TreeAccess, type TreeLine } from "../logic/tree";
import { askReason, askText } from "../ui/ask";
import { h, replace, type Child } from "../ui/dom";
import { DataTable, type Column } from "../ui/table";
import type { AppContext, View } from "./context";

/** Rows fetched per search; the tables are virtualised, so this is about transfer, not drawing. */
export const DATA_LIMIT = 100_000;
/** A country-wide search shows at most this many rows (SOR has ~200,000 entities). */
export const COUNTRY_LIMIT = 2_000;

const LEVEL_LABEL: Record<string, string> = { owner: "Ejer", institution: "Institution", unit: "Enhed" };

export function sorColumns(): Column<SorRow>[] {
  return [
    { title: "SOR-id", width: "170px", value: (r) => r.sor_id },
    { title: "Navn", width: "2fr", value: (r) => r.name },
    { title: "Niveau", width: "100px", value: (r) => (r.level ? (LEVEL_LABEL[r.level] ?? r.level) : "") },
    { title: "Adresse", width: "2fr", value: (r) => (r.address ? `${r.address}${r.address_inherited ? " (arvet)" : ""}` : "") },
    { title: "Type", width: "140px", value: (r) => r.type_code ?? "" },
    { title: "Lukket", width: "100px", value: (r) => (r.to_date ? formatDanishDate(r.to_date) : "") },
    { title: "ORG-kobling", width: "1fr", value: (r) => r.linked_org ?? "" },
  ];
}

export function orgColumns(): Column<OrgRow>[] {
  return [
    { title: "Navn", width: "2fr", value: (r) => r.name },
    { title: "Status", width: "90px", value: (r) => (r.status === "AKTIV" ? "Aktiv" : "Inaktiv") },
    { title: "Adresse", width: "2fr", value: (r) => r.address ?? "" },
    { title: "KLE", width: "1fr", value: (r) => r.kle.join(", ") },
    { title: "SOR-kobling", width: "170px", value: (r) => r.linked_sor ?? r.sor_code ?? "" },
    { title: "Datakvalitet", width: "1fr", value: (r) => r.quality.join("; ") },
  ];
}

/** The tree views' columns beside the name: the rest is in the detail pane. */
function sorTreeColumns(): Column<SorRow>[] {
  return [
    { title: "SOR-id", width: "150px", value: (r) => r.sor_id },
    { title: "Adresse", width: "2fr", value: (r) => (r.address ? `${r.address}${r.address_inherited ? " (arvet)" : ""}` : "") },
    { title: "Type", width: "130px", value: (r) => r.type_code ?? "" },
    { title: "Lukket", width: "90px", value: (r) => (r.to_date ? formatDanishDate(r.to_date) : "") },
    { title: "Koblet", width: "60px", value: (r) => (r.linked_org ? "Ja" : "") },
  ];
}

function orgTreeColumns(): Column<OrgRow>[] {
  return [
    { title: "Status", width: "70px", value: (r) => (r.status === "AKTIV" ? "Aktiv" : "Inaktiv") },
    { title: "Adresse", width: "2fr", value: (r) => r.address ?? "" },
    { title: "KLE", width: "1fr", value: (r) => r.kle.join(", ") },
    { title: "Koblet", width: "60px", value: (r) => (r.linked_sor ? "Ja" : "") },
    { title: "Datakvalitet", width: "1fr", value: (r) => r.quality.join("; ") },
  ];
}

const SOR_TREE: TreeAccess<SorRow> = { id: (r) => r.sor_id, parent: (r) => r.parent_id, name: (r) => r.name };
const ORG_TREE: TreeAccess<OrgRow> = { id: (r) => r.uuid, parent: (r) => r.parent_uuid, name: (r) => r.name };

/** The name column of a tree: indentation, an open/close button for branches, the name. */
function treeColumn<T>(
  title: string,
  access: TreeAccess<T>,
  toggle: (id: string) => void,
): Column<TreeLine<T>> {
  return {
    title,
    width: "minmax(220px, 3fr)",
    value: (l) => access.name(l.row),
    cell: (l) => {
      const name = access.name(l.row);
      const indent = h("span", { class: "indent" });
      indent.style.width = `${l.depth * 18}px`;
      let handle: HTMLElement;
      if (l.hasChildren) {
        handle = h("button", { type: "button", class: "twisty", testid: "tree-toggle", "aria-expanded": String(l.expanded), "aria-label": `${l.expanded ? "Fold sammen" : "Fold ud"}: ${name}` }, l.expanded ? "▾" : "▸");
        handle.addEventListener("click", (ev) => {
          ev.stopPropagation();
          toggle(access.id(l.row));
        });
      } else {
        handle = h("span", { class: "twisty" });
      }
      return h("span", { class: "tree-cell" }, indent, handle, h("span", { class: "tree-name" }, name));
    },
  };
}

/** Wrap row columns so they read the row of a tree line. */
function onLine<T>(columns: Column<T>[]): Column<TreeLine<T>>[] {
  return columns.map((c) => ({ title: c.title, width: c.width, value: (l: TreeLine<T>) => c.value(l.row) }));
}

function matcher(text: string, fields: (string | null | undefined)[][]): boolean {
  return fields.some((values) => values.some((v) => v && fold(v).includes(text)));
}

function detailRow(label: string, value: Child): HTMLElement | null {
  if (value === null || value === undefined || value === "") return null;
  return h("div", { class: "detail-row" }, h("dt", {}, label), h("dd", {}, value));
}

/** Shared shape of both views: toolbar, tree table, detail pane. */
abstract class RegisterView<T> implements View {
  readonly element: HTMLElement;
  protected rows: T[] = [];
  protected expanded = new Set<string>();
  protected readonly search: HTMLInputElement;
  protected readonly summary = h("span", { class: "status", "aria-live": "polite" });
  protected readonly detail = h("aside", { class: "detail", "aria-label": "Detaljer", tabindex: -1 });
  protected readonly table: DataTable<TreeLine<T>>;
  private timer = 0;

  constructor(
    protected readonly ctx: AppContext,
    protected readonly access: TreeAccess<T>,
    testid: string,
    title: string,
    nameTitle: string,
    columns: Column<T>[],
    extra: HTMLElement[] = [],
  ) {
    this.search = h("input", { type: "search", testid: `${testid}-search`, placeholder: "Søg i navn, adresse, id", "aria-label": `Søg i ${title}` });
    this.search.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => void this.reload().catch((e) => this.ctx.fail(e)), 200);
    });
    this.summary.dataset.testid = `${testid}-summary`;
    this.table = new DataTable<TreeLine<T>>({
      testid: `${testid}-table`,
      rowTestid: `${testid}-row`,
      label: title,
      columns: [treeColumn(nameTitle, access, (id) => this.toggle(id)), ...onLine(columns)],
      key: (l) => access.id(l.row),
      onSelect: (l) => this.select(l.row),
    });
    const openAll = h("button", { type: "button", testid: `${testid}-expand-all` }, "Fold alle ud");
    openAll.addEventListener("click", () => {
      this.expanded = allParents(this.rows, this.access);
      this.draw();
    });
    const closeAll = h("button", { type: "button" }, "Fold alle sammen");
    closeAll.addEventListener("click", () => {
      this.expanded.clear();
      this.draw();
    });
    replace(this.detail, h("p", { class: "decided" }, "Vælg en enhed for at se detaljer."));
    this.detail.dataset.testid = `${testid}-detail`;
    this.element = h(
      "section",
      { class: "view", testid: `view-${testid}` },
      h("h2", {}, title),
      h("div", { class: "toolbar" }, this.search, ...extra, openAll, closeAll, this.summary),
      h("div", { class: "data-split" }, this.table.element, this.detail),
    );
  }

  async refresh(): Promise<void> {
    await this.reload();
  }

  protected abstract fetch(): Promise<T[]>;
  protected abstract matches(row: T, folded: string): boolean;
  protected abstract describe(row: T): HTMLElement;
  /** False when the rows are a flat search result rather than a whole tree. */
  protected isTree(): boolean {
    return true;
  }

  protected async reload(): Promise<void> {
    const first = this.rows.length === 0;
    this.rows = await this.fetch();
    // The first time, the whole tree is open: the administrator sees every unit and folds away
    // what is not of interest.
    if (first) this.expanded = allParents(this.rows, this.access);
    this.draw();
  }

  protected draw(): void {
    const text = fold(this.search.value.trim());
    const lines = this.isTree()
      ? flattenTree(this.rows, this.access, this.expanded, text ? (r) => this.matches(r, text) : undefined)
      : this.rows.map((row) => ({ row, depth: 0, hasChildren: false, expanded: false }));
    this.table.setRows(lines);
    const shown = text ? `${formatCount(lines.length)} vist af ` : "";
    replace(this.summary, `${shown}${formatCount(this.rows.length)} enheder`);
  }

  private toggle(id: string): void {
    if (this.expanded.has(id)) this.expanded.delete(id);
    else this.expanded.add(id);
    this.draw();
  }

  private selectedId: string | null = null;

  private select(row: T): void {
    const id = this.access.id(row);
    this.selectedId = id;
    replace(this.detail, this.describe(row));
    // The register's full record follows; a newer selection wins over a slow answer.
    this.more(row)
      .then((extra) => {
        if (extra && this.selectedId === id) this.detail.append(extra);
      })
      .catch((error) => this.ctx.fail(error));
  }

  /** The full record from the register, shown below the row's summary. */
  protected abstract more(row: T): Promise<HTMLElement | null>;

  /** A button in the detail pane that runs an action, reports it and redraws. */
  protected action(label: string, testid: string, run: () => Promise<string>, cls = ""): HTMLButtonElement {
    const button = h("button", { type: "button", testid, class: cls }, label);
    button.addEventListener("click", async () => {
      try {
        this.ctx.notify(await run());
        await this.reload();
        await this.ctx.refreshCounts();
        replace(this.detail, h("p", { class: "decided" }, "Vælg en enhed for at se detaljer."));
      } catch (error) {
        this.ctx.fail(error);
      }
    });
    return button;
  }
}

class SorView extends RegisterView<SorRow> {
  private readonly country: HTMLInputElement;

  constructor(ctx: AppContext) {
    const country = h("input", { type: "checkbox", testid: "sor-country" });
    super(ctx, SOR_TREE, "sor", "SOR-data", "Navn", sorTreeColumns(), [h("label", {}, country, " Hele landet")]);
    this.country = country;
    country.addEventListener("change", () => void this.reload().catch((e) => ctx.fail(e)));
  }

  protected isTree(): boolean {
    return !this.country.checked;
  }

  protected fetch(): Promise<SorRow[]> {
    if (this.country.checked) {
      // The whole country is searched in the database, not drawn as one tree.
      return platform.sorEntities({ text: this.search.value.trim() || null, only_municipality: false, limit: COUNTRY_LIMIT, offset: null });
    }
    return platform.sorEntities({ text: null, only_municipality: true, limit: DATA_LIMIT, offset: null });
  }

  protected more(r: SorRow): Promise<HTMLElement | null> {
    return sorMore(r.sor_id);
  }

  protected matches(r: SorRow, text: string): boolean {
    return matcher(text, [[r.sor_id, r.name, r.address, r.ean, r.type_code]]);
  }

  protected describe(r: SorRow): HTMLElement {
    const actions = h("div", { class: "toolbar" });
    if (r.linked_org) {
      actions.append(this.action("Fjern kobling", "sor-unlink", async () => {
        const reason = await askReason("Fjern kobling", `SOR: ${r.name} (${r.sor_id})`, "Fjern kobling", "unlink");
        if (reason === undefined) return "Koblingen er ikke ændret.";
        await platform.unlink(r.linked_org!, r.sor_id, reason);
        return `Koblingen mellem ${r.name} og ORG-enheden er fjernet.`;
      }, "danger"));
    }
    if (r.level === "unit") {
      actions.append(this.action("Kun i SOR", "sor-only-in-sor", async () => {
        const reason = await askText({ title: "Kun i SOR", subject: `${r.name} (${r.sor_id})`, label: "Begrundelse (valgfri)", confirm: "Markér som kun i SOR", testid: "only-in-sor" });
        if (reason === undefined) return "Enheden er ikke ændret.";
        await platform.setOnlyInSor(r.sor_id, true, reason);
        return `${r.name} er markeret som "kun i SOR" og foreslås ikke slettet.`;
      }));
    }
    return h(
      "div",
      {},
      h("h3", {}, r.name),
      h(
        "dl",
        {},
        detailRow("SOR-id", r.sor_id),
        detailRow("Niveau", r.level ? (LEVEL_LABEL[r.level] ?? r.level) : null),
        detailRow("Enhedstype", r.type_code),
        detailRow("Adresse", r.address ? `${r.address}${r.address_inherited ? " (arvet fra overordnet)" : ""}` : null),
        detailRow("EAN", r.ean),
        detailRow("Gyldig fra", r.from_date ? formatDanishDate(r.from_date) : null),
        detailRow("Lukket", r.to_date ? formatDanishDate(r.to_date) : null),
        detailRow("Overordnet", r.parent_id),
        detailRow("ORG-kobling", r.linked_org ?? "Ikke koblet"),
      ),
      actions,
    );
  }
}

function addressText(a: Address | null, inherited: boolean): string | null {
  if (!a) return null;
  return `${oneLineAddress(a)}${inherited ? " (arvet)" : ""}`;
}

async function sorMore(sorId: string): Promise<HTMLElement | null> {
  const e = await platform.sorEntity(sorId);
  if (!e) return null;
  return h(
    "div",
    { testid: "sor-detail-more" },
    h("h4", {}, "Fra SOR"),
    h(
      "dl",
      {},
      detailRow("Postadresse", addressText(e.postal_address, e.postal_inherited)),
      detailRow("Besøgsadresse", addressText(e.visiting_address, e.visiting_inherited)),
      detailRow("Aktivitetsadresse", addressText(e.activity_address, false)),
      detailRow("Telefon", e.phone ? `${e.phone}${e.telecom_inherited ? " (arvet)" : ""}` : null),
      detailRow("E-mail", e.email),
      detailRow("Web", e.website),
      detailRow("EAN", e.ean ? `${e.ean}${e.ean_inherited ? " (arvet)" : ""}` : null),
      detailRow("SHAK", e.shak),
      detailRow("Lokal kode", e.local_code),
      detailRow("Første fra-dato", e.first_from_date ? formatDanishDate(e.first_from_date) : null),
      detailRow("Opdateret", e.updated_at ? formatDanishDate(e.updated_at) : null),
      detailRow("Erstatter", e.replaces.join(", ")),
      detailRow("Erstattet af", e.replaced_by.join(", ")),
    ),
  );
}

async function orgMore(uuid: string): Promise<HTMLElement | null> {
  const d = await platform.orgUnit(uuid);
  if (!d) return null;
  return h(
    "div",
    { testid: "org-detail-more" },
    h("h4", {}, "Fra FK Organisation"),
    h(
      "dl",
      {},
      detailRow("Placering", d.path),
      detailRow("Brugervendt nøgle", d.user_key),
      detailRow("Gyldig fra", d.valid_from ? formatDanishDate(d.valid_from) : null),
      detailRow("Gyldig til", d.valid_to ? formatDanishDate(d.valid_to) : null),
      detailRow("Underenheder", d.children ? String(d.children) : null),
      ...d.addresses.map((a) => detailRow(a.role_title, a.parse_error ? `${a.text} (kan ikke læses: ${a.parse_error})` : a.text)),
      detailRow("KLE-opgaver", d.kle.length ? h("ul", {}, ...d.kle.map((k) => h("li", {}, `${k.number} ${k.title}${k.role ? ` (${k.role})` : ""}`))) : null),
    ),
  );
}

class OrgView extends RegisterView<OrgRow> {
  constructor(ctx: AppContext) {
    super(ctx, ORG_TREE, "org", "STS-Org-data", "Navn", orgTreeColumns());
  }

  protected fetch(): Promise<OrgRow[]> {
    return platform.orgUnits({ text: null, only_municipality: false, limit: DATA_LIMIT, offset: null });
  }

  protected more(r: OrgRow): Promise<HTMLElement | null> {
    return orgMore(r.uuid);
  }

  protected matches(r: OrgRow, text: string): boolean {
    return matcher(text, [[r.uuid, r.name, r.address, r.sor_code, r.linked_sor], r.kle, r.quality]);
  }

  protected describe(r: OrgRow): HTMLElement {
    const actions = h("div", { class: "toolbar" });
    if (r.linked_sor) {
      actions.append(this.action("Fjern kobling", "org-unlink", async () => {
        const reason = await askReason("Fjern kobling", `ORG: ${r.name}`, "Fjern kobling", "unlink");
        if (reason === undefined) return "Koblingen er ikke ændret.";
        await platform.unlink(r.uuid, r.linked_sor!, reason);
        return `Koblingen mellem ${r.name} og SOR-enheden er fjernet.`;
      }, "danger"));
    }
    return h(
      "div",
      {},
      h("h3", {}, r.name),
      h(
        "dl",
        {},
        detailRow("UUID", r.uuid),
        detailRow("Status", r.status === "AKTIV" ? "Aktiv" : "Inaktiv"),
        detailRow("Adresse", r.address),
        detailRow("KLE", r.kle.length ? h("ul", {}, ...r.kle.map((k) => h("li", {}, k))) : null),
        detailRow("SOR-kode i FK", r.sor_code),
        detailRow("SOR-kobling", r.linked_sor ?? "Ikke koblet"),
      ),
      r.quality.length
        ? h("div", { class: "quality", testid: "org-quality" }, h("h4", {}, "Skal rettes i FK Organisation"), h("ul", {}, ...r.quality.map((q) => h("li", {}, q))))
        : null,
      actions,
    );
  }
}

export class DataViews {
  readonly sor: View;
  readonly org: View;

  constructor(ctx: AppContext) {
    this.sor = new SorView(ctx);
    this.org = new OrgView(ctx);
  }
}
