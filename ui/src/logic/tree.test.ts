import { describe, expect, it } from "vitest";
import { allParents, flattenTree, type TreeAccess } from "./tree";

interface Row {
  id: string;
  parent: string | null;
  name: string;
}
const access: TreeAccess<Row> = { id: (r) => r.id, parent: (r) => r.parent, name: (r) => r.name };

const rows: Row[] = [
  { id: "u2", parent: "i1", name: "Plejecenter Ærø" },
  { id: "o1", parent: null, name: "Korsbæk Kommune" },
  { id: "i1", parent: "o1", name: "Ældreområdet" },
  { id: "u1", parent: "i1", name: "Plejecenter Birkely" },
  { id: "u3", parent: "u1", name: "Afsnit 2" },
  { id: "x", parent: "missing", name: "Forældreløs enhed" },
];

const shown = (lines: ReturnType<typeof flattenTree<Row>>) => lines.map((l) => `${"  ".repeat(l.depth)}${l.row.name}${l.hasChildren ? (l.expanded ? " -" : " +") : ""}`);

describe("flattenTree", () => {
  it("shows only roots until a branch is opened; an orphan becomes a root", () => {
    expect(shown(flattenTree(rows, access, new Set()))).toEqual(["Forældreløs enhed", "Korsbæk Kommune +"]);
  });

  it("opens branches depth first with children sorted by Danish collation (Æ after B)", () => {
    expect(shown(flattenTree(rows, access, new Set(["o1", "i1"])))).toEqual([
      "Forældreløs enhed",
      "Korsbæk Kommune -",
      "  Ældreområdet -",
      "    Plejecenter Birkely +",
      "    Plejecenter Ærø",
    ]);
  });

  it("a search shows the matches with the path to them, whatever is expanded", () => {
    const lines = flattenTree(rows, access, new Set(), (r) => r.name.includes("Afsnit"));
    expect(shown(lines)).toEqual(["Korsbæk Kommune -", "  Ældreområdet -", "    Plejecenter Birkely -", "      Afsnit 2"]);
  });

  it("survives a cycle in bad data without looping", () => {
    const cyclic: Row[] = [
      { id: "a", parent: "b", name: "A" },
      { id: "b", parent: "a", name: "B" },
      { id: "r", parent: null, name: "Rod" },
    ];
    expect(shown(flattenTree(cyclic, access, new Set(["a", "b"])))).toEqual(["Rod"]);
    expect(shown(flattenTree(cyclic, access, new Set(), (r) => r.id === "a")).length).toBeLessThanOrEqual(2);
  });

  it("allParents lists every branch (fold all out)", () => {
    expect([...allParents(rows, access)].sort()).toEqual(["i1", "o1", "u1"]);
  });
});
