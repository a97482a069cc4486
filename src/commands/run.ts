import { readInput } from "../input/read-input.js";
import { openWorkbookWhile } from "../input/workbook-thread.js";
import { analyseWorkbook } from "../pipeline/analyse.js";
import { checkApproval, readApproval } from "../pipeline/approval.js";
import { executeRows } from "../pipeline/execute.js";
import { Journal } from "../pipeline/journal.js";
import { planners, snapshotNeeds, type Operation } from "../pipeline/plan.js";
import { defaultConcurrency, openPlatform, platformName, type PlatformOptions } from "../platform/open.js";
import { settleExistingLinks } from "../pipeline/relations.js";
import { PlatformIndex } from "../platform/platform.js";
import { reportEncryption } from "../report/encryption.js";
import { writeReports } from "../report/write-reports.js";
import { buildReport, reportIsClean } from "../report/report.js";
import { getScript } from "../scripts/index.js";
import { UsageError } from "../shared/errors.js";
import { createFileLogger } from "../shared/log.js";
import { makeOutDir } from "../shared/out-dir.js";
import { workbookOptions, type CommandResult, type SheetCommandOptions } from "./check-sheet.js";

export interface RunOptions extends SheetCommandOptions, Omit<PlatformOptions, "cwd"> {
  approved: string;
  welcomeMail?: "yes" | "no";
  maxFailures?: number;
  /** The explicit acknowledgement that a platform in production mode is meant. */
  production?: boolean;
}

/** A few refusals are the platform's to give; more in one run point at a cause to fix first. */
export const defaultMaxFailures = 10;

/**
 * `mdimport run`: carries out exactly what the approved test run showed. Every row is planned
 * again against the live platform; rows whose outcome changed are not carried out; every
 * action is journaled so that an interrupted run, started again with the same --out, does
 * nothing twice.
 */
export async function runCommand(options: RunOptions): Promise<CommandResult> {
  const script = getScript(options.script);
  if ((script.name === "new-clients" || script.name === "new-professionals") && !options.welcomeMail) {
    throw new UsageError(
      `run of ${script.name} needs --welcome-mail yes or --welcome-mail no: the organisation must have said whether welcome e-mails may be sent.`,
    );
  }
  const approval = await readApproval(options.approved);
  const started = options.now();
  const input = await readInput(options.input, options.decrypt);
  const reportKey = await reportEncryption({ ...options, encrypted: input.encrypted });
  // Checked before the platform is opened: a refused run changes nothing, not even a new store file.
  checkApproval(approval, { script: script.name, sha256: input.sha256, platform: platformName(options) });
  const platform = await openPlatform(options);
  try {
    if (platform.mode === null && !options.production) {
      throw new UsageError(
        `The platform ${platform.name} reports that it is a production platform: give --production to confirm that this run is meant for it.`,
      );
    }
    const outDir = makeOutDir(options.cwd, options.out, script.name, started);
    const log = createFileLogger(outDir, options.debug ?? false);
    const journal = Journal.open(outDir, { script: script.name, sha256: input.sha256, platform: platform.name });
    try {
      journal.write({
        type: "run",
        time: started.toISOString(),
        script: script.name,
        sha256: input.sha256,
        platform: platform.name,
        welcome_mail: options.welcomeMail ?? null,
      });
      log.info(
        {
          command: "run",
          script: script.name,
          platform: platform.name,
          platform_mode: platform.mode,
          sha256: input.sha256,
          resumed_rows: journal.earlier.size,
          welcome_mail: options.welcomeMail ?? null,
        },
        "run started",
      );
      // The workbook's reader opens the workbook on its own thread while the snapshot is taken.
      const { workbook, result: index } = await openWorkbookWhile(
        input.bytes,
        workbookOptions(options),
        async () => new PlatformIndex(await platform.snapshot(snapshotNeeds[script.name])),
      );
      const plan = planners[script.name];
      const operations = new Map<number, Operation>();
      const analysis = await analyseWorkbook(workbook, {
        script,
        config: index.config,
        context: { today: started.toISOString().slice(0, 10) },
        plan: (values, row) => {
          const planned = plan(values, index);
          const operation = planned.operation ?? planned.resume;
          if (operation) operations.set(row, operation);
          return planned;
        },
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      await settleExistingLinks(analysis.results, operations, platform);
      const outcome = await executeRows(analysis.results, operations, {
        platform,
        journal,
        approval,
        maxFailures: options.maxFailures ?? defaultMaxFailures,
        concurrency: options.concurrency ?? defaultConcurrency,
        activate: { welcomeMail: options.welcomeMail ?? "no" },
        now: options.now,
      });
      const report = buildReport(analysis, {
        mode: "run",
        script,
        lang: options.lang,
        now: started,
        sha256: input.sha256,
        sheet: workbook.sheet.name,
        platform: platform.name,
      });
      report.run = { welcome_mail: options.welcomeMail ?? null, stopped: outcome.stopped, failures: outcome.failures };
      await writeReports(outDir, report, analysis.texts, reportKey);
      log.info({ summary: report.summary, stopped: outcome.stopped, failures: outcome.failures, ms: Date.now() - started.getTime() }, "run finished");
      log.flush();
      return {
        report,
        outDir,
        exitCode: reportIsClean(report) ? 0 : 1,
        ...(platform.mode === undefined ? {} : { platformMode: platform.mode }),
      };
    } finally {
      journal.close();
    }
  } finally {
    await platform.close();
  }
}
