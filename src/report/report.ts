import { columnLetter } from "../input/headers.js";
import type { Analysis, RowResult, Status, Warning } from "../pipeline/analyse.js";
import type { StopReason } from "../pipeline/execute.js";
import type { VerifyMode } from "../pipeline/verify.js";
import type { PlatformConfig } from "../platform/config.js";
import type { Reason } from "../scripts/reasons.js";
import type { Lang, ScriptDef, ScriptName } from "../scripts/script.js";
import { renderReason, renderWarning } from "./messages/index.js";

export type Mode = "validate" | "test-run" | "run";

/** The statuses each mode can give, in the order reports list them. */
export const modeStatuses: Record<Mode, readonly Status[]> = {
  validate: ["valid", "invalid", "duplicate"],
  "test-run": ["planned", "unchanged", "invalid", "duplicate", "dropout"],
  run: ["done", "unchanged", "invalid", "duplicate", "dropout", "failed"],
};

/** Statuses that make a command end with exit code 1. */
export const problemStatuses: ReadonlySet<Status> = new Set(["invalid", "duplicate", "dropout", "failed"]);

export interface ReportReason extends Reason {
  message: string;
}

export interface ReportRow extends Omit<RowResult, "reasons"> {
  reasons: ReportReason[];
}

/** The one report of a command; json, xlsx, summary.md and the terminal only render it. */
export interface Report {
  format: "mdimport-report/1";
  mode: Mode;
  /** The script of the sheet; null for a workbook of several sheets (--all-sheets: each sheet names its own). */
  script: ScriptName | null;
  lang: Lang;
  created: string;
  /**
   * What the rows mean depends on: the workbook (sha256), the sheet (name and 1-based position
   * among the workbook's sheets), the header row and which column holds which field. A run
   * is held to all of it.
   */
  input: {
    sha256: string;
    rows: number;
    sheet: string;
    sheet_position: number;
    header_row: number;
    columns: Record<string, string>;
  };
  /**
   * A workbook of several sheets (--all-sheets): each sheet's name, position, script, header row,
   * column mapping, summary, warnings and rows. `input` then names the file alone and `rows` is
   * empty; `summary` counts every sheet's rows.
   */
  sheets?: SheetReport[];
  /** How the user named the platform (e.g. `local:.mdimport/platform.sqlite`), for people. */
  platform: string | null;
  /** The platform's identity, which a run is held to: a local store's own ID, or an API's origin. */
  platform_id: string | null;
  /** The mode the platform's API reported (null: production), where it reports one; for the requester's summary sheet. */
  platform_mode?: string | null;
  /** The platform configuration the rows were checked against (which client fields are required, protection). */
  config: PlatformConfig | null;
  summary: Record<string, number>;
  notes: { bsn_padded: number; hidden_rows: number };
  warnings: (Warning & { message: string })[];
  /** For `run`: what the organisation said of welcome e-mails, and whether the run stopped early. */
  run?: {
    /** One sheet: the answer for its kind (null: a script that sends none). A workbook: per kind (null: it creates no account of that kind). */
    welcome_mail: "yes" | "no" | null | { clients: "yes" | "no" | null; professionals: "yes" | "no" | null };
    /** Why the run stopped before it had tried every row (those stay `planned`); null when it tried them all. */
    stopped: StopReason | null;
    failures: number;
    /** Whether this start went on from an interrupted one (the journal in --out showed rows started). */
    resumed: boolean;
    /** Whether this start repeats a run that had tried every row (the journal in --out says it finished). */
    repeated: boolean;
    /** Whether the journal's last line, cut short by an interruption, was cut off. */
    journal_recovered: boolean;
    /**
     * The read-back after writes (--verify): the mode (the first N rows, all or none), the rows
     * read back, and how many the platform held otherwise (then `stopped` is stored_differently).
     */
    verify: { mode: VerifyMode; rows_verified: number; mismatches: number };
  };
  rows: ReportRow[];
}

/** One sheet of a workbook report. */
export interface SheetReport {
  name: string;
  position: number;
  script: ScriptName;
  header_row: number;
  columns: Record<string, string>;
  summary: Record<string, number>;
  warnings: (Warning & { message: string })[];
  rows: ReportRow[];
}

export interface BuildReportOptions {
  /** The workbook's sheet names by position, for a reason that names another sheet's row. */
  sheetNames?: readonly string[];
  mode: Mode;
  script: ScriptDef;
  lang: Lang;
  now: Date;
  sha256: string;
  sheet: string;
  sheetPosition: number;
  /** `mode`: what the platform's API reports (null: production); absent where there is none (the local store). */
  platform: { name: string; id: string; mode?: string | null } | null;
  config: PlatformConfig | null;
}

export function buildReport(analysis: Analysis, options: BuildReportOptions): Report {
  const { script, lang } = options;
  const summary: Record<string, number> = Object.fromEntries(modeStatuses[options.mode].map((s) => [s, 0]));
  for (const result of analysis.results) summary[result.status] = (summary[result.status] ?? 0) + 1;
  const countRows = (code: Warning["code"]) =>
    analysis.warnings.reduce((n, w) => n + (w.code === code && "rows" in w ? w.rows.length : 0), 0);
  return {
    format: "mdimport-report/1",
    mode: options.mode,
    script: script.name,
    lang,
    created: options.now.toISOString(),
    input: {
      sha256: options.sha256,
      rows: analysis.results.length,
      sheet: options.sheet,
      sheet_position: options.sheetPosition,
      header_row: analysis.headerMap.row,
      columns: columnMapping(analysis),
    },
    platform: options.platform?.name ?? null,
    platform_id: options.platform?.id ?? null,
    ...(options.platform?.mode === undefined ? {} : { platform_mode: options.platform.mode }),
    config: options.config,
    summary,
    notes: { bsn_padded: countRows("bsn_padded"), hidden_rows: countRows("hidden_rows") },
    warnings: analysis.warnings.map((w) => ({ ...w, message: renderWarning(w, lang) })),
    // A row without reasons is the same object in the report: nothing to add to it.
    rows: analysis.results.map((result) =>
      result.reasons.length === 0
        ? (result as ReportRow)
        : {
            ...result,
            reasons: result.reasons.map((reason) => ({
              ...reason,
              message: renderReason(reason, script, lang, options.sheetNames),
            })),
          },
    ),
  };
}

/** Whether every row went as asked, and there was a row at all: exit code 0 rather than 1. */
export const reportIsClean = (report: Report): boolean =>
  report.sheets
    ? report.sheets.every((sheet) => reportIsClean(sheetAsReport(report, sheet)))
    : report.rows.every((row) => !problemStatuses.has(row.status)) &&
      !report.warnings.some((w) => w.code === "no_data_rows");

/**
 * The workbook report of several sheets' reports (each as buildReport made it, in workbook
 * order): one input, one summary over all, and the workbook's own warnings (sheets skipped).
 */
export function workbookReport(sheets: readonly Report[], warnings: Report["warnings"]): Report {
  const first = sheets[0] as Report;
  const summary: Record<string, number> = Object.fromEntries(modeStatuses[first.mode].map((s) => [s, 0]));
  for (const sheet of sheets)
    for (const [status, count] of Object.entries(sheet.summary)) summary[status] = (summary[status] ?? 0) + count;
  return {
    ...first,
    script: null,
    input: { sha256: first.input.sha256, rows: sheets.reduce((n, s) => n + s.input.rows, 0) } as Report["input"],
    summary,
    notes: {
      bsn_padded: sheets.reduce((n, s) => n + s.notes.bsn_padded, 0),
      hidden_rows: sheets.reduce((n, s) => n + s.notes.hidden_rows, 0),
    },
    warnings,
    sheets: sheets.map((s) => ({
      name: s.input.sheet,
      position: s.input.sheet_position,
      script: s.script as ScriptName,
      header_row: s.input.header_row,
      columns: s.input.columns,
      summary: s.summary,
      warnings: s.warnings,
      rows: s.rows,
    })),
    rows: [],
  };
}

const withoutSheets = ({ sheets: _, ...rest }: Report): Omit<Report, "sheets"> => rest;

/** One sheet of a workbook report as a report of its own, for the renderers of one sheet. */
export function sheetAsReport(report: Report, sheet: SheetReport): Report {
  return {
    ...withoutSheets(report),
    script: sheet.script,
    input: {
      sha256: report.input.sha256,
      rows: sheet.rows.length,
      sheet: sheet.name,
      sheet_position: sheet.position,
      header_row: sheet.header_row,
      columns: sheet.columns,
    },
    summary: sheet.summary,
    warnings: sheet.warnings,
    rows: sheet.rows,
  };
}

/** Which sheet column holds which field, by column letter, in sheet order. */
export function columnMapping(analysis: Pick<Analysis, "headerMap">): Record<string, string> {
  const entries = [...analysis.headerMap.columns.entries()].sort(([a], [b]) => a - b);
  return Object.fromEntries(entries.map(([index, column]) => [columnLetter(index), column.field]));
}
