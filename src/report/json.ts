import { writeOutFile } from "../shared/out-dir.js";
import type { Report, ReportRow } from "./report.js";

/**
 * A row as report.json holds it: a reason's `platform_text` (the platform's own words, which may
 * repeat the row's personal data) is left out; its code, HTTP status and rule stay.
 */
function jsonRow(row: ReportRow): ReportRow {
  if (!row.reasons.some((reason) => reason.platform_text !== undefined)) return row;
  return { ...row, reasons: row.reasons.map(({ platform_text: _, ...reason }) => reason) };
}

const withoutRows = ({ rows: _, ...rest }: Report): Omit<Report, "rows"> => rest;

/** The report as report.json holds it: no personal data. */
export const jsonReport = (report: Report): Report | Omit<Report, "rows"> => {
  if (!report.sheets) return { ...report, rows: report.rows.map(jsonRow) };
  // A workbook's rows are its sheets'.
  return {
    ...withoutRows(report),
    sheets: report.sheets.map((sheet) => ({ ...sheet, rows: sheet.rows.map(jsonRow) })),
  };
};

/** report.json: the machine-readable report, and the approval a later `run` checks. It holds no personal data. */
export function writeJsonReport(dir: string, report: Report): void {
  writeOutFile(dir, "report.json", `${JSON.stringify(jsonReport(report), null, 2)}\n`);
}

/** What became of one input file of a command: its report, or the one sentence that stopped it. */
export interface FileOutcome {
  /** The file as the command line (or the folder it was found in) names it. */
  file: string;
  exitCode: number;
  report?: Report;
  /** The report folder written, or null where none was (validate --format json without --out). */
  outDir?: string | null;
  error?: string;
}

/** The worst of the files' exit codes: the highest (70 > 5 > 4 > 3 > 2 > 1 > 0). */
export const worstExitCode = (outcomes: readonly FileOutcome[]): number =>
  Math.max(0, ...outcomes.map((o) => o.exitCode));

/**
 * `--format json`: one document on stdout, the same shape for one file or many, so that a
 * script reads `files[0]` alike. Per file its exit code and either the report (as report.json
 * holds it, no personal data) and the report folder, or the error sentence.
 */
export function renderJsonOutcomes(outcomes: readonly FileOutcome[]): string {
  const files = outcomes.map((o) => ({
    file: o.file,
    exit_code: o.exitCode,
    ...(o.report ? { out: o.outDir ?? null, report: jsonReport(o.report) } : { error: o.error ?? "" }),
  }));
  return `${JSON.stringify({ format: "mdimport-results/1", exit_code: worstExitCode(outcomes), files }, null, 2)}\n`;
}
