// Indstillinger: the FK Organisation connection (the certificate password is asked for per
// session and never stored), the approval rules, and the KLE table that decides which ORG units
// belong in SOR.

import type { FkSettings, KleRule, Rule, SorSyncStatus, WeightsView } from "../platform";
import * as platform from "../platform";
import { h, replace } from "../ui/dom";
import type { AppContext, View } from "./context";

function field(labelText: string, input: HTMLElement): HTMLElement {
  return h("label", { class: "form-row" }, h("span", {}, labelText), input);
}

function text(testid: string, value: string | null, placeholder = ""): HTMLInputElement {
  return h("input", { type: "text", testid, value: value ?? "", placeholder, "aria-label": placeholder || testid });
}

export class SettingsView implements View {
  readonly element: HTMLElement;
  private readonly fk = h("section", { class: "panel", testid: "settings-fk" });
  private readonly rules = h("section", { class: "panel", testid: "settings-rules" });
  private readonly kle = h("section", { class: "panel", testid: "settings-kle" });
  private readonly sor = h("section", { class: "panel", testid: "settings-sor" });
  private readonly weights = h("section", { class: "panel", testid: "settings-weights" });
  private kleRows: KleRule[] = [];

  constructor(private readonly ctx: AppContext) {
    this.element = h("section", { class: "view scroll", testid: "view-settings" }, h("h2", {}, "Indstillinger"), this.fk, this.sor, this.rules, this.kle, this.weights);
  }

  async refresh(): Promise<void> {
    const [fk, status, rules, kle, sor, weights] = await Promise.all([
      platform.fkSettings(),
      platform.syncStatus(),
      platform.rules(),
      platform.kleRules(),
      platform.sorSyncStatus(),
      platform.learnedWeights(),
    ]);
    this.drawFk(fk, status.certificate_unlocked);
    this.drawSor(sor);
    this.drawWeights(weights);
    this.drawRules(rules);
    this.kleRows = kle;
    this.drawKle();
  }

  private drawFk(fk: FkSettings | null, unlocked: boolean): void {
    const environment = h(
      "select",
      { testid: "fk-environment", "aria-label": "Miljø" },
      h("option", { value: "produktion", selected: fk?.environment !== "test" }, "Produktion"),
      h("option", { value: "test", selected: fk?.environment === "test" }, "Test"),
    );
    const clientId = text("fk-client-id", fk?.client_id ?? null, "Klient-id (fra Administrationsmodulet)");
    const certificate = text("fk-certificate", fk?.certificate_path ?? null, "Sti til funktionscertifikat (.p12 eller .pem)");
    const tokenUrl = text("fk-token-url", fk?.token_url ?? null, "Token-adresse (tom: standard for miljøet)");
    const graphqlUrl = text("fk-graphql-url", fk?.graphql_url ?? null, "OrganisationHent-adresse (tom: standard)");
    const save = h("button", { type: "button", class: "primary", testid: "fk-save" }, "Gem forbindelse");
    save.addEventListener("click", async () => {
      try {
        await platform.setFkSettings({
          environment: environment.value,
          client_id: clientId.value.trim(),
          certificate_path: certificate.value.trim(),
          token_url: tokenUrl.value.trim() || null,
          graphql_url: graphqlUrl.value.trim() || null,
          extra_ca_path: fk?.extra_ca_path ?? null,
        });
        this.ctx.notify("Forbindelsen til FK Organisation er gemt.");
        await this.refresh();
      } catch (error) {
        this.ctx.fail(error);
      }
    });
    const password = h("input", { type: "password", testid: "fk-password", autocomplete: "off", "aria-label": "Certifikatets adgangskode" });
    const unlock = h("button", { type: "button", testid: "fk-unlock" }, "Lås certifikatet op");
    unlock.addEventListener("click", async () => {
      try {
        await platform.unlockCertificate(password.value);
        password.value = "";
        this.ctx.notify("Certifikatet er låst op for denne session. Adgangskoden gemmes ikke.");
        await this.refresh();
      } catch (error) {
        this.ctx.fail(error);
      }
    });
    replace(
      this.fk,
      h("h3", {}, "FK Organisation"),
      h("div", { class: "form-grid" }, field("Miljø", environment), field("Klient-id", clientId), field("Certifikat", certificate), field("Token-adresse", tokenUrl), field("OrganisationHent", graphqlUrl)),
      h("div", { class: "toolbar" }, save),
      h(
        "div",
        { class: "toolbar" },
        unlocked ? h("span", { testid: "fk-unlocked" }, "Certifikatet er låst op for denne session.") : h("label", {}, "Adgangskode til certifikatet ", password),
        unlocked ? null : unlock,
      ),
      h("p", { class: "decided" }, "Adgangskoden holdes kun i hukommelsen, til programmet lukkes, og skrives aldrig på disken."),
    );
  }

  private drawSor(status: SorSyncStatus): void {
    const url = text("sor-url", status.url, "Adresse på SOR's XML-eksport (https)");
    url.style.width = "100%";
    const save = h("button", { type: "button", class: "primary", testid: "sor-url-save" }, "Gem adresse");
    save.addEventListener("click", async () => {
      try {
        await platform.setSorUrl(url.value.trim());
        this.ctx.notify("Adressen på SOR-eksporten er gemt. Den bruges ved næste synkronisering.");
      } catch (error) {
        this.ctx.fail(error);
      }
    });
    replace(
      this.sor,
      h("h3", {}, "SOR"),
      h("p", { class: "decided" }, "SOR's offentlige XML-eksport hentes ved Synkronisér. Uændrede filer hentes ikke igen."),
      field("Adresse", url),
      h("div", { class: "toolbar" }, save),
    );
  }

  /** What the matcher has learnt from approved and rejected links, beside what it shipped with. */
  private drawWeights(w: WeightsView): void {
    const number = (n: number) => n.toFixed(2).replace(".", ",").replace("-", "−");
    const rows = w.rows.map((r) =>
      h(
        "tr",
        { testid: "weight-row" },
        h("td", {}, r.field_label),
        h("td", {}, r.level_label),
        h("td", { class: "num" }, number(r.default_weight)),
        h("td", { class: "num" }, number(r.learnt_weight)),
        h("td", { class: "num" }, `${r.approved} / ${r.rejected}`),
      ),
    );
    replace(
      this.weights,
      h("h3", {}, "Det har matcheren lært"),
      h(
        "p",
        { class: "decided" },
        w.decisions
          ? `Lært af ${w.decisions} beslutninger om koblinger (${w.approved} godkendte, ${w.rejected} afviste). Vægtene bruges ved næste matchning.`
          : "Ingen beslutninger om koblinger endnu: matcheren bruger sine standardvægte.",
      ),
      h(
        "table",
        { class: "grid" },
        h("thead", {}, h("tr", {}, h("th", {}, "Felt"), h("th", {}, "Niveau"), h("th", {}, "Standardvægt"), h("th", {}, "Lært vægt"), h("th", {}, "Godkendt / afvist"))),
        h("tbody", {}, ...rows),
      ),
    );
  }

  private drawRules(rules: Rule[]): void {
    const rows = rules.map((r) => {
      const select = h(
        "select",
        { testid: `rule-${r.key}`, "aria-label": r.label },
        h("option", { value: "manual", selected: !r.automatic }, "Efter godkendelse"),
        h("option", { value: "auto", selected: r.automatic }, "Automatisk"),
      );
      select.addEventListener("change", async () => {
        try {
          this.drawRules(await platform.setRule(r.key, select.value === "auto"));
          this.ctx.notify(`${r.label}: ${select.value === "auto" ? "udføres nu automatisk ved næste matchning" : "kræver nu godkendelse"}.`);
        } catch (error) {
          this.ctx.fail(error);
        }
      });
      return h("tr", {}, h("td", {}, h("strong", {}, r.label), h("div", { class: "decided" }, r.description)), h("td", {}, select));
    });
    replace(
      this.rules,
      h("h3", {}, "Regler for godkendelse"),
      h("p", { class: "decided" }, "Automatiske beslutninger logges med kilden Regel og kan fortrydes som alle andre."),
      h("table", { class: "grid" }, h("tbody", {}, ...rows)),
    );
  }

  private drawKle(): void {
    const body = h("tbody", {});
    this.kleRows.forEach((rule, i) => {
      const prefix = h("input", { type: "text", testid: "kle-prefix", value: rule.kle_prefix, "aria-label": `KLE-nummer, række ${i + 1}` });
      prefix.style.width = "8em";
      const type = h("input", { type: "text", testid: "kle-type", value: rule.sor_type_code, "aria-label": `SOR-enhedstype, række ${i + 1}` });
      type.style.width = "14em";
      const name = h("input", { type: "text", testid: "kle-label", value: rule.label, "aria-label": `Betegnelse, række ${i + 1}` });
      const remove = h("button", { type: "button", class: "danger", testid: "kle-remove", "aria-label": `Fjern række ${i + 1}` }, "Fjern");
      prefix.addEventListener("input", () => (rule.kle_prefix = prefix.value.trim()));
      type.addEventListener("input", () => (rule.sor_type_code = type.value.trim()));
      name.addEventListener("input", () => (rule.label = name.value));
      remove.addEventListener("click", () => {
        this.kleRows.splice(i, 1);
        this.drawKle();
      });
      body.append(h("tr", { testid: "kle-row" }, h("td", {}, prefix), h("td", {}, type), h("td", {}, name), h("td", {}, remove)));
    });
    const add = h("button", { type: "button", testid: "kle-add" }, "Tilføj række");
    add.addEventListener("click", () => {
      this.kleRows.push({ kle_prefix: "", sor_type_code: "", label: "" });
      this.drawKle();
    });
    const save = h("button", { type: "button", class: "primary", testid: "kle-save" }, "Gem KLE-tabellen");
    save.addEventListener("click", async () => {
      try {
        this.kleRows = await platform.setKleRules(this.kleRows);
        this.drawKle();
        this.ctx.notify("KLE-tabellen er gemt. Den bruges ved næste matchning.");
      } catch (error) {
        this.ctx.fail(error);
      }
    });
    replace(
      this.kle,
      h("h3", {}, "KLE → SOR-enhedstype"),
      h("p", { class: "decided" }, "Hvilke ORG-enheder hører til i SOR: et KLE-nummer eller et præfiks (27, 27.42 eller 27.42.00) og den SOR-enhedstype, enheden skal have."),
      h("table", { class: "grid" }, h("thead", {}, h("tr", {}, h("th", {}, "KLE"), h("th", {}, "SOR-enhedstype"), h("th", {}, "Betegnelse"), h("th", {}, ""))), body),
      h("div", { class: "toolbar" }, add, save),
    );
  }
}
