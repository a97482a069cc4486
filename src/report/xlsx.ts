import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Status } from "../pipeline/analyse.js";
import type { RowTextStore } from "../pipeline/row-store.js";
import type { EncryptKeys } from "../input/encrypt.js";
import { OutFile, writeOutFile } from "../shared/out-dir.js";
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
 * report.xlsx for the requester: the sheet's own columns and rows (as kept while reading),
 * then a status and a reason column in the requester's language
 * and the row number in the original sheet; a summary sheet after it.
 */
export async function writeXlsxReport(dir: string, report: Report, texts: RowTextStore, encryptTo?: EncryptKeys | null): Promise<void> {
  if (encryptTo) {
    // Only the encrypted report reaches the disk: the workbook is built in memory first.
    const chunks: Uint8Array[] = [];
    await writeWorkbook((chunk) => chunks.push(chunk), report, texts);
    const { encryptBytes } = await import("../input/encrypt.js");
    writeOutFile(dir, "report.xlsx.gpg", await encryptBytes(Buffer.concat(chunks), encryptTo));
    // An earlier start's plain report (--plain-report) is out of date, and must not lie beside it.
    rmSync(join(dir, "report.xlsx"), { force: true });
    return;
  }
  const file = new OutFile(dir, "report.xlsx");
  try {
    await writeWorkbook((chunk) => file.write(chunk), report, texts);
  } catch (error) {
    // A half-written report never takes the place of a whole one.
    file.discard();
    throw error;
  }
  file.close();
  rmSync(join(dir, "report.xlsx.gpg"), { force: true });
}

async function writeWorkbook(sink: (chunk: Uint8Array) => void, report: Report, texts: RowTextStore): Promise<void> {
  const writer = new XlsxWriter(sink, { fills: statuses.map((s) => statusFills[s]) });
  await writeRowsSheet(writer, report, texts);
  await writeSummarySheet(writer, report);
  await writer.finish();
}

async function writeRowsSheet(writer: XlsxWriter, report: Report, texts: RowTextStore): Promise<void> {
  const words = catalogues[report.lang];
  const rows = texts.read();
  const first = rows.next();
  const headers: string[] = first.done ? [] : first.value;
  // Column widths from the header and the first rows; the rest streams through unseen.
  const sample: string[][] = [];
  for (let next = rows.next(); !next.done && sample.push(next.value) < 200; next = rows.next()) {
    // only gathering the sample
  }
  const width = Math.max(headers.length, ...sample.map((r) => r.length));
  const widths = Array.from({ length: width }, (_, i) =>
    Math.min(Math.max((headers[i] ?? "").length + 2, ...sample.map((r) => (r[i] ?? "").length + 1), 10), 45),
  );
  writer.startSheet({ name: words.labels.report, widths: [...widths, 12, 70, 7], header: true });
  writer.addRow([...Array.from({ length: width }, (_, i) => headers[i] ?? ""), words.labels.status, words.labels.reason, words.labels.row], () => 1);
  let index = 0;
  const values: string[] = new Array<string>(width + 3);
  for (const cells of chain(sample, rows)) {
    const result = report.rows[index++];
    if (!result) throw new Error("report rows out of step with the sheet");
    for (let i = 0; i < width; i++) values[i] = cells[i] ?? "";
    values[width] = words.statuses[result.status];
    // Only here, for the requester, does a refusal show the platform's own words.
    values[width + 1] = result.reasons.map((r) => (r.platform_text ? `${r.message}: ${r.platform_text}` : r.message)).join("; ");
    values[width + 2] = String(result.row);
    const style = styleOf(result.status);
    writer.addRow(values, () => style);
    await writer.flushIfFull();
  }
  await writer.endSheet();
}

async function writeSummarySheet(writer: XlsxWriter, report: Report): Promise<void> {
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
  await writer.endSheet();
}

function* chain<T>(first: T[], rest: Iterator<T>): Generator<T> {
  yield* first;
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
}
