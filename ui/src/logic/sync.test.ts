import { describe, expect, it } from "vitest";
import { progressText, syncLines } from "./sync";

describe("progressText", () => {
  it("shows SOR downloads in megabytes with a Danish decimal comma and a percentage", () => {
    expect(progressText({ register: "sor", stage: "Henter SOR-data", done: 13 * 1024 * 1024, total: 266 * 1024 * 1024 })).toBe("Henter SOR-data: 13,0 af 266,0 MB (4 %)");
  });
  it("shows FK Organisation pages as counts, and no total when it is unknown", () => {
    expect(progressText({ register: "org", stage: "Henter enheder", done: 3, total: 9 })).toBe("Henter enheder: 3 af 9 (33 %)");
    expect(progressText({ register: "org", stage: "Henter enheder", done: 1200, total: null })).toBe("Henter enheder: 1.200");
  });
});

describe("syncLines", () => {
  const base = { last_org_sync: null, last_org_error: null, last_sor_download: null, last_sor_error: null, certificate_unlocked: false, fk_configured: false };
  it("tells an administrator without FK settings where to set them up", () => {
    expect(syncLines(base).org).toEqual({ text: "FK Organisation: forbindelsen er ikke sat op (Indstillinger)", failed: false });
  });
  it("shows the last successful time in Danish local time, and an error together with it", () => {
    const s = { ...base, fk_configured: true, last_org_sync: "2026-11-26T08:05:00Z", last_sor_download: "2026-07-01T22:00:00Z", last_sor_error: "Computeren ser ud til at være offline." };
    expect(syncLines(s).org).toEqual({ text: "FK Organisation: hentet 26.11.2026 09:05", failed: false });
    expect(syncLines(s).sor).toEqual({ text: "SOR: Computeren ser ud til at være offline. (senest hentet 02.07.2026 00:00)", failed: true });
  });
});
