import { cellText, isBlank, type SheetRow } from "../input/cells.js";
import { columnLetter, type HeaderMap, mapHeaders } from "../input/headers.js";
import type { Workbook } from "../input/workbook.js";
import { InputError } from "../shared/errors.js";
import type { FieldContext } from "../scripts/fields.js";
import type { Reason } from "../scripts/reasons.js";
import type { ScriptDef } from "../scripts/script.js";
import { DuplicateFinder } from "./dedupe.js";
import type { PlatformConfig } from "./platform-config.js";
import { AmericanDateDetector } from "./american-dates.js";
import { RowTextStore } from "./row-store.js";
import type { PlannedRow } from "./plan.js";
import { buildRowValidator, type RowValidator } from "./validate.js";

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
  | { code: "american_dates"; column: string; rows: number[] }
  | { code: "macros" }
  | { code: "merged_cells"; ranges: string }
  | { code: "unnamed_column"; column: string }
  | { code: "no_data_rows"; header_row: number };

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
  /** For a test run: what the platform would make of each valid row. */
  plan?: (values: Readonly<Record<string, unknown>>, row: number) => PlannedRow;
  /** Called now and then with the number of rows read, for progress on a terminal. */
  onProgress?: (rows: number) => void;
}

/**
 * Reads the chosen sheet once, row by row: finds the header row, checks every row on its
 * own, and finds the rows that repeat or contradict each other. Only the row outcomes and
 * the duplicate keys stay in memory.
 */
export async function analyseWorkbook(workbook: Workbook, options: AnalyseOptions): Promise<Analysis> {
  const { script } = options;
  let state: RowState | null = null;
  for await (const batch of workbook.batches()) {
    for (const sheetRow of batch) {
      if (!state) state = startRows(script, sheetRow, options);
      else checkRow(state, sheetRow);
    }
    options.onProgress?.(state?.results.length ?? 0);
  }
  if (!state) throw new InputError(`The sheet "${workbook.sheet.name}" is empty: it has no header row and no data.`);
  const { headerMap, validator, finder, results, texts, hiddenRows, paddedRows } = state;
  const americanWarnings = markAmericanDates(state);
  const verdicts = finder.verdicts();
  for (const result of results) {
    const duplicates = verdicts.get(result.row);
    if (!duplicates) continue;
    if (result.status === "invalid") {
      result.reasons = [...result.reasons, ...duplicates];
    } else {
      // A repeated or contradicted row is not planned at all, whatever the platform holds.
      result.status = "duplicate";
      result.action = "none";
      result.reasons = duplicates;
    }
  }
  const warnings = sheetWarnings(
    workbook,
    headerMap,
    validator.ignored.map((c) => c.field),
  );
  // NOTE: a header without data is most likely the wrong file or sheet; it must not pass as clean.
  if (results.length === 0) warnings.unshift({ code: "no_data_rows", header_row: headerMap.row });
  for (const index of [...state.unnamedWithData].sort((a, b) => a - b)) warnings.push({ code: "unnamed_column", column: columnLetter(index) });
  if (workbook.merged.length > 0)
    warnings.push({ code: "merged_cells", ranges: workbook.merged.slice(0, 20).join(", ") + (workbook.merged.length > 20 ? ", …" : "") });
  if (hiddenRows.length > 0) warnings.push({ code: "hidden_rows", rows: hiddenRows });
  if (paddedRows.length > 0) warnings.push({ code: "bsn_padded", rows: paddedRows });
  warnings.push(...americanWarnings);
  return { headerMap, results, warnings, texts };
}

interface RowState {
  script: ScriptDef;
  headerMap: HeaderMap;
  validator: RowValidator;
  finder: DuplicateFinder;
  results: RowResult[];
  texts: RowTextStore;
  hiddenRows: number[];
  paddedRows: number[];
  plan: AnalyseOptions["plan"];
  /** Per date column (sheet index): whether it was read the American way. */
  dates: Map<number, AmericanDateDetector>;
  /** Columns inside the header row's width whose header is empty. */
  unnamed: number[];
  /** Columns without a header in which some row has data. */
  unnamedWithData: Set<number>;
}

/** The first non-empty row is the header row: match it, and get ready for the data rows. */
function startRows(script: ScriptDef, header: SheetRow, options: AnalyseOptions): RowState {
  const headerMap = mapHeaders(script, header.row, header.cells);
  const texts = new RowTextStore();
  texts.add(headerMap.headers);
  return {
    script,
    headerMap,
    validator: buildRowValidator(script, headerMap, options.config, options.context),
    finder: new DuplicateFinder(script.keys),
    results: [],
    texts,
    hiddenRows: [],
    paddedRows: [],
    plan: options.plan,
    dates: new Map([...headerMap.columns].filter(([, c]) => c.field === "date_of_birth").map(([index]) => [index, new AmericanDateDetector()])),
    unnamed: headerMap.headers.flatMap((header, index) => (header === "" ? [index] : [])),
    unnamedWithData: new Set(),
  };
}

function checkRow(state: RowState, sheetRow: SheetRow): void {
  const checked = state.validator.validate(sheetRow.cells);
  state.texts.add(Array.from(sheetRow.cells, cellText));
  state.finder.add(sheetRow.row, checked.values, fingerprint(checked.values));
  if (sheetRow.hidden) state.hiddenRows.push(sheetRow.row);
  for (const index of state.unnamed) if (!isBlank(sheetRow.cells[index])) state.unnamedWithData.add(index);
  for (let index = state.headerMap.headers.length; index < sheetRow.cells.length; index++) {
    if (!isBlank(sheetRow.cells[index])) state.unnamedWithData.add(index);
  }
  if (checked.notes.includes("bsn_padded")) state.paddedRows.push(sheetRow.row);
  for (const [index, detector] of state.dates) detector.add(state.results.length, sheetRow.cells[index]);
  const ok = checked.reasons.length === 0;
  if (ok && state.plan) {
    const planned = state.plan(checked.values, sheetRow.row);
    state.results.push({ row: sheetRow.row, status: planned.status, action: planned.action, reasons: planned.reasons });
  } else {
    state.results.push({ row: sheetRow.row, status: ok ? "valid" : "invalid", action: ok ? state.script.action : "none", reasons: checked.reasons });
  }
}

/** Marks the date cells of a column that Excel read as month/day, and says so once per column. */
function markAmericanDates(state: RowState): Warning[] {
  const warnings: Warning[] = [];
  for (const [index, detector] of state.dates) {
    const field = state.headerMap.columns.get(index)?.field ?? "date_of_birth";
    const rows: number[] = [];
    for (const suspect of detector.suspectRows()) {
      const result = state.results[suspect];
      if (!result) continue;
      const reason: Reason = { code: "invalid_date", field, detail: "excel_american" };
      // A row that was valid (or planned) is now invalid for this reason alone.
      result.reasons = result.status === "invalid" ? [...result.reasons, reason] : [reason];
      result.status = "invalid";
      result.action = "none";
      rows.push(result.row);
    }
    if (rows.length > 0) warnings.push({ code: "american_dates", column: columnLetter(index), rows });
  }
  return warnings;
}

function sheetWarnings(workbook: Workbook, headerMap: HeaderMap, ignored: string[]): Warning[] {
  const warnings: Warning[] = [];
  if (workbook.sheets.length > 1) warnings.push({ code: "other_sheets", sheet: workbook.sheet.name, sheets: workbook.sheets.length });
  if (workbook.sheet.hidden) warnings.push({ code: "hidden_sheet", sheet: workbook.sheet.name });
  if (workbook.macros) warnings.push({ code: "macros" });
  for (const { column, header } of headerMap.unknown) warnings.push({ code: "unknown_column", column: columnLetter(column), header });
  for (const [index, column] of headerMap.columns) {
    if (ignored.includes(column.field)) warnings.push({ code: "ignored_column", column: columnLetter(index), field: column.field });
  }
  return warnings;
}

/**
 * A 53-bit digest of a row's normalised values (two 32-bit FNV-1a hashes with different
 * offsets): equal digests mean the same data. NOTE: a digest rather than the values
 * themselves, so that 100,000 rows keep 100,000 numbers and not as many strings; two rows
 * that share a key and differ still collide only with a chance of about 1 in 2^53.
 */
export function fingerprint(values: Record<string, unknown>): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const key in values) {
    const text = valueText(values[key]);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x01000193) ^ (b >>> 13);
    }
    a = Math.imul(a ^ 0xff, 0x01000193);
    b = Math.imul(b ^ 0xff, 0x01000193);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

/** Normalised values are strings, or null where empty. */
const valueText = (value: unknown): string =>
  typeof value === "string" ? value : value === null || value === undefined ? "" : JSON.stringify(value);
