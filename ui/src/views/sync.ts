// The header's sync area: "Synkronisér" fetches FK Organisation and SOR (a progress bar per
// register), then matches; "Hent SOR-data" fetches SOR alone. The last sync per register and an
// offline indicator are always shown. A failed source never stops the other, and the cached
// data stays usable.

import type { Progress, SyncStatus } from "../platform";
import * as platform from "../platform";
import { PlatformError } from "../platform";
import { progressText, syncLines } from "../logic/sync";
import { askText } from "../ui/ask";
import { h, replace } from "../ui/dom";
import type { AppContext } from "./context";

class Bar {
  readonly element: HTMLElement;
  private readonly bar = h("progress", { max: 1 });
  private readonly text = h("span", {});

  constructor(register: string) {
    this.element = h("div", { class: "sync-bar", testid: `progress-${register}`, hidden: true }, this.bar, this.text);
  }

  show(p: Progress): void {
    this.element.hidden = false;
    if (p.total !== null && p.total > 0) {
      this.bar.max = p.total;
      this.bar.value = Math.min(p.done, p.total);
    } else {
      this.bar.removeAttribute("value");
    }
    replace(this.text, progressText(p));
  }

  hide(): void {
    this.element.hidden = true;
  }
}

export class SyncArea {
  readonly element: HTMLElement;
  private readonly button = h("button", { type: "button", testid: "sync", class: "sync-button" }, "Synkronisér");
  private readonly sorButton = h("button", { type: "button", testid: "fetch-sor", title: "Hent SOR's eksport; en uændret fil hentes ikke igen" }, "Hent SOR-data");
  private readonly offline = h("span", { class: "offline", testid: "offline", hidden: true, role: "status" }, "Offline: du arbejder på de gemte data");
  private readonly orgLine = h("span", { testid: "sync-org" });
  private readonly sorLine = h("span", { testid: "sync-sor" });
  private readonly orgBar = new Bar("org");
  private readonly sorBar = new Bar("sor");
  private lastFailedOffline = false;

  constructor(private readonly ctx: AppContext) {
    this.button.addEventListener("click", () => void this.synchronise({ org: true }));
    this.sorButton.addEventListener("click", () => void this.synchronise({ org: false }));
    window.addEventListener("online", () => this.drawOffline());
    window.addEventListener("offline", () => this.drawOffline());
    this.element = h(
      "div",
      { class: "sync" },
      h("div", { class: "sync-row" }, this.button, this.sorButton, this.offline),
      h("div", { class: "sync-lines" }, this.orgLine, this.sorLine),
      this.orgBar.element,
      this.sorBar.element,
    );
  }

  async refresh(): Promise<void> {
    this.draw(await platform.syncStatus());
  }

  private draw(s: SyncStatus): void {
    const lines = syncLines(s);
    replace(this.orgLine, lines.org.text);
    replace(this.sorLine, lines.sor.text);
    this.orgLine.classList.toggle("failed", lines.org.failed);
    this.sorLine.classList.toggle("failed", lines.sor.failed);
    this.drawOffline();
  }

  private drawOffline(): void {
    this.offline.hidden = navigator.onLine && !this.lastFailedOffline;
  }

  /** FK Organisation (unless `org` is false), then SOR, then a matcher run if anything changed. */
  async synchronise(which: { org: boolean }): Promise<void> {
    this.button.disabled = true;
    this.sorButton.disabled = true;
    const done: string[] = [];
    const failed: string[] = [];
    let offline = false;
    const run = async (name: string, bar: Bar, fetch: () => Promise<{ summary: string; unchanged: boolean }>) => {
      try {
        const report = await fetch();
        done.push(report.summary);
        return !report.unchanged;
      } catch (error) {
        if (error instanceof PlatformError && error.code === "offline") offline = true;
        failed.push(`${name}: ${error instanceof PlatformError ? error.message : String(error)}`);
        return false;
      } finally {
        bar.hide();
      }
    };
    try {
      const status = await platform.syncStatus();
      let changed = false;
      if (which.org) {
        if (!status.fk_configured) {
          failed.push("FK Organisation: forbindelsen er ikke sat op (se Indstillinger).");
        } else if (status.certificate_unlocked || (await this.unlock())) {
          changed = (await run("FK Organisation", this.orgBar, () => platform.syncOrg((p) => this.orgBar.show(p)))) || changed;
        }
      }
      changed = (await run("SOR", this.sorBar, () => platform.downloadSor((p) => this.sorBar.show(p)))) || changed;
      this.lastFailedOffline = offline;
      if (changed) {
        const m = await platform.runMatch();
        done.push(`Matchning: ${m.added} nye og ${m.updated} ændrede forslag${m.auto_approved ? `, ${m.auto_approved} godkendt af regler` : ""}.`);
      }
      if (failed.length) this.ctx.fail(new PlatformError("sync", [...failed, ...done].join(" ")));
      else this.ctx.notify(done.join(" "));
      await this.ctx.refreshCounts();
    } catch (error) {
      this.ctx.fail(error);
    } finally {
      this.button.disabled = false;
      this.sorButton.disabled = false;
      await this.refresh().catch((e) => this.ctx.fail(e));
    }
  }

  /** Ask for the certificate password for this session. False when cancelled or wrong. */
  private async unlock(): Promise<boolean> {
    const password = await askText({ title: "Lås certifikatet op", subject: "Funktionscertifikatet til FK Organisation. Adgangskoden gemmes ikke.", label: "Adgangskode", confirm: "Lås op", password: true, testid: "unlock" });
    if (password === undefined || password === null) return false;
    try {
      await platform.unlockCertificate(password);
      return true;
    } catch (error) {
      this.ctx.fail(error);
      return false;
    }
  }
}
