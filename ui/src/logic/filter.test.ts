import { describe, expect, it } from "vitest";
import { fold, inBand, matchesQuery, scoreBand } from "./filter";

describe("matchesQuery", () => {
  const fields = ["Plejecenter Evigglad", "Byvej 12, 1234 Korsbæk", null, "27.42.08"];
  const cases: Array<[string, boolean, string]> = [
    ["", true, "an empty search shows everything"],
    ["evigglad", true, "case does not matter"],
    ["korsbaek", true, "æ can be typed as ae"],
    ["KORSBÆK", true, "upper case Danish letters"],
    ["evigglad byvej", true, "words may come from different fields"],
    ["evigglad landallé", false, "every word must match"],
    ["27.42", true, "KLE numbers are searchable"],
    ["   ", true, "spaces only is an empty search"],
  ];
  for (const [query, expected, why] of cases) {
    it(why, () => {
      expect(matchesQuery(fields, query), `${query}: ${why}`).toBe(expected);
    });
  }
  it("folds diacritics", () => {
    expect(fold("Landallé Ørsted Åbyhøj"), "é loses its accent, ø/å are spelled out").toBe("landalle oersted aabyhoej");
  });
});

describe("score bands", () => {
  it("puts scores in bands and 'all' takes everything", () => {
    expect([scoreBand(12), scoreBand(5), scoreBand(-1)], "high, medium, low").toEqual(["high", "medium", "low"]);
    expect(inBand(-4, "all"), "the all band hides nothing").toBe(true);
    expect(inBand(5, "high"), "a medium score is not in the high band").toBe(false);
  });
});
