import { type Cell, cellText, isBlank, type SheetRow, trimAll } from "../input/cells.js";
import { columnLetter, findHeaderRow, type HeaderMap, mapHeaders, sheetLanguage } from "../input/headers.js";
import type { Workbook } from "../input/workbook.js";
import { InputError } from "../shared/errors.js";
import type { FieldContext } from "../scripts/fields.js";
import type { Reason, SheetRef } from "../scripts/reasons.js";
import type { ScriptDef } from "../scripts/script.js";
import { describeFit } from "../scripts/recognise.js";
import { DuplicateFinder, fingerprint } from "./dedupe.js";
import type { PlatformConfig } from "../platform/config.js";
import { AmericanDateDetector } from "./american-dates.js";
import { FormulaColumn, watchesFormulas } from "./formula-columns.js";
import { type ReviewCell, ReviewStore, RowTextStore } from "./row-store.js";
import { finalRow, type PlanOutcome, type RowStages } from "./outcome.js";
import type { PlannedRow, PlanReview } from "./plan.js";
import { buildRowValidator, type RowValidator } from "./validate.js";
import type { Warning } from "./warnings.js";

export type Status = "valid" | "planned" | "done" | "unchanged" | "invalid" | "duplicate" | "dropout" | "failed";
export type Action = "create" | "update" | "link" | "none";

/** The account another one collides with: what the organisation can look up (never personal data). */
export interface Conflict {
  kind: "client" | "professional";
  active: boolean;
  md_id: string;
}

/** The outcome of one data row of the sheet. */
export interface RowResult {
  row: number;
  status: Status;
  action: Action;
  reasons: Reason[];
  /** The Minddistrict ID of the account the row is about (made by a run, updated, or already there). */
  md_id?: string;
  /** For an update: the names of the fields it changes (never their values). */
  changes?: string[];
  /** For a dropout: the account it collides with. */
  conflict?: Conflict;
  /** In a workbook: the rows of other sheets that create the accounts this row needs (a relation to a new client). */
  depends_on?: SheetRef[];
}

export type { Warning } from "./warnings.js";

export interface Analysis {
  headerMap: HeaderMap;
  results: RowResult[];
  warnings: Warning[];
  /** The rows as the sheet shows them, header first, for the requester's report. */
  texts: RowTextStore;
  /** Per data row, the cells report.xlsx shows otherwise than the sheet (in memory only). */
  review: ReviewStore;
}

export interface AnalyseOptions {
  script: ScriptDef;
  config: PlatformConfig;
  context: FieldContext;
  /** For a test run: what the platform would make of each valid row. */
  plan?: (values: Readonly<Record<string, unknown>>, row: number) => PlannedRow;
  /** Called now and then with the number of rows read, for progress on a terminal. */
  onProgress?: (rows: number) => void;
  /** Hears every data row's checked values (valid or not), in memory only: a workbook's plan across sheets keeps its keys. */
  observe?: (values: Readonly<Record<string, unknown>>, row: number) => void;
}

/**
 * Reads the chosen sheet once, row by row: finds the header row, checks every row on its
 * own, and finds the rows that repeat or contradict each other. Only the row outcomes and
 * the duplicate keys stay in memory.
 */
export async function analyseWorkbook(workbook: Workbook, options: AnalyseOptions): Promise<Analysis> {
  const { script } = options;
  let state: RowState | null = null;
  // The rows before the header is found: a title, a group row, instructions, and the header.
  const first: SheetRow[] = [];
  for await (const batch of workbook.batches()) {
    for (const sheetRow of batch) {
      if (state) {
        checkRow(state, sheetRow);
        continue;
      }
      first.push(sheetRow);
      const header = headerRowOf(script, workbook.sheet.name, first, false);
      if (header) state = startRows(script, header, first.slice(0, first.indexOf(header)), options);
    }
    options.onProgress?.(state?.rows.length ?? 0);
  }
  if (!state && first.length > 0) {
    const header = headerRowOf(script, workbook.sheet.name, first, true) as SheetRow;
    state = startRows(script, header, first.slice(0, first.indexOf(header)), options);
    for (const sheetRow of first.slice(first.indexOf(header) + 1)) checkRow(state, sheetRow);
  }
  if (!state) throw new InputError(`The sheet "${workbook.sheet.name}" is empty: it has no header row and no data.`);
  const { headerMap, validator, finder, texts, review, hiddenRows, paddedRows } = state;
  // Each stage's own output, then one outcome per row from all of them (outcome.ts#finalRow).
  const american = americanDateRows(state);
  const duplicates = finder.verdicts();
  const formulas = uncomputedFormulaRows(state);
  // NOTE: one stages object filled per row (finalRow keeps none of it but the reasons), not 100,000.
  const stages: RowStages = { row: 0, invalid: [], action: script.action };
  const results = state.rows.map((row, index) => {
    stages.row = row;
    stages.invalid = state.invalid[index] as Reason[];
    stages.planned = state.plans[index];
    stages.americanDates = american.rows.get(index);
    stages.duplicates = duplicates.get(row);
    stages.formulas = formulas.rows.get(index);
    return finalRow(stages);
  });
  const warnings = sheetWarnings(
    workbook,
    headerMap,
    validator.ignored.map((c) => c.field),
  );
  // NOTE: a header without data is most likely the wrong file or sheet; it must not pass as clean.
  if (results.length === 0) warnings.unshift({ code: "no_data_rows", header_row: headerMap.row });
  for (const index of [...state.unnamedWithData].sort((a, b) => a - b))
    warnings.push({ code: "unnamed_column", column: columnLetter(index) });
  if (workbook.merged.length > 0)
    warnings.push({
      code: "merged_cells",
      ranges: workbook.merged.slice(0, 20).join(", ") + (workbook.merged.length > 20 ? ", …" : ""),
    });
  if (state.above.length > 0) warnings.unshift({ code: "rows_above_header", header: headerMap.row, rows: state.above });
  if (hiddenRows.length > 0) warnings.push({ code: "hidden_rows", rows: hiddenRows });
  if (paddedRows.length > 0) warnings.push({ code: "bsn_padded", rows: paddedRows });
  warnings.push(...american.warnings, ...formulas.warnings);
  for (const { index, displayed } of state.watched) {
    if (displayed && displayed.length > 0)
      warnings.push({ code: "number_format", column: columnLetter(index), rows: displayed });
  }
  return { headerMap, results, warnings, texts, review };
}

/**
 * The header row of the script's columns (findHeaderRow); a sheet that lacks a required column
 * is refused saying also which script its headers do fit, if any, so that a wrong --script is
 * told as such.
 */
function headerRowOf(script: ScriptDef, sheet: string, first: SheetRow[], complete: boolean): SheetRow | undefined {
  try {
    return findHeaderRow(script, sheet, first, complete);
  } catch (error) {
    if (!(error instanceof InputError) || !error.message.startsWith("The sheet has no column")) throw error;
    const fit = describeFit(first);
    if (fit === undefined) throw error;
    throw new InputError(`${error.message.replace(/\.$/, "")}; ${fit}.`, { cause: error });
  }
}

interface WatchedColumn {
  index: number;
  formulas: FormulaColumn | undefined;
  displayed: number[] | undefined;
}

interface RowState {
  script: ScriptDef;
  headerMap: HeaderMap;
  validator: RowValidator;
  finder: DuplicateFinder;
  /** Per data row read, in sheet order: its number, the validation's reasons, the plan's outcome. */
  rows: number[];
  invalid: Reason[][];
  plans: PlanOutcome[];
  texts: RowTextStore;
  review: ReviewStore;
  /** Field → the sheet column holding it. */
  fieldColumns: Map<string, number>;
  hiddenRows: number[];
  paddedRows: number[];
  plan: AnalyseOptions["plan"];
  observe: AnalyseOptions["observe"];
  /** Per date column (sheet index): whether it was read the American way. */
  dates: Map<number, AmericanDateDetector>;
  /** The ID, e-mail, BSN and phone columns: their formula cells, and numbers read as their format shows them. */
  watched: WatchedColumn[];
  /** Columns inside the header row's width whose header is empty. */
  unnamed: number[];
  /** Columns without a header in which some row has data. */
  unnamedWithData: Set<number>;
  /** Rows with data above the header row. */
  above: number[];
}

/** Matches the header row, and gets ready for the data rows; the rows above the header are noted. */
function startRows(script: ScriptDef, header: SheetRow, above: SheetRow[], options: AnalyseOptions): RowState {
  const headerMap = mapHeaders(script, header.row, header.cells);
  const texts = new RowTextStore();
  texts.add(headerMap.headers);
  return {
    script,
    headerMap,
    validator: buildRowValidator(script, headerMap, options.config, withPhoneRegion(options.context, headerMap)),
    finder: new DuplicateFinder(script.keys),
    rows: [],
    invalid: [],
    plans: [],
    texts,
    review: new ReviewStore(),
    fieldColumns: new Map([...headerMap.columns].map(([index, column]) => [column.field, index])),
    hiddenRows: [],
    paddedRows: [],
    plan: options.plan,
    observe: options.observe,
    dates: new Map(
      [...headerMap.columns]
        .filter(([, c]) => c.field === "date_of_birth")
        .map(([index]) => [index, new AmericanDateDetector()]),
    ),
    unnamed: headerMap.headers.flatMap((header, index) => (header === "" ? [index] : [])),
    unnamedWithData: new Set(),
    above: above.map((r) => r.row),
    watched: [...headerMap.columns].flatMap(([index, column]): WatchedColumn[] => {
      const formulas = watchesFormulas(column) ? new FormulaColumn() : undefined;
      const displayed = SHOWN_AS_FORMATTED.has(column.field) || column.idKind === "source" ? [] : undefined;
      return formulas || displayed ? [{ index, formulas, displayed }] : [];
    }),
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
  for (const [index, detector] of state.dates) detector.add(state.rows.length, sheetRow.cells[index]);
  for (const watched of state.watched) {
    const cell = sheetRow.cells[watched.index];
    // The usual case, a typed value, at the cost of one look.
    if (cell === undefined || (cell.kind === "text" && cell.formula === undefined)) continue;
    watched.formulas?.add(state.rows.length, cell);
    if (watched.displayed && cell.kind === "number" && cell.display !== undefined) watched.displayed.push(sheetRow.row);
  }
  const ok = checked.reasons.length === 0;
  state.observe?.(checked.values, sheetRow.row);
  const planned = ok && state.plan ? state.plan(checked.values, sheetRow.row) : undefined;
  state.review.add(ok ? reviewCells(state, sheetRow.cells, checked.values, planned?.review) : []);
  state.rows.push(sheetRow.row);
  state.invalid.push(checked.reasons);
  // Only what the row's outcome needs of the plan is kept: its operation (and any personal data) is not.
  if (planned) state.plans[state.rows.length - 1] = planOutcome(planned);
}

/**
 * The cells of a valid row that report.xlsx shows otherwise than the sheet: where the tool
 * normalised a value (trimmed, lower-cased, a gender or date in its one form, a BSN padded, an
 * ID URL reduced to the ID), an update's changing fields with the platform's current value, a
 * relation's people. Only the cells that differ are kept.
 */
function reviewCells(
  state: RowState,
  cells: readonly (Cell | undefined)[],
  values: Record<string, unknown>,
  review: PlanReview | undefined,
): ReviewCell[] {
  const marked: ReviewCell[] = [];
  if (review?.professional !== undefined) marked.push({ column: -1, stored: review.professional });
  if (review?.client !== undefined) marked.push({ column: -2, stored: review.client });
  // An update's fields that change show the platform's value; of the rest only IDs (a URL reduced to its ID) are marked.
  const was = review?.was ?? {};
  const updates = state.script.action === "update";
  for (const [field, column] of state.fieldColumns) {
    const value = values[field];
    if (typeof value !== "string") continue;
    const before = was[field];
    if (before !== undefined) {
      marked.push({ column, stored: value, was: before ?? "" });
      continue;
    }
    if (updates && !state.headerMap.columns.get(column)?.idKind) continue;
    const text = cellText(cells[column]);
    // An empty cell stays empty in the report, whatever default it stands for.
    if (text !== value && trimAll(text) !== "") marked.push({ column, stored: value });
  }
  return marked;
}

/** Per row index, the reasons of each stage that found rows; and the warnings it gives. */
interface StageRows {
  rows: Map<number, Reason[]>;
  warnings: Warning[];
}

const addReason = (rows: Map<number, Reason[]>, index: number, reason: Reason) => {
  const reasons = rows.get(index);
  if (reasons) reasons.push(reason);
  else rows.set(index, [reason]);
};

/** The date cells of a column that Excel read as month/day, and a warning once per column. */
function americanDateRows(state: RowState): StageRows {
  const found: StageRows = { rows: new Map(), warnings: [] };
  for (const [index, detector] of state.dates) {
    const field = state.headerMap.columns.get(index)?.field ?? "date_of_birth";
    const rows: number[] = [];
    for (const suspect of detector.suspectRows()) {
      const row = state.rows[suspect];
      if (row === undefined) continue;
      addReason(found.rows, suspect, { code: "invalid_date", field, detail: "excel_american" });
      rows.push(row);
    }
    if (rows.length > 0) found.warnings.push({ code: "american_dates", column: columnLetter(index), rows });
  }
  return found;
}

/** The key columns that hold formulas (a warning each), and the rows of a column none of whose formulas was computed. */
function uncomputedFormulaRows(state: RowState): StageRows {
  const found: StageRows = { rows: new Map(), warnings: [] };
  for (const { index, formulas: column } of state.watched) {
    if (!column || column.rows.length === 0) continue;
    found.warnings.push({ code: "formula_column", column: columnLetter(index) });
    const field = state.headerMap.columns.get(index)?.field ?? "";
    for (const suspect of column.uncomputedRows()) {
      if (suspect < state.rows.length)
        addReason(found.rows, suspect, { code: "cell_error", field, detail: "formula_zero" });
    }
  }
  return found;
}

/** What a row's outcome takes of its plan. */
function planOutcome(planned: PlannedRow): PlanOutcome {
  const { status, action, reasons, md_id: mdId, changes, conflict, depends_on: dependsOn } = planned;
  return {
    status,
    action,
    reasons,
    ...(mdId === undefined ? {} : { md_id: mdId }),
    ...(changes === undefined ? {} : { changes }),
    ...(conflict === undefined ? {} : { conflict }),
    ...(dependsOn === undefined ? {} : { depends_on: dependsOn }),
  };
}

/**
 * Phone numbers without a country code are of the region given, else of the sheet's language:
 * German headers, Germany; Dutch or English headers (or no telling), the Netherlands.
 */
const withPhoneRegion = (context: FieldContext, headerMap: HeaderMap): FieldContext =>
  context.phoneRegion
    ? context
    : { ...context, phoneRegion: sheetLanguage(headerMap.headers, headerMap.columns) === "de" ? "DE" : "NL" };

/** Fields whose number cells are read as their number format shows them (as are source IDs). */
const SHOWN_AS_FORMATTED: ReadonlySet<string> = new Set(["bsn", "phone_number"]);

/** The names of the templates' explanation sheet (report/messages/template.ts names them; a test checks they agree). */
export const TEMPLATE_HELP_SHEETS: ReadonlySet<string> = new Set(["Toelichting", "Explanation", "Erläuterung"]);

function sheetWarnings(workbook: Workbook, headerMap: HeaderMap, ignored: string[]): Warning[] {
  const warnings: Warning[] = [];
  const skipped = new Set(workbook.skipped.map((s) => s.name));
  if (skipped.size > 0)
    warnings.push({
      code: "sheets_skipped",
      sheet: workbook.sheet.name,
      skipped: [...skipped].map((name) => `"${name}"`).join(", "),
    });
  // The sheets nobody was told about: neither read nor skipped, nor a template's explanation sheet.
  const others = workbook.sheets.filter(
    (s) => s.name !== workbook.sheet.name && !skipped.has(s.name) && !TEMPLATE_HELP_SHEETS.has(s.name),
  );
  if (others.length > 0)
    warnings.push({ code: "other_sheets", sheet: workbook.sheet.name, sheets: workbook.sheets.length });
  if (workbook.sheet.hidden) warnings.push({ code: "hidden_sheet", sheet: workbook.sheet.name });
  if (workbook.macros) warnings.push({ code: "macros" });
  for (const { column, header } of headerMap.unknown)
    warnings.push({ code: "unknown_column", column: columnLetter(column), header });
  for (const [index, column] of headerMap.columns) {
    if (ignored.includes(column.field))
      warnings.push({ code: "ignored_column", column: columnLetter(index), field: column.field });
  }
  return warnings;
}
