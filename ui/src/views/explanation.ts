// The explanation of a proposal, one click away: each field's contribution and the runner-up.

import type { ProposalView } from "../platform";
import { FIELD_LABEL, formatScore, KIND_LABEL, label } from "../logic/format";
import { h, orUnknown } from "../ui/dom";

export function showExplanation(p: ProposalView): void {
  const e = p.explanation;
  const rows = e.contributions.map((c) =>
    h(
      "tr",
      {},
      h("td", {}, label(FIELD_LABEL, c.field)),
      h("td", {}, c.detail),
      h("td", { class: `num ${c.weight >= 0 ? "pos" : "neg"}` }, formatScore(c.weight)),
    ),
  );
  const close = h("button", { type: "button", testid: "explanation-close" }, "Luk");
  const dialog = h(
    "dialog",
    { testid: "explanation-dialog", "aria-labelledby": "explanation-title" },
    h("h3", { id: "explanation-title" }, `Forklaring: ${label(KIND_LABEL, p.kind)} #${p.id}`),
    h("p", { testid: "explanation-summary" }, e.summary || "Ingen forklaring registreret."),
    h("p", {}, `ORG: ${orUnknown(p.org?.name)} · SOR: ${orUnknown(p.sor?.name ?? p.new_unit?.name)} · Score ${formatScore(p.score)}`),
    rows.length
      ? h(
          "table",
          { testid: "explanation-contributions" },
          h("thead", {}, h("tr", {}, h("th", {}, "Felt"), h("th", {}, "Detalje"), h("th", {}, "Vægt"))),
          h("tbody", {}, ...rows),
        )
      : null,
    e.runner_up
      ? h(
          "p",
          { testid: "explanation-runner-up" },
          `Næstbedste kandidat: ${e.runner_up.name} (SOR-id ${e.runner_up.sor_id}), score ${formatScore(e.runner_up.score)}${e.gap !== null ? `; afstand ${formatScore(e.gap)}` : ""}`,
        )
      : h("p", { testid: "explanation-runner-up" }, "Ingen anden kandidat."),
    h("div", { class: "toolbar" }, close),
  );
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    dialog.remove();
    opener?.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}
