import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJson, runCli, tempDir } from "../support/cli.js";
import { freshPlatform } from "../support/platform.js";
import { buildXlsx, sheetXml } from "../support/xlsx.js";

type Report = { input: { rows: number }; rows: unknown[]; warnings: { code: string; message: string }[] };

const cell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
/** A new-clients sheet with its header in row 1, then only empty rows. */
const headerOnly = sheetXml(
  `<row r="1">${cell("A1", "E-mailadres")}${cell("B1", "Voornaam")}${cell("C1", "Tussenvoegsel")}${cell("D1", "Achternaam")}${cell("E1", "Client ID")}</row><row r="2"/><row r="3"/>`,
);

function headerOnlySheet(): { dir: string; sheet: string } {
  const dir = tempDir();
  const sheet = join(dir, "empty.xlsx");
  writeFileSync(sheet, buildXlsx({ sheets: [{ name: "Blad1", xml: headerOnly }] }));
  return { dir, sheet };
}

describe("a sheet with a header and no data rows is not a green build", () => {
  it.each([
    ["en", "The sheet has a header (row 1) but no data rows: there is nothing to import."],
    ["nl", "Het werkblad heeft een kopregel (rij 1) maar geen rijen met gegevens: er is niets te importeren."],
    ["de", "Das Tabellenblatt hat eine Kopfzeile (Zeile 1), aber keine Datenzeilen: es gibt nichts zu importieren."],
  ])("validate: exit 1 with the warning no_data_rows (%s)", (lang, message) => {
    const { dir, sheet } = headerOnlySheet();
    const out = join(dir, "out");
    const run = runCli(["validate", sheet, "--script", "new-clients", "--out", out, "--lang", lang]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    const report = readJson<Report>(join(out, "report.json"));
    expect(report.rows).toEqual([]);
    expect(report.warnings).toEqual([{ code: "no_data_rows", header_row: 1, message }]);
    expect(run.stdout).toContain(`warning: ${message}`);
  });

  it("test-run and run: exit 1 with the warning no_data_rows, nothing done", () => {
    const { dir, sheet } = headerOnlySheet();
    const { db } = freshPlatform();
    const approval = join(dir, "approval");
    const testRun = runCli(["test-run", sheet, "--script", "new-clients", "--db", db, "--out", approval]);
    expect(testRun.stderr).toBe("");
    expect(testRun.code).toBe(1);
    expect(readJson<Report>(join(approval, "report.json")).warnings.map((w) => w.code)).toEqual(["no_data_rows"]);
    const out = join(dir, "run");
    const run = runCli([
      "run",
      sheet,
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      join(approval, "report.json"),
      "--welcome-mail",
      "no",
      "--out",
      out,
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    const report = readJson<Report>(join(out, "report.json"));
    expect(report.input.rows).toBe(0);
    expect(report.warnings.map((w) => w.code)).toEqual(["no_data_rows"]);
  });
});
