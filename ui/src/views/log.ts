// Log over ændringer: every event with time, source, who, what and before/after; filters by
// date range, unit, source and text; undo of decisions; export to CSV, XLSX or JSON.

import type { ChangeSource, ExportFormat, LogRow } from "../platform";
import * as platform from "../platform";
import { ENTITY_LABEL, formatCount, formatDanishDateTime, label, SOURCE_LABEL } from "../logic/format";
import { askReason } from "../ui/ask";
import { h, replace } from "../ui/dom";
import { DataTable } from "../ui/table";
import type { AppContext, View } from "./context";

/** Rows fetched at a time; the next page is fetched as the administrator scrolls near the end. */
export const LOG_PAGE = 2_000;

export class LogView implements View {
  private readonly table: DataTable<LogRow>;
  private readonly summary = h("span", { class: "status", testid: "log-summary", "aria-live": "polite" });
  private readonly search = h("input", { type: "search", testid: "log-search", placeholder: "Søg i log", "aria-label": "Søg i log" });
  private readonly unit = h("input", { type: "search", testid: "log-unit", placeholder: "Enhed (ORG-uuid eller SOR-id)", "aria-label": "Enhed" });
  private readonly from = h("input", { type: "date", testid: "log-from", "aria-label": "Fra dato" });
  private readonly to = h("input", { type: "date", testid: "log-to", "aria-label": "Til dato" });
  private readonly source = h(
    "select",
    { testid: "log-source", "aria-label": "Kilde" },
    h("option", { value: "" }, "Alle kilder"),
    ...Object.entries(SOURCE_LABEL).map(([k, v]) => h("option", { value: k }, v)),
  );
  private timer = 0;
  private rows: LogRow[] = [];
  private total = 0;
  private loading: Promise<void> | null = null;
  /** Bumped by every new search, so that a page of an old search is dropped. */
  private generation = 0;
  readonly element: HTMLElement;

  constructor(private readonly ctx: AppContext) {
    this.table = new DataTable<LogRow>({
      testid: "log-table",
      rowTestid: "log-row",
      label: "Log over ændringer",
      onNearEnd: () => void this.more().catch((e) => this.ctx.fail(e)),
      columns: [
        { title: "Tid", width: "140px", value: (r) => formatDanishDateTime(r.entry.at) },
        { title: "Kilde", width: "120px", value: (r) => label(SOURCE_LABEL, r.entry.source) },
        { title: "Hvem", width: "110px", value: (r) => r.entry.who },
        { title: "Hvad", width: "2fr", value: (r) => r.entry.summary },
        { title: "Før → efter", width: "1fr", value: (r) => (r.entry.before || r.entry.after ? `${r.entry.before ?? "–"} → ${r.entry.after ?? "–"}` : "") },
        { title: "Enhed", width: "200px", value: (r) => `${label(ENTITY_LABEL, r.entry.entity_kind)} ${r.entry.entity_id}` },
        { title: "", width: "90px", value: (r) => (r.undoable ? "Fortryd" : ""), cell: (r) => (r.undoable ? this.undoButton(r) : document.createTextNode("")) },
      ],
    });
    for (const input of [this.search, this.unit]) {
      input.addEventListener("input", () => {
        clearTimeout(this.timer);
        this.timer = window.setTimeout(() => void this.refresh().catch((e) => this.ctx.fail(e)), 200);
      });
    }
    for (const input of [this.source, this.from, this.to]) input.addEventListener("change", () => void this.refresh().catch((e) => this.ctx.fail(e)));
    const exports = (["csv", "xlsx", "json"] as ExportFormat[]).map((format) => {
      const button = h("button", { type: "button", testid: `log-export-${format}` }, `Eksportér ${format.toUpperCase()}`);
      button.addEventListener("click", () => void this.export(format));
      return button;
    });
    this.element = h(
      "section",
      { class: "view", testid: "view-log" },
      h("h2", {}, "Log over ændringer"),
      h("div", { class: "toolbar" }, this.search, this.unit, this.source, h("label", {}, "Fra ", this.from), h("label", {}, "Til ", this.to)),
      h("div", { class: "toolbar" }, ...exports, this.summary),
      this.table.element,
    );
  }

  async refresh(): Promise<void> {
    this.generation += 1;
    this.rows = [];
    this.total = 0;
    this.loading = null;
    await this.fetchPage(this.generation);
  }

  /** The next page, if there is one and none is on its way. */
  private async more(): Promise<void> {
    if (this.loading || this.rows.length >= this.total) return;
    await this.fetchPage(this.generation);
  }

  private fetchPage(generation: number): Promise<void> {
    const source = this.source.value;
    const load = platform
      .logPage({
        source: source ? (source as ChangeSource) : null,
        text: this.search.value.trim() || null,
        entity_id: this.unit.value.trim() || null,
        action: null,
        from: this.from.value || null,
        to: this.to.value || null,
        limit: LOG_PAGE,
        offset: this.rows.length,
      })
      .then((page) => {
        if (generation !== this.generation) return;
        this.rows = this.rows.concat(page.rows);
        this.total = page.total;
        this.table.setRows(this.rows);
        replace(this.summary, `${formatCount(page.total)} hændelser`);
      })
      .finally(() => {
        if (generation === this.generation) this.loading = null;
      });
    this.loading = load;
    return load;
  }

  private undoButton(r: LogRow): HTMLElement {
    const button = h("button", { type: "button", testid: "log-undo", title: `Fortryd: ${r.entry.summary}` }, "Fortryd");
    button.addEventListener("click", async (ev) => {
      ev.stopPropagation();
      const reason = await askReason("Fortryd beslutningen", r.entry.summary, "Fortryd", "undo");
      if (reason === undefined) return;
      try {
        await platform.undo(r.entry.id, reason);
        this.ctx.notify(`Fortrudt: ${r.entry.summary}`);
        await this.refresh();
        await this.ctx.refreshCounts();
      } catch (error) {
        this.ctx.fail(error);
      }
    });
    return button;
  }

  private async export(format: ExportFormat): Promise<void> {
    try {
      const done = await platform.exportLog(format);
      if (done) this.ctx.notify(`Loggen er gemt i ${done.path} (${formatCount(done.report.rows)} rækker).`);
    } catch (error) {
      this.ctx.fail(error);
    }
  }
}
