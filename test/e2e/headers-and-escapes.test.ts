/* eslint-disable no-control-regex -- these tests look for control characters */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, readJson, runCli, tempDir } from "../support/cli.js";
import { freshPlatform } from "../support/platform.js";
import { buildXlsx, sheetXml } from "../support/xlsx.js";

type Report = {
  input: { sheet: string };
  rows: { row: number; status: string }[];
  warnings: { code: string; column?: string; message: string }[];
};

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
const letter = (index: number) => String.fromCharCode(65 + index);
/** A row of inline strings; control characters are written as character references, as a lenient writer might. */
const row = (n: number, texts: string[]) =>
  `<row r="${n}">${texts
    .map((t, i) =>
      t === ""
        ? ""
        : `<c r="${letter(i)}${n}" t="inlineStr"><is><t>${escapeXml(t).replace(/[\u0000-\u001f]/g, (c) => `&#${c.charCodeAt(0)};`)}</t></is></c>`,
    )
    .join("")}</row>`;

const baseHeaders = ["E-mailadres", "Voornaam", "Tussenvoegsel", "Achternaam", "Client ID"];

/** A new-clients sheet of `count` valid clients with `extra` headers after the usual five; the extra cells hold `value`. */
function clientsXlsx(
  dir: string,
  extra: string[],
  options: { count?: number; sheet?: string; value?: string } = {},
): string {
  const rows = [row(1, [...baseHeaders, ...extra])];
  for (let i = 0; i < (options.count ?? 20); i++) {
    rows.push(
      row(i + 2, [
        `kopje${i}@voorbeeld.nl`,
        "Kim",
        "",
        `Test${i}`,
        `KOP-${i}`,
        ...extra.map(() => options.value ?? ""),
      ]),
    );
  }
  const path = join(dir, "sheet.xlsx");
  const name = (options.sheet ?? "Blad1").replace(/[\u0000-\u001f]/g, (c) => `&#${c.charCodeAt(0)};`);
  writeFileSync(path, buildXlsx({ sheets: [{ name, xml: sheetXml(rows.join("")) }] }));
  return path;
}

const validate = (path: string, out: string, ...extra: string[]) =>
  runCli(["validate", path, "--script", "new-clients", "--out", out, "--lang", "en", ...extra]);
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("a misspelt header stops the command (defect 10)", () => {
  it("stops with exit 3 on a header one letter off a column of the script, naming the column and the right name", () => {
    const dir = tempDir();
    const run = validate(clientsXlsx(dir, ["Geboortedatun"], { value: "01-04-1990" }), join(dir, "out"));
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'mdimport: column F "Geboortedatun" looks like "Geboortedatum"; correct the header or remove the column\n',
    );
  });

  it("suggests the name in the language of the misspelt header, also with a hint or a separator after it", () => {
    const dir = tempDir();
    expect(validate(clientsXlsx(dir, ["Date of brith"]), join(dir, "a")).stderr).toContain(
      'column F "Date of brith" looks like "Date of birth"',
    );
    expect(validate(clientsXlsx(dir, ["Geburtsdatun (TT.MM.JJJJ)"]), join(dir, "b")).stderr).toContain(
      'column F "Geburtsdatun (TT.MM.JJJJ)" looks like "Geburtsdatum"',
    );
    expect(validate(clientsXlsx(dir, ["Telefoonnumer: 06-nummer"]), join(dir, "c")).stderr).toContain(
      'column F "Telefoonnumer: 06-nummer" looks like "Telefoonnummer"',
    );
  });

  it("keeps unknown columns that are no typo (or belong to another script) as warnings", () => {
    const dir = tempDir();
    const run = validate(
      clientsXlsx(dir, ["Opmerking", "Rol", "BSM", "Client database ID (van Minddistrict)"], { value: "x" }),
      join(dir, "out"),
    );
    expect(run.stderr).toBe("");
    const report = readJson<Report>(join(dir, "out", "report.json"));
    expect(report.warnings.filter((w) => w.code === "unknown_column").map((w) => w.column)).toEqual([
      "F",
      "G",
      "H",
      "I",
    ]);
    expect(report.rows.every((r) => r.status === "valid")).toBe(true);
    expect(run.stdout).toContain('Column F ("Opmerking") is unknown and ignored.');
  });

  it("does not suggest a column the sheet already has", () => {
    const dir = tempDir();
    const run = validate(clientsXlsx(dir, ["Geboortedatum", "Geboortedatun"]), join(dir, "out"));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Column G ("Geboortedatun") is unknown and ignored.');
  });

  it("shows every warning on the terminal of test-run and run too, in the requester's language", () => {
    const { dir, db } = freshPlatform();
    const sheet = clientsXlsx(dir, ["Opmerking"], { count: 3, sheet: "Blad1" });
    const testRun = runCli([
      "test-run",
      sheet,
      "--script",
      "new-clients",
      "--db",
      db,
      "--out",
      join(dir, "approval"),
      "--lang",
      "nl",
    ]);
    expect(testRun.code).toBe(0);
    expect(testRun.stdout).toContain('Kolom F ("Opmerking") is onbekend en wordt genegeerd.');
    const args = [
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      join(dir, "approval", "report.json"),
      "--welcome-mail",
      "no",
    ];
    const run = runCli(["run", sheet, ...args, "--out", join(dir, "run"), "--lang", "de"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Spalte F ("Opmerking") ist unbekannt und wird ignoriert.');
  });

  it("shows the american_dates warning on the terminal", () => {
    const dir = tempDir();
    const run = validate(fixture("new-clients.american.xlsx"), join(dir, "out"));
    const report = readJson<Report>(join(dir, "out", "report.json"));
    const warning = report.warnings.find((w) => w.code === "american_dates");
    expect(warning).toBeDefined();
    expect(run.stdout).toContain(warning!.message);
  });
});

describe("no control characters from the sheet reach a terminal or summary.md (defect 14)", () => {
  const sheet = "Blad\u001b[2J\u0007\u202e1";

  it("strips them from the terminal summary and summary.md, and keeps report.json as the data is", () => {
    const dir = tempDir();
    const run = validate(clientsXlsx(dir, ["Opmerking\u001b]0;owned\u0007"], { count: 2, sheet }), join(dir, "out"));
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(CONTROL);
    expect(run.stdout).toContain("Blad[2J");
    const summary = readFileSync(join(dir, "out", "summary.md"), "utf8");
    expect(summary).not.toMatch(CONTROL);
    expect(summary).toContain("Blad[2J");
    expect(readJson<Report>(join(dir, "out", "report.json")).input.sheet).toBe(sheet);
  });

  it("strips them from error messages that quote a sheet name or a header", () => {
    const dir = tempDir();
    const path = clientsXlsx(dir, [], { count: 1, sheet });
    const missing = validate(path, join(dir, "a"), "--sheet", "Other");
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('its sheets are: "Blad[2J');
    expect(missing.stderr).not.toMatch(CONTROL);
    const typo = validate(clientsXlsx(dir, ["Geboortedatun\u0007"]), join(dir, "b"));
    expect(typo.code).toBe(3);
    expect(typo.stderr).toBe(
      'mdimport: column F "Geboortedatun" looks like "Geboortedatum"; correct the header or remove the column\n',
    );
  });

  it("strips them from the messages of commander's own usage errors", () => {
    const run = runCli(["validate", "sheet.xlsx", "--script", "new-clients", "--bogus\u001b[2J"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--bogus[2J");
    expect(run.stderr).not.toMatch(CONTROL);
  });
});
