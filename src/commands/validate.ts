import { readInput } from "../input/read-input.js";
import { openWorkbook } from "../input/workbook.js";
import { analyseWorkbook } from "../pipeline/analyse.js";
import { defaultPlatformConfig, readPlatformConfig } from "../pipeline/platform-config.js";
import { writeJsonReport } from "../report/json.js";
import { buildReport, type Report, reportIsClean } from "../report/report.js";
import { writeSummaryMd } from "../report/summary-md.js";
import { writeXlsxReport } from "../report/xlsx.js";
import { getScript, type Lang } from "../scripts/index.js";
import { createFileLogger } from "../shared/log.js";
import { makeOutDir } from "../shared/out-dir.js";

export interface ValidateOptions {
  input: string;
  script: string;
  sheet?: string;
  config?: string;
  out?: string;
  lang: Lang;
  debug?: boolean;
  cwd: string;
  now: () => Date;
  onProgress?: (rows: number) => void;
}

export interface CommandResult {
  report: Report;
  outDir: string;
  exitCode: 0 | 1;
}

/**
 * `mdimport validate`: every check that needs no platform. Reads the sheet, checks each
 * row and the duplicates between them, and writes the reports.
 */
export async function validateCommand(options: ValidateOptions): Promise<CommandResult> {
  const script = getScript(options.script);
  const config = options.config ? await readPlatformConfig(options.config) : defaultPlatformConfig;
  const started = options.now();
  const input = await readInput(options.input);
  const workbook = await openWorkbook(input.bytes, options.sheet === undefined ? {} : { sheet: options.sheet });
  const analysis = await analyseWorkbook(workbook, {
    script,
    config,
    context: { today: started.toISOString().slice(0, 10) },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const report = buildReport(analysis, {
    mode: "validate",
    script,
    lang: options.lang,
    now: started,
    sha256: input.sha256,
    sheet: workbook.sheet.name,
    platform: null,
  });

  const outDir = makeOutDir(options.cwd, options.out, script.name, started);
  const log = createFileLogger(outDir, options.debug ?? false);
  log.info({ command: "validate", script: script.name, sha256: input.sha256, bytes: input.bytes.length, sheet: workbook.sheet.name }, "input read");
  log.info({ header_row: analysis.headerMap.row, columns: [...analysis.headerMap.columns.values()].map((c) => c.field) }, "headers matched");
  for (const warning of analysis.warnings) log.warn({ warning: warning.code }, "sheet warning");
  writeJsonReport(outDir, report);
  await writeXlsxReport(outDir, report, analysis.texts);
  writeSummaryMd(outDir, report);
  log.info({ summary: report.summary, notes: report.notes, ms: Date.now() - started.getTime() }, "validate finished");
  log.flush();
  return { report, outDir, exitCode: reportIsClean(report) ? 0 : 1 };
}
