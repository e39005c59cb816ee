// Manuel oprettelse: search both registers, pick one unit on each side, and link them.

import type { OrgRow, SorRow } from "../platform";
import * as platform from "../platform";
import { h, replace } from "../ui/dom";
import { DataTable } from "../ui/table";
import type { AppContext, View } from "./context";
import { editUnit } from "./create-edit";
import { orgColumns, sorColumns } from "./data";

const PICK_LIMIT = 500;

export class ManualView implements View {
  readonly element: HTMLElement;
  private org: OrgRow | null = null;
  private sor: SorRow | null = null;
  private readonly orgSearch = h("input", { type: "search", testid: "manual-org-search", placeholder: "Søg ORG-enhed", "aria-label": "Søg ORG-enhed" });
  private readonly sorSearch = h("input", { type: "search", testid: "manual-sor-search", placeholder: "Søg SOR-enhed", "aria-label": "Søg SOR-enhed" });
  private readonly orgTable: DataTable<OrgRow>;
  private readonly sorTable: DataTable<SorRow>;
  private readonly choice = h("span", { testid: "manual-choice", "aria-live": "polite" });
  private readonly linkButton = h("button", { type: "button", class: "primary", testid: "manual-link", disabled: true }, "Opret kobling");
  private readonly createButton = h("button", { type: "button", testid: "manual-create", disabled: true, title: "Bestil en ny SOR-enhed for den valgte ORG-enhed" }, "Opret i SOR …");
  private timer = 0;

  constructor(private readonly ctx: AppContext) {
    this.orgTable = new DataTable<OrgRow>({
      testid: "manual-org-table",
      rowTestid: "manual-org-row",
      label: "ORG-enheder",
      columns: orgColumns().slice(0, 3),
      key: (r) => r.uuid,
      onSelect: (r) => {
        this.org = r;
        this.update();
      },
    });
    this.sorTable = new DataTable<SorRow>({
      testid: "manual-sor-table",
      rowTestid: "manual-sor-row",
      label: "SOR-enheder",
      columns: [sorColumns()[0], sorColumns()[1], sorColumns()[3]],
      key: (r) => r.sor_id,
      onSelect: (r) => {
        this.sor = r;
        this.update();
      },
    });
    for (const input of [this.orgSearch, this.sorSearch]) {
      input.addEventListener("input", () => {
        clearTimeout(this.timer);
        this.timer = window.setTimeout(() => void this.refresh().catch((e) => this.ctx.fail(e)), 200);
      });
    }
    this.linkButton.addEventListener("click", () => void this.link());
    this.createButton.addEventListener("click", () => void this.create());
    this.element = h(
      "section",
      { class: "view", testid: "view-manual" },
      h("h2", {}, "Manuel oprettelse"),
      h("p", { class: "decided" }, "Vælg en enhed i hver side og opret koblingen, eller vælg en ORG-enhed og bestil en ny SOR-enhed for den. Begge dele logges med dit navn."),
      h(
        "div",
        { class: "manual" },
        h("section", {}, h("h3", {}, "ORG (STS Organisation)"), this.orgSearch, this.orgTable.element),
        h("section", {}, h("h3", {}, "SOR"), this.sorSearch, this.sorTable.element),
      ),
      h("div", { class: "toolbar" }, this.choice, this.linkButton, this.createButton),
    );
    this.update();
  }

  async refresh(): Promise<void> {
    const [orgs, sors] = await Promise.all([
      platform.orgUnits({ text: this.orgSearch.value.trim() || null, only_municipality: false, limit: PICK_LIMIT, offset: null }),
      platform.sorEntities({ text: this.sorSearch.value.trim() || null, only_municipality: true, limit: PICK_LIMIT, offset: null }),
    ]);
    this.orgTable.setRows(orgs);
    this.sorTable.setRows(sors);
  }

  private update(): void {
    replace(this.choice, `ORG: ${this.org ? this.org.name : "ingen valgt"} ↔ SOR: ${this.sor ? `${this.sor.name} (${this.sor.sor_id})` : "ingen valgt"}`);
    this.linkButton.disabled = !(this.org && this.sor);
    this.createButton.disabled = !this.org;
  }

  /** A SOR unit for the chosen ORG unit, from fields drafted from FK Organisation. */
  private async create(): Promise<void> {
    const org = this.org;
    if (!org) return;
    try {
      const draft = await platform.draftNewUnit(org.uuid);
      const done = await editUnit(`Ny SOR-enhed for ORG-enheden ${org.name}. Felterne er hentet fra FK Organisation; ret dem, hvis SOR skal have andre værdier.`, draft, (unit) =>
        platform.createManually(org.uuid, unit),
      );
      if (done === null) return;
      this.ctx.notify(`Oprettelsen af ${done.new_unit?.name ?? org.name} er godkendt (#${done.id}) og står på arbejdslisten til SOR.`);
      await this.ctx.refreshCounts();
    } catch (error) {
      this.ctx.fail(error);
    }
  }

  private async link(): Promise<void> {
    if (!this.org || !this.sor) return;
    try {
      await platform.link(this.org.uuid, this.sor.sor_id);
      this.ctx.notify(`${this.org.name} er koblet til SOR-enheden ${this.sor.name} (${this.sor.sor_id}).`);
      await this.ctx.refreshCounts();
      await this.refresh();
    } catch (error) {
      this.ctx.fail(error);
    }
  }
}
