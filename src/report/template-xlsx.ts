import ExcelJS from "exceljs";
import { getScript, type ColumnDef, type Lang, type ScriptDef } from "../scripts/index.js";
import { onboardingSheetNames, templateWords } from "./messages/template.js";
import { uniqueSheetName } from "./xlsx-writer.js";

// The template workbook (`mdimport template`, templates/, and fix.xlsx in the template's shape):
// written with exceljs, its words from messages/template.ts.

interface RangedValidations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

/** A fixed date, so that a template made twice is the same file part for part. */
const FIXED_DATE = new Date(Date.UTC(2026, 0, 1));
const ROWS_PREPARED = 5000;

/** Rows to put into a template (fix.xlsx): values in the script's column order, and each row's reason in an extra column. */
export interface TemplateRows {
  rows: readonly (readonly string[])[];
  reasons: readonly string[];
  /** The extra column's header: one that reading the sheet ignores. */
  reasonHeader: string;
}

/** One data sheet of a template workbook: the script, the sheet's name, and rows to put in (fix.xlsx). */
export interface TemplateSheet {
  script: ScriptDef;
  name: string;
  fill?: TemplateRows;
}

/**
 * Builds the empty sheet an organisation fills in, with an explanation sheet beside it; with
 * `fill`, the same sheet holding rows to correct (fix.xlsx).
 */
export async function buildTemplate(script: ScriptDef, lang: Lang, fill?: TemplateRows): Promise<Buffer> {
  return buildTemplateSheets([{ script, name: templateWords[lang].data, ...(fill ? { fill } : {}) }], lang);
}

/** The onboarding workbook: new clients, new professionals and their relations, and one explanation sheet. */
export function buildOnboardingTemplate(lang: Lang): Promise<Buffer> {
  const names = onboardingSheetNames[lang];
  return buildTemplateSheets(
    [
      { script: getScript("new-clients"), name: names.clients },
      { script: getScript("new-professionals"), name: names.professionals },
      { script: getScript("relations"), name: names.relations },
    ],
    lang,
  );
}

/**
 * A workbook of data sheets, each with its script's headers, text formats and dropdowns, and one
 * explanation sheet after them (whose header row fits no script, so --all-sheets skips it).
 */
export async function buildTemplateSheets(sheets: readonly TemplateSheet[], lang: Lang): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "mdimport";
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  const w = templateWords[lang];
  // Named after the input's sheets (fix.xlsx of a workbook), which may be named as the explanation sheet.
  const taken: string[] = [];
  const named = sheets.map((sheet) => {
    const name = uniqueSheetName(sheet.name, taken);
    taken.push(name);
    return { ...sheet, name };
  });
  for (const sheet of named) addDataSheet(workbook, sheet, lang);
  const help = workbook.addWorksheet(uniqueSheetName(w.help, taken));
  help.columns = [
    { header: w.column, width: 50 },
    { header: w.need, width: 42 },
    { header: w.format, width: 60 },
    { header: w.values, width: 60 },
  ];
  help.getRow(1).font = { bold: true };
  named.forEach(({ script, name }, index) => {
    if (sheets.length > 1) {
      if (index > 0) help.addRow([]);
      help.addRow([`${name}: ${script.title[lang]}`]).font = { bold: true };
    }
    for (const column of script.columns) {
      help.addRow([
        column.headers[lang],
        requirement(script, column, lang),
        column.format[lang],
        column.choices?.[lang].join(", ") ?? "",
      ]);
    }
  });
  if (sheets.length === 1) {
    help.addRow([]);
    help.addRow([(sheets[0] as TemplateSheet).script.title[lang]]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addDataSheet(workbook: ExcelJS.Workbook, { script, name, fill }: TemplateSheet, lang: Lang): void {
  const data = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  data.columns = script.columns.map((column) => ({
    header: column.headers[lang],
    key: column.field,
    width: Math.max(column.headers[lang].length + 4, 16),
    style: column.text ? { numFmt: "@" } : {},
  }));
  if (fill) {
    const reason = data.getColumn(script.columns.length + 1);
    reason.header = fill.reasonHeader;
    reason.width = 70;
    fill.rows.forEach((row, i) =>
      data.addRow([...row.map((value) => (value === "" ? null : value)), fill.reasons[i] ?? ""]),
    );
  }
  data.getRow(1).font = { bold: true };
  const prepared = Math.max(ROWS_PREPARED, (fill?.rows.length ?? 0) + 1);
  script.columns.forEach((column, index) => {
    if (!column.choices) return;
    const letter = data.getColumn(index + 1).letter;
    // NOTE: exceljs supports ranged data validations, but its type declarations omit them.
    (data as unknown as RangedValidations).dataValidations.add(`${letter}2:${letter}${prepared}`, {
      type: "list",
      allowBlank: true,
      formulae: [`"${column.choices[lang].join(",")}"`],
      showErrorMessage: true,
      errorTitle: column.headers[lang],
      error: column.format[lang],
    });
  });
}

function requirement(script: ScriptDef, column: ColumnDef, lang: Lang): string {
  const w = templateWords[lang];
  if (typeof column.column === "object") {
    const group = script.groups?.[column.column.oneOf];
    return script.action === "update" && column.column.oneOf === "changes"
      ? `${w.oneOf}; ${w.update}`
      : `${w.oneOf}${group ? ` (${group[lang]})` : ""}`;
  }
  if (column.value === "platform") return w.platform;
  if (column.column && column.value === "optional") return w.empty;
  return column.column ? w.yes : w.no;
}
