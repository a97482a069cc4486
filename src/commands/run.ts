import { existsSync, realpathSync, rmdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { readInput } from "../input/read-input.js";
import {
  type Approval,
  checkApprovedInput,
  checkApprovedPlatform,
  checkApprovedSheet,
  readApproval,
} from "../pipeline/approval.js";
import { executeRows, type ExecuteProgress, type StopReason } from "../pipeline/execute.js";
import { Journal, type WelcomeMailAnswers } from "../pipeline/journal.js";
import { defaultVerify, type VerifyMode } from "../pipeline/verify.js";
import { defaultConcurrency, openPlatform, platformName, type PlatformOptions } from "../platform/open.js";
import type { Platform } from "../platform/platform.js";
import { reportEncryption } from "../report/encryption.js";
import { columnMapping, reportIsClean } from "../report/report.js";
import { getScript } from "../scripts/index.js";
import { welcomeKind } from "../scripts/script.js";
import { ApprovalError, UsageError } from "../shared/errors.js";
import { lockFolder, type FolderLock } from "../shared/lock.js";
import { createFileLogger } from "./log.js";
import { makeOutDir } from "../shared/out-dir.js";
import { runWorkbookCommand } from "./run-workbook.js";
import {
  analyseInput,
  logInput,
  openRecognised,
  planOn,
  sheetPosition,
  sheetReport,
  writeOutputs,
  type CommandResult,
  type SheetCommandOptions,
  type SheetRead,
} from "./check-sheet.js";

export interface RunOptions extends SheetCommandOptions, Omit<PlatformOptions, "cwd"> {
  approved: string;
  /** --welcome-mail: one answer for every kind, or per kind (clients, professionals). */
  welcomeMail?: "yes" | "no" | WelcomeMailAnswers;
  maxFailures?: number;
  /**
   * Which rows are read back after their write (default 10: the first ten, and every one that
   * needed a retry or a look-up). Not part of the approval: a resume may use another.
   */
  verify?: VerifyMode;
  /** The explicit acknowledgement that a platform in production mode is meant. */
  production?: boolean;
  /** Aborted on SIGINT/SIGTERM: the rows in flight finish, the reports are written, the run can be resumed. */
  signal?: AbortSignal;
  /** Called after each row carried out, for progress on a terminal. */
  onRunProgress?: (progress: ExecuteProgress) => void;
  /**
   * A workbook's run: hears each step as it comes (`relations` before the relations are carried
   * out, `done:<sheet>:<row>` after a row's done line is in the journal). The tests kill a run there.
   */
  onStep?: (step: string) => void;
}

export interface RunResult extends CommandResult {
  /** Set when the run stopped before it had tried every row. */
  stopped: StopReason | null;
}

/** A few refusals are the platform's to give; more in one run point at a cause to fix first. */
export const defaultMaxFailures = 10;

/**
 * The folder a run writes into by default: derived from the approval, so that repeating the
 * same command resumes an interrupted run instead of starting a second one.
 */
export const defaultRunFolder = (digest: string) => `run-${digest.slice(0, 16)}`;

/** Where a run writes (--out, or the folder derived from the approval); never the approval's own folder (exit 2). */
export function runOutPath(
  options: Pick<RunOptions, "cwd" | "out">,
  approval: { digest: string; folder: string; name: string },
): string {
  const outPath = resolve(options.cwd, options.out ?? join("mdimport-out", defaultRunFolder(approval.digest)));
  if ((existsSync(outPath) ? realpathSync(outPath) : outPath) === approval.folder) {
    throw new UsageError(
      `--out ${options.out ?? outPath} is the folder of the approval ${approval.name}; a run never writes there: give another --out.`,
    );
  }
  return outPath;
}

/** The answer --welcome-mail gives for one kind of account (one answer counts for both). */
export const answerFor = (
  given: RunOptions["welcomeMail"],
  kind: "clients" | "professionals",
): "yes" | "no" | undefined => (typeof given === "string" ? given : given?.[kind]);

/** The folders of `path` that do not exist yet, deepest first: what a refused run must not leave behind. */
export function missingFolders(path: string): string[] {
  const missing: string[] = [];
  for (let dir = path; !existsSync(dir) && dirname(dir) !== dir; dir = dirname(dir)) missing.push(dir);
  return missing;
}

/** A run's folder, made and locked: `made` lists the folders this start created (removed again on a refusal). */
export interface RunFolder {
  outDir: string;
  lock: FolderLock;
  made: string[];
}

/**
 * What a run of a sheet and of a workbook check before anything is written, then their folder
 * made and locked: the approved platform, --production for a production platform. The folder
 * is locked (and its journal read by the caller) before the snapshot: a second run of the same
 * command waits for nothing and plans nothing, it is refused at once.
 */
export function openRunFolder(
  options: Pick<RunOptions, "cwd" | "out" | "production">,
  approval: Pick<Approval, "platform" | "platformId" | "digest">,
  platform: Pick<Platform, "name" | "id" | "mode">,
  outPath: string,
  started: Date,
): RunFolder {
  checkApprovedPlatform(approval, platform);
  if (platform.mode === null && !options.production) {
    throw new UsageError(
      `The platform ${platform.name} reports that it is a production platform: give --production to confirm that this run is meant for it.`,
    );
  }
  const made = missingFolders(outPath);
  const outDir = makeOutDir({
    cwd: options.cwd,
    given: options.out,
    mode: "run",
    defaultName: defaultRunFolder(approval.digest),
    reuse: true,
  });
  try {
    return { outDir, lock: lockFolder(outDir, started), made };
  } catch (error) {
    removeEmpty(made);
    throw error;
  }
}

/** Removes the folders this start made, where they are empty again. */
export function removeEmpty(folders: readonly string[]): void {
  for (const dir of folders) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (or gone): leave it and the folders above it
    }
  }
}

/**
 * `mdimport run`: carries out exactly what the approved test run showed. The approval binds
 * the workbook, script, sheet, header row and column mapping, the platform's identity and its
 * configuration; every row is planned again against the live platform; rows whose outcome
 * changed are not carried out; every action is journaled so that an interrupted run, started
 * again with the same --out, does nothing twice. Nothing is written (no folder, no journal)
 * until everything the approval binds has been checked.
 */
export async function runCommand(options: RunOptions): Promise<RunResult> {
  if (options.allSheets) return runWorkbookCommand(options);
  // Without --script, the approval names the script the headers must fit (checked once the workbook is open).
  const named = options.script === undefined ? undefined : getScript(options.script);
  const early = named ? undefined : readApproval(options.approved);
  const script = named ?? getScript((early as Approval).script);
  const kind = welcomeKind(script);
  const answer = kind ? answerFor(options.welcomeMail, kind) : undefined;
  if (kind && !answer) {
    throw new UsageError(
      options.welcomeMail === undefined
        ? `run of ${script.name} needs --welcome-mail yes or --welcome-mail no: the organisation must have said whether welcome e-mails may be sent.`
        : `run of ${script.name} needs an answer for ${kind}: --welcome-mail yes|no or ${kind}=yes|no; the organisation must have said whether welcome e-mails may be sent.`,
    );
  }
  const welcomeMail = answer ?? null;
  const approval = early ?? readApproval(options.approved);
  const started = options.now();
  // Refuses a platform this version cannot use before the input is read.
  platformName(options);
  const input = await readInput(options.input, options.decrypt);
  const reportKey = await reportEncryption({ ...options, encrypted: input.encrypted });
  checkApprovedInput(approval, { script: script.name, sha256: input.sha256 });
  const recognised = named ? undefined : await openRecognised(input, options);
  if (recognised && recognised.script.name !== approval.script) {
    await recognised.workbook.close();
    throw new ApprovalError(
      `The approved test run was for the script ${approval.script}, but the headers of this sheet are those of ${recognised.script.name}; run exactly what was approved (give --script ${approval.script} to read it as that).`,
    );
  }
  const outPath = runOutPath(options, approval);
  // Opening never creates a store; the approval names the platform by its identity.
  const platform = await openPlatform(options);
  try {
    const { outDir, lock, made } = openRunFolder(options, approval, platform, outPath, started);
    try {
      const journal = Journal.open(outDir, {
        approval: approval.digest,
        script: script.name,
        sha256: input.sha256,
        platform_id: platform.id,
        welcome_mail: welcomeMail,
      });
      const planning = planOn(platform, script, "all");
      let read: SheetRead;
      try {
        read = await analyseInput(input, reportKey, options, script, started, planning, recognised?.workbook);
        checkApprovedSheet(approval, {
          sheet: { name: read.workbook.sheet.name, position: sheetPosition(read.workbook) },
          headerRow: read.analysis.headerMap.row,
          columns: columnMapping(read.analysis),
          config: read.config,
        });
      } catch (error) {
        // Refused, or the input failed to open: nothing of this start stays behind.
        journal.close();
        lock.release();
        removeEmpty(made);
        throw error;
      }
      const { analysis } = read;
      const log = createFileLogger(outDir, options.debug ?? false);
      const verify = options.verify ?? defaultVerify;
      platform.attachLog?.(log);
      journal.begin({ time: started.toISOString(), platform: platform.name });
      try {
        log.info(
          {
            command: "run",
            script: script.name,
            platform: platform.name,
            platform_id: platform.id,
            platform_mode: platform.mode,
            sha256: input.sha256,
            resumed_rows: journal.repeatsFinished ? 0 : journal.earlier.size,
            repeats_finished_run: journal.repeatsFinished,
            journal_recovered: journal.recoveredTornLine,
            welcome_mail: welcomeMail,
            verify,
          },
          "run started",
        );
        logInput(log, read, "run", script, platform);
        if (journal.recoveredTornLine)
          log.warn("the journal's last line was cut short by an interruption; it was cut off");
        const outcome = await executeRows(analysis.results, planning.operations, {
          platform,
          journal,
          approval,
          maxFailures: options.maxFailures ?? defaultMaxFailures,
          concurrency: options.concurrency ?? defaultConcurrency,
          activate: { welcomeMail: welcomeMail ?? "no" },
          now: options.now,
          verify,
          ...(options.phoneRegion ? { context: { phoneRegion: options.phoneRegion } } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onRunProgress ? { onProgress: options.onRunProgress } : {}),
        });
        // Every row tried: a later start of the same command repeats a finished run.
        if (outcome.stopped === null) journal.write({ type: "finished", time: options.now().toISOString() });
        const report = sheetReport(read, options, "run", script, started, platform);
        report.run = {
          welcome_mail: welcomeMail,
          stopped: outcome.stopped,
          failures: outcome.failures,
          resumed: journal.hasEarlier && !journal.repeatsFinished,
          repeated: journal.repeatsFinished,
          journal_recovered: journal.recoveredTornLine,
          verify: { mode: verify, ...outcome.verification },
        };
        await writeOutputs(
          outDir,
          log,
          report,
          read,
          started,
          {
            stopped: outcome.stopped,
            failures: outcome.failures,
            verify: report.run.verify,
          },
          platform.accountUrl?.bind(platform),
        );
        // A refused token or a platform gone mid-run: the reports are written, the command stops as it says.
        if (outcome.fatal) throw outcome.fatal;
        return {
          report,
          outDir,
          exitCode: reportIsClean(report) ? 0 : 1,
          stopped: outcome.stopped,
          ...(platform.mode === undefined ? {} : { platformMode: platform.mode }),
        };
      } finally {
        journal.close();
      }
    } finally {
      lock.release();
    }
  } finally {
    await platform.close();
  }
}
