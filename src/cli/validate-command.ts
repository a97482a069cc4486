import { join } from "node:path";
import { expandInputs, reportFolderNames, validateCommand } from "../commands/validate.js";
import type { FileOutcome } from "../report/json.js";
import { makeOutDir } from "../shared/out-dir.js";
import { decryptOptions } from "./options.js";
import type { CliScope } from "./scope.js";
import { addSheetCommand, type SheetCliOptions, type SheetRunner } from "./sheet-commands.js";

/** validate: every row of one or more sheets checked, no platform needed. */
export function addValidateCommand(scope: CliScope, runner: SheetRunner): void {
  const { program, context } = scope;
  const { sheetOutcome, failedOutcome, finishSheets } = runner;
  addSheetCommand(
    program,
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
      if (many && options.out !== undefined)
        makeOutDir({ cwd: context.cwd, given: options.out, mode: "validate", defaultName: "" });
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
        const out =
          options.out === undefined ? undefined : many ? join(options.out, names[index] ?? "sheet") : options.out;
        const fileOptions: SheetCliOptions & { config?: string } = { ...options };
        if (out === undefined) delete fileOptions.out;
        else fileOptions.out = out;
        outcomes.push(
          await sheetOutcome(
            fileOptions,
            entry.file,
            (common) =>
              validateCommand({
                ...common,
                ...(noOutDir ? { noOutDir } : {}),
                ...(options.config === undefined ? {} : { config: options.config }),
              }),
            many,
            decrypt,
          ),
        );
      }
      finishSheets(outcomes, "validate", options.format, many);
    });
}
