import { readdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { defaultPlatformConfig, readPlatformConfig } from "../platform/config.js";
import { getScript } from "../scripts/index.js";
import { InputError } from "../shared/errors.js";
import { fsReason } from "../shared/safe-fs.js";
import { checkAllSheetsOptions, checkWorkbook } from "./check-workbook.js";
import { checkSheet, configOnly, type CommandResult, type SheetCommandOptions } from "./check-sheet.js";

export type { CommandResult };

export interface ValidateOptions extends SheetCommandOptions {
  config?: string;
}

/**
 * `mdimport validate`: every check that needs no platform. Reads the sheet, checks each
 * row and the duplicates between them, and writes the reports.
 */
export async function validateCommand(options: ValidateOptions): Promise<CommandResult> {
  if (options.allSheets) checkAllSheetsOptions(options);
  const scriptDef = options.script === undefined ? undefined : getScript(options.script);
  const config = options.config ? await readPlatformConfig(options.config) : defaultPlatformConfig;
  if (options.allSheets) return checkWorkbook(options, "validate", null, config);
  return checkSheet(options, "validate", scriptDef, null, () => configOnly(config));
}

/** The names a folder's sheets may have: a workbook, or one encrypted (the content decides which it is). */
export const SHEET_NAME = /\.(xlsx|gpg|pgp|asc)$/i;

/** One input of `validate`, as found: a file to read, or a folder that gave none. */
export interface InputEntry {
  file: string;
  error?: InputError;
}

/**
 * The files `validate` reads, in order: each file argument as it is (reading it says what is
 * wrong with it), and for each folder its regular files whose names end in .xlsx, .gpg, .pgp or
 * .asc, sorted by name, not recursively. Hidden files and Excel's lock files (~$name.xlsx) are
 * passed over. `many` says whether there may be more than one report: then each gets a folder
 * of its own under --out.
 */
export function expandInputs(inputs: readonly string[], cwd: string): { entries: InputEntry[]; many: boolean } {
  const entries: InputEntry[] = [];
  let folders = 0;
  for (const input of inputs) {
    const path = resolve(cwd, input);
    if (!isFolder(path)) {
      entries.push({ file: input });
      continue;
    }
    folders++;
    let names: string[];
    try {
      names = readdirSync(path);
    } catch (error) {
      entries.push({
        file: input,
        error: new InputError(`Cannot read the folder ${input}: ${fsReason(error)}.`, { cause: error }),
      });
      continue;
    }
    const sheets = names
      .filter(
        (name) => SHEET_NAME.test(name) && !name.startsWith(".") && !name.startsWith("~$") && isFile(join(path, name)),
      )
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (sheets.length === 0)
      entries.push({
        file: input,
        error: new InputError(`The folder ${input} holds no .xlsx, .gpg, .pgp or .asc file.`),
      });
    for (const name of sheets) entries.push({ file: join(input, name) });
  }
  return { entries, many: inputs.length > 1 || folders > 0 };
}

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * The report folder names of several inputs under one --out: each file's name without its
 * .xlsx/.gpg/.pgp/.asc endings, in letters, digits, ".", "_" and "-" only, made unique with
 * -2, -3, … ("a.xlsx" and "a.xlsx.gpg": "a" and "a-2").
 */
export function reportFolderNames(files: readonly string[]): string[] {
  const taken = new Set<string>();
  return files.map((file) => {
    let stem = basename(file);
    while (SHEET_NAME.test(stem) && stem.replace(SHEET_NAME, "") !== "") stem = stem.replace(SHEET_NAME, "");
    stem = stem.replace(/[^\p{L}\p{N}._-]+/gu, "_").replace(/^\.+/, "_") || "sheet";
    let name = stem;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${stem}-${n}`;
    taken.add(name.toLowerCase());
    return name;
  });
}
