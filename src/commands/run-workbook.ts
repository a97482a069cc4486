import { readInput } from "../input/read-input.js";
import type { RowResult, Warning } from "../pipeline/analyse.js";
import {
  checkApprovedSheets,
  checkApprovedWorkbookSheet,
  readWorkbookApproval,
  type ApprovedSheet,
  type WorkbookApproval,
} from "../pipeline/approval.js";
import { executeRows, type StopReason } from "../pipeline/execute.js";
import { Journal, type SheetJournal, type WelcomeMailPerKind } from "../pipeline/journal.js";
import type { Operation } from "../pipeline/plan.js";
import { defaultVerify } from "../pipeline/verify.js";
import { pendingRef, planOrder, resolvePending, WorkbookPlan } from "../pipeline/workbook-plan.js";
import { defaultConcurrency, openPlatform, platformName } from "../platform/open.js";
import { PlatformIndex, type Platform } from "../platform/platform.js";
import { reportEncryption } from "../report/encryption.js";
import { renderWarning } from "../report/messages/index.js";
import { columnMapping, reportIsClean, workbookReport } from "../report/report.js";
import { writeWorkbookReports } from "../report/write-reports.js";
import type { SheetRef } from "../scripts/reasons.js";
import { getScript } from "../scripts/index.js";
import { linksAccounts, welcomeKind } from "../scripts/script.js";
import { ApprovalError, UsageError } from "../shared/errors.js";
import { createFileLogger } from "./log.js";
import {
  analyseInput,
  logInput,
  planOnIndex,
  sheetPosition,
  sheetReport,
  type PlatformStage,
  type SheetRead,
} from "./check-sheet.js";
import { checkAllSheetsOptions, type FoundSheet, needsOf, recogniseSheets } from "./check-workbook.js";
import {
  answerFor,
  defaultMaxFailures,
  openRunFolder,
  removeEmpty,
  runOutPath,
  type RunOptions,
  type RunResult,
} from "./run.js";

/** What the journal of a workbook's run names as its script. */
const workbookScript = "workbook";

/** A sheet of the workbook as the run planned it: what it read, what carrying out each row means, and what was approved of it. */
interface PlannedSheet {
  sheet: FoundSheet;
  read: SheetRead;
  operations: Map<number, Operation>;
  approved: ApprovedSheet;
}

/**
 * --welcome-mail for a workbook: an answer for every kind of account the workbook creates (a
 * kind it lacks may be left out). Exit 2 naming the kinds that miss an answer.
 */
export function workbookWelcomeMail(
  approval: Pick<WorkbookApproval, "sheets">,
  given: RunOptions["welcomeMail"],
): WelcomeMailPerKind {
  const answers: WelcomeMailPerKind = { clients: null, professionals: null };
  const missing: string[] = [];
  for (const kind of ["clients", "professionals"] as const) {
    if (!approval.sheets.some((sheet) => welcomeKind(getScript(sheet.script)) === kind)) continue;
    const answer = answerFor(given, kind);
    if (answer) answers[kind] = answer;
    else missing.push(kind);
  }
  if (missing.length > 0) {
    throw new UsageError(
      `This workbook creates ${missing.join(" and ")}: run --all-sheets needs --welcome-mail yes|no for both kinds, or ${missing.map((k) => `${k}=yes|no`).join(",")}; the organisation must have said whether welcome e-mails may be sent.`,
    );
  }
  return answers;
}

/**
 * `mdimport run --all-sheets`: carries out an approved test run of a whole workbook. The approval
 * binds every sheet (name, position, script, header row, column mapping), the file's sha256, the
 * platform and its configuration; a workbook whose sheets changed is refused before anything is
 * written. Every sheet is planned again against one live snapshot, as the test run planned them
 * (accounts first, relations over the accounts still to be made); then the account sheets are
 * carried out, and the relations after them, each link to a new account given the Minddistrict ID
 * its row got (in this start, or in an earlier one by the journal). A relation whose account row
 * did not come about (a dropout, a failure) is `dropout` `depends_on_row`: never sent with
 * a pending ID. The journal keys every row by sheet and row, so the same command resumes.
 */
export async function runWorkbookCommand(options: RunOptions): Promise<RunResult> {
  checkAllSheetsOptions(options);
  const approval = readWorkbookApproval(options.approved);
  const welcomeMail = workbookWelcomeMail(approval, options.welcomeMail);
  const started = options.now();
  platformName(options);
  const input = await readInput(options.input, options.decrypt);
  const reportKey = await reportEncryption({ ...options, encrypted: input.encrypted });
  if (approval.sha256 !== input.sha256) {
    throw new ApprovalError(
      "The input is not the workbook the test run was approved for (its sha256 differs); run exactly what was approved.",
    );
  }
  const outPath = runOutPath(options, approval);
  const warnings: Warning[] = [];
  const found = await recogniseSheets(input.bytes, options, warnings);
  // The sheets' readers are let go once planned, or on any refusal before (else their threads keep the process).
  let closed: Promise<unknown> | undefined;
  const closeAll = () => (closed ??= Promise.all(found.map((f) => f.workbook.close())));
  let platform: Platform;
  try {
    checkApprovedSheets(
      approval,
      found.map((f) => ({
        name: f.workbook.sheet.name,
        position: f.position,
        script: f.script.name,
        headerRow: f.headerRow,
      })),
    );
    platform = await openPlatform(options);
  } catch (error) {
    await closeAll();
    throw error;
  }
  try {
    return await carryOut();
  } finally {
    await closeAll();
    await platform.close();
  }

  async function carryOut(): Promise<RunResult> {
    const { outDir, lock, made } = openRunFolder(options, approval, platform, outPath, started);
    try {
      const journal = Journal.open(outDir, {
        approval: approval.digest,
        script: workbookScript,
        sha256: input.sha256,
        platform_id: platform.id,
        welcome_mail: welcomeMail,
      });
      let sheets: PlannedSheet[];
      try {
        sheets = await planSheets(found, approval, platform, input, reportKey, options, started);
      } catch (error) {
        // Refused, or the input failed to open: nothing of this start stays behind.
        journal.close();
        lock.release();
        removeEmpty(made);
        throw error;
      } finally {
        await closeAll();
      }
      const log = createFileLogger(outDir, options.debug ?? false);
      const verify = options.verify ?? defaultVerify;
      platform.attachLog?.(log);
      journal.begin({ time: started.toISOString(), platform: platform.name });
      try {
        log.info(
          {
            command: "run",
            script: null,
            sheets: sheets.map((s) => ({ position: s.sheet.position, script: s.read.script.name })),
            platform: platform.name,
            platform_id: platform.id,
            platform_mode: platform.mode,
            sha256: input.sha256,
            resumed: journal.hasEarlier && !journal.repeatsFinished,
            repeats_finished_run: journal.repeatsFinished,
            journal_recovered: journal.recoveredTornLine,
            welcome_mail: welcomeMail,
            verify,
          },
          "run started",
        );
        for (const { read } of sheets) logInput(log, read, "run", read.script, platform);
        if (journal.recoveredTornLine)
          log.warn("the journal's last line was cut short by an interruption; it was cut off");

        let stopped: StopReason | null = null;
        let failures = 0;
        let fatal: Error | null = null;
        const verification = { rows_verified: 0, mismatches: 0 };
        const byPosition = new Map(sheets.map((s) => [s.sheet.position, s]));
        // An account sheet's results by row, made once per sheet when a relation first asks (not a search per relation).
        const byRow = new Map<number, Map<number, RowResult>>();
        const resultOf = (ref: SheetRef): RowResult | undefined => {
          let rows = byRow.get(ref.sheet);
          if (!rows) {
            rows = new Map((byPosition.get(ref.sheet)?.read.analysis.results ?? []).map((r) => [r.row, r]));
            byRow.set(ref.sheet, rows);
          }
          return rows.get(ref.row);
        };
        /** The Minddistrict ID a create row got: this start's outcome, else (done by an earlier start) the journal's. */
        const mdIdOf = (ref: SheetRef): string | undefined => {
          const result = resultOf(ref);
          if (!result || (result.status !== "done" && result.status !== "unchanged")) return undefined;
          return result.md_id ?? journal.sheet(ref.sheet).earlier.get(ref.row)?.md_id ?? undefined;
        };
        /** Whether the account row was not tried (the run stopped before it): still `planned`. */
        const untried = (ref: SheetRef): boolean => resultOf(ref)?.status === "planned";
        let relationsBegun = false;
        for (const planned of sheets) {
          const { sheet, read, operations, approved } = planned;
          const relations = linksAccounts(sheet.script);
          if (relations && !relationsBegun) {
            relationsBegun = true;
            options.onStep?.("relations");
          }
          const rows = relations
            ? linkPending(read.analysis.results, operations, mdIdOf, untried)
            : read.analysis.results;
          const kind = welcomeKind(sheet.script);
          const outcome = await executeRows(rows, operations, {
            platform,
            journal: hooked(journal.sheet(sheet.position), sheet.position, options.onStep),
            approval: approved,
            maxFailures: options.maxFailures ?? defaultMaxFailures,
            concurrency: options.concurrency ?? defaultConcurrency,
            activate: { welcomeMail: (kind ? welcomeMail[kind] : null) ?? "no" },
            now: options.now,
            verify,
            failuresBefore: failures,
            stoppedBefore: stopped,
            ...(options.phoneRegion ? { context: { phoneRegion: options.phoneRegion } } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
            ...(options.onRunProgress ? { onProgress: options.onRunProgress } : {}),
          });
          stopped = outcome.stopped;
          failures = outcome.failures;
          fatal ??= outcome.fatal;
          verification.rows_verified += outcome.verification.rows_verified;
          verification.mismatches += outcome.verification.mismatches;
        }
        // Every row of every sheet tried: a later start of the same command repeats a finished run.
        if (stopped === null) journal.write({ type: "finished", time: options.now().toISOString() });

        const inOrder = [...sheets].sort((a, b) => a.sheet.position - b.sheet.position);
        const names = inOrder[0]?.read.workbook.sheets.map((s) => s.name) ?? [];
        const report = workbookReport(
          inOrder.map(({ read }) => {
            read.analysis.warnings = read.analysis.warnings.filter(
              (w) => w.code !== "other_sheets" && w.code !== "sheets_skipped",
            );
            return sheetReport(read, options, "run", read.script, started, platform, names);
          }),
          warnings.map((w) => ({ ...w, message: renderWarning(w, options.lang) })),
        );
        report.run = {
          welcome_mail: welcomeMail,
          stopped,
          failures,
          resumed: journal.hasEarlier && !journal.repeatsFinished,
          repeated: journal.repeatsFinished,
          journal_recovered: journal.recoveredTornLine,
          verify: { mode: verify, ...verification },
        };
        // Over HTTP the IDs sheet gives each account's API URL, as a one-sheet run's does.
        const accountUrl = platform.accountUrl?.bind(platform);
        await writeWorkbookReports(
          outDir,
          report,
          inOrder.map(({ read }) => (accountUrl ? { ...read.analysis, accountUrl } : read.analysis)),
          reportKey,
        );
        log.info(
          { summary: report.summary, sheets: sheets.length, stopped, failures, ms: Date.now() - started.getTime() },
          "run finished",
        );
        log.flush();
        if (fatal) throw fatal;
        return {
          report,
          outDir,
          exitCode: reportIsClean(report) ? 0 : 1,
          stopped,
          ...(platform.mode === undefined ? {} : { platformMode: platform.mode }),
        };
      } finally {
        journal.close();
      }
    } finally {
      lock.release();
    }
  }
}

/**
 * Plans every sheet again against one live snapshot, as the test run did (check-workbook.ts):
 * account sheets first, then the relations over the index with the accounts still to be made
 * (pending). Each sheet's columns and the configuration are held to the approval (exit 5).
 */
async function planSheets(
  found: readonly FoundSheet[],
  approval: WorkbookApproval,
  platform: Platform,
  input: SheetRead["input"],
  reportKey: SheetRead["reportKey"],
  options: RunOptions,
  started: Date,
): Promise<PlannedSheet[]> {
  const ordered = [...found].sort((a, b) => planOrder(a.script.name) - planOrder(b.script.name));
  const plan = new WorkbookPlan();
  const index = platform.snapshot(needsOf(found)).then((snapshot) => new PlatformIndex(snapshot));
  index.catch(() => undefined);
  let pendingAdded = false;
  const sheets: PlannedSheet[] = [];
  for (const sheet of ordered) {
    const relations = linksAccounts(sheet.script);
    if (relations && !pendingAdded) {
      plan.markConflicts();
      plan.addPending(await index);
      pendingAdded = true;
    }
    const observe = plan.observer(sheet.position, sheet.script.name);
    const base = planOnIndex(
      platform,
      () => index,
      sheet.script,
      "all",
      relations ? (p) => plan.relations(p, sheet.position) : undefined,
    );
    const stage: PlatformStage = {
      ...base,
      ...(observe ? { observe } : {}),
      // A link to an account still to be made is never looked up on the platform: it cannot exist yet.
      completePlan: async (analysis) => {
        const pending = [...base.operations].filter(([, operation]) => isPendingLink(operation));
        for (const [row] of pending) base.operations.delete(row);
        await base.completePlan?.(analysis);
        for (const [row, operation] of pending) base.operations.set(row, operation);
      },
    };
    const read = await analyseInput(
      input,
      reportKey,
      { ...options, sheet: sheet.workbook.sheet.name },
      sheet.script,
      started,
      stage,
      sheet.workbook,
    );
    const approved = approval.sheets.find((a) => a.position === sheet.position) as ApprovedSheet;
    checkApprovedWorkbookSheet(approval, approved, {
      sheet: { name: read.workbook.sheet.name, position: sheetPosition(read.workbook) },
      headerRow: read.analysis.headerMap.row,
      columns: columnMapping(read.analysis),
      config: read.config,
    });
    plan.analysed(sheet.position, read.analysis.results);
    sheets.push({ sheet, read, operations: base.operations, approved });
  }
  if (!pendingAdded) plan.markConflicts();
  return sheets;
}

const isPendingLink = (operation: Operation): boolean =>
  operation.kind === "link" &&
  (pendingRef(operation.relation.client_md_id) !== undefined ||
    pendingRef(operation.relation.professional_md_id) !== undefined);

/**
 * The relations to carry out, their links to new accounts given the Minddistrict IDs those rows
 * got. A relation whose account row did not come about (planned now as `dropout`
 * `depends_on_row`, or dropped out or failed in this run) ends `dropout`
 * `depends_on_row` naming that row and is left out: it is never sent with a pending ID. One whose
 * account rows were only not tried (the run stopped before them, `untried`) is not tried either: it
 * stays `planned`, for the resume, rather than a dropout that asks to correct a sound row.
 */
function linkPending(
  results: RowResult[],
  operations: Map<number, Operation>,
  mdIdOf: (ref: SheetRef) => string | undefined,
  untried: (ref: SheetRef) => boolean,
): RowResult[] {
  const rows: RowResult[] = [];
  for (const [index, result] of results.entries()) {
    if (result.status === "dropout" && result.reasons[0]?.code === "depends_on_row") continue;
    const operation = operations.get(result.row);
    if (result.status === "planned" && operation?.kind === "link" && isPendingLink(operation)) {
      const resolved = resolvePending(operation, mdIdOf);
      if ("reasons" in resolved) {
        const gone = resolved.reasons.filter((reason) => !(typeof reason.ref === "object" && untried(reason.ref)));
        if (gone.length === 0) continue;
        // Replaced, not changed in place (as the planning passes do).
        results[index] = { ...result, status: "dropout", reasons: gone };
        operations.delete(result.row);
        continue;
      }
      operations.set(result.row, resolved.operation);
    }
    rows.push(result);
  }
  return rows;
}

/** A sheet's journal that tells `onStep` each row done, once its line is on disk. */
function hooked(journal: SheetJournal, position: number, onStep: RunOptions["onStep"]): SheetJournal {
  if (!onStep) return journal;
  return {
    earlier: journal.earlier,
    write: (entry) => {
      journal.write(entry);
      if (entry.type === "done") onStep(`done:${position}:${entry.row}`);
    },
  };
}
