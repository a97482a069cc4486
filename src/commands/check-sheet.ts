import { readInput, type DecryptOptions } from "../input/read-input.js";
import type { CountryCode } from "libphonenumber-js";
import type { Logger } from "pino";
import { defaultLimits, type ReadLimits } from "../input/limits.js";
import { basename } from "node:path";
import { openWorkbookOffThread, openWorkbookWhile } from "../input/workbook-thread.js";
import type { Workbook } from "../input/workbook.js";
import { analyseWorkbook, type Analysis } from "../pipeline/analyse.js";
import { plannerOf, type Operation, type PlannedRow } from "../pipeline/plan.js";
import { markExistingLinks } from "../pipeline/existing-links.js";
import { PendingRoles } from "../pipeline/roles.js";
import { PlatformIndex, type Platform } from "../platform/platform.js";
import type { EncryptKeys } from "../input/encrypt.js";
import type { InputBytes } from "../input/read-input.js";
import type { PlatformConfig } from "../platform/config.js";
import { reportEncryption } from "../report/encryption.js";
import { writeReports } from "../report/write-reports.js";
import { buildReport, type Mode, type Report, reportIsClean } from "../report/report.js";
import { linksAccounts, type Lang, type ScriptDef } from "../scripts/index.js";
import { recogniseWorkbook, type RecognisedWorkbook } from "../scripts/recognise-workbook.js";
import { createFileLogger } from "./log.js";
import { makeOutDir, uniqueOutName } from "../shared/out-dir.js";

/** The platform's side of checking a sheet. */
export interface PlatformSide {
  config: PlatformConfig;
  plan?: (values: Readonly<Record<string, unknown>>, row: number) => PlannedRow;
}

/** Options every command that reads a sheet and reports on it takes. */
export interface SheetCommandOptions {
  input: string;
  /** --script; without it the script is recognised from the sheet's headers. */
  script?: string;
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
  /** Hears a note of one sentence for the user (the script recognised from the headers). */
  onNote?: (sentence: string) => void;
  /** Write no output folder at all (validate with machine output and no --out): the report is only returned. */
  noOutDir?: boolean;
  /** Limits a user raised for a genuine workbook (the rest stay at their defaults). */
  limits?: Partial<ReadLimits>;
  /** --all-sheets: every visible sheet, each with its own script, planned together (commands/check-workbook.ts). */
  allSheets?: boolean;
  /** --phone-region: the region of phone numbers without a country code (else the sheet's language decides). */
  phoneRegion?: CountryCode;
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
  /** The output folder, or null where none was written (noOutDir). */
  outDir: string | null;
  exitCode: 0 | 1;
  /** The mode a platform's API reported (null: production), where it has one. */
  platformMode?: string | null;
}

/**
 * The recipe every sheet command composes, one stage after another:
 *
 *   read (decrypt) → open the workbook while the platform side is prepared → analyse
 *   (headers, validate, dedupe, plan) → complete the plan with what the platform tells of all rows at once
 *   → [run: approval check, execute] → report → write the outputs
 *
 * `validate` and `test-run` are `checkSheet`; `run` composes `readSheet`, its own approval
 * and execute steps, and `writeOutputs`.
 */

/** What the first stages give: the input, the workbook read and the analysis of its rows. */
export interface SheetRead {
  input: InputBytes;
  /** How report.xlsx is written: encrypted to these, or plain (null). */
  reportKey: EncryptKeys | null;
  workbook: Workbook;
  analysis: Analysis;
  /** The platform configuration the rows were checked against. */
  config: PlatformConfig;
  /** The script the rows were read as: given, or recognised from the headers. */
  script: ScriptDef;
}

/** The platform side of a sheet command: prepared while the workbook is opened, its plan completed after the analysis. */
export interface PlatformStage {
  prepare: () => Promise<PlatformSide>;
  /** What the platform tells of all rows at once, read after the analysis: roles the list lacked, links that exist. */
  completePlan?: (analysis: Analysis) => Promise<void>;
  /** Hears every data row's checked values (a workbook's plan across its sheets). */
  observe?: (values: Readonly<Record<string, unknown>>, row: number) => void;
}

/**
 * Reads the input and checks (and plans) every row: the stages up to the report. The
 * platform's snapshot (`stage.prepare`) is taken while the workbook's reader opens the
 * workbook on its own thread.
 */
export async function readSheet(
  options: SheetCommandOptions,
  given: ScriptDef | undefined,
  started: Date,
  stageFor: (script: ScriptDef) => PlatformStage,
): Promise<SheetRead> {
  const input = await readInput(options.input, options.decrypt);
  const reportKey = await reportEncryption({ ...options, encrypted: input.encrypted });
  if (given) return analyseInput(input, reportKey, options, given, started, stageFor(given));
  const recognised = await openRecognised(input, options);
  return analyseInput(
    input,
    reportKey,
    options,
    recognised.script,
    started,
    stageFor(recognised.script),
    recognised.workbook,
  );
}

/**
 * Opens the workbook and recognises its script from the headers (no --script), saying which
 * in a note. NOTE: the platform's snapshot then waits for the headers, since what it takes
 * depends on the script; with --script it is taken while the workbook opens.
 */
export async function openRecognised(input: InputBytes, options: SheetCommandOptions): Promise<RecognisedWorkbook> {
  const recognised = await recogniseWorkbook(await openWorkbookOffThread(input.bytes, workbookOptions(options)));
  options.onNote?.(
    `${basename(options.input)}: script ${recognised.script.name}, recognised from the headers in row ${recognised.headerRow} of sheet "${recognised.workbook.sheet.name}".`,
  );
  return recognised;
}

/** The stages after reading, for a command that must check something between reading and analysing (run). */
export async function analyseInput(
  input: InputBytes,
  reportKey: EncryptKeys | null,
  options: SheetCommandOptions,
  script: ScriptDef,
  started: Date,
  stage: PlatformStage,
  opened?: Workbook,
): Promise<SheetRead> {
  const { workbook, result: side } = opened
    ? { workbook: opened, result: await closingOnError(opened, stage.prepare) }
    : await openWorkbookWhile(input.bytes, workbookOptions(options), stage.prepare);
  const analysis = await analyseWorkbook(workbook, {
    script,
    config: side.config,
    context: {
      today: started.toISOString().slice(0, 10),
      ...(options.phoneRegion ? { phoneRegion: options.phoneRegion } : {}),
    },
    ...(side.plan ? { plan: side.plan } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(stage.observe ? { observe: stage.observe } : {}),
  });
  await stage.completePlan?.(analysis);
  return { input, reportKey, workbook, analysis, config: side.config, script };
}

/** What `prepare` gives; the workbook is let go when it fails. */
async function closingOnError<T>(workbook: Workbook, prepare: () => Promise<T>): Promise<T> {
  try {
    return await prepare();
  } catch (error) {
    await workbook.close();
    throw error;
  }
}

/** The platform stage of `validate`: a configuration, no planner. */
export const configOnly = (config: PlatformConfig): PlatformStage => ({ prepare: () => Promise.resolve({ config }) });

/**
 * The platform stage of `test-run` and `run`: a snapshot of what the script needs, the
 * script's planner over it, and (over HTTP) the links that already exist, read per client.
 * `operations` holds what carrying out each planned row means: every row's for `run`
 * (`keep: "all"`), only the links a platform must check afterwards (markExistingLinks).
 */
export function planOn(
  platform: Platform,
  script: ScriptDef,
  keep: "all" | "links",
): PlatformStage & { operations: Map<number, Operation> } {
  return planOnIndex(platform, async () => new PlatformIndex(await platform.snapshot(script.needs)), script, keep);
}

/**
 * `planOn` over an index given (a workbook's sheets share one snapshot), its planner wrapped by
 * `wrap` where given. A link to an account still to be created (pending) is not checked
 * with the platform: it cannot exist yet.
 */
export function planOnIndex(
  platform: Platform,
  indexOf: () => Promise<PlatformIndex>,
  script: ScriptDef,
  keep: "all" | "links",
  wrap: (plan: (values: Readonly<Record<string, unknown>>, row: number) => PlannedRow) => typeof plan = (plan) => plan,
): PlatformStage & { operations: Map<number, Operation> } {
  const operations = new Map<number, Operation>();
  const keepLinks = platform.relationsOf !== undefined && linksAccounts(script);
  // Roles a platform's list does not give are read afterwards, for the rows that need them.
  const roles = new PendingRoles();
  return {
    operations,
    prepare: async () => {
      const index = await indexOf();
      const plan = wrap(roles.wrap(plannerOf(script), index));
      return {
        config: index.config,
        plan: (values, row) => {
          const planned = plan(values, row);
          const operation = planned.operation ?? (keep === "all" ? planned.resume : undefined);
          if (operation && (keep === "all" || (keepLinks && planned.depends_on === undefined)))
            operations.set(row, operation);
          return planned;
        },
      };
    },
    completePlan: async (analysis) => {
      await roles.replanWithRoles(analysis.results, operations, platform);
      await markExistingLinks(analysis.results, operations, platform);
    },
  };
}

/** The report of a sheet command, from what was read. */
export function sheetReport(
  read: SheetRead,
  options: SheetCommandOptions,
  mode: Mode,
  script: ScriptDef,
  started: Date,
  platform: Platform | null,
  sheetNames?: readonly string[],
): Report {
  return buildReport(read.analysis, {
    ...(sheetNames ? { sheetNames } : {}),
    mode,
    script,
    lang: options.lang,
    now: started,
    sha256: read.input.sha256,
    sheet: read.workbook.sheet.name,
    sheetPosition: sheetPosition(read.workbook),
    platform: platform
      ? { name: platform.name, id: platform.id, ...(platform.mode === undefined ? {} : { mode: platform.mode }) }
      : null,
    config: read.config,
  });
}

/** The log lines every sheet command writes about its input: never a value of a row. */
export function logInput(log: Logger, read: SheetRead, mode: Mode, script: ScriptDef, platform: Platform | null): void {
  log.info(
    {
      command: mode,
      script: script.name,
      platform: platform?.name ?? null,
      sha256: read.input.sha256,
      bytes: read.input.bytes.length,
      encrypted: read.input.encrypted,
      sheet: read.workbook.sheet.name,
    },
    "input read",
  );
  log.info(
    {
      header_row: read.analysis.headerMap.row,
      columns: [...read.analysis.headerMap.columns.values()].map((c) => c.field),
    },
    "headers matched",
  );
  for (const warning of read.analysis.warnings) log.warn({ warning: warning.code }, "sheet warning");
}

/** The last stage: the reports into the output folder, and the closing log line. */
export async function writeOutputs(
  outDir: string,
  log: Logger,
  report: Report,
  read: SheetRead,
  started: Date,
  extra: Record<string, unknown> = {},
  accountUrl?: (mdId: string) => string | undefined,
): Promise<void> {
  await writeReports(outDir, report, accountUrl ? { ...read.analysis, accountUrl } : read.analysis, read.reportKey);
  log.info(
    { summary: report.summary, notes: report.notes, ...extra, ms: Date.now() - started.getTime() },
    `${report.mode} finished`,
  );
  log.flush();
}

/** `validate` and `test-run`: the recipe without a run's steps, into a new output folder. */
export async function checkSheet(
  options: SheetCommandOptions,
  mode: "validate" | "test-run",
  given: ScriptDef | undefined,
  platform: Platform | null,
  stageFor: (script: ScriptDef) => PlatformStage,
): Promise<CommandResult> {
  const started = options.now();
  const read = await readSheet(options, given, started, stageFor);
  const { script } = read;
  const report = sheetReport(read, options, mode, script, started, platform);
  const result = commandResult(report, null, platform);
  if (options.noOutDir) return result;
  const { outDir, log } = openOutputs(options, mode, uniqueOutName(script.name, started), platform);
  logInput(log, read, mode, script, platform);
  await writeOutputs(outDir, log, report, read, started);
  return { ...result, outDir };
}

/** What a command that checked a sheet or a workbook gives back: its report, folder, exit code and the platform's mode. */
export function commandResult(report: Report, outDir: string | null, platform: Platform | null): CommandResult {
  return {
    report,
    outDir,
    exitCode: reportIsClean(report) ? 0 : 1,
    ...(platform?.mode === undefined ? {} : { platformMode: platform.mode }),
  };
}

/** A new output folder for validate or test-run, and its log, with the platform's request log in it (the requests so far and those to come). */
export function openOutputs(
  options: SheetCommandOptions,
  mode: "validate" | "test-run",
  defaultName: string,
  platform: Platform | null,
): { outDir: string; log: Logger } {
  const outDir = makeOutDir({ cwd: options.cwd, given: options.out, mode, defaultName });
  const log = createFileLogger(outDir, options.debug ?? false);
  platform?.attachLog?.(log);
  return { outDir, log };
}
