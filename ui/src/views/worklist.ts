// Arbejdsliste til SOR: the concrete changes the approved proposals ask for in SOR, with their
// status (venter -> udført -> bekræftet by a later SOR import), and exports to follow in SOR.

import type { OutboxStatus, OutboxView, SorRow, WorklistFormat } from "../platform";
import * as platform from "../platform";
import { formatCount, formatDanishDate, formatDanishDateTime } from "../logic/format";
import { h, replace } from "../ui/dom";
import { DataTable } from "../ui/table";
import type { AppContext, View } from "./context";

export const OUTBOX_STATUS_LABEL: Record<OutboxStatus, string> = {
  pending: "Venter",
  done: "Udført i SOR",
  confirmed: "Bekræftet af SOR",
  withdrawn: "Trukket tilbage",
};

export class WorklistView implements View {
  readonly element: HTMLElement;
  private readonly table: DataTable<OutboxView>;
  private readonly summary = h("span", { class: "status", testid: "worklist-summary", "aria-live": "polite" });
  private readonly status = h(
    "select",
    { testid: "worklist-status", "aria-label": "Status" },
    h("option", { value: "" }, "Alle"),
    ...Object.entries(OUTBOX_STATUS_LABEL).map(([k, v]) => h("option", { value: k, selected: k === "pending" }, v)),
  );

  constructor(private readonly ctx: AppContext) {
    this.table = new DataTable<OutboxView>({
      testid: "worklist-table",
      rowTestid: "worklist-row",
      label: "Arbejdsliste til SOR",
      rowHeight: 56,
      columns: [
        { title: "Oprettet", width: "130px", value: (o) => formatDanishDateTime(o.created_at) },
        { title: "Hvad skal gøres i SOR", width: "2fr", value: (o) => o.title },
        { title: "Felter", width: "2fr", value: (o) => o.fields.map((f) => `${f.label}: ${f.value}`).join(" · ") },
        { title: "Status", width: "170px", value: (o) => statusText(o) },
        { title: "", width: "150px", value: () => "", cell: (o) => this.doneButton(o) },
      ],
    });
    this.status.addEventListener("change", () => void this.refresh().catch((e) => ctx.fail(e)));
    const exports = (["csv", "xlsx", "html"] as WorklistFormat[]).map((format) => {
      const button = h("button", { type: "button", testid: `worklist-export-${format}` }, format === "html" ? "Udskriftsvenlig side" : `Eksportér ${format.toUpperCase()}`);
      button.addEventListener("click", () => void this.export(format));
      return button;
    });
    this.element = h(
      "section",
      { class: "view", testid: "view-worklist" },
      h("h2", {}, "Arbejdsliste til SOR"),
      h("p", { class: "decided" }, "Godkendte forslag bliver til ændringer, der skal laves i SOR. Markér dem som udført; en senere SOR-indlæsning bekræfter dem."),
      h("div", { class: "toolbar" }, this.status, ...exports, this.summary),
      this.table.element,
    );
  }

  async refresh(): Promise<void> {
    const items = await platform.outbox((this.status.value || null) as OutboxStatus | null);
    this.table.setRows(items);
    replace(this.summary, `${formatCount(items.length)} ændringer`);
  }

  private doneButton(o: OutboxView): Node {
    if (o.status !== "pending" && o.status !== "done") return document.createTextNode("");
    const done = o.status === "done";
    const button = h("button", { type: "button", testid: done ? "worklist-undone" : "worklist-done" }, done ? "Ikke udført" : "Markér udført");
    button.addEventListener("click", async (ev) => {
      ev.stopPropagation();
      try {
        await platform.markOutboxDone(o.id, !done);
        this.ctx.notify(done ? `"${o.title}" venter igen.` : `"${o.title}" er markeret som udført i SOR.`);
        await this.refresh();
      } catch (error) {
        this.ctx.fail(error);
      }
    });
    return button;
  }

  private async export(format: WorklistFormat): Promise<void> {
    try {
      const done = await platform.exportOutbox(format, (this.status.value || null) as OutboxStatus | null);
      if (done) this.ctx.notify(`Arbejdslisten er gemt i ${done.path} (${formatCount(done.report.rows)} ændringer).`);
    } catch (error) {
      this.ctx.fail(error);
    }
  }
}

function statusText(o: OutboxView): string {
  const base = OUTBOX_STATUS_LABEL[o.status] ?? o.status;
  if (o.status === "confirmed" && o.confirmed_at) return `${base} ${formatDanishDateTime(o.confirmed_at)}`;
  if (o.status === "done" && o.done_at) return `${base} ${formatDanishDateTime(o.done_at)}`;
  return base;
}

/** Kun i SOR: SOR units kept on purpose although no ORG unit matches them. */
export class OnlyInSorView implements View {
  readonly element: HTMLElement;
  private readonly table: DataTable<SorRow>;
  private readonly summary = h("span", { class: "status", testid: "only-in-sor-summary", "aria-live": "polite" });

  constructor(private readonly ctx: AppContext) {
    this.table = new DataTable<SorRow>({
      testid: "only-in-sor-table",
      rowTestid: "only-in-sor-row",
      label: "Kun i SOR",
      columns: [
        { title: "SOR-id", width: "170px", value: (r) => r.sor_id },
        { title: "Navn", width: "2fr", value: (r) => r.name },
        { title: "Adresse", width: "2fr", value: (r) => r.address ?? "" },
        { title: "Lukket", width: "100px", value: (r) => (r.to_date ? formatDanishDate(r.to_date) : "") },
        { title: "", width: "150px", value: () => "", cell: (r) => this.removeButton(r) },
      ],
    });
    this.element = h(
      "section",
      { class: "view", testid: "view-only-in-sor" },
      h("h2", {}, "Kun i SOR"),
      h("p", { class: "decided" }, "SOR-enheder, der kun findes i SOR (fx et teknisk lokationsnummer). De beholdes og foreslås aldrig slettet."),
      h("div", { class: "toolbar" }, this.summary),
      this.table.element,
    );
  }

  async refresh(): Promise<void> {
    const rows = await platform.onlyInSor();
    this.table.setRows(rows);
    replace(this.summary, rows.length ? `${formatCount(rows.length)} enheder` : "Ingen enheder er markeret som kun i SOR.");
  }

  private removeButton(r: SorRow): Node {
    const button = h("button", { type: "button", testid: "only-in-sor-remove" }, "Fjern markering");
    button.addEventListener("click", async (ev) => {
      ev.stopPropagation();
      try {
        await platform.setOnlyInSor(r.sor_id, false, null);
        this.ctx.notify(`${r.name} er ikke længere markeret som kun i SOR.`);
        await this.refresh();
      } catch (error) {
        this.ctx.fail(error);
      }
    });
    return button;
  }
}
