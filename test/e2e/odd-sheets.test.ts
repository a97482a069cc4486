import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { flatRows, readJson, runCli, tempDir } from "../support/cli.js";
import { buildXlsx, sheetXml } from "../support/xlsx.js";

type Report = {
  input: { rows: number; header_row: number };
  rows: { row: number; status: string; reasons: { code: string; field?: string }[] }[];
  warnings: { code: string; message: string; column?: string; ranges?: string }[];
};

const cell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const row = (n: number, cells: [string, string][]) =>
  `<row r="${n}">${cells.map(([col, text]) => cell(`${col}${n}`, text)).join("")}</row>`;

/** Writes a one-sheet workbook whose sheetData is `rows` (and what follows it) and validates it as new-clients. */
function validate(rows: string, after = "", extra: string[] = []) {
  const dir = tempDir();
  const xml = sheetXml(rows).replace("</sheetData>", `</sheetData>${after}`);
  writeFileSync(join(dir, "sheet.xlsx"), buildXlsx({ sheets: [{ name: "Blad1", xml }] }));
  const run = runCli([
    "validate",
    join(dir, "sheet.xlsx"),
    "--script",
    "new-clients",
    "--out",
    join(dir, "out"),
    "--lang",
    "en",
    ...extra,
  ]);
  return { run, dir, report: () => readJson<Report>(join(dir, "out", "report.json")) };
}

const header = (n = 1) =>
  row(n, [
    ["A", "E-mailadres"],
    ["B", "Voornaam"],
    ["C", "Achternaam"],
    ["D", "Tussenvoegsel"],
    ["E", "Client ID"],
  ]);

describe("odd workbooks get a clear answer", () => {
  it("reads merged cells as Excel stores them (the value in the top-left cell) and says which ranges were merged", () => {
    const rows =
      header() +
      row(2, [
        ["A", "a@voorbeeld.nl"],
        ["B", "An"],
        ["C", "Vries"],
        ["E", "C-2"],
      ]) +
      row(3, [
        ["A", "b@voorbeeld.nl"],
        ["B", "Bo"],
        ["E", "C-3"],
      ]);
    const { run, report } = validate(rows, `<mergeCells count="1"><mergeCell ref="C2:C3"/></mergeCells>`);
    expect(run.code).toBe(1);
    expect(flatRows(report())).toEqual([
      { row: 2, status: "valid", codes: [] },
      { row: 3, status: "invalid", codes: ["required"] },
    ]);
    expect(report().warnings).toContainEqual(
      expect.objectContaining({
        code: "merged_cells",
        ranges: "C2:C3",
        message:
          "Merged cells (C2:C3): only the top-left cell of such a range holds a value; the other cells were read as empty.",
      }),
    );
  });

  it("warns about a column with data but no header, and reads the rest", () => {
    const rows =
      row(1, [
        ["A", "E-mailadres"],
        ["C", "Voornaam"],
        ["D", "Achternaam"],
        ["E", "Tussenvoegsel"],
        ["G", "Client ID"],
      ]) +
      row(2, [
        ["A", "a@voorbeeld.nl"],
        ["B", "note"],
        ["C", "An"],
        ["D", "Vries"],
        ["F", "more"],
        ["G", "C-2"],
        ["H", "beyond"],
      ]);
    const { run, report } = validate(rows);
    expect(run.code).toBe(0);
    expect(
      report()
        .warnings.filter((w) => w.code === "unnamed_column")
        .map((w) => w.column),
    ).toEqual(["B", "F", "H"]);
    // No personal data in the warning.
    expect(JSON.stringify(report().warnings)).not.toContain("note");
  });

  it("stops with exit 3 on two columns for the same field, naming both", () => {
    const rows = row(1, [
      ["A", "E-mailadres"],
      ["B", "Voornaam"],
      ["C", "Achternaam"],
      ["D", "E-mail"],
    ]);
    const { run } = validate(rows);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'mdimport: Columns A ("E-mailadres") and D ("E-mail") both hold E-mailadres; remove one of them.\n',
    );
  });

  it("takes the first non-empty row as the header, and counts rows as Excel shows them", () => {
    const rows =
      header(4) +
      row(5, [
        ["A", "a@voorbeeld.nl"],
        ["B", "An"],
        ["C", "Vries"],
        ["E", "C-5"],
      ]);
    const { run, report } = validate(rows);
    expect(run.code).toBe(0);
    expect(report().input.header_row).toBe(4);
    expect(flatRows(report())).toEqual([{ row: 5, status: "valid", codes: [] }]);
  });

  it("reads a sheet with a header only as no rows (exit 1, no_data_rows), and stops with exit 3 on an empty sheet", () => {
    const headerOnly = validate(header());
    expect(headerOnly.run.code).toBe(1);
    expect(headerOnly.report().rows).toEqual([]);
    expect(headerOnly.report().warnings.map((w) => w.code)).toEqual(["no_data_rows"]);
    const empty = validate("");
    expect(empty.run.code).toBe(3);
    expect(empty.run.stderr).toBe('mdimport: The sheet "Blad1" is empty: it has no header row and no data.\n');
  });

  it("refuses a part that inflates beyond the ratio limit, and reads it when the user raises the limit", () => {
    const dir = tempDir();
    // A genuine sheet, padded with 4 MB of whitespace: it packs about a thousandfold.
    const xml = sheetXml(
      header() +
        " ".repeat(4 * 1024 * 1024) +
        row(2, [
          ["A", "a@voorbeeld.nl"],
          ["B", "An"],
          ["C", "Vries"],
          ["E", "C-2"],
        ]),
    );
    const plain = buildXlsx({ sheets: [{ name: "Blad1", xml: sheetXml("") }] });
    const parts = unzipSync(plain);
    parts["xl/worksheets/sheet1.xml"] = strToU8(xml);
    writeFileSync(join(dir, "padded.xlsx"), zipSync(parts, { level: 9 }));
    const refused = runCli(["validate", join(dir, "padded.xlsx"), "--script", "new-clients", "--out", join(dir, "a")]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /inflates more than 200 times its packed size; it is refused as a possible zip bomb \(if the workbook is genuine, raise --max-ratio\)\.\n$/,
    );
    const raised = runCli([
      "validate",
      join(dir, "padded.xlsx"),
      "--script",
      "new-clients",
      "--out",
      join(dir, "b"),
      "--max-ratio",
      "100000",
    ]);
    expect(raised.stderr).toBe("");
    expect(raised.code).toBe(0);
    const small = runCli([
      "validate",
      join(dir, "padded.xlsx"),
      "--script",
      "new-clients",
      "--out",
      join(dir, "c"),
      "--max-ratio",
      "100000",
      "--max-size",
      "1",
    ]);
    expect(small.code).toBe(3);
    expect(small.stderr).toContain("inflates to more than 1 MiB");
    expect(small.stderr).toContain("raise --max-size");
  });
});
