// A register's hierarchy (SOR owner > institution > units, or the FK Organisation tree) as the
// rows a virtualised table shows: depth-first, children by name, only expanded branches.
// Pure: no DOM.

export interface TreeAccess<T> {
  id: (row: T) => string;
  /** The parent's id; a parent that is not among the rows makes the row a root. */
  parent: (row: T) => string | null;
  name: (row: T) => string;
}

export interface TreeLine<T> {
  row: T;
  depth: number;
  hasChildren: boolean;
  expanded: boolean;
}

const byName = new Intl.Collator("da-DK", { sensitivity: "base", numeric: true });

/**
 * The visible lines. Without `matches`, a branch shows its children when its id is in
 * `expanded`. With `matches`, every matching row is shown together with the path to it (the
 * ancestors on that path open), so a search finds units deep in the tree.
 */
export function flattenTree<T>(rows: T[], access: TreeAccess<T>, expanded: ReadonlySet<string>, matches?: (row: T) => boolean): TreeLine<T>[] {
  const byId = new Map<string, T>();
  for (const row of rows) byId.set(access.id(row), row);
  const children = new Map<string | null, T[]>();
  for (const row of rows) {
    const p = access.parent(row);
    const key = p !== null && byId.has(p) && p !== access.id(row) ? p : null;
    const list = children.get(key);
    if (list) list.push(row);
    else children.set(key, [row]);
  }
  for (const list of children.values()) list.sort((a, b) => byName.compare(access.name(a), access.name(b)));

  let open: ReadonlySet<string> = expanded;
  let visible: Set<string> | null = null;
  if (matches) {
    visible = new Set();
    const opened = new Set<string>();
    for (const row of rows) {
      if (!matches(row)) continue;
      // Walk up to the root; `visible` doubles as the guard against a cycle in bad data.
      let id: string | null = access.id(row);
      let first = true;
      while (id !== null && byId.has(id)) {
        if (!first) opened.add(id);
        if (visible.has(id) && !first) break;
        visible.add(id);
        first = false;
        const p = access.parent(byId.get(id)!);
        id = p !== null && p !== id ? p : null;
      }
    }
    open = opened;
  }

  const out: TreeLine<T>[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const row of children.get(parent) ?? []) {
      const id = access.id(row);
      if (seen.has(id) || (visible && !visible.has(id))) continue;
      seen.add(id);
      const kids = children.get(id) ?? [];
      const hasChildren = visible ? kids.some((k) => visible!.has(access.id(k))) : kids.length > 0;
      const isOpen = hasChildren && open.has(id);
      out.push({ row, depth, hasChildren, expanded: isOpen });
      if (isOpen) walk(id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** The ids of every row that has children: "Fold alle ud". */
export function allParents<T>(rows: T[], access: TreeAccess<T>): Set<string> {
  const ids = new Set(rows.map(access.id));
  const parents = new Set<string>();
  for (const row of rows) {
    const p = access.parent(row);
    if (p !== null && ids.has(p)) parents.add(p);
  }
  return parents;
}
