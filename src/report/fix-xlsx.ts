import type { Status } from "../pipeline/analyse.js";
import type { EncryptKeys } from "../input/encrypt.js";
import { getScript } from "../scripts/index.js";
import { fillIn, reviewWords } from "./messages/review.js";
import { type Report, sheetAsReport } from "./report.js";
import { reasonText, type ReportSources } from "./xlsx-rows.js";
import { writeWorkbookFile } from "./workbook-file.js";
import { rmSync } from "node:fs";
import { join } from "node:path";

/** The rows that need the organisation's action. */
const TO_FIX: ReadonlySet<Status> = new Set(["invalid", "duplicate", "dropout"]);

/**
 * fix.xlsx holds at most this many rows. NOTE: it is built with exceljs (the template's own
 * builder, with its formats, dropdowns and explanation sheet), which holds the workbook in
 * memory; 10,000 rows take well under 100 MB. Above that the first 10,000 are written and
 * report.xlsx's summary sheet says so; the rest are in report.xlsx.
 */
export const FIX_MAX_ROWS = 10_000;

export const fixRowCount = (report: Report): number =>
  report.rows.reduce((n, row) => n + (TO_FIX.has(row.status) ? 1 : 0), 0);

/**
 * fix.xlsx beside report.xlsx: the script's template in the report's language, holding the
 * rows to fix with their original values and the reason in an extra column that reading
 * ignores, so that the corrected file can be test-run as it is. Written under the same
 * encryption rule as report.xlsx; without rows to fix, there is none (an earlier one is removed).
 */
export async function writeFixXlsx(
  dir: string,
  report: Report,
  sources: ReportSources,
  encryptTo?: EncryptKeys | null,
): Promise<number> {
  return writeFixSheets(dir, [{ report, sources }], encryptTo);
}

/**
 * fix.xlsx of a workbook of several sheets (--all-sheets): a template sheet per input sheet that
 * has rows to fix, named as that sheet, and the explanation sheet; at most FIX_MAX_ROWS rows in all.
 */
export async function writeWorkbookFixXlsx(
  dir: string,
  report: Report,
  sources: readonly ReportSources[],
  encryptTo?: EncryptKeys | null,
): Promise<number> {
  const sheets = (report.sheets ?? []).map((sheet, index) => ({
    report: sheetAsReport(report, sheet),
    sources: sources[index] as ReportSources,
  }));
  return writeFixSheets(dir, sheets, encryptTo, true);
}

async function writeFixSheets(
  dir: string,
  sheets: readonly { report: Report; sources: ReportSources }[],
  encryptTo: EncryptKeys | null | undefined,
  named = false,
): Promise<number> {
  const toFix = sheets.filter(({ report }) => fixRowCount(report) > 0);
  if (toFix.length === 0) {
    rmSync(join(dir, "fix.xlsx"), { force: true });
    rmSync(join(dir, "fix.xlsx.gpg"), { force: true });
    return 0;
  }
  const lang = (toFix[0] as { report: Report }).report.lang;
  const review = reviewWords[lang];
  let written = 0;
  const templateSheets = toFix.map(({ report, sources }) => {
    const script = getScript(report.script as string);
    const columnOf = new Map([...sources.headerMap.columns].map(([index, column]) => [column.field, index]));
    const indexes = script.columns.map((column) => columnOf.get(column.field));
    const rows: string[][] = [];
    const reasons: string[] = [];
    const texts = sources.texts.read();
    texts.next(); // the header
    for (const row of report.rows) {
      const cells = texts.next().value ?? [];
      if (!TO_FIX.has(row.status) || written >= FIX_MAX_ROWS) continue;
      rows.push(indexes.map((index) => (index === undefined ? "" : (cells[index] ?? ""))));
      reasons.push(fillIn(review.fixRow, { row: row.row, reason: reasonText(row, report) }));
      written++;
    }
    return { script, name: named ? report.input.sheet : "", fill: { rows, reasons, reasonHeader: review.fixReason } };
  });
  // The template's builder is loaded only when there is something to fix: it brings exceljs.
  const { buildTemplate, buildTemplateSheets } = await import("./template-xlsx.js");
  const only = templateSheets[0] as (typeof templateSheets)[number];
  const bytes = named
    ? await buildTemplateSheets(templateSheets, lang)
    : await buildTemplate(only.script, lang, only.fill);
  await writeWorkbookFile(dir, "fix.xlsx", (sink) => Promise.resolve(sink(bytes)), encryptTo);
  return written;
}
