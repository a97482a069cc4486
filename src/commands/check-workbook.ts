import { basename } from "node:path";
import { readInput } from "../input/read-input.js";
import { openWorkbookOffThread } from "../input/workbook-thread.js";
import type { Warning } from "../pipeline/analyse.js";
import type { PlatformConfig } from "../platform/config.js";
import { planOrder, WorkbookPlan } from "../pipeline/workbook-plan.js";
import { PlatformIndex, type Platform, type SnapshotNeeds } from "../platform/platform.js";
import { reportEncryption } from "../report/encryption.js";
import { renderWarning } from "../report/messages/index.js";
import { type Mode, type Report, workbookReport } from "../report/report.js";
import { writeWorkbookReports } from "../report/write-reports.js";
import { linksAccounts } from "../scripts/index.js";
import { NoScriptFits, recogniseWorkbook, type RecognisedWorkbook } from "../scripts/recognise-workbook.js";
import { InputError, UsageError } from "../shared/errors.js";
import { uniqueOutName } from "../shared/out-dir.js";
import {
  analyseInput,
  commandResult,
  type CommandResult,
  configOnly,
  logInput,
  openOutputs,
  planOnIndex,
  type PlatformStage,
  type SheetCommandOptions,
  type SheetRead,
  sheetReport,
} from "./check-sheet.js";

/** A sheet of the workbook, recognised: its position among all sheets (hidden ones counted) and script. */
export interface FoundSheet extends RecognisedWorkbook {
  position: number;
}

/** --all-sheets leaves the choice of sheet and script to each sheet's headers. */
export function checkAllSheetsOptions(options: { sheet?: string | undefined; script?: string | undefined }): void {
  const given = [
    options.sheet === undefined ? null : "--sheet",
    options.script === undefined ? null : "--script",
  ].filter(Boolean);
  if (given.length > 0)
    throw new UsageError(
      `--all-sheets reads every sheet with the script its headers fit: leave out ${given.join(" and ")}.`,
    );
}

/**
 * Every visible worksheet, each with the script its headers fit, in workbook order. A sheet that
 * fits no script (an explanation sheet, notes) or is empty is skipped with a warning; two scripts
 * alike stop the command (exit 2), as for one sheet; no sheet that fits at all: exit 3.
 * NOTE: each sheet is opened on a reader thread of its own, from a copy of the bytes (the design's
 * one reader moving from sheet to sheet is not built yet); the readers wait after their first batches.
 */
export async function recogniseSheets(
  bytes: Uint8Array,
  options: SheetCommandOptions,
  warnings: Warning[],
): Promise<FoundSheet[]> {
  const limits = { ...(await import("../input/limits.js")).defaultLimits, ...options.limits };
  const first = await openWorkbookOffThread(new Uint8Array(bytes), { limits });
  const sheets = first.sheets;
  await first.close();
  const found: FoundSheet[] = [];
  try {
    for (const [index, sheet] of sheets.entries()) {
      if (sheet.hidden) continue;
      try {
        const recognised = await recogniseWorkbook(
          await openWorkbookOffThread(new Uint8Array(bytes), { sheet: sheet.name, limits }),
        );
        found.push({ ...recognised, position: index + 1 });
        options.onNote?.(
          `${basename(options.input)}: sheet "${sheet.name}": script ${recognised.script.name}, recognised from the headers in row ${recognised.headerRow}.`,
        );
      } catch (error) {
        if (!(error instanceof InputError) || !/fit no script|is empty/.test(error.message)) throw error;
        // A sheet meant as a script's but lacking a column is the requester's to fix, not one to pass over.
        if (error instanceof NoScriptFits && error.resembles) {
          throw new InputError(
            `${error.message} --all-sheets passes over only sheets that are no script's at all (an explanation sheet, notes): add what the sheet lacks, or remove the sheet.`,
            { cause: error },
          );
        }
        warnings.push({ code: "sheet_skipped", sheet: sheet.name });
      }
    }
  } catch (error) {
    await Promise.all(found.map((f) => f.workbook.close()));
    throw error;
  }
  if (found.length === 0) throw new InputError(`No sheet of ${basename(options.input)} has headers that fit a script.`);
  return found;
}

/** What the scripts of the sheets need of the platform, together: one snapshot for all. */
export const needsOf = (sheets: readonly FoundSheet[]): SnapshotNeeds => ({
  clients: sheets.some((s) => s.script.needs.clients),
  professionals: sheets.some((s) => s.script.needs.professionals),
  relations: sheets.some((s) => s.script.needs.relations),
});

/**
 * `validate --all-sheets` and `test-run --all-sheets`: every sheet read and planned together
 * against one snapshot (account sheets first, then relations; see pipeline/workbook-plan.ts),
 * one report of all of them.
 */
export async function checkWorkbook(
  options: SheetCommandOptions,
  mode: "validate" | "test-run",
  platform: Platform | null,
  config: PlatformConfig,
): Promise<CommandResult> {
  checkAllSheetsOptions(options);
  const started = options.now();
  const input = await readInput(options.input, options.decrypt);
  const reportKey = await reportEncryption({ ...options, encrypted: input.encrypted });
  const warnings: Warning[] = [];
  const found = await recogniseSheets(input.bytes, options, warnings);
  const ordered = [...found].sort((a, b) => planOrder(a.script.name) - planOrder(b.script.name));
  const plan = new WorkbookPlan();
  const reads: { sheet: FoundSheet; read: SheetRead }[] = [];
  let index: Promise<PlatformIndex> | undefined;
  let pendingAdded = false;
  try {
    if (platform) index = platform.snapshot(needsOf(found)).then((snapshot) => new PlatformIndex(snapshot));
    index?.catch(() => undefined);
    for (const sheet of ordered) {
      const relations = linksAccounts(sheet.script);
      if (relations && !pendingAdded) {
        plan.markConflicts();
        if (index) plan.addPending(await index);
        pendingAdded = true;
      }
      const observe = plan.observer(sheet.position, sheet.script.name);
      const base: PlatformStage =
        platform && index
          ? planOnIndex(
              platform,
              () => index as Promise<PlatformIndex>,
              sheet.script,
              "links",
              relations ? (p) => plan.relations(p, sheet.position) : undefined,
            )
          : configOnly(config);
      const stage: PlatformStage = observe ? { ...base, observe } : base;
      const read = await analyseInput(
        input,
        reportKey,
        { ...options, sheet: sheet.workbook.sheet.name },
        sheet.script,
        started,
        stage,
        sheet.workbook,
      );
      plan.analysed(sheet.position, read.analysis.results);
      reads.push({ sheet, read });
    }
    if (!pendingAdded) plan.markConflicts();
  } finally {
    await Promise.all(found.map((f) => f.workbook.close()));
  }
  // The report lists the sheets in workbook order, whatever order they were planned in.
  reads.sort((a, b) => a.sheet.position - b.sheet.position);
  const names = reads[0]?.read.workbook.sheets.map((s) => s.name) ?? [];
  const sheetReports = reads.map(({ read }) => {
    // Which other sheets there are is the workbook report's to say, not each sheet's.
    read.analysis.warnings = read.analysis.warnings.filter(
      (w) => w.code !== "other_sheets" && w.code !== "sheets_skipped",
    );
    return sheetReport(read, options, mode, read.script, started, platform, names);
  });
  const report = workbookReport(
    sheetReports,
    warnings.map((w) => ({ ...w, message: renderWarning(w, options.lang) })),
  );
  const result = commandResult(report, null, platform);
  if (options.noOutDir) return result;
  const { outDir, log } = openOutputs(options, mode, uniqueOutName("workbook", started), platform);
  for (const { read } of reads) logInput(log, read, mode, read.script, platform);
  await writeWorkbookReports(
    outDir,
    report,
    reads.map(({ read }) => read.analysis),
    reportKey,
  );
  log.info({ summary: report.summary, sheets: reads.length, ms: Date.now() - started.getTime() }, `${mode} finished`);
  log.flush();
  return { ...result, outDir };
}

export type { Mode, Report };
