import { describe, expect, it } from "vitest";
import { compareBy, fold, inBand, kleAreas, matchesQuery, scoreBand } from "./filter";

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


describe("queue filters and order", () => {
  it("reads KLE areas from the shown KLE lines, ignoring text that is not a KLE number", () => {
    expect(kleAreas(["27.42.00 Plejeboliger", "27.42.04 Andet", "29.24.00 Behandling", "Ukendt"]).sort()).toEqual(["27.42", "29.24"]);
  });
  it("sorts by score, by Danish name (Æ after Z) and by newest, ties in id order", () => {
    const rows = [
      { id: 1, score: 5, name: "Ærø" },
      { id: 2, score: 9, name: "Birkely" },
      { id: 3, score: 5, name: "Zoneterapi" },
    ];
    const ids = (order: Parameters<typeof compareBy>[0]) => [...rows].sort(compareBy(order)).map((r) => r.id);
    expect(ids("score-desc")).toEqual([2, 1, 3]);
    expect(ids("score-asc")).toEqual([1, 3, 2]);
    expect(ids("name")).toEqual([2, 3, 1]);
    expect(ids("newest")).toEqual([3, 2, 1]);
  });
});
