import type { Command } from "commander";
import { Option } from "commander";
import type { CommandResult, SheetCommandOptions } from "../commands/check-sheet.js";
import { testRunCommand } from "../commands/test-run.js";
import { defaultLimits } from "../input/limits.js";
import type { DecryptOptions } from "../input/read-input.js";
import { worstExitCode, type FileOutcome } from "../report/json.js";
import type { Mode } from "../report/report.js";
import { scriptNames, type Lang } from "../scripts/index.js";
import type { CountryCode } from "libphonenumber-js";
import { MdimportError } from "../shared/errors.js";
import { printable, printableLines } from "../shared/printable.js";
import {
  addPlatformOptions,
  decryptOptions,
  type DecryptCliOptions,
  langOption,
  parsePhoneRegion,
  parseWhole,
  platformOptions,
  type PlatformCliOptions,
  withProfile,
} from "./options.js";
import { debugging, type CliScope } from "./scope.js";
import {
  formats,
  progressReporter,
  renderOutcomes,
  renderTerminalSummary,
  useColour,
  type Format,
} from "./terminal.js";

// The sheet commands: the builder of the options they share, the runner that prints their
// outcomes, and test-run, which has nothing of its own. validate (many files) and run (signals,
// the resume line) are validate-command.ts and run-command.ts.

export interface SheetCliOptions extends DecryptCliOptions {
  phoneRegion?: CountryCode;
  maxRatio?: number;
  maxSize?: number;
  encryptReportTo?: string[];
  plainReport?: boolean;
  script?: string;
  allSheets?: boolean;
  format: Format;
  sheet?: string;
  out?: string;
  lang: Lang;
  debug?: boolean;
}

/** Adds a sheet command (validate, test-run, run) with the options they share: the input, its script, sheet and decryption, the limits, the reports. */
export const addSheetCommand = (
  program: Command,
  name: string,
  description: string,
  input = "<input>",
  inputHelp = "the .xlsx workbook, plain or OpenPGP-encrypted",
) =>
  program
    .command(name)
    .description(description)
    .argument(input, inputHelp)
    .option("--script <script>", `one of ${scriptNames.join(", ")} (default: recognised from the sheet's headers)`)
    .addOption(
      new Option(
        "--format <format>",
        "what goes to stdout: text (a summary), json (one JSON document), junit (JUnit XML)",
      )
        .choices(formats)
        .default("text"),
    )
    .option("--sheet <name>", "the sheet to read (default: the first)")
    .option(
      "--all-sheets",
      "read every visible sheet, each with the script its headers fit, planned together and approved together; run carries them out accounts first, then relations (not with --sheet or --script)",
    )
    .option("--out <dir>", "the folder for the reports (default: a new folder under mdimport-out/)")
    .addOption(langOption())
    .option(
      "--key <file>",
      "the private key the input was encrypted to (armored or binary); its passphrase from MDIMPORT_PASSPHRASE or --passphrase-file",
    )
    .option("--passphrase-file <file>", "a file holding the private key's passphrase")
    .option("--password-file <file>", "a file holding the password of a password-encrypted input")
    .option("--verify-key <file>", "the sender's public key: the input must carry a valid signature by it")
    .option(
      "--max-ratio <n>",
      `largest ratio of a workbook part's inflated to packed size (default ${defaultLimits.maxCompressionRatio})`,
      parseWhole,
    )
    .option(
      "--max-size <MiB>",
      `largest inflated size of the workbook's parts together, in MiB (default ${defaultLimits.maxTotalBytes / 1024 ** 2})`,
      parseWhole,
    )
    .option(
      "--encrypt-report-to <file>",
      "a requester's public key (repeatable): report.xlsx is written only encrypted (report.xlsx.gpg), to each",
      (file: string, files: string[] = []) => [...files, file],
    )
    .addOption(
      new Option(
        "--plain-report",
        "write report.xlsx of an encrypted input unencrypted all the same (with a warning)",
      ).conflicts("encryptReportTo"),
    )
    .option(
      "--phone-region <code>",
      "the country of phone numbers without a country code, e.g. NL, DE, BE (default: the sheet's language: German headers DE, else NL)",
      parsePhoneRegion,
    )
    .option("--debug", "show stack traces of errors");

/** Runs sheet commands in a scope and prints their outcomes. */
export function sheetRunner(scope: CliScope) {
  const { context, setExit } = scope;
  /**
   * Runs a sheet command on one file, with progress on a terminal. The text format prints its
   * summary here; the machine formats print every file's outcome at the end (finishSheets).
   * With one file in the text format an error stops the command as always; otherwise it
   * becomes that file's outcome, said on stderr, and the other files go on.
   */
  const sheetOutcome = async (
    options: SheetCliOptions,
    input: string,
    command: (common: SheetCommandOptions) => Promise<CommandResult>,
    many = false,
    decrypted?: DecryptOptions,
  ): Promise<FileOutcome> => {
    const debug = debugging(scope, options);
    const progress = progressReporter(context, context.env);
    try {
      const decrypt = decrypted ?? (await decryptOptions(options, context.env));
      const result = await command({
        decrypt,
        ...(options.encryptReportTo ? { encryptReportTo: options.encryptReportTo } : {}),
        ...(options.plainReport ? { plainReport: true } : {}),
        onWarning: (sentence: string) => context.stderr.write(`mdimport: warning: ${sentence}\n`),
        onNote: (sentence: string) => context.stderr.write(`mdimport: note: ${printable(sentence)}\n`),
        input,
        ...(options.script === undefined ? {} : { script: options.script }),
        ...(options.allSheets ? { allSheets: true } : {}),
        lang: options.lang,
        cwd: context.cwd,
        now: context.now,
        debug,
        ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
        ...(options.out === undefined ? {} : { out: options.out }),
        ...(options.phoneRegion === undefined ? {} : { phoneRegion: options.phoneRegion }),
        limits: {
          ...(options.maxRatio === undefined ? {} : { maxCompressionRatio: options.maxRatio }),
          ...(options.maxSize === undefined
            ? {}
            : {
                maxTotalBytes: options.maxSize * 1024 ** 2,
                maxEntryBytes: Math.min(options.maxSize * 1024 ** 2, defaultLimits.maxEntryBytes),
              }),
        },
        ...(progress ? { onProgress: (rows: number) => progress.update(rows) } : {}),
      });
      progress?.end();
      // Only the text format prints on stdout as it goes; machine output keeps stdout to its one document.
      const text = options.format === "text";
      if (text) {
        if (many) context.stdout.write(`file: ${printable(input)}\n`);
        context.stdout.write(
          renderTerminalSummary(result.report, result.outDir, useColour(context.stdout, context.env)),
        );
      }
      if (result.platformMode !== undefined) {
        (text ? context.stdout : context.stderr).write(
          `platform ${result.report.platform ?? ""}: ${result.platformMode === null ? "production" : `mode ${result.platformMode}`}\n`,
        );
      }
      return { file: input, exitCode: result.exitCode, report: result.report, outDir: result.outDir };
    } catch (error) {
      progress?.end();
      if (options.format === "text" && !many) throw error;
      return failedOutcome(input, error, many, debug);
    }
  };

  /** A file that could not be checked: its one sentence on stderr (named, when there are several), and its exit code. */
  const failedOutcome = (input: string, error: unknown, many: boolean, debug: boolean): FileOutcome => {
    const known = error instanceof MdimportError;
    const sentence = known ? error.message : `unexpected error: ${(error as Error).message ?? String(error)}`;
    context.stderr.write(`mdimport: ${many ? `${printable(input)}: ` : ""}${printable(sentence)}\n`);
    if (debug) context.stderr.write(`${printableLines((error as Error).stack ?? "")}\n`);
    return { file: input, exitCode: known ? error.exitCode : 70, error: sentence };
  };

  /** Prints the machine document (json, junit), or for several files in the text format a closing line; the exit code is the worst. */
  const finishSheets = (outcomes: FileOutcome[], mode: Mode, format: Format, many: boolean): void => {
    context.stdout.write(renderOutcomes(outcomes, mode, format, many));
    setExit(worstExitCode(outcomes));
  };

  /** Runs a sheet command on its one input, and prints what it gives. */
  const runSheetCommand = async (
    options: SheetCliOptions,
    input: string,
    command: (common: SheetCommandOptions) => Promise<CommandResult>,
    mode: Mode,
    adjust?: (outcome: FileOutcome) => FileOutcome,
  ): Promise<void> => {
    const outcome = await sheetOutcome(options, input, command);
    finishSheets([adjust ? adjust(outcome) : outcome], mode, options.format, false);
  };
  return { sheetOutcome, failedOutcome, finishSheets, runSheetCommand };
}

export type SheetRunner = ReturnType<typeof sheetRunner>;

/** test-run: every row planned against the platform; nothing changed. */
export function addTestRunCommand(scope: CliScope, runner: SheetRunner): void {
  const { program, context } = scope;
  addPlatformOptions(
    addSheetCommand(
      program,
      "test-run",
      "plan every row against the platform and report what would happen; changes nothing",
    ),
  ).action(async (input: string, given: SheetCliOptions & PlatformCliOptions, command: Command) => {
    const options = withProfile(given, command, context);
    const platform = await platformOptions(options, context.env, debugging(scope, options), context.stderr);
    await runner.runSheetCommand(options, input, (common) => testRunCommand({ ...common, ...platform }), "test-run");
  });
}
