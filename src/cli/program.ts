import { createRequire } from "node:module";
import { Argument, Command, CommanderError, Option } from "commander";
// The commands that need exceljs (templates), openpgp (encrypt) or the local store (platform)
// are imported when they run: exceljs alone costs a quarter of a second at every start.
import type { CommandResult, SheetCommandOptions } from "../commands/check-sheet.js";
import { defaultMaxFailures, runCommand } from "../commands/run.js";
import type { ExecuteProgress } from "../pipeline/execute.js";
import { defaultVerify, parseVerify, type VerifyMode } from "../pipeline/verify.js";
import type { Report } from "../report/report.js";
import { testRunCommand } from "../commands/test-run.js";
import { expandInputs, reportFolderNames, validateCommand } from "../commands/validate.js";
import { defaultConcurrency, defaultDb, defaultRate, defaultTimeoutSeconds } from "../platform/open.js";
import { defaultVariantPageSize, parseVariants, variantNames } from "../platform/serve/variants.js";
import { readPlatformConfig } from "../pipeline/platform-config.js";
import { renderRequestSummary, type RequestSummary } from "../platform/http/request-log.js";
import { checkRequestLimit } from "../platform/http/check.js";
import { defaultLimits } from "../input/limits.js";
import { langs, scriptNames, type Lang } from "../scripts/index.js";
import { phoneRegionOf } from "../scripts/fields.js";
import type { CountryCode } from "libphonenumber-js";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { DecryptOptions } from "../input/read-input.js";
import { InputError, MdimportError, UsageError } from "../shared/errors.js";
import { printable, printableLines } from "../shared/printable.js";
import { makeOutDir } from "../shared/out-dir.js";
import { worstExitCode, type FileOutcome } from "../report/json.js";
import type { Mode } from "../report/report.js";
import { formats, type Format } from "./terminal.js";
import { readReason } from "../shared/safe-fs.js";
import { progressReporter, renderOutcomes, renderTerminalSummary, runProgressReporter, type Streams, useColour } from "./terminal.js";
import { completionScript, type Shell, shells } from "./completion.js";
import { applyProfile, type Profile, profilesJson, profilesText, readProfiles, runTokenCommand } from "./profiles.js";
import { checkUnknownOptions, explainOptionValues } from "./usage.js";

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };

export interface CliContext extends Streams {
  cwd: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
}

interface SheetCliOptions {
  phoneRegion?: CountryCode;
  maxRatio?: number;
  maxSize?: number;
  encryptReportTo?: string[];
  plainReport?: boolean;
  key?: string;
  passphraseFile?: string;
  passwordFile?: string;
  verifyKey?: string;
  script?: string;
  allSheets?: boolean;
  format: Format;
  sheet?: string;
  out?: string;
  lang: Lang;
  debug?: boolean;
}

/** A passphrase comes from a file or the environment (MDIMPORT_PASSPHRASE), never from an argument. */
async function readPassphrase(file: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (!file) return env.MDIMPORT_PASSPHRASE;
  try {
    return (await readFile(file, "utf8")).replace(/\r?\n$/, "");
  } catch (error) {
    throw new InputError(`Cannot read the passphrase file ${basename(file)}: ${(error as Error).message}.`, { cause: error });
  }
}

/** The decryption options of a sheet command. */
async function decryptOptions(options: SheetCliOptions, env: NodeJS.ProcessEnv): Promise<DecryptOptions> {
  if (options.key && options.passwordFile) throw new UsageError("Give --key or --password-file, not both.");
  const passphrase = await readPassphrase(options.passphraseFile, env);
  return {
    ...(options.key ? { key: options.key } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
    ...(options.passwordFile ? { passwordFile: options.passwordFile } : {}),
    ...(options.verifyKey ? { verifyKey: options.verifyKey } : {}),
  };
}

/** A whole number of 0 or more, from an option. */
function parseCount(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`"${value}" is not a whole number of 0 or more.`);
  return number;
}

/** A number greater than 0, from an option. */
function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`"${value}" is not a number greater than 0.`);
  return number;
}

/** A whole number greater than 0, from an option. */
function parseWhole(value: string): number {
  const number = parseCount(value);
  if (number === 0) throw new UsageError(`"${value}" is not a whole number greater than 0.`);
  return number;
}

/** A country for --phone-region: a two-letter code libphonenumber knows, in any case. */
function parsePhoneRegion(value: string): CountryCode {
  const region = phoneRegionOf(value);
  if (!region) throw new UsageError(`--phone-region "${value}" is not a country code such as NL, DE or BE.`);
  return region;
}

/** A share from 0 to 1, from an option. */
function parseShare(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 1) throw new UsageError(`"${value}" is not a number from 0 to 1.`);
  return number;
}

/**
 * The API token comes from a file or the environment (MDIMPORT_TOKEN), never from an argument.
 * What is wrong with it is said in one sentence; the token itself is never shown.
 */
async function readToken(file: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  let token: string;
  const where = file ? `The token file ${basename(file)}` : "MDIMPORT_TOKEN";
  if (!file) {
    token = env.MDIMPORT_TOKEN?.trim() ?? "";
    if (!token) return undefined;
  } else {
    try {
      token = (await readFile(file, "utf8")).trim();
    } catch (error) {
      throw new InputError(`Cannot read the token file ${basename(file)}: ${readReason(error)}.`, { cause: error });
    }
    if (!token) throw new InputError(`The token file ${basename(file)} is empty.`);
  }
  return checkToken(token, where);
}

function checkToken(token: string, where: string): string {
  // NOTE: visible ASCII only, what an Authorization header can carry; fetch would refuse
  // anything else with the token in its message.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    const flaw = /\s/.test(token) ? "it has a line break or a space inside" : "it has characters other than ASCII letters, digits and punctuation";
    throw new InputError(`${where} holds more than a token: ${flaw}.`);
  }
  return token;
}

interface PlatformCliOptions {
  platform: string;
  db: string;
  tokenFile?: string;
  config?: string;
  rate?: number;
  concurrency?: number;
  timeout?: number;
  verbose?: boolean;
  /** The profile --platform NAME named (see profiles.ts), once applied. */
  profile?: Profile;
}

/** The API token: --token-file (given or the profile's), else the profile's token_command, else MDIMPORT_TOKEN. */
async function platformToken(options: PlatformCliOptions, env: NodeJS.ProcessEnv, debug: boolean): Promise<string | undefined> {
  const profile = options.profile;
  if (options.tokenFile || !profile?.tokenCommand) return readToken(options.tokenFile, env);
  return checkToken(await runTokenCommand(profile, { env, debug }), `The output of profile ${profile.name}'s token_command`);
}

/** The platform options of test-run, run and platform check, with the token read and the configuration parsed. */
async function platformOptions(options: PlatformCliOptions, env: NodeJS.ProcessEnv, debug: boolean, stderr?: NodeJS.WritableStream) {
  const http = options.platform !== "local";
  const token = http ? await platformToken(options, env, debug) : undefined;
  return {
    platform: options.platform,
    db: options.db,
    ...(token ? { token } : {}),
    // --verbose: the request summary on stderr when the platform is closed (over HTTP).
    ...(options.verbose && stderr ? { onRequestSummary: (summary: RequestSummary) => stderr.write(renderRequestSummary(summary)) } : {}),
    ...(options.config ? { config: await readPlatformConfig(options.config) } : {}),
    ...(options.rate === undefined ? {} : { rate: options.rate }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.timeout === undefined ? {} : { timeoutSeconds: options.timeout }),
  };
}

/** The options that choose and reach a platform. */
function addPlatformOptions(command: Command): Command {
  return command
    .option(
      "--platform <platform>",
      'the platform: "local" (the embedded one), https://HOST (Minddistrict API 2) or the name of a profile (see platform list)',
      "local",
    )
    .option("--db <file>", "the local platform's SQLite file", defaultDb)
    .option("--token-file <file>", "over HTTP: a file holding the API token (or set MDIMPORT_TOKEN)")
    .option("--config <file>", "over HTTP: the platform's settings (client_fields, details_protection), as in a state file")
    .option("--timeout <seconds>", `over HTTP: seconds before a request counts as failed (default ${defaultTimeoutSeconds})`, parsePositive)
    .option("--rate <n>", `over HTTP: requests per second, retries included (default ${defaultRate})`, parsePositive)
    .option("--verbose", "over HTTP: print the request summary on stderr at the end (requests by route and status, retries, 429 pauses)");
}

/** A repeatable option's values, in the order given. */
const collect = (value: string, previous: string[] = []) => [...previous, value];

interface EncryptCliOptions {
  to?: string[];
  passwordFile?: string;
  signKey?: string;
  passphraseFile?: string;
  armor?: boolean;
  out?: string;
  force?: boolean;
}

const langOption = () => new Option("--lang <lang>", "language of the requester's messages").choices(langs).default("nl");

/** Declares the commands and options; each action calls a command function and prints. */
export function buildProgram(context: CliContext, setExit: (code: number) => void, argv: readonly string[] = []): Command {
  const program = new Command("mdimport")
    .description("Bulk account work on a Minddistrict platform from (encrypted) Excel sheets: validate, test-run, run.")
    .version(version)
    .option("--debug", "show stack traces of errors")
    .exitOverride()
    // Commander's own errors quote the arguments as given; they may hold control characters.
    .configureOutput({ writeOut: (s) => context.stdout.write(s), writeErr: (s) => context.stderr.write(printableLines(s)) })
    .showSuggestionAfterError(true);

  program
    .command("template")
    .description("write an empty sheet for a script, with an explanation sheet and dropdowns")
    .argument("<script>", `one of ${scriptNames.join(", ")}`)
    .option("--out <file>", "where to write the template (default: <script>.<lang>.xlsx here)")
    .addOption(langOption())
    .option("--force", "replace a file of that name (without it, an existing file is never overwritten)")
    .option("--debug", "show stack traces of errors")
    .action(async (script: string, options: { out?: string; lang: Lang; force?: boolean }) => {
      const path = await (
        await import("../commands/template.js")
      ).templateCommand({
        script,
        lang: options.lang,
        cwd: context.cwd,
        force: Boolean(options.force),
        ...(options.out ? { out: options.out } : {}),
      });
      context.stdout.write(`template written: ${path}\n`);
      setExit(0);
    });

  const sheetCommand = (name: string, description: string, input = "<input>", inputHelp = "the .xlsx workbook, plain or OpenPGP-encrypted") =>
    program
      .command(name)
      .description(description)
      .argument(input, inputHelp)
      .option("--script <script>", `one of ${scriptNames.join(", ")} (default: recognised from the sheet's headers)`)
      .addOption(
        new Option("--format <format>", "what goes to stdout: text (a summary), json (one JSON document), junit (JUnit XML)")
          .choices(formats)
          .default("text"),
      )
      .option("--sheet <name>", "the sheet to read (default: the first)")
      .option(
        "--all-sheets",
        "read every visible sheet, each with the script its headers fit, planned together (not with --sheet or --script; run: not yet supported, carry out the sheets one by one)",
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
        new Option("--plain-report", "write report.xlsx of an encrypted input unencrypted all the same (with a warning)").conflicts(
          "encryptReportTo",
        ),
      )
      .option(
        "--phone-region <code>",
        "the country of phone numbers without a country code, e.g. NL, DE, BE (default: the sheet's language: German headers DE, else NL)",
        parsePhoneRegion,
      )
      .option("--debug", "show stack traces of errors");

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
    const debug = Boolean(program.opts().debug || options.debug);
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
            : { maxTotalBytes: options.maxSize * 1024 ** 2, maxEntryBytes: Math.min(options.maxSize * 1024 ** 2, defaultLimits.maxEntryBytes) }),
        },
        ...(progress ? { onProgress: (rows: number) => progress.update(rows) } : {}),
      });
      progress?.end();
      // Only the text format prints on stdout as it goes; machine output keeps stdout to its one document.
      const text = options.format === "text";
      if (text) {
        if (many) context.stdout.write(`file: ${printable(input)}\n`);
        context.stdout.write(renderTerminalSummary(result.report, result.outDir, useColour(context.stdout, context.env)));
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

  sheetCommand(
    "validate",
    "check every row of each sheet on its own and against the other rows; no platform needed",
    "<input...>",
    "the .xlsx workbooks, plain or OpenPGP-encrypted, and folders: every file in a folder (not in its subfolders) whose name ends in .xlsx, .gpg, .pgp or .asc, in name order",
  )
    .option("--config <file>", "the platform configuration (client_fields), as in a platform state file")
    .addHelpText(
      "after",
      `
Several inputs, or a folder: each file is checked on its own, its script recognised from its
headers unless --script is given, and decrypted with the same options. A folder gives its regular
files ending in .xlsx, .gpg, .pgp or .asc (any case; hidden files and Excel's ~$ lock files
passed over); what each file is, is told by its content. With --out DIR each file's reports go
into a folder of its own, DIR/<file name>; with --format json or junit and no --out no report
folder is written at all. A file that cannot be read is reported and the others go on; the exit
code is the worst of the files' (the highest: 5 > 4 > 3 > 2 > 1 > 0).

--format json prints {"format", "exit_code", "files": [{"file", "exit_code", "out", "report"}
or {"file", "exit_code", "error"}]}, the report as report.json holds it (no personal data);
--format junit prints JUnit XML, a <testsuite> per file, a <testcase> per row, a <failure> per row
that is invalid or a duplicate. Notes, warnings and errors go to stderr.`,
    )
    .action(async (inputs: string[], options: SheetCliOptions & { config?: string }) => {
      const { entries, many } = expandInputs(inputs, context.cwd);
      const decrypt = await decryptOptions(options, context.env);
      const names = reportFolderNames(entries.map((entry) => entry.file));
      if (many && options.out !== undefined) makeOutDir({ cwd: context.cwd, given: options.out, mode: "validate", defaultName: "" });
      const noOutDir = options.format !== "text" && options.out === undefined;
      if (noOutDir && options.encryptReportTo) {
        context.stderr.write(
          `mdimport: warning: --format ${options.format} without --out writes no report folder, so --encrypt-report-to has no report.xlsx to encrypt.\n`,
        );
      }
      const outcomes: FileOutcome[] = [];
      for (const [index, entry] of entries.entries()) {
        if (entry.error) {
          outcomes.push(failedOutcome(entry.file, entry.error, many, false));
          continue;
        }
        const out = options.out === undefined ? undefined : many ? join(options.out, names[index] ?? "sheet") : options.out;
        const fileOptions: SheetCliOptions & { config?: string } = { ...options };
        if (out === undefined) delete fileOptions.out;
        else fileOptions.out = out;
        outcomes.push(
          await sheetOutcome(
            fileOptions,
            entry.file,
            (common) =>
              validateCommand({ ...common, ...(noOutDir ? { noOutDir } : {}), ...(options.config === undefined ? {} : { config: options.config }) }),
            many,
            decrypt,
          ),
        );
      }
      finishSheets(outcomes, "validate", options.format, many);
    });

  /** --platform NAME: the profile's settings under the options the command line does not give. */
  const withProfile = <T extends SheetCliOptions & PlatformCliOptions>(options: T, command: Command): T =>
    applyProfile(options, (key) => !["default", undefined].includes(command.getOptionValueSource(key)), context.cwd, context.env);
  const debugging = (options: { debug?: boolean }) => Boolean(program.opts().debug || options.debug);

  addPlatformOptions(sheetCommand("test-run", "plan every row against the platform and report what would happen; changes nothing")).action(
    async (input: string, given: SheetCliOptions & PlatformCliOptions, command: Command) => {
      const options = withProfile(given, command);
      const platform = await platformOptions(options, context.env, debugging(options), context.stderr);
      await runSheetCommand(options, input, (common) => testRunCommand({ ...common, ...platform }), "test-run");
    },
  );

  const run = sheetCommand("run", "carry out exactly what an approved test run showed, against the live platform")
    .requiredOption("--approved <file>", "the report.json of the approved test run")
    .addOption(
      new Option("--welcome-mail <answer>", "whether welcome e-mails may be sent (required for new-clients and new-professionals)").choices([
        "yes",
        "no",
      ]),
    )
    .option("--max-failures <n>", `stop cleanly once more rows than this have failed (default ${defaultMaxFailures})`, parseCount)
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
        PlatformCliOptions & { approved: string; welcomeMail?: "yes" | "no"; maxFailures?: number; production?: boolean; verify?: VerifyMode },
      command: Command,
    ) => {
      const options = withProfile(given, command);
      const platform = await platformOptions(options, context.env, debugging(options), context.stderr);
      // SIGINT/SIGTERM: no new row is started, the rows in flight finish, the reports are
      // written, and the command that resumes is shown. A second signal ends at once.
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (stop.signal.aborted) {
          process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
          process.kill(process.pid, signal);
          return;
        }
        context.stderr.write(`\nmdimport: ${signal}: finishing the rows in flight and writing the reports (again to stop at once)\n`);
        stop.abort();
      };
      process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
      const progress = runProgressReporter(context, context.env);
      let stopped: string | null = null;
      let outDir = "";
      let report: Report | null = null;
      try {
        await runSheetCommand(
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
      const resume = printable(resumeCommand(argv, outDir));
      if (stopped === "interrupted") {
        context.stderr.write(`mdimport: interrupted; the rows not tried are still planned. To resume: ${resume}\n`);
        setExit(130);
      } else if (stopped === "max_failures") {
        context.stderr.write(
          `mdimport: stopped after more than ${options.maxFailures ?? defaultMaxFailures} failed rows; fix the cause, then resume: ${resume}\n`,
        );
      } else if (stopped === "stored_differently") {
        context.stderr.write(`mdimport: ${storedDifferently(report)}; fix the cause (a setting of the platform?), then resume: ${resume}\n`);
      }
      const finished = report as Report | null;
      if (finished?.run?.verify.mode === "none") {
        context.stderr.write("mdimport: --verify none: nothing written was read back, so a field the platform did not store would go unnoticed.\n");
      }
    },
  );

  program
    .command("encrypt")
    .description("encrypt a sheet to the developer's public keys and/or with a password (and sign it), for the organisation that sends it")
    .argument("<file>", "the file to encrypt, usually an .xlsx workbook")
    .option("--to <file>", "a recipient's public key, armored or binary (repeatable: the developer and a colleague)", collect)
    .option("--password-file <file>", "a file holding a password that opens the file too (symmetric; with or without --to)")
    .option("--sign-key <file>", "the sender's private key, to sign with; its passphrase from MDIMPORT_PASSPHRASE or --passphrase-file")
    .option("--passphrase-file <file>", "a file holding the signing key's passphrase")
    .option("--armor", "write ASCII-armored text instead of binary (default name <file>.asc)")
    .option("--out <file>", "where to write (default: <file>.gpg, or <file>.asc with --armor)")
    .option("--force", "replace a file of that name (without it, an existing file is never overwritten)")
    .option("--debug", "show stack traces of errors")
    .action(async (file: string, options: EncryptCliOptions) => {
      const passphrase = await readPassphrase(options.passphraseFile, context.env);
      const path = await (
        await import("../commands/encrypt.js")
      ).encryptCommand({
        file,
        to: options.to ?? [],
        cwd: context.cwd,
        armor: Boolean(options.armor),
        force: Boolean(options.force),
        ...(options.passwordFile ? { passwordFile: options.passwordFile } : {}),
        ...(options.signKey ? { signKey: options.signKey } : {}),
        ...(passphrase !== undefined ? { passphrase } : {}),
        ...(options.out ? { out: options.out } : {}),
      });
      context.stdout.write(`encrypted: ${path}\n`);
      setExit(0);
    });

  const platform = program
    .command("platform")
    .description("the embedded local platform: load a state, dump it, serve it as API 2; and the platform profiles");
  platform
    .command("load")
    .description("add the accounts and relations of a state file to the local platform (all or nothing)")
    .argument("<state>", "a state JSON file (config, clients, professionals, relations)")
    .option("--db <file>", "the local platform's SQLite file", defaultDb)
    .action(async (state: string, options: { db: string }) => {
      const loaded = await (await import("../commands/platform.js")).platformLoadCommand(state, { db: options.db, cwd: context.cwd });
      context.stdout.write(
        `loaded ${loaded.clients} clients, ${loaded.professionals} professionals, ${loaded.relations} relations into ${options.db}\n`,
      );
      setExit(0);
    });
  platform
    .command("init")
    .description("make an empty local platform with a platform ID of its own (an existing one is left as it is)")
    .option("--db <file>", "the local platform's SQLite file", defaultDb)
    .action(async (options: { db: string }) => {
      const id = await (await import("../commands/platform.js")).platformInitCommand({ db: options.db, cwd: context.cwd });
      context.stdout.write(`local platform ${options.db}: platform ID ${id}\n`);
      setExit(0);
    });
  platform
    .command("dump")
    .description("print the local platform's whole state as JSON, sorted")
    .option("--db <file>", "the local platform's SQLite file", defaultDb)
    .action(async (options: { db: string }) => {
      context.stdout.write(await (await import("../commands/platform.js")).platformDumpCommand({ db: options.db, cwd: context.cwd }));
      setExit(0);
    });
  platform
    .command("check")
    .description(
      `read-only: which of the API assumptions hold on a platform (the route table, entry by entry); at most ${checkRequestLimit} requests over HTTP (retries aside), nothing written`,
    )
    .option(
      "--platform <platform>",
      'the platform: "local" (the embedded one), https://HOST (Minddistrict API 2) or the name of a profile (see platform list)',
      "local",
    )
    .option("--db <file>", "the local platform's SQLite file", defaultDb)
    .option("--token-file <file>", "over HTTP: a file holding the API token (or set MDIMPORT_TOKEN)")
    .option("--timeout <seconds>", `over HTTP: seconds before a request counts as failed (default ${defaultTimeoutSeconds})`, parsePositive)
    .option("--rate <n>", `over HTTP: requests per second, retries included (default ${defaultRate})`, parsePositive)
    .option("--verbose", "over HTTP: print the request summary on stderr at the end (requests by route and status, retries, 429 pauses)")
    .option("--json", "print the table as JSON, for machines")
    .option("--debug", "show stack traces of errors")
    .action(async (given: PlatformCliOptions & { json?: boolean; debug?: boolean }, command: Command) => {
      const options = applyProfile(given, (key) => !["default", undefined].includes(command.getOptionValueSource(key)), context.cwd, context.env);
      const check = await import("../commands/platform-check.js");
      const platform = await platformOptions(options, context.env, debugging(options), context.stderr);
      const result = await check.platformCheckCommand({ ...platform, cwd: context.cwd });
      context.stdout.write(options.json ? check.platformCheckJson(result) : check.renderPlatformCheck(result));
      setExit(result.exitCode);
    });
  platform
    .command("list")
    .description("the platform profiles --platform NAME can name, and where each one's token comes from (never a token)")
    .option("--json", "print them as one JSON document")
    .action((options: { json?: boolean }) => {
      const found = readProfiles(context.cwd, context.env);
      context.stdout.write(printableLines(options.json ? profilesJson(found) : profilesText(found)));
      setExit(0);
    });
  platform
    .command("serve")
    .description("answer the Minddistrict API 2 routes mdimport uses over the local platform, with latency, faults and a rate limit")
    .option("--db <file>", "the local platform's SQLite file", defaultDb)
    .option("--port <n>", "the port on 127.0.0.1 (0 picks a free one)", parseCount, 0)
    .option("--token <token>", "the one token accepted (Authorization: md-token TOKEN)", "local-dev-token")
    .option("--latency <ms>", "milliseconds every answer waits", parseCount, 0)
    .option("--fail-rate <p>", "share of requests (0 to 1) answered 503 or with a dropped connection", parseShare, 0)
    .option("--rate-limit <n>", "requests per second beyond which the answer is 429 with Retry-After (0: none)", parseCount, 0)
    .option("--seed <n>", "seed of the fault dice, to repeat a run of faults", parseCount, 1)
    .option("--mode <mode>", 'the mode GET /api/2 reports; "production" plays a production platform (mode null)', "training")
    .option("--variant <names>", `play another plausible platform: ${variantNames.join(", ")} (comma-separated)`)
    .option("--page-size <n>", "accounts per list page under --variant paged", parseCount, defaultVariantPageSize)
    .action(
      async (options: {
        db: string;
        port: number;
        token: string;
        latency: number;
        failRate: number;
        rateLimit: number;
        seed: number;
        mode: string;
        variant?: string;
        pageSize: number;
      }) => {
        if (options.port > 65535) throw new UsageError(`--port ${options.port} is not a port number.`);
        const { variant, pageSize, ...serve } = options;
        const variants = parseVariants(variant, pageSize);
        const running = await (
          await import("../commands/platform.js")
        ).platformServeCommand({ ...serve, variants, mode: options.mode === "production" ? null : options.mode, cwd: context.cwd });
        context.stdout.write(`listening on ${running.url}\n`);
        await new Promise<void>((resolve) => {
          process.once("SIGTERM", resolve);
          process.once("SIGINT", resolve);
        });
        await running.stop();
        context.stderr.write("mdimport platform serve: stopped\n");
        setExit(0);
      },
    );
  program
    .command("completion")
    .description("print a completion script for bash, zsh or fish (made from this program's commands and options)")
    .addArgument(
      new Argument("<shell>", "bash, zsh or fish").choices(shells).argParser((value: string) => {
        const shell = shells.find((s) => s === value.toLowerCase());
        if (!shell) throw new UsageError(`argument shell: "${value}" is not one of ${shells.join(", ")}.`);
        return shell;
      }),
    )
    .action((shell: Shell) => {
      context.stdout.write(completionScript(program, shell));
      setExit(0);
    });
  return program;
}

/** A shell word, quoted where it needs to be. */
const shellWord = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`);

/**
 * The command that resumes a run: the same arguments (argv as node gave it: node, script,
 * arguments), with --out added where the run chose its folder itself.
 */
/** Why a run stopped for a read-back that differed: the row and the names of the fields (never their values). */
function storedDifferently(report: Report | null): string {
  const rows = report?.rows ?? [];
  const differs = rows.find((r) => r.reasons.some((x) => x.code === "stored_differently" && x.fields));
  const fields = differs?.reasons.find((x) => x.code === "stored_differently")?.fields ?? [];
  if (differs)
    return `stopped after row ${differs.row}: the platform does not hold what was written for ${printable(fields.join(", "))} (stored_differently)`;
  const missing = rows.find((r) => r.status === "failed" && r.reasons[0]?.code === "missing_on_platform" && r.md_id !== undefined);
  return missing
    ? `stopped after row ${missing.row}: the platform answered the write, but does not hold its outcome (missing_on_platform)`
    : "stopped: the platform does not hold what was written";
}

export function resumeCommand(argv: readonly string[], outDir: string): string {
  const args = argv.slice(2);
  const hasOut = args.some((a) => a === "--out" || a.startsWith("--out="));
  return ["mdimport", ...args, ...(hasOut ? [] : ["--out", outDir])].map(shellWord).join(" ");
}

/** Runs the CLI and returns the exit code; errors become one sentence, stacks only with --debug. */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(context, (code) => (exitCode = code), argv);
  const debug = argv.includes("--debug");
  try {
    explainOptionValues(program);
    checkUnknownOptions(program, argv.slice(2));
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0 ? 0 : 2;
    }
    // A message may quote a sheet name, a header or a file name: nothing in it may drive the terminal.
    if (error instanceof MdimportError) {
      context.stderr.write(`mdimport: ${printable(error.message)}\n`);
      if (debug) context.stderr.write(`${printableLines(error.stack ?? "")}\n`);
      return error.exitCode;
    }
    const message = printable((error as Error).message ?? String(error));
    context.stderr.write(`mdimport: unexpected error: ${message}${debug ? "" : " (run again with --debug for details)"}\n`);
    if (debug) context.stderr.write(`${printableLines((error as Error).stack ?? "")}\n`);
    return 70;
  }
}
