import type { SheetRow } from "../input/cells.js";
import { findHeaderRow } from "../input/headers.js";
import type { Workbook } from "../input/workbook.js";
import { InputError, UsageError } from "../shared/errors.js";
import { recogniseScript } from "./recognise.js";
import type { ScriptDef } from "./script.js";

/**
 * No script fits a sheet's headers. `resembles`: the headers name enough of the closest script's
 * columns that the sheet is meant as one (a clients sheet lacking one column), not notes or an
 * explanation sheet; `--all-sheets` refuses such a sheet rather than pass it over.
 */
export class NoScriptFits extends InputError {
  constructor(
    message: string,
    readonly closest: ScriptDef,
    readonly missing: readonly string[],
    readonly resembles: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** At least this many of the closest script's columns, and no more missing than found: a sheet meant as that script's. */
const RESEMBLES_FROM = 2;

/** A workbook whose script was recognised from its headers, ready to be read from its first row. */
export interface RecognisedWorkbook {
  workbook: Workbook;
  script: ScriptDef;
  /** The header row that told. */
  headerRow: number;
}

/**
 * Reads a workbook's first rows until its header row tells the script (see recogniseScript),
 * and gives back a workbook that reads those rows again, then the rest, without reading the
 * sheet twice. Two scripts alike: a usage error naming them (exit 2); none: the error the
 * closest script's header check gives (exit 3), saying that no script fits.
 */
export async function recogniseWorkbook(workbook: Workbook): Promise<RecognisedWorkbook> {
  const iterator = workbook.batches();
  const buffered: SheetRow[][] = [];
  const first: SheetRow[] = [];
  try {
    for (;;) {
      const next = await iterator.next();
      if (!next.done) buffered.push(next.value);
      const rows = next.done ? [] : next.value;
      let found = undefined;
      for (const row of rows) {
        first.push(row);
        found = recogniseScript(first, false);
        if (found) break;
      }
      found ??= next.done ? recogniseScript(first, true) : undefined;
      if (found?.kind === "script")
        return { workbook: replay(workbook, buffered, iterator), script: found.script, headerRow: found.row.row };
      if (found?.kind === "ambiguous") {
        const names = found.candidates.map((s) => s.name);
        throw new UsageError(
          `The headers in row ${found.row.row} of sheet "${workbook.sheet.name}" fit ${names.join(" and ")} alike; give ${names.map((n) => `--script ${n}`).join(" or ")}.`,
        );
      }
      if (found?.kind === "none") {
        const resembles = found.matched >= RESEMBLES_FROM && found.missing.length <= found.matched;
        throw noScript(workbook, found.closest, found.missing, resembles, first);
      }
      if (next.done)
        throw new InputError(`The sheet "${workbook.sheet.name}" is empty: it has no header row and no data.`);
    }
  } catch (error) {
    await iterator.return(undefined);
    await workbook.close();
    throw error;
  }
}

/** The closest script's own account of what the headers lack, and that no script fits. */
function noScript(
  workbook: Workbook,
  closest: ScriptDef,
  missing: readonly string[],
  resembles: boolean,
  rows: readonly SheetRow[],
): Error {
  try {
    findHeaderRow(closest, workbook.sheet.name, rows, true);
  } catch (error) {
    if (!(error instanceof InputError)) return error as Error;
    return new NoScriptFits(
      `${error.message.replace(/\.$/, "")}; the headers fit no script, ${closest.name} came closest.`,
      closest,
      missing,
      resembles,
      { cause: error },
    );
  }
  return new NoScriptFits(
    `The headers of sheet "${workbook.sheet.name}" fit no script; ${closest.name} came closest.`,
    closest,
    missing,
    resembles,
  );
}

/** The workbook, whose first read gives the batches already taken and then the rest of the same read. */
function replay(workbook: Workbook, buffered: SheetRow[][], rest: AsyncGenerator<SheetRow[]>): Workbook {
  let replayed = false;
  return {
    sheets: workbook.sheets,
    sheet: workbook.sheet,
    skipped: workbook.skipped,
    date1904: workbook.date1904,
    macros: workbook.macros,
    get merged() {
      return workbook.merged;
    },
    close: () => workbook.close(),
    async *batches() {
      if (replayed) {
        yield* workbook.batches();
        return;
      }
      replayed = true;
      yield* buffered;
      yield* rest;
    },
  };
}
