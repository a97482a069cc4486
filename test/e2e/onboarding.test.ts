import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { readJson, repoRoot, runCli, tempDir } from "../support/cli.js";
import { freshPlatform } from "../support/platform.js";

/** A professional the sample platform holds (fixtures/platform-state.json). */
const EXISTING_PROFESSIONAL = "8ac032118cd9d6b653c93da6b5d32f41";

type Rows = Record<string, string>[];

/** The onboarding template of a language, filled in with exceljs by header, sheet by sheet. */
async function onboardingWorkbook(path: string, lang: "nl" | "en" | "de", sheets: Rows[]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(join(repoRoot, "templates", `onboarding.${lang}.xlsx`));
  sheets.forEach((rows, index) => {
    const sheet = workbook.worksheets[index] as ExcelJS.Worksheet;
    const headers = (sheet.getRow(1).values as (string | undefined)[]).slice(1);
    rows.forEach((values, r) => {
      const row = sheet.getRow(r + 2);
      for (const [header, value] of Object.entries(values)) {
        const column = headers.indexOf(header);
        if (column < 0) throw new Error(`no column "${header}"`);
        row.getCell(column + 1).value = value;
      }
      row.commit();
    });
  });
  writeFileSync(path, Buffer.from(await workbook.xlsx.writeBuffer()));
  return path;
}

const clients: Rows = [
  { "Client ID": "C-101", "Email address": "anna.nieuw@example.org", "First name": "Anna", "Last name": "Nieuw" },
  // Not a date: the row is invalid, and the relation naming C-102 cannot be carried out either.
  {
    "Client ID": "C-102",
    "Email address": "bob.nieuw@example.org",
    "First name": "Bob",
    "Last name": "Nieuw",
    "Date of birth": "31/02/1990",
  },
  // The e-mail address a new professional also has.
  { "Client ID": "C-103", "Email address": "shared@example.org", "First name": "Cor", "Last name": "Nieuw" },
];
const professionals: Rows = [
  {
    "Professional ID": "P-201",
    "Email address": "piet.nieuw@example.org",
    "First name": "Piet",
    "Last name": "Nieuw",
    Role: "Professional",
  },
  {
    "Professional ID": "P-202",
    "Email address": "shared@example.org",
    "First name": "Sam",
    "Last name": "Nieuw",
    Role: "Professional",
  },
];
const relations: Rows = [
  { "Professional ID": "P-201", "Client ID": "C-101" },
  { "Professional ID": "P-201", "Client ID": "C-102" },
  { "Minddistrict professional ID": EXISTING_PROFESSIONAL, "Client ID": "C-101" },
  { "Professional ID": "P-202", "Client ID": "C-101" },
];

interface SheetJson {
  name: string;
  position: number;
  script: string;
  header_row: number;
  columns: Record<string, string>;
  summary: Record<string, number>;
  rows: {
    row: number;
    status: string;
    reasons: { code: string; field?: string; ref?: unknown; message: string }[];
    depends_on?: unknown;
  }[];
}
interface WorkbookJson {
  mode: string;
  script: string | null;
  input: { sha256: string; rows: number };
  summary: Record<string, number>;
  warnings: { code: string; sheet?: string }[];
  sheets: SheetJson[];
  rows?: unknown;
}

const flat = (sheet: SheetJson) =>
  sheet.rows.map((r) => [
    r.row,
    r.status,
    ...r.reasons.map((reason) => `${reason.code}:${JSON.stringify(reason.ref ?? null)}`),
  ]);

describe("an onboarding workbook: clients, professionals and relations in one test run (--all-sheets)", () => {
  const dir = tempDir();
  let file: string;
  let db: string;
  beforeAll(async () => {
    db = freshPlatform().db;
    file = await onboardingWorkbook(join(dir, "onboarding.xlsx"), "en", [clients, professionals, relations]);
  });

  it("test-runs to planned accounts and planned relations to them, conflict_in_file across sheets and depends_on_row", () => {
    const out = join(dir, "test-run");
    const run = runCli(["test-run", file, "--all-sheets", "--db", db, "--out", out, "--lang", "en"]);
    expect(run.code, run.stderr).toBe(1);
    const report = readJson<WorkbookJson>(join(out, "report.json"));
    expect(report.script).toBeNull();
    expect(report.rows).toBeUndefined();
    expect(report.input.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.input.rows).toBe(9);
    expect(report.sheets.map((s) => [s.name, s.position, s.script, s.header_row])).toEqual([
      ["Clients", 1, "new-clients", 1],
      ["Professionals", 2, "new-professionals", 1],
      ["Relations", 3, "relations", 1],
    ]);
    const [clientSheet, professionalSheet, relationSheet] = report.sheets as [SheetJson, SheetJson, SheetJson];
    expect(flat(clientSheet)).toEqual([
      [2, "planned"],
      [3, "invalid", "invalid_date:null"],
      [4, "duplicate", `conflict_in_file:${JSON.stringify({ sheet: 2, row: 3 })}`],
    ]);
    expect(flat(professionalSheet)).toEqual([
      [2, "planned"],
      [3, "duplicate", `conflict_in_file:${JSON.stringify({ sheet: 1, row: 4 })}`],
    ]);
    expect(professionalSheet.rows[1]?.reasons[0]?.message).toBe(
      'Email address is also in row 4 of sheet "Clients", with different data; an e-mail address belongs to one account (client or professional)',
    );
    expect(flat(relationSheet)).toEqual([
      [2, "planned"],
      [3, "dropout", `depends_on_row:${JSON.stringify({ sheet: 1, row: 3 })}`],
      [4, "planned"],
      [5, "dropout", `depends_on_row:${JSON.stringify({ sheet: 2, row: 3 })}`],
    ]);
    expect(relationSheet.rows.map((r) => r.depends_on ?? null)).toEqual([
      [
        { sheet: 2, row: 2 },
        { sheet: 1, row: 2 },
      ],
      null,
      [{ sheet: 1, row: 2 }],
      null,
    ]);
    expect(relationSheet.rows[1]?.reasons[0]).toMatchObject({ field: "client_id" });
    expect(relationSheet.rows[1]?.reasons[0]?.message).toContain('row 3 of sheet "Clients"');
    expect(report.summary).toEqual({ planned: 4, unchanged: 0, invalid: 1, duplicate: 2, dropout: 2 });
    expect(report.warnings).toEqual([expect.objectContaining({ code: "sheet_skipped", sheet: "Explanation" })]);
    // No value of a row in report.json.
    expect(readFileSync(join(out, "report.json"), "utf8")).not.toMatch(/example\.org|Nieuw|C-10/);
    // The terminal: each sheet, then the totals.
    expect(run.stdout).toContain('new-clients · 3 rows · sheet "Clients"');
    expect(run.stdout).toContain('relations · 4 rows · sheet "Relations"');
    expect(run.stdout).toContain("3 sheets · 9 rows in all");
    const summary = readFileSync(join(out, "summary.md"), "utf8");
    expect(summary).toContain("## Sheet Clients: new-clients");
    expect(summary).toContain("| depends_on_row (client_id) | 1 | 3 |");
  });

  it("writes report.xlsx with a report sheet per input sheet and the summary, and fix.xlsx with the sheets that have rows to fix", async () => {
    const out = join(dir, "test-run");
    const report = new ExcelJS.Workbook();
    await report.xlsx.readFile(join(out, "report.xlsx"));
    expect(report.worksheets.map((s) => s.name)).toEqual(["Clients", "Professionals", "Relations", "Summary"]);
    // A relation's people: the new client as the Clients sheet gives them.
    const relationRow = report.getWorksheet("Relations")?.getRow(2).values as unknown[];
    expect(relationRow).toContain("Anna Nieuw <anna.nieuw@example.org>");
    const fix = new ExcelJS.Workbook();
    await fix.xlsx.readFile(join(out, "fix.xlsx"));
    expect(fix.worksheets.map((s) => s.name)).toEqual(["Clients", "Professionals", "Relations", "Explanation"]);
    expect(fix.getWorksheet("Relations")?.rowCount).toBe(3);
  });

  it("changes nothing on the platform", () => {
    const state = JSON.parse(runCli(["platform", "dump", "--db", db]).stdout) as {
      clients: unknown[];
      relations: unknown[];
    };
    expect(state.clients).toHaveLength(4);
    expect(state.relations).toHaveLength(1);
  });

  it("validate --all-sheets: the same conflict across sheets, relations checked on their own", () => {
    const out = join(dir, "validate");
    const run = runCli(["validate", file, "--all-sheets", "--out", out, "--lang", "en"]);
    expect(run.code, run.stderr).toBe(1);
    const report = readJson<WorkbookJson>(join(out, "report.json"));
    expect(report.mode).toBe("validate");
    expect(report.sheets.map(flat)).toEqual([
      [
        [2, "valid"],
        [3, "invalid", "invalid_date:null"],
        [4, "duplicate", `conflict_in_file:${JSON.stringify({ sheet: 2, row: 3 })}`],
      ],
      [
        [2, "valid"],
        [3, "duplicate", `conflict_in_file:${JSON.stringify({ sheet: 1, row: 4 })}`],
      ],
      [
        [2, "valid"],
        [3, "valid"],
        [4, "valid"],
        [5, "valid"],
      ],
    ]);
  });

  it("--format json and junit carry the sheets: a testsuite per sheet", () => {
    const json = runCli(["validate", file, "--all-sheets", "--format", "json"]);
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout) as { files: { report: WorkbookJson }[] };
    expect(document.files[0]?.report.sheets.map((s) => s.name)).toEqual(["Clients", "Professionals", "Relations"]);
    const junit = runCli([
      "test-run",
      file,
      "--all-sheets",
      "--db",
      db,
      "--out",
      join(dir, "junit"),
      "--format",
      "junit",
    ]);
    expect(junit.code).toBe(1);
    const suites = [...junit.stdout.matchAll(/<testsuite name="([^"]*)" tests="(\d+)" failures="(\d+)"/g)].map((m) =>
      m.slice(1),
    );
    expect(suites).toEqual([
      [`${file}/Clients`, "3", "2"],
      [`${file}/Professionals`, "2", "1"],
      [`${file}/Relations`, "4", "2"],
    ]);
    expect(junit.stdout).toContain("depends_on_row (client_id, ref sheet 1 row 3)");
  });

  it("refuses --all-sheets with --sheet or --script (exit 2), and one sheet's run of a workbook's approval (exit 5)", () => {
    const script = runCli(["validate", file, "--all-sheets", "--script", "new-clients"]);
    expect([script.code, script.stderr]).toEqual([
      2,
      "mdimport: --all-sheets reads every sheet with the script its headers fit: leave out --script.\n",
    ]);
    expect(runCli(["test-run", file, "--all-sheets", "--sheet", "Clients", "--db", db]).code).toBe(2);
    expect(runCli(["run", file, "--all-sheets", "--sheet", "Clients", "--approved", "x.json", "--db", db]).code).toBe(
      2,
    );
    const run = runCli([
      "run",
      file,
      "--sheet",
      "Clients",
      "--approved",
      join(dir, "test-run", "report.json"),
      "--db",
      db,
      "--welcome-mail",
      "no",
      "--out",
      join(dir, "run"),
    ]);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(
      "is the test run of a workbook of several sheets (--all-sheets), not of one sheet; run it with --all-sheets.",
    );
    expect(existsSync(join(dir, "run"))).toBe(false);
    expect(runCli(["run", "--help"]).stdout).toContain("--all-sheets");
  });

  it("stops with exit 3 when no sheet fits a script", async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("Notes").addRow(["Whatever", "this is"]);
    const path = join(dir, "notes.xlsx");
    writeFileSync(path, Buffer.from(await workbook.xlsx.writeBuffer()));
    const run = runCli(["validate", path, "--all-sheets"]);
    expect([run.code, run.stderr]).toEqual([3, "mdimport: No sheet of notes.xlsx has headers that fit a script.\n"]);
  });

  it.each(["nl", "en", "de"] as const)(
    "recognises the %s template sheet by sheet and skips its explanation sheet",
    (lang) => {
      const out = join(dir, `template-${lang}`);
      const run = runCli([
        "validate",
        join(repoRoot, "templates", `onboarding.${lang}.xlsx`),
        "--all-sheets",
        "--out",
        out,
      ]);
      // The sheets have headers and no data: that is never clean.
      expect(run.code).toBe(1);
      const report = readJson<WorkbookJson>(join(out, "report.json"));
      expect(report.sheets.map((s) => s.script)).toEqual(["new-clients", "new-professionals", "relations"]);
      expect(report.warnings.map((w) => w.code)).toEqual(["sheet_skipped"]);
      expect(run.stderr.match(/recognised from the headers/g)).toHaveLength(3);
    },
  );
});
