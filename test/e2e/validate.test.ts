import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { cellText } from "../../src/input/cells.js";
import { readSheet } from "../support/xlsx.js";
import { scripts, personalFields } from "../../src/scripts/index.js";
import { mapHeaders } from "../../src/input/headers.js";
import { fixture, flatRows, readJson, runCli, tempDir, type FlatRow } from "../support/cli.js";

const cases = [
  { file: "new-clients.xlsx", script: "new-clients" },
  { file: "new-clients.de.xlsx", script: "new-clients" },
  { file: "new-clients.american.xlsx", script: "new-clients" },
  { file: "libreoffice/new-clients.xlsx", script: "new-clients" },
  { file: "new-professionals.xlsx", script: "new-professionals" },
  { file: "relations.xlsx", script: "relations" },
  { file: "update-clients.xlsx", script: "update-clients" },
  { file: "update-professionals.xlsx", script: "update-professionals" },
] as const;

/** Every value in a personal column of a fixture, for checking that none leaks. */
async function personalValues(file: string, script: keyof typeof scripts): Promise<string[]> {
  const [header, ...rows] = (await readSheet(readFileSync(fixture(file)))).rows;
  if (!header) throw new Error("no header");
  const map = mapHeaders(scripts[script], header.row, header.cells);
  const values: string[] = [];
  for (const row of rows) {
    for (const [index, column] of map.columns) {
      const value = cellText(row.cells[index]).trim();
      // Short or all-digit values could turn up by chance (in a hash or a time), so they are left out.
      if (personalFields.includes(column.field) && value.length >= 6 && !/^\d+$/.test(value))
        values.push(value, value.toLowerCase());
    }
  }
  return values;
}

describe.each(cases)("mdimport validate $file", ({ file, script }) => {
  const out = join(tempDir(), "out");
  const privateTmp = tempDir("mdimport-private-tmp-");
  let run: ReturnType<typeof runCli>;
  beforeAll(() => {
    run = runCli(["validate", fixture(file), "--script", script, "--out", out, "--lang", "en"], {
      env: { TMPDIR: privateTmp },
    });
  });

  it("gives every row the expected status and reasons, and exit code 1", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    const expected = readJson<FlatRow[]>(fixture(file.replace(/\.xlsx$/, ".expected.json")));
    expect(flatRows(readJson(join(out, "report.json")))).toEqual(expected);
  });

  it("writes the four outputs, folder 0700 and files 0600, and nothing into TMPDIR", () => {
    // fix.xlsx too: every sample holds rows to fix.
    expect(readdirSync(out).sort()).toEqual(["fix.xlsx", "mdimport.log", "report.json", "report.xlsx", "summary.md"]);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(out)) expect(statSync(join(out, name)).mode & 0o777).toBe(0o600);
    expect(readdirSync(privateTmp)).toEqual([]);
  });

  it("keeps personal data out of the log, summary.md and the terminal", async () => {
    const values = await personalValues(file, script);
    expect(values.length).toBeGreaterThan(0);
    const texts = [
      readFileSync(join(out, "mdimport.log"), "utf8"),
      readFileSync(join(out, "summary.md"), "utf8"),
      run.stdout,
      run.stderr,
    ];
    for (const value of values) for (const text of texts) expect(text.includes(value), `"${value}" leaked`).toBe(false);
  });

  it("gives the requester report.xlsx: status, reason and row first, then the original columns and rows, and a summary sheet", async () => {
    const report = readJson<{ rows: { row: number; status: string }[] }>(join(out, "report.json"));
    const original = await readSheet(readFileSync(fixture(file)));
    const written = await readSheet(readFileSync(join(out, "report.xlsx")));
    expect(written.workbook.sheets.map((s) => s.name)).toEqual(["Report", "Summary"]);
    const originalRows = original.rows.map((r) => Array.from(r.cells, cellText));
    const writtenRows = written.rows.map((r) => Array.from(r.cells, cellText));
    expect(writtenRows[0]?.slice(0, 3)).toEqual(["Status", "Reason", "Row"]);
    const trimmed = (row: string[] | undefined, length: number) =>
      Array.from({ length }, (_, i) => (row?.[i] ?? "").trim());
    const width = originalRows[0]?.length ?? 0;
    expect(trimmed(writtenRows[0]?.slice(3), width)).toEqual(trimmed(originalRows[0], width));
    expect(writtenRows).toHaveLength(originalRows.length);
    writtenRows.slice(1).forEach((row, i) => {
      // A valid row shows its values as they will be stored (review-report.test.ts); the others as the sheet has them.
      if (report.rows[i]?.status !== "valid") {
        const length = originalRows[i + 1]?.length ?? 0;
        expect(trimmed(row.slice(3), length)).toEqual(trimmed(originalRows[i + 1], length));
      }
      expect(row[2]).toBe(String(report.rows[i]?.row));
      expect(row[0]).toBe(report.rows[i]?.status);
    });
  });
});

describe("mdimport validate, other outcomes", () => {
  it("exits 0 when every row is valid, with a summary on the terminal", async () => {
    const dir = tempDir();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Blad1");
    sheet.addRow([
      "E-mailadres",
      "Voornaam",
      "Tussenvoegsel",
      "Achternaam",
      "Professional database ID (van te koppelen systeem)",
      "MD-platform groep",
    ]);
    sheet.addRow(["a.jansen@voorbeeld.nl", "Aad", "", "Jansen", "P-1", "Hulpverlener"]);
    sheet.addRow(["b.jansen@voorbeeld.nl", "Bea", "", "Jansen", "P-2", "Supervisor"]);
    await workbook.xlsx.writeFile(join(dir, "ok.xlsx"));
    const run = runCli(["validate", join(dir, "ok.xlsx"), "--script", "new-professionals", "--out", join(dir, "out")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/valid\s+2/);
    expect(run.stdout).toContain(`reports: ${join(dir, "out")}`);
  });

  it("writes messages in the requester's language (Dutch by default, German on request)", () => {
    const dir = tempDir();
    runCli(["validate", fixture("new-professionals.xlsx"), "--script", "new-professionals", "--out", join(dir, "nl")]);
    runCli([
      "validate",
      fixture("new-professionals.xlsx"),
      "--script",
      "new-professionals",
      "--out",
      join(dir, "de"),
      "--lang",
      "de",
    ]);
    const message = (lang: string) =>
      readJson<{ rows: { reasons: { message: string }[] }[] }>(join(dir, lang, "report.json")).rows[4]?.reasons[0]
        ?.message;
    expect(message("nl")).toBe(
      "MD-platform groep is geen bekende groep; kies uit Hulpverlener, Applicatiebeheerder, Data analist, Data officer, Supervisor, Secretaresse",
    );
    expect(message("de")).toBe(
      "Rolle ist keine bekannte Gruppe; wählen Sie aus Therapeut, Anwendungsmanager, Datenanalyst, Datenschutzbeauftragter, Supervisor, Sekretär",
    );
  });

  it("makes optional client fields required where the platform configuration says so", () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "state.json"),
      JSON.stringify({ config: { client_fields: { bsn: "required" } }, clients: [] }),
    );
    runCli([
      "validate",
      fixture("new-clients.de.xlsx"),
      "--script",
      "new-clients",
      "--config",
      join(dir, "state.json"),
      "--out",
      join(dir, "out"),
    ]);
    const rows = flatRows(readJson(join(dir, "out", "report.json")));
    expect(rows.map((r) => r.codes)).toEqual([["required"], [], ["required"], ["invalid_gender", "required"]]);
  });

  it("reads the sheet named by --sheet", () => {
    const dir = tempDir();
    const run = runCli([
      "validate",
      fixture("new-clients.xlsx"),
      "--script",
      "new-clients",
      "--sheet",
      "Toelichting",
      "--out",
      join(dir, "out"),
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^mdimport: The sheet has no column "E-mailadres"/);
  });
});

describe("mdimport validate refuses what it cannot read, in one sentence", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "clients.csv"), "E-mailadres;Voornaam\na@b.nl;An\n");
  writeFileSync(join(dir, "old.xls"), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
  writeFileSync(join(dir, "secret.gpg"), "-----BEGIN PGP MESSAGE-----\n\nhQEMA\n-----END PGP MESSAGE-----\n");

  it.each([
    [
      ["validate", join(dir, "clients.csv"), "--script", "new-clients"],
      3,
      /is a text file \(perhaps \.csv\), not an Excel workbook \(\.xlsx\)/,
    ],
    [["validate", join(dir, "old.xls"), "--script", "new-clients"], 3, /old Excel format \(\.xls\)/],
    [["validate", join(dir, "secret.gpg"), "--script", "new-clients"], 3, /OpenPGP-encrypted/],
    [
      ["validate", join(dir, "missing.xlsx"), "--script", "new-clients"],
      3,
      /Cannot read the input file missing\.xlsx: it does not exist/,
    ],
    [["validate", fixture("relations.xlsx"), "--script", "new-clients"], 3, /has no column "E-mailadres"/],
    [
      ["validate", fixture("relations.xlsx"), "--script", "old-clients"],
      2,
      /option --script: "old-clients" is not one of new-clients, /,
    ],
    // --script is optional (the headers tell); the input is not.
    [["validate", "--script", "relations"], 2, /missing required argument 'input'/],
    [["validate", fixture("relations.xlsx"), "--script", "relations", "--bogus"], 2, /unknown option --bogus\./],
    [["validate", fixture("relations.xlsx"), "--script", "relations", "--lang", "fr"], 2, /--lang/],
    [["frobnicate"], 2, /unknown command 'frobnicate'/],
  ])("%j → exit %d", (args, code, message) => {
    const run = runCli(args, { cwd: dir });
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("shows a stack trace only with --debug", () => {
    const run = runCli(["validate", join(dir, "clients.csv"), "--script", "new-clients", "--debug"], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/\n\s+at /);
  });
});

describe("mdimport template and help", () => {
  it("writes a template that validate accepts (its headers; with no data rows yet it is not clean: exit 1)", () => {
    const dir = tempDir();
    const made = runCli(["template", "update-professionals", "--lang", "en", "--out", join(dir, "t.xlsx")]);
    expect(made.code).toBe(0);
    const run = runCli([
      "validate",
      join(dir, "t.xlsx"),
      "--script",
      "update-professionals",
      "--out",
      join(dir, "out"),
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    const report = readJson<{ input: { rows: number }; warnings: { code: string }[] }>(join(dir, "out", "report.json"));
    expect(report.input.rows).toBe(0);
    expect(report.warnings.map((w) => w.code)).toContain("no_data_rows");
  });

  it("explains every command", () => {
    expect(runCli(["--help"]).code).toBe(0);
    const help = runCli(["validate", "--help"]);
    expect(help.code).toBe(0);
    for (const option of ["--script", "--sheet", "--config", "--out", "--lang"]) expect(help.stdout).toContain(option);
  });
});
