// Log over ændringer: every event with time, source, who and what; export to CSV or JSON.

import type { ChangeSource, ExportFormat, LogEntry } from "../platform";
import * as platform from "../platform";
import { ENTITY_LABEL, formatCount, formatDanishDateTime, label, SOURCE_LABEL } from "../logic/format";
import { h, replace } from "../ui/dom";
import { DataTable } from "../ui/table";
import type { AppContext, View } from "./context";

/** Enough for every log the municipality will have for years; the table is virtualised. */
const LOG_LIMIT = 200_000;

export class LogView implements View {
  private readonly table: DataTable<LogEntry>;
  private readonly summary = h("span", { class: "status", testid: "log-summary", "aria-live": "polite" });
  private readonly search = h("input", { type: "search", testid: "log-search", placeholder: "Søg i log", "aria-label": "Søg i log" });
  private readonly source = h(
    "select",
    { testid: "log-source", "aria-label": "Kilde" },
    h("option", { value: "" }, "Alle kilder"),
    ...Object.entries(SOURCE_LABEL).map(([k, v]) => h("option", { value: k }, v)),
  );
  private timer = 0;
  readonly element: HTMLElement;

  constructor(private readonly ctx: AppContext) {
    this.table = new DataTable<LogEntry>({
      testid: "log-table",
      rowTestid: "log-row",
      label: "Log over ændringer",
      columns: [
        { title: "Tid", width: "140px", value: (e) => formatDanishDateTime(e.at) },
        { title: "Kilde", width: "130px", value: (e) => label(SOURCE_LABEL, e.source) },
        { title: "Hvem", width: "120px", value: (e) => e.who },
        { title: "Hvad", width: "1fr", value: (e) => e.summary },
        { title: "Enhed", width: "220px", value: (e) => `${label(ENTITY_LABEL, e.entity_kind)} ${e.entity_id}` },
      ],
    });
    this.search.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => void this.refresh(), 200);
    });
    this.source.addEventListener("change", () => void this.refresh());
    const csv = h("button", { type: "button", testid: "log-export-csv" }, "Eksportér CSV");
    csv.addEventListener("click", () => void this.export("csv"));
    const json = h("button", { type: "button", testid: "log-export-json" }, "Eksportér JSON");
    json.addEventListener("click", () => void this.export("json"));
    this.element = h(
      "section",
      { class: "view", testid: "view-log" },
      h("h2", {}, "Log over ændringer"),
      h("div", { class: "toolbar" }, this.search, this.source, csv, json, this.summary),
      this.table.element,
    );
  }

  async refresh(): Promise<void> {
    const text = this.search.value.trim();
    const source = this.source.value;
    const rows = await platform.log({
      source: source ? (source as ChangeSource) : null,
      text: text || null,
      from: null,
      to: null,
      limit: LOG_LIMIT,
      offset: null,
    });
    this.table.setRows(rows);
    replace(this.summary, `${formatCount(rows.length)} hændelser`);
  }

  private async export(format: ExportFormat): Promise<void> {
    try {
      const done = await platform.exportLog(format);
      if (done) this.ctx.notify(`Loggen er gemt i ${done.path}.`);
    } catch (error) {
      this.ctx.fail(error);
    }
  }
}
