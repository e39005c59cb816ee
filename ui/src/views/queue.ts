// Nye / Godkendte / Afviste forslag: one card per proposal, ORG | SOR side by side.

import type { ProposalView } from "../platform";
import * as platform from "../platform";
import { compareFields, diffWords } from "../logic/diff";
import { compareBy, fold, inBand, kleAreas, matchesQuery, type ScoreBand, type SortOrder } from "../logic/filter";
import { FIELD_LABEL, formatDanishDateTime, formatScore, KIND_LABEL, label, oneLineAddress, STATUS_LABEL } from "../logic/format";
import { askReason } from "../ui/ask";
import { h, orUnknown, replace, type Child } from "../ui/dom";
import { VirtualList } from "../ui/virtual-list";
import type { AppContext, View } from "./context";
import { showBulkApproval } from "./bulk";
import { editNewUnit } from "./create-edit";
import { showExplanation } from "./explanation";
import { undoDecision } from "./undo";

type Status = "new" | "approved" | "rejected";

const CARD_HEIGHT = 168;

/** The two buttons of each kind, as the slide names them: [approve, reject]. */
const ACTIONS: Record<string, [string, string]> = {
  link: ["GODKEND", "AFVIS"],
  create: ["OPRET", "AFVIS"],
  delete: ["SLET SOR-DATA", "BEHOLD"],
  update: ["GODKEND", "AFVIS"],
};

const TITLES: Record<Status, string> = {
  new: "Nye forslag",
  approved: "Godkendte forslag",
  rejected: "Afviste forslag",
};

/** Text with the words that differ from `other` wrapped in <mark>, built from text nodes. */
function marked(value: string, other: string | null): Child[] {
  if (other === null) return [value];
  return diffWords(value, other).map((s) => (s.changed ? h("mark", { class: "diff" }, s.text) : s.text));
}

function sideValues(p: ProposalView): { org: Record<string, string | null>; sor: Record<string, string | null> } {
  const org: Record<string, string | null> = { name: p.org?.name ?? null, address: p.org?.address ?? null };
  const sor: Record<string, string | null> = { name: p.sor?.name ?? null, address: p.sor?.address ?? null };
  for (const c of p.changes) {
    org[c.field] = c.org_value;
    sor[c.field] = c.sor_value;
  }
  return { org, sor };
}

function renderSides(p: ProposalView): HTMLElement {
  const { org, sor } = sideValues(p);
  const fields = ["name", "address", ...p.changes.map((c) => c.field).filter((f) => f !== "name" && f !== "address")];
  const rows = compareFields(org, sor, fields);
  const differs = new Map(rows.map((r) => [r.field, r.differs]));
  const line = (field: string, mine: string | null, theirs: string | null, cls: string) => {
    if (mine === null) return null;
    const text = field === "name" || field === "address" ? mine : `${label(FIELD_LABEL, field)}: ${mine}`;
    const other = differs.get(field) ? (field === "name" || field === "address" ? theirs : `${label(FIELD_LABEL, field)}: ${theirs}`) : null;
    return h("div", { class: cls, testid: `${cls === "name" ? "side-name" : "side-line"}` }, ...marked(text, other));
  };

  const orgSide = p.org
    ? h(
        "div",
        { class: "side org", testid: "side-org" },
        h("div", { class: "tag" }, "ORG"),
        line("name", org.name, sor.name, "name"),
        line("address", org.address, sor.address, "line"),
        ...fields.filter((f) => f !== "name" && f !== "address").map((f) => line(f, org[f] ?? null, sor[f] ?? null, "line")),
        p.org.kle.length ? h("div", { class: "line" }, `KLE: ${p.org.kle.join(", ")}`) : null,
      )
    : h("div", { class: "side org", testid: "side-org" }, h("div", { class: "tag" }, "ORG"), h("div", { class: "name unknown" }, "Ukendt"));

  let sorSide: HTMLElement;
  if (p.sor) {
    sorSide = h(
      "div",
      { class: "side sor", testid: "side-sor" },
      h("div", { class: "tag" }, "SOR"),
      line("name", sor.name, org.name, "name"),
      line("address", sor.address, org.address, "line"),
      ...fields.filter((f) => f !== "name" && f !== "address").map((f) => line(f, sor[f] ?? null, org[f] ?? null, "line")),
      h("div", { class: "line" }, `SOR-id ${p.sor.sor_id}${p.sor.type_code ? ` · type ${p.sor.type_code}` : ""}${p.sor.to_date ? ` · lukket ${p.sor.to_date}` : ""}`),
    );
  } else {
    const unit = p.new_unit;
    sorSide = h(
      "div",
      { class: "side sor", testid: "side-sor" },
      h("div", { class: "tag" }, "SOR"),
      h("div", { class: "name unknown" }, "Ukendt"),
      unit ? h("div", { class: "line" }, `Oprettes som: ${unit.name}`) : null,
      unit?.address ? h("div", { class: "line" }, oneLineAddress(unit.address)) : null,
      unit?.type_code ? h("div", { class: "line" }, `Enhedstype ${unit.type_code}${unit.parent_sor_id ? ` under ${unit.parent_sor_id}` : ""}`) : null,
    );
  }
  return h("div", { class: "sides" }, orgSide, sorSide);
}

export class QueueView implements View {
  private all: ProposalView[] = [];
  private shown: ProposalView[] = [];
  private selected = 0;
  private kind = "all";
  private band: ScoreBand = "all";
  private text = "";
  private kle = "all";
  private order: SortOrder = "score-desc";
  private readonly kleSelect = h("select", { testid: "filter-kle", "aria-label": "KLE-område" }, h("option", { value: "all" }, "Alle KLE-områder"));
  /** Ids decided in this view, newest last: what U undoes. */
  private readonly decided: number[] = [];
  /** The fields chosen for update proposals whose boxes were touched. */
  private readonly fields = new Map<number, Set<string>>();
  private readonly list: VirtualList<ProposalView>;
  private readonly summary = h("span", { class: "status", testid: "queue-summary", "aria-live": "polite" });
  readonly element: HTMLElement;

  constructor(
    private readonly ctx: AppContext,
    private readonly status: Status,
  ) {
    this.list = new VirtualList<ProposalView>({
      rowHeight: CARD_HEIGHT,
      testid: "proposal-list",
      label: TITLES[status],
      render: (p, i) => this.renderCard(p, i),
      overscan: 3,
    });
    this.list.element.addEventListener("keydown", (ev) => this.onKey(ev));

    const kindSelect = h(
      "select",
      { testid: "filter-kind", "aria-label": "Forslagstype" },
      h("option", { value: "all" }, "Alle typer"),
      ...Object.entries(KIND_LABEL).map(([k, v]) => h("option", { value: k }, v)),
    );
    kindSelect.addEventListener("change", () => {
      this.kind = kindSelect.value;
      this.applyFilter();
    });
    const bandSelect = h(
      "select",
      { testid: "filter-band", "aria-label": "Score" },
      h("option", { value: "all" }, "Alle scorer"),
      h("option", { value: "high" }, "Høj score (8 og derover)"),
      h("option", { value: "medium" }, "Mellem (3 til 8)"),
      h("option", { value: "low" }, "Lav (under 3)"),
    );
    bandSelect.addEventListener("change", () => {
      this.band = bandSelect.value as ScoreBand;
      this.applyFilter();
    });
    this.kleSelect.addEventListener("change", () => {
      this.kle = this.kleSelect.value;
      this.applyFilter();
    });
    const orderSelect = h(
      "select",
      { testid: "sort", "aria-label": "Sortering" },
      h("option", { value: "score-desc" }, "Højeste score først"),
      h("option", { value: "score-asc" }, "Laveste score først"),
      h("option", { value: "name" }, "Navn (A-Å)"),
      h("option", { value: "newest" }, "Nyeste først"),
    );
    orderSelect.addEventListener("change", () => {
      this.order = orderSelect.value as SortOrder;
      this.applyFilter();
    });
    const search = h("input", { type: "search", testid: "filter-text", placeholder: "Søg i navn, adresse, KLE, SOR-id", "aria-label": "Søg i forslag" });
    search.addEventListener("input", () => {
      this.text = search.value;
      this.applyFilter();
    });

    this.element = h(
      "section",
      { class: "view", testid: `view-${status}` },
      h("h2", {}, TITLES[status]),
      h("div", { class: "toolbar" }, kindSelect, bandSelect, this.kleSelect, orderSelect, search, status === "new" ? this.bulkButton() : null, this.summary),
      status === "new" ? h("div", { class: "decided" }, "Tastatur: ↑/↓ vælg · G godkend · A afvis · F forklaring · U fortryd seneste") : null,
      this.list.element,
    );
  }

  async refresh(): Promise<void> {
    this.all = await platform.proposals({ status: this.status, kind: null, text: null });
    const areas = [...new Set(this.all.flatMap((p) => kleAreas(p.org?.kle ?? [])))].sort();
    if (!areas.includes(this.kle)) this.kle = "all";
    replace(this.kleSelect, h("option", { value: "all" }, "Alle KLE-områder"), ...areas.map((a) => h("option", { value: a, selected: a === this.kle }, `KLE ${a}`)));
    this.applyFilter();
  }

  private applyFilter(): void {
    this.shown = this.all.filter(
      (p) =>
        (this.kind === "all" || p.kind === this.kind) &&
        inBand(p.score, this.band) &&
        (this.kle === "all" || kleAreas(p.org?.kle ?? []).includes(this.kle)) &&
        matchesQuery([p.org?.name, p.org?.address, p.org?.uuid, ...(p.org?.kle ?? []), p.sor?.name, p.sor?.address, p.sor?.sor_id, p.new_unit?.name, p.explanation.summary], this.text),
    );
    const name = (p: ProposalView) => p.org?.name ?? p.sor?.name ?? p.new_unit?.name ?? "";
    const order = compareBy(this.order);
    this.shown.sort((a, b) => order({ id: a.id, score: a.score, name: name(a) }, { id: b.id, score: b.score, name: name(b) }));
    this.selected = Math.min(this.selected, Math.max(0, this.shown.length - 1));
    this.list.setItems(this.shown);
    replace(this.summary, this.shown.length === this.all.length ? `${this.all.length} forslag` : `${this.shown.length} af ${this.all.length} forslag`);
    if (this.shown.length === 0) replace(this.summary, this.all.length === 0 ? "Ingen forslag her." : "Ingen forslag passer til filtret.");
  }

  private renderCard(p: ProposalView, index: number): HTMLElement {
    const [yes, no] = ACTIONS[p.kind] ?? ["GODKEND", "AFVIS"];
    const explain = h("button", { testid: "explain", type: "button", title: "Vis forklaringen (F)" }, "Forklaring");
    explain.addEventListener("click", () => showExplanation(p));
    const actions = h("div", { class: "actions" }, explain);
    if (this.status === "new") {
      if (p.kind === "update" && p.changes.length > 1) actions.append(this.fieldChoice(p));
      const approve = h("button", { class: "primary", testid: "approve", type: "button" }, yes);
      approve.addEventListener("click", () => void this.approve(p));
      const reject = h("button", { class: "danger", testid: "reject", type: "button" }, no);
      reject.addEventListener("click", () => void this.reject(p));
      actions.append(approve, reject);
      if (p.kind === "delete" && p.sor_id) {
        const only = h("button", { testid: "only-in-sor", type: "button", title: "Enheden findes kun i SOR: behold den og foreslå den aldrig slettet igen" }, "KUN I SOR");
        only.addEventListener("click", () => void this.onlyInSor(p));
        actions.append(only);
      }
    } else {
      const undo = h("button", { testid: "undo", type: "button", title: "Fortryd beslutningen: forslaget bliver nyt igen" }, "Fortryd");
      undo.addEventListener("click", () => void this.undo(p.id));
      actions.append(undo);
      if (this.status === "approved" && p.kind === "link" && p.org_uuid && p.sor_id) {
        const unlink = h("button", { class: "danger", testid: "unlink", type: "button" }, "Fjern kobling");
        unlink.addEventListener("click", () => void this.unlink(p));
        actions.append(unlink);
      }
    }
    const decided =
      p.decided_at !== null
        ? h(
            "span",
            { class: "decided", testid: "decided" },
            `${label(STATUS_LABEL, p.status)} ${formatDanishDateTime(p.decided_at)}${p.decided_by ? ` af ${p.decided_by}` : ""}${p.reason ? ` · Begrundelse: ${p.reason}` : ""}`,
          )
        : null;
    const card = h(
      "article",
      {
        class: `card${index === this.selected ? " selected" : ""}`,
        testid: "proposal-card",
        "data-proposal-id": p.id,
        "data-kind": p.kind,
        tabindex: index === this.selected ? 0 : -1,
        "aria-label": `${label(KIND_LABEL, p.kind)}: ${orUnknown(p.org?.name)} og ${orUnknown(p.sor?.name ?? p.new_unit?.name)}`,
      },
      h(
        "div",
        { class: "card-head" },
        h("span", { class: "kind", testid: "proposal-kind" }, label(KIND_LABEL, p.kind)),
        h("span", { class: "score", title: "Score (log-odds)" }, `Score ${formatScore(p.score)}`),
        h("span", { class: "decided" }, `#${p.id}`),
        decided,
        actions,
      ),
      renderSides(p),
    );
    card.addEventListener("focusin", () => {
      this.selected = index;
    });
    return card;
  }

  private onKey(ev: KeyboardEvent): void {
    if (ev.target instanceof HTMLInputElement || ev.altKey || ev.metaKey || (ev.ctrlKey && ev.key !== "z")) return;
    const p = this.shown[this.selected];
    const key = fold(ev.key);
    if (ev.key === "ArrowDown" || key === "j") this.move(1);
    else if (ev.key === "ArrowUp" || key === "k") this.move(-1);
    else if (key === "f" && p) showExplanation(p);
    else if (key === "g" && p && this.status === "new") void this.approve(p);
    else if (key === "a" && p && this.status === "new") void this.reject(p);
    else if (key === "u" || (ev.key === "z" && ev.ctrlKey)) void this.undoLast();
    else return;
    ev.preventDefault();
  }

  private move(delta: number): void {
    if (this.shown.length === 0) return;
    this.selected = Math.max(0, Math.min(this.shown.length - 1, this.selected + delta));
    this.list.setItems(this.shown);
    this.list.reveal(this.selected)?.focus();
  }

  private removeDecided(id: number): void {
    this.all = this.all.filter((q) => q.id !== id);
    this.applyFilter();
    this.list.reveal(this.selected)?.focus();
  }

  private async approve(p: ProposalView): Promise<void> {
    try {
      let done: ProposalView;
      if (p.kind === "create" && p.new_unit) {
        // The SOR fields are shown for editing before anything is approved.
        const edited = await editNewUnit(p);
        if (edited === null) return;
        done = edited;
      } else if (p.kind === "update" && this.fields.has(p.id)) {
        const chosen = [...this.fields.get(p.id)!];
        if (chosen.length === 0) {
          this.ctx.notify("Vælg mindst ét felt, der skal opdateres, eller afvis forslaget.");
          return;
        }
        done = await platform.approveEdited(p.id, { fields: chosen, new_unit: null });
      } else {
        done = await platform.approve(p.id);
      }
      this.decided.push(p.id);
      this.removeDecided(p.id);
      this.ctx.notify(`${label(KIND_LABEL, done.kind)} #${done.id} er godkendt. Tryk U for at fortryde.`);
      await this.ctx.refreshCounts();
    } catch (error) {
      this.ctx.fail(error);
    }
  }

  /** Checkboxes for each field of an update: only the ticked ones are approved. */
  private fieldChoice(p: ProposalView): HTMLElement {
    const chosen = this.fields.get(p.id) ?? new Set(p.changes.map((c) => c.field));
    const boxes = p.changes.map((c) => {
      const box = h("input", { type: "checkbox", testid: `field-${c.field}`, checked: chosen.has(c.field) });
      box.addEventListener("change", () => {
        if (box.checked) chosen.add(c.field);
        else chosen.delete(c.field);
        this.fields.set(p.id, chosen);
      });
      return h("label", { class: "field-choice" }, box, ` ${label(FIELD_LABEL, c.field)}`);
    });
    return h("span", { class: "field-choices", "aria-label": "Felter der opdateres" }, ...boxes);
  }

  private async onlyInSor(p: ProposalView): Promise<void> {
    const reason = await askReason("Kun i SOR", `${orUnknown(p.sor?.name)} (${p.sor_id})`, "KUN I SOR", "only-in-sor");
    if (reason === undefined || !p.sor_id) return;
    try {
      await platform.setOnlyInSor(p.sor_id, true, reason);
      this.removeDecided(p.id);
      this.ctx.notify(`${orUnknown(p.sor?.name)} er markeret som "kun i SOR" og foreslås ikke slettet igen.`);
      await this.ctx.refreshCounts();
    } catch (error) {
      this.ctx.fail(error);
    }
  }

  private async unlink(p: ProposalView): Promise<void> {
    const reason = await askReason("Fjern kobling", `${orUnknown(p.org?.name)} | ${orUnknown(p.sor?.name)}`, "Fjern kobling", "unlink");
    if (reason === undefined) return;
    try {
      await platform.unlink(p.org_uuid!, p.sor_id!, reason);
      this.ctx.notify(`Koblingen mellem ${orUnknown(p.org?.name)} og ${orUnknown(p.sor?.name)} er fjernet.`);
      await this.refresh();
      await this.ctx.refreshCounts();
    } catch (error) {
      this.ctx.fail(error);
    }
  }

  private async undo(id: number): Promise<void> {
    try {
      this.ctx.notify(await undoDecision(id));
      await this.refresh();
      await this.ctx.refreshCounts();
    } catch (error) {
      this.ctx.fail(error);
    }
  }

  /** Undo the latest decision made in this view. */
  private async undoLast(): Promise<void> {
    const id = this.decided.pop();
    if (id === undefined) {
      this.ctx.notify("Der er ingen beslutning at fortryde i denne visning.");
      return;
    }
    await this.undo(id);
  }

  private bulkButton(): HTMLElement {
    const button = h("button", { type: "button", testid: "bulk-open", title: "Godkend alle forslag over en score, efter et overblik" }, "Godkend flere …");
    button.addEventListener("click", async () => {
      const report = await showBulkApproval(this.kind === "all" ? null : this.kind);
      if (report === null) return;
      this.ctx.notify(`${report.approved} forslag er godkendt${report.skipped.length ? `; ${report.skipped.length} sprunget over` : ""}.`);
      await this.refresh();
      await this.ctx.refreshCounts();
    });
    return button;
  }

  private async reject(p: ProposalView): Promise<void> {
    const reason = await askReason(p.kind === "delete" ? "Behold SOR-enheden" : "Afvis forslaget", `${orUnknown(p.org?.name)} | ${orUnknown(p.sor?.name ?? p.new_unit?.name)}`, p.kind === "delete" ? "BEHOLD" : "AFVIS");
    if (reason === undefined) return;
    try {
      const done = await platform.reject(p.id, reason);
      this.decided.push(p.id);
      this.removeDecided(p.id);
      this.ctx.notify(`${label(KIND_LABEL, done.kind)} #${done.id} er ${p.kind === "delete" ? "beholdt" : "afvist"}.`);
      await this.ctx.refreshCounts();
    } catch (error) {
      this.ctx.fail(error);
    }
  }
}
