import type { EncryptKeys } from "../input/encrypt.js";
import { writeFixXlsx, writeWorkbookFixXlsx } from "./fix-xlsx.js";
import { writeJsonReport } from "./json.js";
import type { Report } from "./report.js";
import { writeSummaryMd } from "./summary-md.js";
import { type ReportSources, writeWorkbookXlsxReport, writeXlsxReport } from "./xlsx.js";

/** Renders the one report into the output folder: report.json, report.xlsx and fix.xlsx (or their .gpg), summary.md. */
export async function writeReports(
  outDir: string,
  report: Report,
  sources: ReportSources,
  encryptTo: EncryptKeys | null | undefined,
): Promise<void> {
  writeJsonReport(outDir, report);
  await writeXlsxReport(outDir, report, sources, encryptTo);
  await writeFixXlsx(outDir, report, sources, encryptTo);
  writeSummaryMd(outDir, report);
}

/** The same for a workbook of several sheets (--all-sheets): `sources` holds each sheet's, in the report's order. */
export async function writeWorkbookReports(
  outDir: string,
  report: Report,
  sources: readonly ReportSources[],
  encryptTo: EncryptKeys | null | undefined,
): Promise<void> {
  writeJsonReport(outDir, report);
  await writeWorkbookXlsxReport(outDir, report, sources, encryptTo);
  await writeWorkbookFixXlsx(outDir, report, sources, encryptTo);
  writeSummaryMd(outDir, report);
}
