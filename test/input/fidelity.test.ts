// Issue 16: what reaches the platform is what the organisation meant. Each workbook is built
// part by part, the way the producer named in the test writes it.
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { cellText } from "../../src/input/cells.js";
import { buildTemplate } from "../../src/report/template-xlsx.js";
import { analyseWorkbook, TEMPLATE_HELP_SHEETS, type Analysis } from "../../src/pipeline/analyse.js";
import { defaultPlatformConfig } from "../../src/platform/config.js";
import { openWorkbook } from "../../src/input/workbook.js";
import { numberDisplay } from "../../src/input/workbook-parts.js";
import { getScript } from "../../src/scripts/index.js";
import { renderReason } from "../../src/report/messages/index.js";
import type { Reason } from "../../src/scripts/reasons.js";
import { buildXlsx, readSheet, sheetXml, sstXml, type RawWorkbook } from "../support/xlsx.js";

const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const headerRow = (headers: string[]) =>
  `<row r="1">${headers.map((h, i) => inline(`${String.fromCharCode(65 + i)}1`, h)).join("")}</row>`;
const NEW_CLIENTS = ["E-mailadres", "Voornaam", "Achternaam", "Client ID", "Tussenvoegsel"];

async function analyse(workbook: RawWorkbook | Uint8Array, script = "new-clients"): Promise<Analysis> {
  const bytes = workbook instanceof Uint8Array ? workbook : buildXlsx(workbook);
  return analyseWorkbook(await openWorkbook(bytes), {
    script: getScript(script),
    config: defaultPlatformConfig,
    context: { today: "2026-01-01" },
  });
}

const oneSheet = (rows: string, extra: Partial<RawWorkbook> = {}): RawWorkbook => ({
  sheets: [{ name: "Blad1", xml: sheetXml(rows) }],
  ...extra,
});
const flat = (analysis: Analysis) =>
  analysis.results.map((r) => ({
    row: r.row,
    status: r.status,
    reasons: r.reasons.map((x) => `${x.code}:${x.field ?? ""}${x.detail ? `:${x.detail}` : ""}`),
  }));
const message = (reason: Reason | undefined, lang: "nl" | "en" | "de" = "en") =>
  renderReason(reason as Reason, getScript("new-clients"), lang);

describe("defect 1: Excel error values are never data", () => {
  it("makes a row with #N/A, #REF! or #NAME? cells invalid with cell_error naming the field and the error", async () => {
    // openpyxl and Excel store an error result as t="e" with the error's text as the cached value.
    const rows =
      headerRow(["E-mailadres", "Voornaam", "Achternaam", "Client ID", "Telefoonnummer", "Tussenvoegsel"]) +
      `<row r="2">${inline("A2", "a@voorbeeld.nl")}<c r="B2" t="e"><f>VLOOKUP(X2,Y:Y,1,0)</f><v>#NAME?</v></c><c r="C2" t="e"><v>#N/A</v></c><c r="D2" t="e"><f>#REF!</f><v>#REF!</v></c><c r="E2" t="e"><v>#N/A</v></c></row>` +
      `<row r="3">${inline("A3", "b@voorbeeld.nl")}${inline("B3", "Bo")}${inline("C3", "Bakker")}${inline("D3", "C-3")}<c r="E3" t="e"><v>#DIV/0!</v></c></row>`;
    const analysis = await analyse(oneSheet(rows));
    expect(flat(analysis)).toEqual([
      {
        row: 2,
        status: "invalid",
        reasons: ["cell_error:first_name", "cell_error:last_name", "cell_error:id", "cell_error:phone_number"],
      },
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
    expect(flat(analysis)).toEqual(
      [2, 3, 4].map((row) => ({ row, status: "invalid", reasons: ["cell_error:id:formula_zero"] })),
    );
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

const CLIENT_HEADERS = ["E-mailadres", "Voornaam", "Tussenvoegsel", "Achternaam", "Client ID", "Geboortedatum"];
/** A new-clients row of inline strings (as exceljs and SheetJS write them), with extra raw cells after. */
const clientRow = (n: number, values: string[], extra = "") =>
  `<row r="${n}">${values.map((v, i) => (v === "" ? "" : inline(`${String.fromCharCode(65 + i)}${n}`, v))).join("")}${extra}</row>`;

describe("defect 3: date cells with a time of day", () => {
  it('reads a t="d" cell with a time (SheetJS cellDates) as the date Excel shows', async () => {
    const rows =
      headerRow(CLIENT_HEADERS) +
      clientRow(
        2,
        ["a@voorbeeld.nl", "An", "", "Vries", "C-2"],
        `<c r="F2" t="d" s="1"><v>1985-07-15T02:00:00.000Z</v></c>`,
      ) +
      clientRow(3, ["b@voorbeeld.nl", "Bo", "", "Bakker", "C-3"], `<c r="F3" t="d"><v>1990-01-31T13:45:00</v></c>`) +
      clientRow(4, ["c@voorbeeld.nl", "Cor", "", "Smit", "C-4"], `<c r="F4" t="d"><v>2001-02-03</v></c>`);
    const analysis = await analyse(oneSheet(rows));
    expect(flat(analysis).map((r) => r.status)).toEqual(["valid", "valid", "valid"]);
    expect([...analysis.texts.read()].slice(1).map((texts) => texts[5])).toEqual([
      "1985-07-15",
      "1990-01-31",
      "2001-02-03",
    ]);
  });
});

describe("defect 8: dangerous and invisible characters never reach the platform", () => {
  const check = async (values: string[][]) => {
    const rows = headerRow(CLIENT_HEADERS) + values.map((v, i) => clientRow(i + 2, v)).join("");
    return flat(await analyse(oneSheet(rows)));
  };
  it("refuses a leading =, +, - or @ in names and IDs (formula injection) as unsafe_value", async () => {
    expect(
      await check([
        ["a@voorbeeld.nl", '=HYPERLINK("http://x","klik")', "", "Vries", "C-2"],
        ["b@voorbeeld.nl", "Bo", "", "=cmd|' /C calc'!A0", "C-3"],
        ["c@voorbeeld.nl", "Cor", "", "Smit", "=1+1"],
        ["d@voorbeeld.nl", "@SUM(A1)", "+x", "-Smit", "C-5"],
        ["e@voorbeeld.nl", "Anne-Marie", "", "Smit-Jansen", "D-10"],
      ]),
    ).toEqual([
      { row: 2, status: "invalid", reasons: ["unsafe_value:first_name:formula_start"] },
      { row: 3, status: "invalid", reasons: ["unsafe_value:last_name:formula_start"] },
      { row: 4, status: "invalid", reasons: ["unsafe_value:id:formula_start"] },
      {
        row: 5,
        status: "invalid",
        reasons: [
          "unsafe_value:first_name:formula_start",
          "unsafe_value:infix:formula_start",
          "unsafe_value:last_name:formula_start",
        ],
      },
      { row: 6, status: "valid", reasons: [] },
    ]);
  });

  it("refuses control and bidi characters, trims zero-width ones at the edges and refuses them inside", async () => {
    // Control characters reach a sheet through Excel's _xHHHH_ escapes.
    expect(
      await check([
        ["a@voorbeeld.nl", "An_x001B_[31m", "", "Vries", "C-2"],
        ["b@voorbeeld.nl", "Bo_x0000_", "", "Bakker", "C-3"],
        ["c@voorbeeld.nl", "Cor", "", "Smit", "D-10\u202e"],
        ["d@voorbeeld.nl", "Do\u200bra", "", "Smit", "C-5"],
        ["e@voorbeeld.nl", "\u200bEva\u00a0", "", "\ufeffSmit\u2060", "\u200dC-6"],
        ["f@voorbeeld.nl", "Fe_x0007_", "", "Smit", "C\u200c-7"],
      ]),
    ).toEqual([
      { row: 2, status: "invalid", reasons: ["unsafe_value:first_name:control"] },
      { row: 3, status: "invalid", reasons: ["unsafe_value:first_name:control"] },
      { row: 4, status: "invalid", reasons: ["unsafe_value:id:control"] },
      { row: 5, status: "invalid", reasons: ["unsafe_value:first_name:invisible"] },
      { row: 6, status: "valid", reasons: [] },
      { row: 7, status: "invalid", reasons: ["unsafe_value:first_name:control", "unsafe_value:id:invisible"] },
    ]);
  });

  it("refuses names over 100 characters and IDs over 64 as too_long", async () => {
    expect(
      await check([
        ["a@voorbeeld.nl", "A".repeat(32_000), "", "Vries", "C-2"],
        ["b@voorbeeld.nl", "Bo", "v".repeat(101), "Bakker", "C-3"],
        ["c@voorbeeld.nl", "Cor", "", "Smit", "C".repeat(65)],
        ["d@voorbeeld.nl", "D".repeat(100), "", "Smit", "C".repeat(64)],
      ]),
    ).toEqual([
      { row: 2, status: "invalid", reasons: ["unsafe_value:first_name:too_long"] },
      { row: 3, status: "invalid", reasons: ["unsafe_value:infix:too_long"] },
      { row: 4, status: "invalid", reasons: ["invalid_id:id:too_long"] },
      { row: 5, status: "valid", reasons: [] },
    ]);
  });
});

/** Rewrites parts of a built workbook, as the producer's own zip would have them. */
function repack(bytes: Uint8Array, change: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(bytes);
  change(files);
  return zipSync(files);
}

describe("defect 6: conditional-format number formats", () => {
  it("reads cell formats from the top-level numFmts only, not those of dxfs with the same id", async () => {
    // LibreOffice writes a dxf's own numFmt with an id that a cell format also uses.
    const styles = `<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd\\-mm\\-yyyy"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs><dxfs count="1"><dxf><numFmt numFmtId="164" formatCode="0.00"/></dxf></dxfs></styleSheet>`;
    const { rows } = await readSheet(
      buildXlsx(oneSheet(`<row r="1"><c r="A1" s="1"><v>31243</v></c></row>`, { styles })),
    );
    expect(cellText(rows[0]?.cells[0])).toBe("1985-07-15");
  });
});

describe("defect 7: package details, as Excel takes them", () => {
  it("finds parts whose names differ in case from their relationships", async () => {
    const bytes = repack(
      buildXlsx(oneSheet(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, { sharedStrings: sstXml(["Hallo"]) })),
      (files) => {
        files["xl/_rels/workbook.xml.rels"] = strToU8(
          strFromU8(files["xl/_rels/workbook.xml.rels"] as Uint8Array)
            .replace("worksheets/sheet1.xml", "Worksheets/Sheet1.XML")
            .replace("/xl/sharedStrings.xml", "/XL/SharedStrings.xml"),
        );
      },
    );
    const { rows } = await readSheet(bytes);
    expect(cellText(rows[0]?.cells[0])).toBe("Hallo");
  });

  it("reads a shared-strings part that the workbook's relationships do not name", async () => {
    const bytes = repack(
      buildXlsx(oneSheet(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, { sharedStrings: sstXml(["Hallo"]) })),
      (files) => {
        files["xl/_rels/workbook.xml.rels"] = strToU8(
          strFromU8(files["xl/_rels/workbook.xml.rels"] as Uint8Array).replace(/<Relationship Id="rIdS"[^>]*\/>/, ""),
        );
      },
    );
    const { rows } = await readSheet(bytes);
    expect(cellText(rows[0]?.cells[0])).toBe("Hallo");
  });
});

describe("defect 5: the sheet and the header row the organisation sees", () => {
  const data = sheetXml(headerRow(CLIENT_HEADERS) + clientRow(2, ["a@voorbeeld.nl", "An", "", "Vries", "C-2"]));
  const chart = (bytes: Uint8Array) =>
    repack(bytes, (files) => {
      const rels = strFromU8(files["xl/_rels/workbook.xml.rels"] as Uint8Array);
      files["xl/_rels/workbook.xml.rels"] = strToU8(
        rels.replace(
          /relationships\/worksheet" Target="worksheets\/sheet2.xml"/,
          'relationships/chartsheet" Target="chartsheets/sheet1.xml"',
        ),
      );
      files["xl/chartsheets/sheet1.xml"] = strToU8(
        `<?xml version="1.0"?><chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`,
      );
    });

  it("reads the first visible worksheet with data, skipping hidden, very hidden, chart and empty sheets, and says so", async () => {
    const bytes = chart(
      buildXlsx({
        sheets: [
          { name: "Opzoek", xml: sheetXml(headerRow(["Code"])), state: "veryHidden" },
          { name: "Grafiek", xml: sheetXml("") },
          { name: "Leeg", xml: sheetXml(`<row r="1"><c r="A1" t="inlineStr"><is><t> </t></is></c></row>`) },
          { name: "Verborgen", xml: sheetXml(headerRow(["Code"])), state: "hidden" },
          { name: "Cliënten", xml: data },
          { name: "Toelichting", xml: sheetXml(headerRow(["Kolom"])) },
        ],
      }),
    );
    const workbook = await openWorkbook(bytes);
    expect(workbook.sheet).toEqual({ name: "Cliënten", hidden: false });
    expect(workbook.skipped).toEqual([
      { name: "Opzoek", why: "hidden" },
      { name: "Grafiek", why: "chart" },
      { name: "Leeg", why: "empty" },
      { name: "Verborgen", why: "hidden" },
    ]);
    const analysis = await analyse(bytes);
    expect(flat(analysis)).toEqual([{ row: 2, status: "valid", reasons: [] }]);
    // The template's own explanation sheet is no "other sheet" worth a word.
    expect(analysis.warnings.filter((w) => w.code === "sheets_skipped" || w.code === "other_sheets")).toEqual([
      { code: "sheets_skipped", sheet: "Cliënten", skipped: '"Opzoek", "Grafiek", "Leeg", "Verborgen"' },
    ]);
  });

  it("takes as the header the first row among the first 20 that holds the required columns, and reports the rows above it", async () => {
    // A title row, a group row of merged cells and an instruction line above the header.
    const rows =
      `<row r="1">${inline("A1", "Aanmelding nieuwe cliënten")}</row>` +
      `<row r="2">${inline("A2", "Persoon")}${inline("E2", "Systeem")}</row>` +
      `<row r="3">${inline("A3", "Vul per cliënt één rij in; E-mailadres is verplicht")}</row>` +
      headerRow(CLIENT_HEADERS)
        .replace(/r="1"/g, 'r="4"')
        .replace(/([A-F])1"/g, '$14"') +
      clientRow(5, ["a@voorbeeld.nl", "An", "", "Vries", "C-5"]);
    const analysis = await analyse(oneSheet(rows));
    expect(analysis.headerMap.row).toBe(4);
    expect(flat(analysis)).toEqual([{ row: 5, status: "valid", reasons: [] }]);
    expect(analysis.warnings).toContainEqual({ code: "rows_above_header", header: 4, rows: [1, 2, 3] });
  });

  it("names the sheet, the row that came closest and the columns it lacks when no row holds the required columns", async () => {
    const rows =
      `<row r="1">${inline("A1", "Aanmelding")}</row>` +
      `<row r="2">${inline("A2", "E-mailadres")}${inline("B2", "Voornaam")}${inline("C2", "Client ID")}</row>` +
      clientRow(3, ["a@voorbeeld.nl", "An", "C-3"]);
    await expect(analyse(oneSheet(rows))).rejects.toThrow(
      /^The sheet has no column "Tussenvoegsel".*; in sheet "Blad1", row 2 came closest among the first 20 rows, lacking "Tussenvoegsel", "Achternaam"\.$/,
    );
  });
});

describe("defect 10: a filled-in template is read without a word about its explanation sheet", () => {
  it.each(["nl", "en", "de"] as const)("knows the %s template's explanation sheet", async (lang) => {
    const workbook = await openWorkbook(await buildTemplate(getScript("new-clients"), lang));
    const help = workbook.sheets.filter((s) => s.name !== workbook.sheet.name).map((s) => s.name);
    expect(help).toHaveLength(1);
    expect(TEMPLATE_HELP_SHEETS.has(help[0] as string)).toBe(true);
  });
});

describe("defect 4: numeric IDs keep what their number format shows", () => {
  // openpyxl and exceljs write an ID typed as a number with a custom format such as 00000.
  const styles = `<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="164" formatCode="00000"/><numFmt numFmtId="165" formatCode="&quot;ABC-&quot;0000"/><numFmt numFmtId="166" formatCode="000000000"/></numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="1"/></cellXfs></styleSheet>`;

  it("renders number cells in ID, BSN and phone columns through padding formats, as Excel shows them, and says so", async () => {
    const headers = [...CLIENT_HEADERS.slice(0, 5), "BSN", "Telefoonnummer"];
    const rows =
      headerRow(headers) +
      clientRow(
        2,
        ["a@voorbeeld.nl", "An", "", "Vries"],
        `<c r="E2" s="1"><v>42</v></c><c r="F2" s="3"><v>10000008</v></c>`,
      ) +
      clientRow(
        3,
        ["b@voorbeeld.nl", "Bo", "", "Bakker"],
        `<c r="E3" s="2"><v>7</v></c><c r="G3" s="4"><v>612345678</v></c>`,
      ) +
      clientRow(4, ["c@voorbeeld.nl", "Cor", "", "Smit"], `<c r="E4" s="4"><v>123</v></c>`);
    const bytes = buildXlsx(oneSheet(rows, { styles }));
    const { rows: read } = await readSheet(bytes);
    expect([read[1]?.cells[4], read[2]?.cells[4], read[3]?.cells[4]].map(cellText)).toEqual([
      "00042",
      "ABC-0007",
      "123",
    ]);
    const analysis = await analyse(bytes);
    expect(flat(analysis).map((r) => r.status)).toEqual(["valid", "valid", "valid"]);
    expect(analysis.warnings).toContainEqual({ code: "number_format", column: "E", rows: [2, 3] });
    expect(analysis.warnings).toContainEqual({ code: "number_format", column: "F", rows: [2] });
    expect([...analysis.texts.read()].slice(1).map((t) => t[4])).toEqual(["00042", "ABC-0007", "123"]);
  });
});

describe("numberDisplay", () => {
  it.each([
    ["00000", 42, "00042"],
    ["00000", 1234567, "1234567"],
    ['"ABC-"0000', 7, "ABC-0007"],
    ["\\A0000", 12, "A0012"],
    ["000-000", 1234, "001-234"],
    ["#0000", 5, "0005"],
    ["0", 42, undefined],
    ["0.00", 42, undefined],
    ["#,##0", 4200, undefined],
    ["[Red]00000", 42, undefined],
    ["00000", 4.5, undefined],
  ])("%s shows %d as %s", (code, value, expected) => expect(numberDisplay(code)?.(value)).toBe(expected));
});

describe("defect 9: the phone region follows the sheet's language", () => {
  const sheet = (headers: string[], phone: string) =>
    oneSheet(headerRow(headers) + clientRow(2, ["a@voorbeeld.nl", "An", "", "Vries", "C-2", phone]));
  const german = ["E-Mail-Adresse", "Vorname", "Namenszusatz", "Nachname", "Klienten-ID", "Telefonnummer"];
  const dutch = ["E-mailadres", "Voornaam", "Tussenvoegsel", "Achternaam", "Client ID", "Telefoonnummer"];
  const english = ["Email address", "First name", "Infix", "Last name", "Client ID", "Phone number"];

  it("reads a German number in a sheet with German headers, and Dutch ones in Dutch and English sheets", async () => {
    expect(flat(await analyse(sheet(german, "0151 23456789")))).toEqual([{ row: 2, status: "valid", reasons: [] }]);
    expect(flat(await analyse(sheet(dutch, "0151 23456789")))[0]?.reasons).toEqual(["invalid_phone:phone_number"]);
    expect(flat(await analyse(sheet(dutch, "06 12345678")))[0]?.status).toBe("valid");
    expect(flat(await analyse(sheet(english, "06 12345678")))[0]?.status).toBe("valid");
  });

  it("takes the region given (--phone-region) over the sheet's language", async () => {
    const analysis = await analyseWorkbook(await openWorkbook(buildXlsx(sheet(dutch, "0151 23456789"))), {
      script: getScript("new-clients"),
      config: defaultPlatformConfig,
      context: { today: "2026-01-01", phoneRegion: "DE" },
    });
    expect(flat(analysis)[0]?.status).toBe("valid");
  });

  it("suggests the international form for a number that fails", () => {
    expect(message({ code: "invalid_phone", field: "phone_number" })).toBe(
      "Phone number is not a valid phone number; write it in the international form, e.g. +31 6 12345678",
    );
  });
});
