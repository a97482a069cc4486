import { strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { buildXlsx, rowsOf, sheetXml, sstXml, stylesXml } from "../../test/support/xlsx.js";
import { InputError } from "../shared/errors.js";
import { cellText, type SheetRow } from "./cells.js";
import { defaultLimits } from "./limits.js";
import { classifyNumberFormat } from "./workbook-parts.js";
import { openWorkbook, type Workbook } from "./workbook.js";

const texts = (rows: SheetRow[]) => rows.map((r) => [r.row, ...Array.from(r.cells, cellText)]);
const all = async (workbook: Workbook | Promise<Workbook>) => {
  const rows: SheetRow[] = [];
  for await (const row of rowsOf(await workbook)) rows.push(row);
  return rows;
};

describe("openWorkbook", () => {
  const rows = `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
    <row r="2"><c r="A2" t="inlineStr"><is><t>inline</t></is></c><c r="B2" t="str"><f>A2&amp;"x"</f><v>cached</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><v>#N/A</v></c></row>
    <row r="3"><c r="A3" s="1"><v>32874</v></c><c r="B3" s="2"><v>32875</v></c><c r="C3" s="3"><v>612345678</v></c><c r="D3" s="4"><v>1.2345678901234567E+19</v></c></row>
    <row r="4"/>
    <row r="5"><c r="A5" t="s"><v>2</v></c><c r="C5" t="d"><v>1990-04-01T00:00:00Z</v></c></row>
    <row r="7" hidden="1"><c r="B7" t="s"><v>3</v></c></row>`;
  const sst = sstXml([
    "E-mailadres",
    "Voornaam",
    `<r><t>Ri</t></r><r><rPr><b/></rPr><t>ch</t></r><rPh><t>ignored</t></rPh>`,
    " _x000D_x ",
  ]);

  for (const sheetsFirst of [false, true]) {
    it(`reads every kind of cell (${sheetsFirst ? "sheet before shared strings, as LibreOffice writes" : "Excel's order"})`, async () => {
      const workbook = await openWorkbook(
        buildXlsx({
          sheets: [{ name: "Blad1", xml: sheetXml(rows) }],
          sharedStrings: sst,
          styles: stylesXml,
          sheetsFirst,
        }),
      );
      const read = await all(workbook);
      expect(texts(read)).toEqual([
        [1, "E-mailadres", "Voornaam"],
        [2, "inline", "cached", "TRUE", "#N/A"],
        [3, "1990-01-01", "1990-01-02", "612345678", "12345678901234600000"],
        [5, "Rich", "", "1990-04-01"],
        [7, "", " \rx "],
      ]);
      expect(read[2]?.cells[2]).toMatchObject({ kind: "number", format: "text" });
      expect(read[2]?.cells[3]).toMatchObject({ kind: "number", format: "scientific" });
      expect(read[4]?.hidden).toBe(true);
    });
  }

  it("can read the rows twice, for the report's second pass", async () => {
    const workbook = await openWorkbook(
      buildXlsx({ sheets: [{ name: "S", xml: sheetXml(rows) }], sharedStrings: sst }),
    );
    expect((await all(workbook)).length).toBe((await all(workbook)).length);
  });

  it("reads the 1904 date system", async () => {
    const workbook = await openWorkbook(
      buildXlsx({
        sheets: [{ name: "S", xml: sheetXml(`<row r="1"><c r="A1" s="1"><v>31412</v></c></row>`) }],
        styles: stylesXml,
        date1904: true,
      }),
    );
    expect(texts(await all(workbook))).toEqual([[1, "1990-01-01"]]);
  });

  it("reads namespace-prefixed elements and cells without references", async () => {
    const xml = sheetXml(
      `<x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c><x:v>2</x:v></x:c></x:row><x:row><x:c r="C2"><x:v>3</x:v></x:c></x:row>`,
      "x",
    );
    expect(texts(await all(openWorkbook(buildXlsx({ sheets: [{ name: "S", xml }] }))))).toEqual([
      [1, "a", "2"],
      [2, "", "", "3"],
    ]);
  });

  it("reads the first visible sheet, or the one asked for, and knows hidden sheets", async () => {
    const bytes = buildXlsx({
      sheets: [
        {
          name: "Eerste",
          xml: sheetXml(`<row r="1"><c r="A1" t="inlineStr"><is><t>een</t></is></c></row>`),
          state: "hidden",
        },
        { name: "Tweede", xml: sheetXml(`<row r="1"><c r="A1" t="inlineStr"><is><t>twee</t></is></c></row>`) },
      ],
    });
    // Issue 16: the first *visible* sheet; the hidden one is skipped, and said so.
    const first = await openWorkbook(bytes);
    expect(first.sheet).toEqual({ name: "Tweede", hidden: false });
    expect(first.skipped).toEqual([{ name: "Eerste", why: "hidden" }]);
    expect((await openWorkbook(bytes, { sheet: "Eerste" })).sheet).toEqual({ name: "Eerste", hidden: true });
    expect(texts(await all(openWorkbook(bytes, { sheet: "tweede" })))).toEqual([[1, "twee"]]);
    await expect(openWorkbook(bytes, { sheet: "Derde" })).rejects.toThrow(
      /no sheet "Derde"; its sheets are: "Eerste", "Tweede"/,
    );
  });

  it("refuses more rows or columns than the limits", async () => {
    const many = Array.from({ length: 20 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>1</v></c></row>`).join("");
    const bytes = buildXlsx({ sheets: [{ name: "S", xml: sheetXml(many) }] });
    await expect(all(openWorkbook(bytes, { limits: { ...defaultLimits, maxRows: 10 } }))).rejects.toThrow(
      /more than 10 rows/,
    );
    const wide = buildXlsx({ sheets: [{ name: "S", xml: sheetXml(`<row r="1"><c r="ZZZ1"><v>1</v></c></row>`) }] });
    await expect(all(openWorkbook(wide, { limits: { ...defaultLimits, maxColumns: 100 } }))).rejects.toThrow(
      /column 18278/,
    );
  });

  it("knows a workbook with macros, and reads its data all the same", async () => {
    const parts = unzipSync(
      buildXlsx({
        sheets: [{ name: "S", xml: sheetXml(`<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>`) }],
      }),
    );
    parts["xl/vbaProject.bin"] = strToU8("Sub AutoOpen()\nEnd Sub");
    const workbook = await openWorkbook(zipSync(parts));
    expect(workbook.macros).toBe(true);
    expect(texts(await all(workbook))).toEqual([[1, "a"]]);
  });

  it("refuses a zip that is not a workbook", async () => {
    await expect(openWorkbook(zipSync({ "readme.txt": strToU8("no workbook here") }))).rejects.toThrow(InputError);
  });

  it("reads what exceljs writes: dates, hyperlinks, rich text, formulas", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Blad1");
    sheet.addRow(["E-mail", "Datum", "Naam", "Formule"]);
    sheet.addRow([
      { text: "Piet@Voorbeeld.nl", hyperlink: "mailto:piet@voorbeeld.nl" },
      new Date(Date.UTC(1980, 4, 17)),
      { richText: [{ text: "Pi" }, { text: "et" }] },
      { formula: "1+1", result: 2 },
    ]);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    expect(texts(await all(openWorkbook(bytes)))).toEqual([
      [1, "E-mail", "Datum", "Naam", "Formule"],
      [2, "Piet@Voorbeeld.nl", "1980-05-17", "Piet", "2"],
    ]);
  });
});

describe("classifyNumberFormat", () => {
  it.each([
    [14, undefined, "date"],
    [22, undefined, "date"],
    [0, undefined, "general"],
    [49, undefined, "text"],
    [11, undefined, "scientific"],
    [164, "dd/mm/yyyy", "date"],
    [164, "[$-413]d mmmm yyyy;@", "date"],
    [164, '"Klant "0', "general"],
    [164, "[Red]0.00", "general"],
    [164, "0.00E+00", "scientific"],
    [164, "@", "text"],
    [164, "General", "general"],
  ])("%d %s → %s", (id, code, kind) => expect(classifyNumberFormat(id, code)).toBe(kind));
});
