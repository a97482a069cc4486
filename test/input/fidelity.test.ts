// Issue 16: what reaches the platform is what the organisation meant. Each workbook is built
// part by part, the way the producer named in the test writes it.
import { describe, expect, it } from "vitest";
import { analyseWorkbook, type Analysis } from "../../src/pipeline/analyse.js";
import { defaultPlatformConfig } from "../../src/pipeline/platform-config.js";
import { openWorkbook } from "../../src/input/workbook.js";
import { getScript } from "../../src/scripts/index.js";
import { renderReason } from "../../src/report/messages/index.js";
import type { Reason } from "../../src/scripts/reasons.js";
import { buildXlsx, sheetXml, type RawWorkbook } from "../support/xlsx.js";

const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const headerRow = (headers: string[]) => `<row r="1">${headers.map((h, i) => inline(`${String.fromCharCode(65 + i)}1`, h)).join("")}</row>`;
const NEW_CLIENTS = ["E-mailadres", "Voornaam", "Achternaam", "Client ID", "Tussenvoegsel"];

async function analyse(workbook: RawWorkbook | Uint8Array, script = "new-clients"): Promise<Analysis> {
  const bytes = workbook instanceof Uint8Array ? workbook : buildXlsx(workbook);
  return analyseWorkbook(await openWorkbook(bytes), { script: getScript(script), config: defaultPlatformConfig, context: { today: "2026-01-01" } });
}

const oneSheet = (rows: string, extra: Partial<RawWorkbook> = {}): RawWorkbook => ({ sheets: [{ name: "Blad1", xml: sheetXml(rows) }], ...extra });
const flat = (analysis: Analysis) =>
  analysis.results.map((r) => ({
    row: r.row,
    status: r.status,
    reasons: r.reasons.map((x) => `${x.code}:${x.field ?? ""}${x.detail ? `:${x.detail}` : ""}`),
  }));
const message = (reason: Reason | undefined, lang: "nl" | "en" | "de" = "en") => renderReason(reason as Reason, getScript("new-clients"), lang);

describe("defect 1: Excel error values are never data", () => {
  it("makes a row with #N/A, #REF! or #NAME? cells invalid with cell_error naming the field and the error", async () => {
    // openpyxl and Excel store an error result as t="e" with the error's text as the cached value.
    const rows =
      headerRow(["E-mailadres", "Voornaam", "Achternaam", "Client ID", "Telefoonnummer", "Tussenvoegsel"]) +
      `<row r="2">${inline("A2", "a@voorbeeld.nl")}<c r="B2" t="e"><f>VLOOKUP(X2,Y:Y,1,0)</f><v>#NAME?</v></c><c r="C2" t="e"><v>#N/A</v></c><c r="D2" t="e"><f>#REF!</f><v>#REF!</v></c><c r="E2" t="e"><v>#N/A</v></c></row>` +
      `<row r="3">${inline("A3", "b@voorbeeld.nl")}${inline("B3", "Bo")}${inline("C3", "Bakker")}${inline("D3", "C-3")}<c r="E3" t="e"><v>#DIV/0!</v></c></row>`;
    const analysis = await analyse(oneSheet(rows));
    expect(flat(analysis)).toEqual([
      { row: 2, status: "invalid", reasons: ["cell_error:first_name", "cell_error:last_name", "cell_error:id", "cell_error:phone_number"] },
      { row: 3, status: "invalid", reasons: ["cell_error:phone_number"] },
    ]);
    const reasons = analysis.results[0]?.reasons ?? [];
    expect(reasons.map((r) => r.value)).toEqual(["#NAME?", "#N/A", "#REF!", "#N/A"]);
    expect(message(reasons[1])).toBe("Last name: the cell shows #N/A: fix the formula or type the value");
  });
});

describe("defect 2: formulas without a computed value", () => {
  it("refuses a formula cell without a cached value (openpyxl) as cell_error, not as required", async () => {
    const rows =
      headerRow(NEW_CLIENTS) +
      `<row r="2">${inline("A2", "a@voorbeeld.nl")}${inline("B2", "An")}<c r="C2"><f>PROPER(Z2)</f></c>${inline("D2", "C-2")}</row>` +
      `<row r="3">${inline("A3", "b@voorbeeld.nl")}${inline("B3", "Bo")}<c r="C3" t="str"><f>PROPER(Z3)</f><v></v></c>${inline("D3", "C-3")}</row>`;
    const analysis = await analyse(oneSheet(rows));
    expect(flat(analysis)).toEqual([
      { row: 2, status: "invalid", reasons: ["cell_error:last_name:formula_without_value"] },
      // A formula whose computed result is empty is an empty cell, as Excel shows it.
      { row: 3, status: "invalid", reasons: ["required:last_name"] },
    ]);
    expect(message(analysis.results[0]?.reasons[0])).toBe(
      "Last name: formula without a computed value: open and save the file in Excel, or paste the values",
    );
  });

  it("refuses an ID column whose every formula result is 0 (xlsxwriter caches 0) and warns about formulas in ID columns", async () => {
    const rows =
      headerRow(NEW_CLIENTS) +
      [2, 3, 4]
        .map(
          (n) =>
            `<row r="${n}">${inline(`A${n}`, `c${n}@voorbeeld.nl`)}${inline(`B${n}`, "An")}${inline(`C${n}`, "Vries")}<c r="D${n}"><f>ROW()*10</f><v>0</v></c></row>`,
        )
        .join("");
    const analysis = await analyse(oneSheet(rows));
    expect(flat(analysis)).toEqual([2, 3, 4].map((row) => ({ row, status: "invalid", reasons: ["cell_error:id:formula_zero"] })));
    expect(analysis.warnings).toContainEqual({ code: "formula_column", column: "D" });
  });

  it("uses computed formula results in ID columns, with a warning naming the column", async () => {
    const rows =
      headerRow(NEW_CLIENTS) +
      [2, 3]
        .map(
          (n) =>
            `<row r="${n}">${inline(`A${n}`, `c${n}@voorbeeld.nl`)}${inline(`B${n}`, "An")}${inline(`C${n}`, "Vries")}<c r="D${n}" t="str"><f>"C-"&amp;ROW()</f><v>C-${n}</v></c></row>`,
        )
        .join("");
    const analysis = await analyse(oneSheet(rows));
    expect(flat(analysis)).toEqual([
      { row: 2, status: "valid", reasons: [] },
      { row: 3, status: "valid", reasons: [] },
    ]);
    expect(analysis.warnings).toContainEqual({ code: "formula_column", column: "D" });
  });
});
