// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { h, orUnknown, replace } from "./dom";

const HOSTILE = "<img src=x onerror=alert(1)>";

describe("h", () => {
  it("renders data as text, never as markup", () => {
    const el = h("div", {}, HOSTILE, " ", h("b", {}, "<script>alert(2)</script>"));
    expect(el.textContent, "the user sees the characters of the name").toBe(`${HOSTILE} <script>alert(2)</script>`);
    expect(el.querySelector("img, script"), "no element may be created from a unit's name").toBeNull();
  });
  it("sets attributes as plain values and test ids as data-testid", () => {
    const el = h("button", { testid: "approve", title: HOSTILE, disabled: true, hidden: false });
    expect(el.dataset.testid, "tests select by data-testid").toBe("approve");
    expect(el.getAttribute("title"), "attribute values are not parsed").toBe(HOSTILE);
    expect(el.hasAttribute("disabled"), "true means present").toBe(true);
    expect(el.hasAttribute("hidden"), "false means absent").toBe(false);
  });
  it("wires handlers from on* attributes", () => {
    let clicks = 0;
    const el = h("button", { onclick: () => clicks++ });
    el.click();
    expect(clicks, "one click, one call").toBe(1);
  });
  it("replaces children", () => {
    const el = h("div", {}, "a", "b");
    replace(el, "c", null, false, 3);
    expect(el.textContent, "old children go, null/false are skipped, numbers become text").toBe("c3");
  });
});

describe("orUnknown", () => {
  it("says Ukendt for an empty side", () => {
    expect(orUnknown(null), "no unit on that side").toBe("Ukendt");
    expect(orUnknown("  "), "blank is empty").toBe("Ukendt");
    expect(orUnknown("Plejecenter Evigglad"), "a name is shown as is").toBe("Plejecenter Evigglad");
  });
});
