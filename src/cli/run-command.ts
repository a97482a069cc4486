import type { Command } from "commander";
import { Option } from "commander";
import { defaultMaxFailures, runCommand } from "../commands/run.js";
import type { ExecuteProgress } from "../pipeline/execute.js";
import { defaultVerify, parseVerify, type VerifyMode } from "../pipeline/verify.js";
import { defaultConcurrency } from "../platform/open.js";
import type { Report } from "../report/report.js";
import { printable } from "../shared/printable.js";
import type { WelcomeMailAnswers } from "../pipeline/journal.js";
import {
  addPlatformOptions,
  parseCount,
  parseWelcomeMail,
  parseWhole,
  platformOptions,
  type PlatformCliOptions,
  withProfile,
} from "./options.js";
import { completionWords } from "./usage.js";
import { debugging, type CliScope } from "./scope.js";
import { addSheetCommand, type SheetCliOptions, type SheetRunner } from "./sheet-commands.js";
import { runProgressReporter } from "./terminal.js";

/** run: what an approved test run showed, carried out; SIGINT/SIGTERM stop it cleanly, with the command that resumes. */
export function addRunCommand(scope: CliScope, runner: SheetRunner): void {
  const { program, context, setExit } = scope;
  const run = addSheetCommand(
    program,
    "run",
    "carry out exactly what an approved test run showed, against the live platform",
  )
    .requiredOption("--approved <file>", "the report.json of the approved test run")
    .addOption(
      completionWords(
        new Option(
          "--welcome-mail <answer>",
          "whether welcome e-mails may be sent (required for new-clients and new-professionals): yes or no, or per kind of account, e.g. clients=yes,professionals=no (a workbook needs an answer for each kind it creates)",
        ).argParser(parseWelcomeMail),
        ["yes", "no"],
      ),
    )
    .option(
      "--max-failures <n>",
      `stop cleanly once more rows than this have failed (default ${defaultMaxFailures})`,
      parseCount,
    )
    .option("--concurrency <n>", `rows carried out at once (default ${defaultConcurrency})`, parseWhole)
    .option(
      "--verify <n|all|none>",
      `read back what each write left and compare it with what was sent: the first N rows carried out and every row that needed a retry or a look-up, all rows, or none (default ${String(defaultVerify)})`,
      parseVerify,
    )
    .option("--production", "confirm a run against a platform whose API reports production mode");
  addPlatformOptions(run).action(
    async (
      input: string,
      given: SheetCliOptions &
        PlatformCliOptions & {
          approved: string;
          welcomeMail?: WelcomeMailAnswers;
          maxFailures?: number;
          production?: boolean;
          verify?: VerifyMode;
        },
      command: Command,
    ) => {
      const options = withProfile(given, command, context);
      const platform = await platformOptions(options, context.env, debugging(scope, options), context.stderr);
      // SIGINT/SIGTERM: no new row is started, the rows in flight finish, the reports are
      // written, and the command that resumes is shown. A second signal ends at once.
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (stop.signal.aborted) {
          process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
          process.kill(process.pid, signal);
          return;
        }
        context.stderr.write(
          `\nmdimport: ${signal}: finishing the rows in flight and writing the reports (again to stop at once)\n`,
        );
        stop.abort();
      };
      process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
      const progress = runProgressReporter(context, context.env);
      // For the tests only: a workbook's run kills itself at this step (e.g. `relations`, or
      // `done:1:3`), so that a resume from exactly there can be tested without timing.
      const killAt = context.env.MDIMPORT_TEST_KILL_AT;
      let stopped: string | null = null;
      let outDir = "";
      let report: Report | null = null;
      try {
        await runner.runSheetCommand(
          options,
          input,
          async (common) => {
            const result = await runCommand({
              ...common,
              ...platform,
              approved: options.approved,
              production: Boolean(options.production),
              signal: stop.signal,
              ...(progress ? { onRunProgress: (p: ExecuteProgress) => progress.update(p) } : {}),
              ...(options.welcomeMail ? { welcomeMail: options.welcomeMail } : {}),
              ...(killAt ? { onStep: (step: string) => step === killAt && process.kill(process.pid, "SIGKILL") } : {}),
              ...(options.maxFailures === undefined ? {} : { maxFailures: options.maxFailures }),
              ...(options.verify === undefined ? {} : { verify: options.verify }),
            });
            progress?.end();
            stopped = result.stopped;
            outDir = result.outDir ?? "";
            report = result.report;
            return result;
          },
          "run",
          (outcome) => (stopped === "interrupted" ? { ...outcome, exitCode: 130 } : outcome),
        );
      } finally {
        progress?.end();
        process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
      }
      const resume = printable(resumeCommand(scope.argv, outDir));
      if (stopped === "interrupted") {
        context.stderr.write(`mdimport: interrupted; the rows not tried are still planned. To resume: ${resume}\n`);
        setExit(130);
      } else if (stopped === "max_failures") {
        context.stderr.write(
          `mdimport: stopped after more than ${options.maxFailures ?? defaultMaxFailures} failed rows; fix the cause, then resume: ${resume}\n`,
        );
      } else if (stopped === "stored_differently") {
        context.stderr.write(
          `mdimport: ${storedDifferently(report)}; fix the cause (a setting of the platform?), then resume: ${resume}\n`,
        );
      }
      const finished = report as Report | null;
      if (finished?.run?.verify.mode === "none") {
        context.stderr.write(
          "mdimport: --verify none: nothing written was read back, so a field the platform did not store would go unnoticed.\n",
        );
      }
    },
  );
}

/** A shell word, quoted where it needs to be. */
const shellWord = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`);

/**
 * The command that resumes a run: the same arguments (argv as node gave it: node, script,
 * arguments), with --out added where the run chose its folder itself.
 */
/** Why a run stopped for a read-back that differed: the row and the names of the fields (never their values). */
function storedDifferently(report: Report | null): string {
  // A workbook's rows are in its sheets: a row is named with its sheet.
  const rows = report?.sheets
    ? report.sheets.flatMap((sheet) =>
        sheet.rows.map((row) => ({ ...row, where: `row ${row.row} of sheet "${printable(sheet.name)}"` })),
      )
    : (report?.rows ?? []).map((row) => ({ ...row, where: `row ${row.row}` }));
  const differs = rows.find((r) => r.reasons.some((x) => x.code === "stored_differently" && x.fields));
  const fields = differs?.reasons.find((x) => x.code === "stored_differently")?.fields ?? [];
  if (differs)
    return `stopped after ${differs.where}: the platform does not hold what was written for ${printable(fields.join(", "))} (stored_differently)`;
  const missing = rows.find(
    (r) => r.status === "failed" && r.reasons[0]?.code === "missing_on_platform" && r.md_id !== undefined,
  );
  return missing
    ? `stopped after ${missing.where}: the platform answered the write, but does not hold its outcome (missing_on_platform)`
    : "stopped: the platform does not hold what was written";
}

export function resumeCommand(argv: readonly string[], outDir: string): string {
  const args = argv.slice(2);
  const hasOut = args.some((a) => a === "--out" || a.startsWith("--out="));
  return ["mdimport", ...args, ...(hasOut ? [] : ["--out", outDir])].map(shellWord).join(" ");
}
