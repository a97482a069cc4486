import ExcelJS from "exceljs";
import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { cellText } from "../input/cells.js";
import { readSheet } from "../../test/support/xlsx.js";
import { MAX_COMMENTS, uniqueSheetName, XlsxWriter } from "./xlsx-writer.js";

async function write(rows: string[][]): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const writer = new XlsxWriter((chunk) => chunks.push(chunk), { fills: ["FFC6EFCE", "FFFFC7CE"] });
  writer.startSheet({ name: "Rapport", widths: [20, 20], header: true });
  for (const [i, row] of rows.entries()) {
    writer.addRow(row, () => (i === 0 ? 1 : 2));
    await writer.flushIfFull();
  }
  await writer.endSheet();
  writer.startSheet({ name: "Samenvatting", widths: [20], header: false });
  writer.addRow(["geldig", "3"]);
  await writer.endSheet();
  await writer.finish();
  return Buffer.concat(chunks);
}

const dangerous = ["=1+1", "+31 6 1234", "-2", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0", "a & <b> \u0001"];

describe("XlsxWriter", () => {
  it("writes a workbook that our reader and exceljs both read back", async () => {
    const bytes = await write([["Naam", "Status"], ...dangerous.map((d) => [d, "ongeldig"])]);
    const ours = (await readSheet(bytes)).rows.map((r) => Array.from(r.cells, cellText));
    expect(ours[0]).toEqual(["Naam", "Status"]);
    expect(ours.slice(1).map((r) => r[0])).toEqual(dangerous);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("Rapport");
    expect(sheet?.getCell("A2").value).toBe("=1+1");
    expect(sheet?.getCell("A2").type).toBe(ExcelJS.ValueType.String);
    expect(workbook.getWorksheet("Samenvatting")?.getCell("B1").value).toBe("3");
  });

  it("writes large sheets in many pieces that join into one valid entry", async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [`rij ${i} ${"x".repeat(i % 50)}`, "geldig"]);
    const read = (await readSheet(await write([["Naam", "Status"], ...rows]))).rows;
    expect(read).toHaveLength(20_001);
    expect(Array.from(read[20_000]!.cells, cellText)).toEqual(rows[19_999]);
    const parts = unzipSync(await write([["Naam", "Status"], ...rows]));
    expect(strFromU8(parts["xl/worksheets/sheet1.xml"] as Uint8Array)).toContain("rij 19999");
  });

  it("never writes a formula, freezes the header and filters it", async () => {
    const parts = unzipSync(await write([["Naam"], ...dangerous.map((d) => [d])]));
    const sheet = strFromU8(parts["xl/worksheets/sheet1.xml"] as Uint8Array);
    expect(sheet).not.toContain("<f>");
    expect(sheet).toContain('state="frozen"');
    expect(sheet).toContain('<autoFilter ref="A1:A9"/>');
    expect(sheet).toContain('t="inlineStr"');
    expect(strFromU8(parts["xl/workbook.xml"] as Uint8Array)).toContain("_xlnm._FilterDatabase");
  });
});

describe("XlsxWriter: numbers, dates, comments, frozen columns", () => {
  async function commented(count: number): Promise<{ bytes: Uint8Array; dropped: number }> {
    const chunks: Uint8Array[] = [];
    const writer = new XlsxWriter((chunk) => chunks.push(chunk), {
      fills: ["FFC6EFCE"],
      styles: [{ format: "number" }, { fill: "FFBDD7EE", format: "date" }],
    });
    writer.startSheet({ name: "Rapport", widths: [10, 10, 10], header: true, frozenColumns: 2 });
    writer.addRow(["Status", "Rij", "Datum"], () => 1);
    for (let i = 0; i < count; i++) {
      writer.addRow(["gepland", i + 2, 31_000 + i], (c) => (c === 0 ? 2 : c === 1 ? 3 : 4));
      writer.comment(2, `was: <${i}> & "zo"`);
    }
    await writer.endSheet();
    writer.startSheet({ name: "Samenvatting", widths: [20], header: false });
    writer.addRow(["geldig", 3]);
    await writer.endSheet();
    await writer.finish();
    return { bytes: Buffer.concat(chunks), dropped: writer.dropped };
  }

  it("writes number and date cells, comments that exceljs reads back, and freezes the first columns", async () => {
    const { bytes, dropped } = await commented(3);
    expect(dropped).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("Rapport") as ExcelJS.Worksheet;
    expect(sheet.getCell("B2").value).toBe(2);
    expect(sheet.getCell("B2").type).toBe(ExcelJS.ValueType.Number);
    expect(sheet.getCell("C2").type).toBe(ExcelJS.ValueType.Date);
    const note = sheet.getCell("C3").note as string | { texts: { text: string }[] };
    expect(typeof note === "string" ? note : note.texts.map((t) => t.text).join("")).toBe('was: <1> & "zo"');
    expect(sheet.views[0]).toMatchObject({ state: "frozen", xSplit: 2, ySplit: 1 });
    expect(workbook.getWorksheet("Samenvatting")?.getCell("B1").value).toBe(3);
    const parts = unzipSync(bytes);
    expect(Object.keys(parts)).toEqual(
      expect.arrayContaining([
        "xl/comments1.xml",
        "xl/drawings/vmlDrawing1.vml",
        "xl/worksheets/_rels/sheet1.xml.rels",
      ]),
    );
    expect(strFromU8(parts["[Content_Types].xml"] as Uint8Array)).toContain('PartName="/xl/comments1.xml"');
    expect(Object.keys(parts)).not.toContain("xl/comments2.xml");
  });

  it("keeps at most MAX_COMMENTS comments per sheet and counts the rest", async () => {
    const { bytes, dropped } = await commented(MAX_COMMENTS + 5);
    expect(dropped).toBe(5);
    const comments = strFromU8(unzipSync(bytes)["xl/comments1.xml"] as Uint8Array);
    expect(comments.split("<comment ").length - 1).toBe(MAX_COMMENTS);
  });
});

describe("sheet names", () => {
  it("are made ones Excel accepts, and unique without regard to case", () => {
    expect(uniqueSheetName("Cliënten", [])).toBe("Cliënten");
    expect(uniqueSheetName("IDs", ["IDs"])).toBe("IDs (2)");
    expect(uniqueSheetName("samenvatting", ["Samenvatting", "samenvatting (2)"])).toBe("samenvatting (3)");
    expect(uniqueSheetName("a/b:c*d?e[f]g\\h", [])).toBe("a_b_c_d_e_f_g_h");
    expect(uniqueSheetName("'quoted'", [])).toBe("_quoted_");
    const long = "x".repeat(40);
    expect(uniqueSheetName(long, [])).toBe("x".repeat(31));
    expect(uniqueSheetName(long, ["x".repeat(31)])).toBe(`${"x".repeat(27)} (2)`);
    expect(uniqueSheetName("", [])).toBe("Sheet");
  });

  it("two sheets given one name come out as a workbook exceljs opens, with both sheets", async () => {
    const chunks: Uint8Array[] = [];
    const writer = new XlsxWriter((chunk) => chunks.push(chunk), { fills: [] });
    for (const name of ["IDs", "ids", "Samenvatting"]) {
      writer.startSheet({ name, widths: [20], header: false });
      writer.addRow([name]);
      await writer.endSheet();
    }
    await writer.finish();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["IDs", "ids (2)", "Samenvatting"]);
  });
});
