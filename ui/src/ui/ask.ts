// Small modal questions: a reason for a decision, a password. Built with `h`, so the subject
// (a unit's name from SOR or FK Organisation) is always text.

import { h } from "./dom";

export interface AskOptions {
  title: string;
  /** What the question is about, e.g. "Plejecenter Birkely | Plejecentret Birkely". */
  subject?: string;
  label: string;
  confirm: string;
  danger?: boolean;
  password?: boolean;
  testid?: string;
}

/**
 * Ask for one line of text. Resolves to the text (null when left empty) or undefined when the
 * administrator cancels (Escape or "Fortryd").
 */
export function askText(o: AskOptions): Promise<string | null | undefined> {
  const id = o.testid ?? "ask";
  return new Promise((resolve) => {
    const input = h("input", { type: o.password ? "password" : "text", testid: o.password ? `${id}-password` : `${id}-reason`, "aria-label": o.label, placeholder: o.label, autocomplete: "off" });
    input.style.width = "100%";
    const confirm = h("button", { class: o.danger ? "danger" : "primary", type: "submit", testid: `${id}-confirm` }, o.confirm);
    const cancel = h("button", { type: "button", testid: `${id}-cancel` }, "Fortryd");
    const form = h("form", { method: "dialog" }, h("h3", {}, o.title), o.subject ? h("p", {}, o.subject) : null, h("label", {}, o.label, input), h("div", { class: "toolbar" }, confirm, cancel));
    const dialog = h("dialog", { testid: `${id}-dialog`, "aria-label": o.title }, form);
    let result: string | null | undefined;
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      result = o.password ? input.value : input.value.trim() || null;
      dialog.close();
    });
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}

/** Ask for an optional reason ("Begrundelse (valgfri)"). */
export function askReason(title: string, subject: string, confirm: string, testid = "reject"): Promise<string | null | undefined> {
  return askText({ title, subject, label: "Begrundelse (valgfri)", confirm, danger: true, testid });
}
