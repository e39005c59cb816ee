// A virtualised table of plain-text cells, with an optional single selection.

import { h } from "./dom";
import { VirtualList } from "./virtual-list";

export interface Column<T> {
  title: string;
  /** A CSS grid track, e.g. "2fr" or "140px". */
  width: string;
  value: (row: T) => string;
  /** Draws the cell itself (a toggle, a button); `value` stays its text for the tooltip. */
  cell?: (row: T) => Node;
}

export interface TableOptions<T> {
  columns: Column<T>[];
  testid: string;
  rowTestid: string;
  label: string;
  rowHeight?: number;
  /** Makes rows selectable (click, Enter or Space); called with the chosen row. */
  onSelect?: (row: T) => void;
  /** A stable key, so that the selection survives a new search. */
  key?: (row: T) => string;
  /** See `VirtualListOptions.onNearEnd`. */
  onNearEnd?: () => void;
}

export class DataTable<T> {
  readonly element: HTMLDivElement;
  private readonly list: VirtualList<T>;
  private selectedKey: string | null = null;

  constructor(private readonly options: TableOptions<T>) {
    const template = options.columns.map((c) => c.width).join(" ");
    const head = h("div", { class: "thead", role: "row" }, ...options.columns.map((c) => h("span", { role: "columnheader" }, c.title)));
    head.style.gridTemplateColumns = template;
    this.list = new VirtualList<T>({
      rowHeight: options.rowHeight ?? 32,
      testid: options.testid,
      label: options.label,
      render: (row) => this.renderRow(row, template),
      onNearEnd: options.onNearEnd,
    });
    this.element = h("div", { class: "table", role: "table", "aria-label": options.label }, head, this.list.element);
  }

  setRows(rows: T[]): void {
    this.list.setItems(rows);
  }

  private renderRow(row: T, template: string): HTMLElement {
    const { onSelect, key } = this.options;
    const cells = this.options.columns.map((c) => {
      const text = c.value(row);
      return h("span", { role: "cell", title: text }, c.cell ? c.cell(row) : text);
    });
    const el = h("div", { class: "trow", role: "row", testid: this.options.rowTestid }, ...cells);
    el.style.gridTemplateColumns = template;
    if (onSelect) {
      const k = key ? key(row) : null;
      el.classList.add("selectable");
      el.tabIndex = 0;
      el.setAttribute("aria-selected", String(k !== null && k === this.selectedKey));
      const choose = () => {
        this.selectedKey = k;
        for (const other of this.list.element.querySelectorAll('[aria-selected="true"]')) other.setAttribute("aria-selected", "false");
        el.setAttribute("aria-selected", "true");
        onSelect(row);
      };
      el.addEventListener("click", choose);
      el.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          choose();
        }
      });
    }
    return el;
  }
}
