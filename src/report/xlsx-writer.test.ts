import ExcelJS from "exceljs";
import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { cellText } from "../input/cells.js";
import { openWorkbook } from "../input/workbook.js";
import { XlsxWriter } from "./xlsx-writer.js";

function write(rows: string[][]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const writer = new XlsxWriter((chunk) => chunks.push(chunk), { fills: ["FFC6EFCE", "FFFFC7CE"] });
  writer.startSheet({ name: "Rapport", widths: [20, 20], header: true });
  rows.forEach((row, i) => writer.addRow(row, () => (i === 0 ? 1 : 2)));
  writer.endSheet();
  writer.startSheet({ name: "Samenvatting", widths: [20], header: false });
  writer.addRow(["geldig", "3"]);
  writer.endSheet();
  writer.finish();
  return Buffer.concat(chunks);
}

const dangerous = ["=1+1", "+31 6 1234", "-2", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0", "a & <b> \u0001"];

describe("XlsxWriter", () => {
  it("writes a workbook that our reader and exceljs both read back", async () => {
    const bytes = write([["Naam", "Status"], ...dangerous.map((d) => [d, "ongeldig"])]);
    const ours = [...openWorkbook(bytes).rows()].map((r) => Array.from(r.cells, cellText));
    expect(ours[0]).toEqual(["Naam", "Status"]);
    expect(ours.slice(1).map((r) => r[0])).toEqual(dangerous);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("Rapport");
    expect(sheet?.getCell("A2").value).toBe("=1+1");
    expect(sheet?.getCell("A2").type).toBe(ExcelJS.ValueType.String);
    expect(workbook.getWorksheet("Samenvatting")?.getCell("B1").value).toBe("3");
  });

  it("never writes a formula, freezes the header and filters it", () => {
    const parts = unzipSync(write([["Naam"], ...dangerous.map((d) => [d])]));
    const sheet = strFromU8(parts["xl/worksheets/sheet1.xml"] as Uint8Array);
    expect(sheet).not.toContain("<f>");
    expect(sheet).toContain('state="frozen"');
    expect(sheet).toContain('<autoFilter ref="A1:A9"/>');
    expect(sheet).toContain('t="inlineStr"');
    expect(strFromU8(parts["xl/workbook.xml"] as Uint8Array)).toContain("_xlnm._FilterDatabase");
  });
});
