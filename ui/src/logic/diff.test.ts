import { describe, expect, it } from "vitest";
import { compareFields, diffWords, normalise } from "./diff";

/** Render segments as text with changed parts in [brackets], for compact expectations. */
function marked(value: string, other: string): string {
  return diffWords(value, other)
    .map((s) => (s.changed ? `[${s.text}]` : s.text))
    .join("");
}

describe("diffWords", () => {
  const cases: Array<[string, string, string, string]> = [
    ["Plejecenter Evigglad", "Plejecenter Evigglad", "Plejecenter Evigglad", "equal values have no marks"],
    ["Plejecenter Evigglad", "Plejehjemmet Evigglad", "[Plejecenter] Evigglad", "a renamed word is marked"],
    ["Byvej 14, 1234 Korsbæk", "Byvej 12, 1234 Korsbæk", "Byvej [14], 1234 Korsbæk", "only the house number differs"],
    ["byvej 12", "Byvej 12", "byvej 12", "case alone is not a difference"],
    ["Genoptræning Nord og Syd", "Genoptræning Nord", "Genoptræning Nord [og] [Syd]", "added words are marked"],
    ["", "Noget", "", "an empty value has nothing to mark"],
  ];
  for (const [value, other, expected, why] of cases) {
    it(why, () => {
      expect(marked(value, other), why).toBe(expected);
    });
  }
  it("keeps every character of the value", () => {
    const v = "<img src=x onerror=alert(1)>  Æblehaven";
    expect(diffWords(v, "Æblehaven").map((s) => s.text).join(""), "segments must join back to the value").toBe(v);
  });
});

describe("compareFields", () => {
  it("flags only fields present on both sides that differ", () => {
    const rows = compareFields(
      { name: "Behandlingshus Tor", address: "Landallé 5, 1234 Korsbæk", type_code: null },
      { name: "behandlingshus  tor", address: "Landallé 7, 1234 Korsbæk", type_code: "20078004" },
      ["name", "address", "type_code", "ean"],
    );
    expect(rows.map((r) => [r.field, r.differs]), "name equal after normalising, address differs, type only on SOR, ean on neither").toEqual([
      ["name", false],
      ["address", true],
      ["type_code", false],
    ]);
  });
  it("normalises white space and case", () => {
    expect(normalise("  Byvej   12 "), "extra spaces must not count as a change").toBe("byvej 12");
  });
});
