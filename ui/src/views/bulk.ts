// Bulk approval: choose a minimum score (and a kind), see exactly what will happen, then approve
// exactly those proposals. Proposals decided meanwhile are skipped by the API and reported.

import type { BulkItem, BulkReport, ProposalKind } from "../platform";
import * as platform from "../platform";
import { PlatformError } from "../platform";
import { formatCount, formatScore, KIND_LABEL, label } from "../logic/format";
import { h, replace } from "../ui/dom";
import { VirtualList } from "../ui/virtual-list";

/** Resolves to what was approved, or null when the administrator closed the dialog. */
export function showBulkApproval(kind: string | null): Promise<BulkReport | null> {
  return new Promise((resolve) => {
    let items: BulkItem[] = [];
    let result: BulkReport | null = null;
    const score = h("input", { type: "number", testid: "bulk-min-score", step: "0.5", value: "8", "aria-label": "Mindste score" });
    score.style.width = "6em";
    const kindSelect = h(
      "select",
      { testid: "bulk-kind", "aria-label": "Forslagstype" },
      h("option", { value: "" }, "Alle typer"),
      ...Object.entries(KIND_LABEL).map(([k, v]) => h("option", { value: k, selected: k === kind }, v)),
    );
    const preview = h("button", { type: "button", testid: "bulk-preview" }, "Vis hvad der sker");
    const confirm = h("button", { type: "button", class: "primary", testid: "bulk-confirm", disabled: true }, "Godkend");
    const close = h("button", { type: "button", testid: "bulk-cancel" }, "Luk");
    const message = h("p", { class: "status", testid: "bulk-summary", "aria-live": "polite" }, "Vælg en mindste score og se listen, før noget godkendes.");
    const list = new VirtualList<BulkItem>({
      rowHeight: 30,
      testid: "bulk-list",
      label: "Forslag der godkendes",
      render: (i) => h("div", { class: "trow bulk-row", testid: "bulk-item" }, h("span", { class: "score" }, formatScore(i.score)), h("span", {}, `${label(KIND_LABEL, i.kind)}: ${i.description}`)),
    });
    list.element.style.height = "320px";
    list.element.style.flex = "none";

    const invalidate = () => {
      items = [];
      list.setItems([]);
      confirm.disabled = true;
      replace(confirm, "Godkend");
    };
    score.addEventListener("input", invalidate);
    kindSelect.addEventListener("change", invalidate);

    preview.addEventListener("click", async () => {
      const min = Number(score.value.replace(",", "."));
      if (!Number.isFinite(min)) {
        replace(message, "Skriv en score som et tal, fx 8 eller 6,5.");
        return;
      }
      try {
        items = await platform.bulkPreview(min, (kindSelect.value || null) as ProposalKind | null);
        list.setItems(items);
        confirm.disabled = items.length === 0;
        replace(confirm, `Godkend ${formatCount(items.length)} forslag`);
        replace(message, items.length ? `Disse ${formatCount(items.length)} forslag godkendes, og intet andet:` : "Ingen nye forslag har så høj en score.");
      } catch (error) {
        replace(message, error instanceof PlatformError ? error.message : String(error));
      }
    });
    confirm.addEventListener("click", async () => {
      try {
        result = await platform.bulkApprove(items.map((i) => i.id));
        dialog.close();
      } catch (error) {
        replace(message, error instanceof PlatformError ? error.message : String(error));
      }
    });
    close.addEventListener("click", () => dialog.close());

    const dialog = h(
      "dialog",
      { testid: "bulk-dialog", "aria-label": "Godkend flere forslag" },
      h("h3", {}, "Godkend flere forslag"),
      h("div", { class: "toolbar" }, h("label", {}, "Mindste score ", score), kindSelect, preview),
      message,
      list.element,
      h("div", { class: "toolbar" }, confirm, close),
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    score.focus();
  });
}
