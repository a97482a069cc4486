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

/** report.json: the machine-readable report, and the approval a later `run` checks. It holds no personal data. */
export function writeJsonReport(dir: string, report: Report): void {
  writeOutFile(dir, "report.json", `${JSON.stringify({ ...report, rows: report.rows.map(jsonRow) }, null, 2)}\n`);
}
