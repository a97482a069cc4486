import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { fixture, flatRows, readJson, runCli, tempDir, type FlatRow } from "../support/cli.js";

const cases = [
  { file: "new-clients.xlsx", script: "new-clients" },
  { file: "libreoffice/new-clients.xlsx", script: "new-clients" },
  { file: "new-professionals.xlsx", script: "new-professionals" },
  { file: "relations.xlsx", script: "relations" },
  { file: "update-clients.xlsx", script: "update-clients" },
  { file: "update-professionals.xlsx", script: "update-professionals" },
] as const;

describe("mdimport platform load → test-run → dump", () => {
  const dir = tempDir();
  const db = join(dir, "platform.sqlite");
  let before: string;
  beforeAll(() => {
    const load = runCli(["platform", "load", fixture("platform-state.json"), "--db", db]);
    expect(load.stderr).toBe("");
    expect(load.code).toBe(0);
    expect(load.stdout).toContain("loaded 4 clients, 2 professionals, 1 relations");
    before = runCli(["platform", "dump", "--db", db]).stdout;
  });

  it("dumps what was loaded, sorted, in the state format", () => {
    const state = readJson<{ clients: { md_id: string }[] }>(fixture("platform-state.json"));
    const dump = JSON.parse(before) as typeof state & { config: unknown; relations: unknown[] };
    expect(Object.keys(dump)).toEqual(["config", "clients", "professionals", "relations"]);
    expect(dump.clients.map((c) => c.md_id)).toEqual(state.clients.map((c) => c.md_id).sort());
    expect(dump.relations).toHaveLength(1);
  });

  it.each(cases)("plans every row of $file as expected, and changes nothing", ({ file, script }) => {
    const out = join(dir, `out-${script}-${file.includes("/") ? "lo" : "x"}`);
    const run = runCli(["test-run", fixture(file), "--script", script, "--db", db, "--out", out, "--lang", "en"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    const report = readJson<{
      mode: string;
      platform: string;
      rows: { row: number; status: string; reasons: { code: string }[] }[];
    }>(join(out, "report.json"));
    expect(report.mode).toBe("test-run");
    expect(report.platform).toBe(`local:${db}`);
    expect(flatRows(report)).toEqual(readJson<FlatRow[]>(fixture(file.replace(/\.xlsx$/, ".test-run.expected.json"))));
    expect(runCli(["platform", "dump", "--db", db]).stdout).toBe(before);
  });

  it("keeps the sheet's invalid rows invalid and plans the rest", () => {
    const out = join(dir, "out-de");
    const run = runCli([
      "test-run",
      fixture("new-clients.de.xlsx"),
      "--script",
      "new-clients",
      "--db",
      db,
      "--out",
      out,
    ]);
    expect(flatRows(readJson(join(out, "report.json"))).map((r) => r.status)).toEqual([
      "planned",
      "planned",
      "planned",
      "invalid",
    ]);
    expect(run.code).toBe(1);
  });

  it("exits 0 when every row is planned or unchanged", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Blad1");
    sheet.addRow(["Professional ID", "Client ID"]);
    sheet.addRow(["PRO-1", "EXT-1001"]); // already linked: unchanged
    sheet.addRow(["PRO-2", "EXT-1002"]); // planned
    await workbook.xlsx.writeFile(join(dir, "clean.xlsx"));
    const out = join(dir, "out-clean");
    const run = runCli(["test-run", join(dir, "clean.xlsx"), "--script", "relations", "--db", db, "--out", out]);
    expect(flatRows(readJson(join(out, "report.json"))).map((r) => r.status)).toEqual(["unchanged", "planned"]);
    expect(run.code).toBe(0);
  });
});

describe("mdimport platform load refuses a state that breaks a rule, and loads none of it", () => {
  const dir = tempDir();
  const db = join(dir, "platform.sqlite");
  const md = (n: number) => n.toString(16).padStart(32, "0");
  const client = (n: number, email: string) => ({ md_id: md(n), id: `C${n}`, email, first_name: "A", last_name: "B" });

  it.each([
    [
      "two accounts with one e-mail address",
      { clients: [client(1, "a@voorbeeld.nl"), client(2, "a@voorbeeld.nl")] },
      /clients\[1\]: the e-mail address is already used/,
    ],
    [
      "an e-mail address in capitals",
      { clients: [client(1, "A@voorbeeld.nl")] },
      /clients\.0\.email must be lower case/,
    ],
    [
      "a relation to no one",
      { relations: [{ professional_md_id: md(1), client_md_id: md(2) }] },
      /relations\[0\]: a relation names an account that does not exist/,
    ],
    ["an unknown key", { clients: [], patients: [] }, /not valid/],
  ])("%s", (_, state, message) => {
    writeFileSync(join(dir, "state.json"), JSON.stringify(state));
    const run = runCli(["platform", "load", join(dir, "state.json"), "--db", db]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain("nothing was loaded");
    expect(run.stderr).not.toContain("a@voorbeeld.nl");
    expect(JSON.parse(runCli(["platform", "dump", "--db", db]).stdout)).toMatchObject({
      clients: [],
      professionals: [],
      relations: [],
    });
  });

  it("refuses an HTTP platform without a token, and an unknown platform, as usage errors", () => {
    const run = runCli(
      [
        "test-run",
        fixture("relations.xlsx"),
        "--script",
        "relations",
        "--platform",
        "https://naam.e-behandeling.nl",
        "--out",
        join(dir, "o"),
      ],
      { env: { MDIMPORT_TOKEN: "" } },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "mdimport: --platform https://naam.e-behandeling.nl needs the API token: set MDIMPORT_TOKEN or give --token-file.\n",
    );
    expect(existsSync(join(dir, "o"))).toBe(false);
    const unknown = runCli([
      "test-run",
      fixture("relations.xlsx"),
      "--script",
      "relations",
      "--platform",
      "ftp-ish",
      "--out",
      join(dir, "p"),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--platform must be "local" or https://HOST');
  });
});
