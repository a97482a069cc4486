import { cellText } from "../input/cells.js";
import type { Workbook } from "../input/workbook.js";
import type { Status } from "../pipeline/analyse.js";
import { OutFile } from "../shared/out-dir.js";
import { catalogues } from "./messages/index.js";
import type { Report } from "./report.js";
import { XlsxWriter } from "./xlsx-writer.js";

/** One colour per status, soft enough to read black text on. */
const statusFills: Record<Status, string> = {
  valid: "FFC6EFCE",
  planned: "FFC6EFCE",
  done: "FF9FD8A8",
  unchanged: "FFDDEBF7",
  invalid: "FFFFC7CE",
  duplicate: "FFFFEB9C",
  dropout: "FFF8CBAD",
  failed: "FFFF9999",
};
const statuses = Object.keys(statusFills) as Status[];
const styleOf = (status: Status) => statuses.indexOf(status) + 2;

/**
 * report.xlsx for the requester: the sheet's own columns and rows (read a second time from
 * the workbook in memory), then a status and a reason column in the requester's language
 * and the row number in the original sheet; a summary sheet after it.
 */
export function writeXlsxReport(dir: string, report: Report, workbook: Workbook): void {
  const file = new OutFile(dir, "report.xlsx");
  const writer = new XlsxWriter((chunk) => file.write(chunk), { fills: statuses.map((s) => statusFills[s]) });
  writeRowsSheet(writer, report, workbook);
  writeSummarySheet(writer, report);
  writer.finish();
  file.close();
}

function writeRowsSheet(writer: XlsxWriter, report: Report, workbook: Workbook): void {
  const words = catalogues[report.lang];
  const rows = workbook.rows();
  const header = rows.next();
  const headers = header.done ? [] : header.value.cells.map(cellText);
  const width = headers.length;
  writer.startSheet({
    name: words.labels.report,
    widths: [...headers.map((h) => Math.min(Math.max(h.length + 2, 12), 40)), 12, 60, 8],
    header: true,
  });
  const allHeaders = [...headers, words.labels.status, words.labels.reason, words.labels.row];
  writer.addRow(allHeaders, () => 1);
  let index = 0;
  for (const sheetRow of rows) {
    const result = report.rows[index++];
    if (!result || result.row !== sheetRow.row) throw new Error(`report rows out of step at sheet row ${sheetRow.row}`);
    const values: string[] = [];
    for (let i = 0; i < width; i++) values.push(cellText(sheetRow.cells[i]));
    values.push(words.statuses[result.status], result.reasons.map((r) => r.message).join("; "), String(result.row));
    const style = styleOf(result.status);
    writer.addRow(values, () => style);
  }
  writer.endSheet();
}

function writeSummarySheet(writer: XlsxWriter, report: Report): void {
  const words = catalogues[report.lang];
  writer.startSheet({ name: words.labels.summary, widths: [28, 90], header: false });
  writer.addRow([words.labels.mode, words.modes[report.mode]], (c) => (c === 0 ? 1 : 0));
  writer.addRow([words.labels.script, report.script], (c) => (c === 0 ? 1 : 0));
  writer.addRow([words.labels.created, report.created], (c) => (c === 0 ? 1 : 0));
  writer.addRow([words.labels.sheet, report.input.sheet], (c) => (c === 0 ? 1 : 0));
  writer.addRow([words.labels.rows, String(report.input.rows)], (c) => (c === 0 ? 1 : 0));
  if (report.platform) writer.addRow([words.labels.platform, report.platform], (c) => (c === 0 ? 1 : 0));
  writer.addRow([]);
  for (const [status, count] of Object.entries(report.summary)) {
    writer.addRow([words.statuses[status as Status], String(count)], (c) => (c === 0 ? styleOf(status as Status) : 0));
  }
  if (report.warnings.length > 0) {
    writer.addRow([]);
    writer.addRow([words.labels.notes], () => 1);
    for (const warning of report.warnings) writer.addRow(["", warning.message]);
  }
  writer.endSheet();
}
