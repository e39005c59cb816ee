// OPRET: the SOR fields a create proposal would register, editable before approval. The API
// validates them; its Danish message is shown in the dialog, which stays open until it passes.

import type { NewSorUnit, ProposalView } from "../platform";
import * as platform from "../platform";
import { PlatformError } from "../platform";
import { h, replace } from "../ui/dom";

interface FieldSpec {
  key: string;
  label: string;
  value: string;
  width?: string;
}

/** OPRET on a create proposal: resolves to the approved proposal, or null on cancel. */
export function editNewUnit(p: ProposalView): Promise<ProposalView | null> {
  return editUnit(`Fra ORG-enheden ${p.org?.name ?? "Ukendt"}. Ret felterne, hvis SOR skal have andre værdier.`, p.new_unit!, (unit) =>
    platform.approveEdited(p.id, { fields: null, new_unit: unit }),
  );
}

/**
 * The SOR fields of a unit to create, editable; `submit` stores them. The dialog stays open with
 * the API's message until `submit` succeeds. Resolves to its result, or null on cancel.
 */
export function editUnit(intro: string, unit: NewSorUnit, submit: (unit: NewSorUnit) => Promise<ProposalView>): Promise<ProposalView | null> {
  const a = unit.address;
  const specs: FieldSpec[] = [
    { key: "name", label: "Navn", value: unit.name },
    { key: "type_code", label: "Enhedstype (SOR-kode)", value: unit.type_code ?? "" },
    { key: "street", label: "Vejnavn", value: a?.street ?? "" },
    { key: "number", label: "Husnr.", value: a?.number ?? "", width: "6em" },
    { key: "floor", label: "Etage", value: a?.floor ?? "", width: "5em" },
    { key: "door", label: "Dør", value: a?.door ?? "", width: "5em" },
    { key: "postcode", label: "Postnr.", value: a?.postcode ?? "", width: "6em" },
    { key: "city", label: "By", value: a?.city ?? "" },
    { key: "parent_sor_id", label: "Overordnet SOR-enhed (SOR-id)", value: unit.parent_sor_id ?? "" },
  ];
  return new Promise((resolve) => {
    let result: ProposalView | null = null;
    const inputs = new Map<string, HTMLInputElement>();
    const rows = specs.map((s) => {
      const input = h("input", { type: "text", testid: `create-${s.key}`, value: s.value, "aria-label": s.label });
      if (s.width) input.style.width = s.width;
      inputs.set(s.key, input);
      return h("label", { class: "form-row" }, h("span", {}, s.label), input);
    });
    const message = h("p", { class: "status error", testid: "create-error", role: "alert" });
    const confirm = h("button", { type: "submit", class: "primary", testid: "create-confirm" }, "OPRET");
    const cancel = h("button", { type: "button", testid: "create-cancel" }, "Fortryd");
    const form = h(
      "form",
      { method: "dialog" },
      h("h3", {}, "Opret SOR-enhed"),
      h("p", {}, intro),
      h("div", { class: "form-grid" }, ...rows),
      message,
      h("div", { class: "toolbar" }, confirm, cancel),
    );
    const dialog = h("dialog", { testid: "create-dialog", "aria-label": "Opret SOR-enhed" }, form);
    const text = (key: string) => inputs.get(key)!.value.trim();
    const opt = (key: string) => text(key) || null;
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const edited: NewSorUnit = {
        name: text("name"),
        type_code: opt("type_code"),
        address: text("street")
          ? { street: text("street"), number: opt("number"), floor: opt("floor"), door: opt("door"), postcode: opt("postcode"), city: opt("city"), municipality_code: a?.municipality_code ?? null }
          : null,
        parent_sor_id: opt("parent_sor_id"),
      };
      try {
        result = await submit(edited);
        dialog.close();
      } catch (error) {
        replace(message, error instanceof PlatformError ? error.message : String(error));
      }
    });
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    inputs.get("name")!.focus();
  });
}
