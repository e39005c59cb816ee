// Klargør data i FK Organisation: what the municipality must fix in FK Organisation before SOR
// can follow it (no postal address, no KLE, an address that does not parse, an invalid SOR code).

import type { QualityTask } from "../platform";
import * as platform from "../platform";
import { formatCount } from "../logic/format";
import { matchesQuery } from "../logic/filter";
import { h, replace } from "../ui/dom";
import { DataTable } from "../ui/table";
import type { AppContext, View } from "./context";

export class QualityView implements View {
  readonly element: HTMLElement;
  private tasks: QualityTask[] = [];
  private readonly table: DataTable<QualityTask>;
  private readonly summary = h("span", { class: "status", testid: "quality-summary", "aria-live": "polite" });
  private readonly search = h("input", { type: "search", testid: "quality-search", placeholder: "Søg i enhed eller problem", "aria-label": "Søg" });

  constructor(private readonly ctx: AppContext) {
    this.table = new DataTable<QualityTask>({
      testid: "quality-table",
      rowTestid: "quality-row",
      label: "Klargør data i FK Organisation",
      columns: [
        { title: "Enhed", width: "1.5fr", value: (t) => t.unit_name },
        { title: "Placering", width: "2fr", value: (t) => t.path },
        { title: "Felt", width: "140px", value: (t) => t.field },
        { title: "Problem", width: "2fr", value: (t) => t.problem },
      ],
    });
    this.search.addEventListener("input", () => this.draw());
    const exportCsv = h("button", { type: "button", testid: "quality-export" }, "Eksportér CSV");
    exportCsv.addEventListener("click", () => void this.export());
    this.element = h(
      "section",
      { class: "view", testid: "view-quality" },
      h("h2", {}, "Klargør data i FK Organisation"),
      h("p", { class: "decided" }, "Disse enheder skal rettes i FK Organisation, før SOR kan følge dem."),
      h("div", { class: "toolbar" }, this.search, exportCsv, this.summary),
      this.table.element,
    );
  }

  async refresh(): Promise<void> {
    this.tasks = await platform.qualityTasks();
    this.draw();
  }

  private draw(): void {
    const shown = this.tasks.filter((t) => matchesQuery([t.unit_name, t.path, t.field, t.problem, t.org_uuid], this.search.value));
    this.table.setRows(shown);
    replace(this.summary, this.tasks.length ? `${formatCount(shown.length)} af ${formatCount(this.tasks.length)} opgaver` : "Ingen opgaver: data i FK Organisation er klar.");
  }

  private async export(): Promise<void> {
    try {
      const done = await platform.exportQuality();
      if (done) this.ctx.notify(`Listen er gemt i ${done.path} (${formatCount(done.rows)} opgaver).`);
    } catch (error) {
      this.ctx.fail(error);
    }
  }
}
