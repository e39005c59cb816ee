// The SOR-komponent window: a menu with the seven views and a status line.

import "./styles.css";
import * as platform from "./platform";
import { PlatformError } from "./platform";
import { countsByStatus, formatCount, municipalityLine } from "./logic/format";
import { h, replace } from "./ui/dom";
import type { AppContext, View } from "./views/context";
import { DataViews } from "./views/data";
import { LogView } from "./views/log";
import { ManualView } from "./views/manual";
import { QualityView } from "./views/quality";
import { QueueView } from "./views/queue";
import { SettingsView } from "./views/settings";
import { SyncArea } from "./views/sync";
import { OnlyInSorView, WorklistView } from "./views/worklist";

type ViewId = "new" | "approved" | "rejected" | "manual" | "sor" | "org" | "log" | "worklist" | "only" | "quality" | "settings";

const MENU: Array<{ id: ViewId; title: string }> = [
  { id: "new", title: "Nye forslag" },
  { id: "approved", title: "Godkendte forslag" },
  { id: "rejected", title: "Afviste forslag" },
  { id: "manual", title: "Manuel oprettelse" },
  { id: "sor", title: "SOR-data" },
  { id: "org", title: "STS-Org-data" },
  { id: "log", title: "Log over ændringer" },
  { id: "worklist", title: "Arbejdsliste til SOR" },
  { id: "only", title: "Kun i SOR" },
  { id: "quality", title: "Klargør data i FK" },
  { id: "settings", title: "Indstillinger" },
];

const root = document.getElementById("app")!;
const status = h("div", { class: "status", role: "status", "aria-live": "polite", testid: "status" });
const municipality = h("span", { class: "municipality", testid: "municipality" });
const who = h("input", { type: "text", testid: "who", "aria-label": "Dit navn eller initialer", placeholder: "Initialer" });
const main = h("main", { id: "main", tabindex: -1 });
const counts = new Map<ViewId, HTMLElement>();
const buttons = new Map<ViewId, HTMLButtonElement>();

const ctx: AppContext = {
  notify(message) {
    status.classList.remove("error");
    replace(status, message);
  },
  fail(error) {
    status.classList.add("error");
    replace(status, error instanceof PlatformError ? error.message : `Uventet fejl: ${String(error)}`);
  },
  refreshCounts,
};

const data = new DataViews(ctx);
const views: Record<ViewId, View> = {
  new: new QueueView(ctx, "new"),
  approved: new QueueView(ctx, "approved"),
  rejected: new QueueView(ctx, "rejected"),
  manual: new ManualView(ctx),
  sor: data.sor,
  org: data.org,
  log: new LogView(ctx),
  worklist: new WorklistView(ctx),
  only: new OnlyInSorView(ctx),
  quality: new QualityView(ctx),
  settings: new SettingsView(ctx),
};
const sync = new SyncArea(ctx);

let current: ViewId = "new";

async function show(id: ViewId): Promise<void> {
  current = id;
  for (const [key, button] of buttons) {
    if (key === id) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  replace(main, views[id].element);
  try {
    await views[id].refresh();
  } catch (error) {
    ctx.fail(error);
  }
}

async function refreshCounts(): Promise<void> {
  const o = await platform.overview();
  replace(municipality, municipalityLine(o.municipality_name, o.municipality_cvr));
  if (document.activeElement !== who) who.value = o.who;
  const byStatus = countsByStatus(o.stats.proposals);
  for (const id of ["new", "approved", "rejected"] as const) {
    replace(counts.get(id)!, formatCount(byStatus[id] ?? 0));
  }
}

function buildShell(): void {
  const list = h("ul", {});
  for (const item of MENU) {
    const count = h("span", { class: "count", testid: `count-${item.id}` });
    counts.set(item.id, count);
    const button = h("button", { type: "button", testid: `nav-${item.id}` }, h("span", {}, item.title), count);
    button.addEventListener("click", () => void show(item.id));
    buttons.set(item.id, button);
    list.append(h("li", {}, button));
  }
  who.addEventListener("change", async () => {
    const name = who.value.trim();
    // An emptied field (or WebDriver's clear()) keeps the name already stored.
    if (!name) return;
    try {
      await platform.setWho(name);
      ctx.notify(`Beslutninger registreres nu som "${name}".`);
    } catch (error) {
      ctx.fail(error);
    }
  });
  replace(
    root,
    h(
      "div",
      { class: "shell" },
      h(
        "header",
        { class: "top" },
        h("h1", {}, "SOR-komponent"),
        municipality,
        h("span", { class: "spacer" }),
        sync.element,
        h("label", {}, "Bruger", who),
      ),
      h("nav", { class: "menu", "aria-label": "Visninger" }, list),
      h("div", { class: "content" }, status, main),
    ),
  );
}

buildShell();
void refreshCounts().catch((error) => ctx.fail(error));
void sync.refresh().catch((error) => ctx.fail(error));
void show(current);
