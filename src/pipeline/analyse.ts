import { cellText, type SheetRow } from "../input/cells.js";
import { columnLetter, type HeaderMap, mapHeaders } from "../input/headers.js";
import type { Workbook } from "../input/workbook.js";
import { InputError } from "../shared/errors.js";
import type { FieldContext } from "../scripts/fields.js";
import type { Reason } from "../scripts/reasons.js";
import type { ScriptDef } from "../scripts/script.js";
import { DuplicateFinder } from "./dedupe.js";
import type { PlatformConfig } from "./platform-config.js";
import { RowTextStore } from "./row-store.js";
import { buildRowValidator } from "./validate.js";

export type Status = "valid" | "planned" | "done" | "unchanged" | "invalid" | "duplicate" | "dropout" | "failed";
export type Action = "create" | "update" | "link" | "none";

/** The outcome of one data row of the sheet. */
export interface RowResult {
  row: number;
  status: Status;
  action: Action;
  reasons: Reason[];
}

/** Something about the sheet as a whole that the requester should know; no personal data. */
export type Warning =
  | { code: "unknown_column"; column: string; header: string }
  | { code: "ignored_column"; column: string; field: string }
  | { code: "other_sheets"; sheet: string; sheets: number }
  | { code: "hidden_sheet"; sheet: string }
  | { code: "hidden_rows"; rows: number[] }
  | { code: "bsn_padded"; rows: number[] }
  | { code: "american_dates"; column: string; rows: number[] };

export interface Analysis {
  headerMap: HeaderMap;
  results: RowResult[];
  warnings: Warning[];
  /** The rows as the sheet shows them, header first, for the requester's report. */
  texts: RowTextStore;
}

export interface AnalyseOptions {
  script: ScriptDef;
  config: PlatformConfig;
  context: FieldContext;
  /** Called now and then with the number of rows read, for progress on a terminal. */
  onProgress?: (rows: number) => void;
}

/**
 * Reads the chosen sheet once, row by row: finds the header row, checks every row on its
 * own, and finds the rows that repeat or contradict each other. Only the row outcomes and
 * the duplicate keys stay in memory.
 */
export function analyseWorkbook(workbook: Workbook, options: AnalyseOptions): Analysis {
  const { script } = options;
  const rows = workbook.rows();
  const first = rows.next();
  if (first.done) throw new InputError(`The sheet "${workbook.sheet.name}" is empty: it has no header row and no data.`);
  const headerMap = mapHeaders(script, first.value.row, first.value.cells);
  const texts = new RowTextStore();
  texts.add(headerMap.headers);
  const validator = buildRowValidator(script, headerMap, options.config, options.context);
  const finder = new DuplicateFinder(script.keys);
  const results: RowResult[] = [];
  const hiddenRows: number[] = [];
  const paddedRows: number[] = [];
  for (let next = rows.next(); !next.done; next = rows.next()) {
    const sheetRow: SheetRow = next.value;
    const checked = validator.validate(sheetRow.cells);
    texts.add(Array.from(sheetRow.cells, cellText));
    finder.add(sheetRow.row, checked.values, fingerprint(checked.values));
    if (sheetRow.hidden) hiddenRows.push(sheetRow.row);
    if (checked.notes.includes("bsn_padded")) paddedRows.push(sheetRow.row);
    results.push({
      row: sheetRow.row,
      status: checked.reasons.length > 0 ? "invalid" : "valid",
      action: checked.reasons.length > 0 ? "none" : script.action,
      reasons: checked.reasons,
    });
    if (options.onProgress && results.length % 5000 === 0) options.onProgress(results.length);
  }
  const verdicts = finder.verdicts();
  for (const result of results) {
    const duplicates = verdicts.get(result.row);
    if (!duplicates) continue;
    result.reasons.push(...duplicates);
    if (result.status === "valid") {
      result.status = "duplicate";
      result.action = "none";
    }
  }
  const warnings = sheetWarnings(workbook, headerMap, validator.ignored.map((c) => c.field));
  if (hiddenRows.length > 0) warnings.push({ code: "hidden_rows", rows: hiddenRows });
  if (paddedRows.length > 0) warnings.push({ code: "bsn_padded", rows: paddedRows });
  return { headerMap, results, warnings, texts };
}

function sheetWarnings(workbook: Workbook, headerMap: HeaderMap, ignored: string[]): Warning[] {
  const warnings: Warning[] = [];
  if (workbook.sheets.length > 1) warnings.push({ code: "other_sheets", sheet: workbook.sheet.name, sheets: workbook.sheets.length });
  if (workbook.sheet.hidden) warnings.push({ code: "hidden_sheet", sheet: workbook.sheet.name });
  for (const { column, header } of headerMap.unknown) warnings.push({ code: "unknown_column", column: columnLetter(column), header });
  for (const [index, column] of headerMap.columns) {
    if (ignored.includes(column.field)) warnings.push({ code: "ignored_column", column: columnLetter(index), field: column.field });
  }
  return warnings;
}

/** A row's normalised values as one string: equal strings mean the same data. */
function fingerprint(values: Record<string, unknown>): string {
  let text = "";
  for (const key in values) text += `${String(values[key] ?? "")}\u0000`;
  return text;
}
