import { createRequire } from "node:module";
import { Command, CommanderError } from "commander";
import { MdimportError } from "../shared/errors.js";
import { printable, printableLines } from "../shared/printable.js";
import { addCompletionCommand, addEncryptCommand, addTemplateCommand } from "./other-commands.js";
import { addPlatformCommands } from "./platform-commands.js";
import { addRunCommand } from "./run-command.js";
import type { CliContext, CliScope } from "./scope.js";
import { addTestRunCommand, sheetRunner } from "./sheet-commands.js";
import { addValidateCommand } from "./validate-command.js";
import { checkUnknownOptions, explainOptionValues } from "./usage.js";

// The commands that need exceljs (templates), openpgp (encrypt) or the local store (platform)
// are imported when they run: exceljs alone costs a quarter of a second at every start.

export type { CliContext } from "./scope.js";

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };

/** Declares the commands and options; each action calls a command function and prints. */
export function buildProgram(
  context: CliContext,
  setExit: (code: number) => void,
  argv: readonly string[] = [],
): Command {
  const program = new Command("mdimport")
    .description("Bulk account work on a Minddistrict platform from (encrypted) Excel sheets: validate, test-run, run.")
    .version(version)
    .option("--debug", "show stack traces of errors")
    .exitOverride()
    // Commander's own errors quote the arguments as given; they may hold control characters.
    .configureOutput({
      writeOut: (s) => context.stdout.write(s),
      writeErr: (s) => context.stderr.write(printableLines(s)),
    })
    .showSuggestionAfterError(true);

  const scope: CliScope = { program, context, setExit, argv };
  // The order here is the order of --help and of the completion scripts.
  addTemplateCommand(scope);
  const runner = sheetRunner(scope);
  addValidateCommand(scope, runner);
  addTestRunCommand(scope, runner);
  addRunCommand(scope, runner);
  addEncryptCommand(scope);
  addPlatformCommands(scope);
  addCompletionCommand(scope);
  return program;
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
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0
        ? 0
        : 2;
    }
    // A message may quote a sheet name, a header or a file name: nothing in it may drive the terminal.
    if (error instanceof MdimportError) {
      context.stderr.write(`mdimport: ${printable(error.message)}\n`);
      if (debug) context.stderr.write(`${printableLines(error.stack ?? "")}\n`);
      return error.exitCode;
    }
    const message = printable((error as Error).message ?? String(error));
    context.stderr.write(
      `mdimport: unexpected error: ${message}${debug ? "" : " (run again with --debug for details)"}\n`,
    );
    if (debug) context.stderr.write(`${printableLines((error as Error).stack ?? "")}\n`);
    return 70;
  }
}
