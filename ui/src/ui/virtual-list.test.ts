// @vitest-environment jsdom
import { beforeAll, describe, expect, it } from "vitest";
import { VirtualList } from "./virtual-list";

beforeAll(() => {
  // jsdom has no layout: no ResizeObserver, and clientHeight is 0 (the list then assumes 800 px).
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

function list(rows: number) {
  const v = new VirtualList<number>({
    rowHeight: 32,
    overscan: 8,
    render: (n) => {
      const el = document.createElement("div");
      el.textContent = `række ${n}`;
      return el;
    },
  });
  document.body.append(v.element);
  v.setItems(Array.from({ length: rows }, (_, i) => i));
  return v;
}

describe("VirtualList", () => {
  it("keeps only the rows in view in the DOM, however long the list", () => {
    const v = list(50_000);
    const rendered = v.element.querySelectorAll(".vlist-row").length;
    expect(rendered, "800 px / 32 px = 25 rows plus 8 overscan below").toBe(33);
    const spacer = v.element.firstElementChild as HTMLElement;
    expect(spacer.style.height, "the scroll height stands for every row").toBe(`${50_000 * 32}px`);
  });

  it("places rows by index and reveals a far row", () => {
    const v = list(50_000);
    const row = v.reveal(40_000);
    expect(row?.textContent, "the revealed row is drawn").toBe("række 40000");
    expect(row?.style.transform, "row i sits at i * rowHeight").toBe(`translateY(${40_000 * 32}px)`);
    expect(v.element.querySelector('[data-index="0"]'), "rows far above are gone").toBeNull();
  });

  it("draws nothing for an empty list", () => {
    const v = list(0);
    expect(v.element.querySelectorAll(".vlist-row").length, "no rows, no elements").toBe(0);
    expect(v.length, "length follows the items").toBe(0);
  });

  it("asks for the next page only when the end of the rows comes into view", () => {
    const asked: number[] = [];
    const v = new VirtualList<number>({ rowHeight: 32, overscan: 8, render: () => document.createElement("div"), onNearEnd: () => asked.push(v.length) });
    document.body.append(v.element);
    v.setItems(Array.from({ length: 2000 }, (_, i) => i));
    expect(asked, "the first screen of 2,000 rows is far from the end").toEqual([]);
    v.reveal(1999);
    expect(asked, "scrolling to the last row asks for more").toEqual([2000]);
  });
});
