import type { EncryptKeys } from "../input/encrypt.js";
import type { RowTextStore } from "../pipeline/row-store.js";
import { writeJsonReport } from "./json.js";
import type { Report } from "./report.js";
import { writeSummaryMd } from "./summary-md.js";
import { writeXlsxReport } from "./xlsx.js";

/** Renders the one report into the output folder: report.json, report.xlsx (or .xlsx.gpg), summary.md. */
export async function writeReports(outDir: string, report: Report, texts: RowTextStore, encryptTo: EncryptKeys | null | undefined): Promise<void> {
  writeJsonReport(outDir, report);
  await writeXlsxReport(outDir, report, texts, encryptTo);
  writeSummaryMd(outDir, report);
}
