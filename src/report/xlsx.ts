import type { Status } from "../pipeline/analyse.js";
import type { EncryptKeys } from "../input/encrypt.js";
import { getScript, linksAccounts } from "../scripts/index.js";
import { writeWorkbookFile } from "./workbook-file.js";
import { FIX_MAX_ROWS, fixRowCount } from "./fix-xlsx.js";
import { catalogues, renderReason } from "./messages/index.js";
import { fillIn, reviewWords } from "./messages/review.js";
import { type Report, sheetAsReport } from "./report.js";
import { reportFills, reportStyles, styleNamed, styleOf } from "./xlsx-cells.js";
import { type ReportSources, writeRowsSheet } from "./xlsx-rows.js";
import { MAX_COMMENTS, XlsxWriter } from "./xlsx-writer.js";

export type { ReportSources } from "./xlsx-rows.js";

/**
 * report.xlsx for the requester: the report sheet (status, reason and row number first, then
 * the sheet's own columns as they will be stored), after a run the IDs sheet, and a summary
 * sheet.
 */
export async function writeXlsxReport(
  dir: string,
  report: Report,
  sources: ReportSources,
  encryptTo?: EncryptKeys | null,
): Promise<void> {
  await writeWorkbookFile(dir, "report.xlsx", (sink) => writeWorkbook(sink, report, sources), encryptTo);
}

/**
 * report.xlsx of a workbook of several sheets (--all-sheets): a report sheet per input sheet,
 * named as that sheet, then the summary sheet of every sheet.
 */
export async function writeWorkbookXlsxReport(
  dir: string,
  report: Report,
  sources: readonly ReportSources[],
  encryptTo?: EncryptKeys | null,
): Promise<void> {
  await writeWorkbookFile(
    dir,
    "report.xlsx",
    async (sink) => {
      const writer = new XlsxWriter(sink, { fills: reportFills, styles: reportStyles });
      const sheets = (report.sheets ?? []).map((sheet) => sheetAsReport(report, sheet));
      for (const [index, sheet] of sheets.entries())
        await writeRowsSheet(writer, sheet, sources[index] as ReportSources, sheet.input.sheet);
      const uncommented = writer.dropped;
      // After a run: one IDs sheet of every account sheet's accounts (a relations sheet names no account of its own).
      const accountSheets = sheets.flatMap((sheet, index) =>
        linksAccounts(getScript(sheet.script as string))
          ? []
          : [{ report: sheet, sources: sources[index] as ReportSources }],
      );
      const urls = report.mode === "run" ? await writeIdsSheet(writer, report, accountSheets) : 0;
      const words = catalogues[report.lang];
      const label = (c: number) => (c === 0 ? 1 : 0);
      writer.startSheet({ name: words.labels.summary, widths: [32, 90], header: false });
      writer.addRow([words.labels.mode, words.modes[report.mode]], label);
      writer.addRow([words.labels.created, report.created], label);
      writer.addRow([words.labels.file, report.input.sha256], label);
      writer.addRow([words.labels.rows, report.input.rows], (c) => (c === 0 ? 1 : styleNamed("number")));
      if (report.platform) writer.addRow([words.labels.platform, report.platform], label);
      const welcome = report.run?.welcome_mail;
      if (welcome && typeof welcome === "object") {
        for (const [kind, script] of [
          ["clients", "new-clients"],
          ["professionals", "new-professionals"],
        ] as const) {
          const answer = welcome[kind];
          if (answer)
            writer.addRow(
              [
                `${reviewWords[report.lang].welcomeMail} (${script})`,
                answer === "yes" ? reviewWords[report.lang].yes : reviewWords[report.lang].no,
              ],
              label,
            );
        }
      }
      for (const sheet of sheets) {
        writer.addRow([]);
        writer.addRow([words.labels.sheet, sheet.input.sheet], () => 1);
        writer.addRow([words.labels.script, sheet.script], label);
        summaryBody(writer, sheet, 0, urls);
      }
      const notes = report.warnings.map((w) => w.message);
      if (uncommented > 0)
        notes.push(fillIn(reviewWords[report.lang].commentsCapped, { max: MAX_COMMENTS, n: uncommented }));
      if (notes.length > 0) {
        writer.addRow([]);
        writer.addRow([words.labels.notes], () => 1);
        for (const note of notes) writer.addRow(["", note]);
      }
      await writer.endSheet();
      await writer.finish();
    },
    encryptTo,
  );
}

async function writeWorkbook(sink: (chunk: Uint8Array) => void, report: Report, sources: ReportSources): Promise<void> {
  const writer = new XlsxWriter(sink, { fills: reportFills, styles: reportStyles });
  await writeRowsSheet(writer, report, sources);
  const uncommented = writer.dropped;
  const urls = report.mode === "run" ? await writeIdsSheet(writer, report, [{ report, sources }]) : 0;
  await writeSummarySheet(writer, report, uncommented, urls);
  await writer.finish();
}

/**
 * After a run: source ID → Minddistrict ID of every account the rows are about, for the
 * organisation's own system (a workbook: of each account sheet, in workbook order), and over
 * HTTP the account's API URL where the platform gave it. Returns how many rows carry a URL.
 */
async function writeIdsSheet(
  writer: XlsxWriter,
  report: Report,
  parts: readonly { report: Report; sources: ReportSources }[],
): Promise<number> {
  const review = reviewWords[report.lang];
  const urlOf = parts.find((part) => part.sources.accountUrl)?.sources.accountUrl;
  writer.startSheet({ name: review.ids, widths: urlOf ? [36, 36, 80] : [36, 20], header: true });
  writer.addRow(urlOf ? [review.sourceId, review.mdId, review.apiUrl] : [review.sourceId, review.mdId], () => 1);
  let urls = 0;
  for (const part of parts) urls += await writeIdsRows(writer, part.report, part.sources, urlOf);
  await writer.endSheet();
  return urls;
}

async function writeIdsRows(
  writer: XlsxWriter,
  report: Report,
  sources: ReportSources,
  urlOf: ReportSources["accountUrl"],
): Promise<number> {
  const idColumn = [...sources.headerMap.columns].find(([, column]) => column.field === "id")?.[0];
  let urls = 0;
  const marks = sources.review.read();
  const texts = sources.texts.read();
  texts.next(); // the header
  for (const row of report.rows) {
    const cells = texts.next().value ?? [];
    const marked = marks.next().value ?? [];
    if (!row.md_id || (row.status !== "done" && row.status !== "unchanged")) continue;
    // The ID as stored (a URL reduced to its ID), else as the sheet has it.
    const id =
      idColumn === undefined
        ? ""
        : (marked.find((c) => c.column === idColumn)?.stored ?? (cells[idColumn] ?? "").trim());
    const url = urlOf?.(row.md_id);
    if (url !== undefined) urls++;
    writer.addRow(urlOf ? [id, row.md_id, url ?? ""] : [id, row.md_id]);
    await writer.flushIfFull();
  }
  return urls;
}

async function writeSummarySheet(writer: XlsxWriter, report: Report, uncommented: number, urls: number): Promise<void> {
  const words = catalogues[report.lang];
  const review = reviewWords[report.lang];
  const label = (c: number) => (c === 0 ? 1 : 0);
  writer.startSheet({ name: words.labels.summary, widths: [32, 90], header: false });
  writer.addRow([words.labels.mode, words.modes[report.mode]], label);
  writer.addRow([words.labels.script, report.script], label);
  writer.addRow([words.labels.created, report.created], label);
  writer.addRow([words.labels.file, report.input.sha256], label);
  writer.addRow([words.labels.sheet, report.input.sheet], label);
  writer.addRow([words.labels.rows, report.input.rows], (c) => (c === 0 ? 1 : styleNamed("number")));
  if (report.platform) writer.addRow([words.labels.platform, report.platform], label);
  if (report.platform_mode !== undefined)
    writer.addRow([review.platformMode, report.platform_mode ?? review.production], label);
  if (report.run?.welcome_mail)
    writer.addRow([review.welcomeMail, report.run.welcome_mail === "yes" ? review.yes : review.no], label);
  writer.addRow([]);
  summaryBody(writer, report, uncommented, urls);
  await writer.endSheet();
}

/** A sheet's counts per status and per reason, what a run did, and its notes. */
function summaryBody(writer: XlsxWriter, report: Report, uncommented: number, urls = 0): void {
  const words = catalogues[report.lang];
  const review = reviewWords[report.lang];
  const script = getScript(report.script as string);
  writer.addRow([words.labels.status, words.labels.count], () => 1);
  for (const [status, count] of Object.entries(report.summary)) {
    writer.addRow([words.statuses[status as Status], count], (c) =>
      c === 0 ? styleOf(status as Status) : styleNamed("number"),
    );
  }
  const reasons = reasonCounts(report, script);
  if (reasons.length > 0) {
    writer.addRow([]);
    writer.addRow([review.reasons, words.labels.count], () => 1);
    for (const [text, count] of reasons) writer.addRow([text, count], (c) => (c === 0 ? 0 : styleNamed("number")));
  }
  if (report.mode === "run") {
    const done = new Map<string, number>();
    for (const row of report.rows)
      if (row.status === "done" && row.action !== "none") done.set(row.action, (done.get(row.action) ?? 0) + 1);
    writer.addRow([]);
    writer.addRow([review.done, words.labels.count], () => 1);
    for (const [action, count] of done)
      writer.addRow([review.actions[action as "create"], count], (c) => (c === 0 ? 0 : styleNamed("number")));
  }
  const notes = report.warnings.map((w) => w.message);
  if (uncommented > 0) notes.push(fillIn(review.commentsCapped, { max: MAX_COMMENTS, n: uncommented }));
  const toFix = fixRowCount(report);
  if (toFix > FIX_MAX_ROWS) notes.push(fillIn(review.fixCapped, { max: FIX_MAX_ROWS, n: toFix }));
  if (report.mode === "run") notes.push(urls > 0 ? review.urlIsApi : review.noUrl);
  if (notes.length > 0) {
    writer.addRow([]);
    writer.addRow([words.labels.notes], () => 1);
    for (const note of notes) writer.addRow(["", note]);
  }
}

/** How many rows give each reason (by code, field and detail), in the requester's words, most first. */
function reasonCounts(report: Report, script: ReturnType<typeof getScript>): [string, number][] {
  const counts = new Map<string, { reason: Report["rows"][number]["reasons"][number]; count: number }>();
  for (const row of report.rows) {
    for (const reason of row.reasons) {
      const key = `${reason.code}\u0000${reason.field ?? ""}\u0000${reason.detail ?? ""}`;
      const entry = counts.get(key);
      if (entry) entry.count++;
      else counts.set(key, { reason, count: 1 });
    }
  }
  return [...counts.values()]
    .map(({ reason, count }): [string, number] => {
      // A row reference or a platform's words belong to one row: the summary names the reason without them.
      const { code, field, detail, value } = reason;
      const text = renderReason(
        { code, ...(field ? { field } : {}), ...(detail ? { detail } : {}), ...(value ? { value } : {}) },
        script,
        report.lang,
      );
      return [text.replaceAll("{ref}", "…"), count];
    })
    .sort((a, b) => b[1] - a[1]);
}
