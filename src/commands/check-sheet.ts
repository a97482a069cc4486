import { readInput, type DecryptOptions } from "../input/read-input.js";
import { defaultLimits, type ReadLimits } from "../input/limits.js";
import { openWorkbookWhile } from "../input/workbook-thread.js";
import type { Workbook } from "../input/workbook.js";
import { analyseWorkbook, type RowResult } from "../pipeline/analyse.js";
import type { PlannedRow } from "../pipeline/plan.js";
import type { PlatformConfig } from "../pipeline/platform-config.js";
import { reportEncryption } from "../report/encryption.js";
import { writeReports } from "../report/write-reports.js";
import { buildReport, type Mode, type Report, reportIsClean } from "../report/report.js";
import type { Lang, ScriptDef } from "../scripts/index.js";
import { createFileLogger, type Logger } from "../shared/log.js";
import { makeOutDir, uniqueOutName } from "../shared/out-dir.js";

/** The platform's side of checking a sheet. */
export interface PlatformSide {
  config: PlatformConfig;
  plan?: (values: Readonly<Record<string, unknown>>, row: number) => PlannedRow;
}

/** Options every command that reads a sheet and reports on it takes. */
export interface SheetCommandOptions {
  input: string;
  script: string;
  sheet?: string;
  out?: string;
  lang: Lang;
  debug?: boolean;
  cwd: string;
  now: () => Date;
  onProgress?: (rows: number) => void;
  /** How to open an encrypted input. */
  decrypt?: DecryptOptions;
  /** The requesters' public keys: report.xlsx is then written only encrypted to them (see reportEncryption). */
  encryptReportTo?: readonly string[];
  /** Write an encrypted input's report.xlsx unencrypted all the same (with a warning). */
  plainReport?: boolean;
  /** Hears a warning of one sentence for the user. */
  onWarning?: (sentence: string) => void;
  /** Limits a user raised for a genuine workbook (the rest stay at their defaults). */
  limits?: Partial<ReadLimits>;
}

/** The 1-based position of the sheet read among the workbook's sheets (hidden ones counted). */
export const sheetPosition = (workbook: Pick<Workbook, "sheets" | "sheet">): number =>
  workbook.sheets.findIndex((sheet) => sheet.name === workbook.sheet.name) + 1;

/** How a sheet command opens its workbook: the chosen sheet, within the limits. */
export const workbookOptions = (options: SheetCommandOptions) => ({
  ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
  limits: { ...defaultLimits, ...options.limits },
});

export interface CommandResult {
  report: Report;
  outDir: string;
  exitCode: 0 | 1;
  /** The mode a platform's API reported (null: production), where it has one. */
  platformMode?: string | null;
}

interface CheckSheetOptions extends SheetCommandOptions {
  mode: Mode;
  scriptDef: ScriptDef;
  /** The platform's name for people and its identity for approvals; null for validate. */
  platform: { name: string; id: string } | null;
  /**
   * What the platform side brings: its configuration and, for a test run, the planner.
   * Called once the workbook's reader has started on its own thread, so that a snapshot of
   * the platform is taken while the workbook is being opened.
   */
  prepare: () => PlatformSide | Promise<PlatformSide>;
  /** After planning and duplicates: what the platform can only tell about all rows at once. */
  settle?: (results: RowResult[]) => Promise<void>;
  /** Hears the command's log once it exists (for the platform's request log). */
  onLog?: (log: Logger) => void;
}

/**
 * The recipe `validate` and `test-run` share: read the sheet, check (and plan) every row,
 * find the duplicates, and write the reports.
 */
export async function checkSheet(options: CheckSheetOptions): Promise<CommandResult> {
  const { scriptDef: script } = options;
  const started = options.now();
  const input = await readInput(options.input, options.decrypt);
  const reportKey = await reportEncryption({ ...options, encrypted: input.encrypted });
  const size = input.bytes.length;
  const { workbook, result: side } = await openWorkbookWhile(input.bytes, workbookOptions(options), options.prepare);
  const analysis = await analyseWorkbook(workbook, {
    script,
    config: side.config,
    context: { today: started.toISOString().slice(0, 10) },
    ...(side.plan ? { plan: side.plan } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  await options.settle?.(analysis.results);
  const report = buildReport(analysis, {
    mode: options.mode,
    script,
    lang: options.lang,
    now: started,
    sha256: input.sha256,
    sheet: workbook.sheet.name,
    sheetPosition: sheetPosition(workbook),
    platform: options.platform,
    config: side.config,
  });

  const outDir = makeOutDir({ cwd: options.cwd, given: options.out, mode: options.mode, defaultName: uniqueOutName(script.name, started) });
  const log = createFileLogger(outDir, options.debug ?? false);
  options.onLog?.(log);
  log.info(
    {
      command: options.mode,
      script: script.name,
      platform: options.platform?.name ?? null,
      sha256: input.sha256,
      bytes: size,
      encrypted: input.encrypted,
      sheet: workbook.sheet.name,
    },
    "input read",
  );
  log.info({ header_row: analysis.headerMap.row, columns: [...analysis.headerMap.columns.values()].map((c) => c.field) }, "headers matched");
  for (const warning of analysis.warnings) log.warn({ warning: warning.code }, "sheet warning");
  await writeReports(outDir, report, analysis.texts, reportKey);
  log.info({ summary: report.summary, notes: report.notes, ms: Date.now() - started.getTime() }, `${options.mode} finished`);
  log.flush();
  return { report, outDir, exitCode: reportIsClean(report) ? 0 : 1 };
}
