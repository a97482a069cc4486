import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { openWorkbook } from "../../src/input/workbook.js";
import { rowsOf } from "../support/xlsx.js";
import { InputError } from "../../src/shared/errors.js";
import { buildXlsx, sheetXml } from "../support/xlsx.js";

async function readAll(bytes: Uint8Array): Promise<number> {
  let rows = 0;
  for await (const row of rowsOf(await openWorkbook(bytes))) if (row.row > 0) rows++;
  return rows;
}

const header = `<row r="1"><c r="A1" t="inlineStr"><is><t>E-mailadres</t></is></c></row>`;

describe("hostile workbooks are refused or read within bounds", () => {
  it("refuses a zip bomb: a sheet that inflates a thousandfold", async () => {
    const sheet = new Uint8Array(50 * 1024 * 1024).fill(0x20);
    const bytes = zipSync({ ...unzipParts(), "xl/worksheets/sheet1.xml": [sheet, { level: 9 }] });
    const started = performance.now();
    await expect(readAll(bytes)).rejects.toThrow(/zip bomb/);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it("reads a sheet of a million empty rows as no data, quickly", async () => {
    const empty = Array.from({ length: 1_000_000 }, (_, i) => `<row r="${i + 2}"/>`).join("");
    const bytes = buildXlsx({ sheets: [{ name: "S", xml: sheetXml(header + empty) }] });
    expect(await readAll(bytes)).toBe(1);
  });

  it("refuses data beyond Excel's last column", async () => {
    const bytes = buildXlsx({ sheets: [{ name: "S", xml: sheetXml(`<row r="1"><c r="XFE1"><v>1</v></c></row>`) }] });
    await expect(readAll(bytes)).rejects.toThrow(/beyond the 16384 columns/);
  });

  it("refuses a cell of a megabyte", async () => {
    const big = "x".repeat(1024 * 1024);
    const bytes = buildXlsx({
      sheets: [{ name: "S", xml: sheetXml(`<row r="1"><c r="A1" t="inlineStr"><is><t>${big}</t></is></c></row>`) }],
    });
    await expect(readAll(bytes)).rejects.toThrow(InputError);
  });

  it("reads through deeply nested XML without a stack", async () => {
    const deep = `${"<x>".repeat(200_000)}${"</x>".repeat(200_000)}`;
    // Stored, not deflated: so repetitive a part would otherwise be refused as a zip bomb.
    const bytes = zipSync({
      ...unzipParts(),
      "xl/worksheets/sheet1.xml": [strToU8(sheetXml(header + deep)), { level: 0 }],
    });
    expect(await readAll(bytes)).toBe(1);
  });
});

/** The parts of a minimal workbook, to put an odd sheet into. */
function unzipParts(): Record<string, Uint8Array> {
  const rels = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`;
  return {
    "_rels/.rels": strToU8(
      `${rels}<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    "xl/workbook.xml": strToU8(
      `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    "xl/_rels/workbook.xml.rels": strToU8(
      `${rels}<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    ),
  };
}
