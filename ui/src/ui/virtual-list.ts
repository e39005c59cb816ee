// A small virtualised list: a scroll container, a spacer as tall as all rows, and only the
// rows in view (plus a margin) in the DOM. Rows have one fixed height, so the position of
// row i is i * rowHeight and scrolling 50,000 rows costs the same as scrolling 50.

export interface VirtualListOptions<T> {
  rowHeight: number;
  /** Build the element of one row. Called again whenever the row comes into view. */
  render: (item: T, index: number) => HTMLElement;
  /** Rows rendered above and below the visible ones. */
  overscan?: number;
  testid?: string;
  label?: string;
  /** Called when the rows near the end come into view: the moment to fetch the next page. */
  onNearEnd?: () => void;
}

export class VirtualList<T> {
  readonly element: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private items: T[] = [];
  private first = -1;
  private last = -1;
  private frame = 0;

  constructor(private readonly options: VirtualListOptions<T>) {
    this.element = document.createElement("div");
    this.element.className = "vlist";
    this.element.setAttribute("role", "rowgroup");
    if (options.label) this.element.setAttribute("aria-label", options.label);
    if (options.testid) this.element.dataset.testid = options.testid;
    this.spacer = document.createElement("div");
    this.spacer.className = "vlist-spacer";
    this.element.appendChild(this.spacer);
    this.element.addEventListener("scroll", () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  setItems(items: T[]): void {
    this.items = items;
    this.spacer.style.height = `${items.length * this.options.rowHeight}px`;
    this.first = -1;
    this.last = -1;
    this.draw();
  }

  get length(): number {
    return this.items.length;
  }

  /** Scroll so that row `index` is visible, draw, and return its element. */
  reveal(index: number): HTMLElement | null {
    const { rowHeight } = this.options;
    const top = index * rowHeight;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + rowHeight > this.element.scrollTop + this.element.clientHeight) this.element.scrollTop = top + rowHeight - this.element.clientHeight;
    this.draw();
    return this.spacer.querySelector(`[data-index="${index}"]`);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const { rowHeight, render } = this.options;
    const overscan = this.options.overscan ?? 8;
    const height = this.element.clientHeight || 800;
    const first = Math.max(0, Math.floor(this.element.scrollTop / rowHeight) - overscan);
    const last = Math.min(this.items.length, Math.ceil((this.element.scrollTop + height) / rowHeight) + overscan);
    if (first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    const active = document.activeElement;
    const activeIndex = active instanceof HTMLElement && this.spacer.contains(active) ? active.closest<HTMLElement>("[data-index]")?.dataset.index : undefined;
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const row = render(this.items[i], i);
      row.dataset.index = String(i);
      row.classList.add("vlist-row");
      row.style.transform = `translateY(${i * rowHeight}px)`;
      row.style.height = `${rowHeight}px`;
      rows.push(row);
    }
    this.spacer.replaceChildren(...rows);
    if (this.options.onNearEnd && this.items.length > 0 && last >= this.items.length - overscan) this.options.onNearEnd();
    if (activeIndex !== undefined) {
      const again = this.spacer.querySelector<HTMLElement>(`[data-index="${activeIndex}"]`);
      again?.focus({ preventScroll: true });
    }
  }
}
