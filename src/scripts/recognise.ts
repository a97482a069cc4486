import { type Cell, cellText, trimAll } from "../input/cells.js";
import { HEADER_SEARCH_ROWS, matchHeader, missingColumns } from "../input/headers.js";
import { scripts } from "./index.js";
import type { ScriptDef } from "./script.js";

/** What one row of headers says about the scripts: which fit it, or the one that came closest. */
export type HeaderRecognition =
  | { kind: "script"; script: ScriptDef }
  | { kind: "ambiguous"; candidates: ScriptDef[] }
  | { kind: "none"; closest: ScriptDef; missing: string[]; matched: number };

/** The same, for the header row found among a sheet's first rows. */
export type Recognition<T> =
  | { kind: "script"; script: ScriptDef; row: T }
  | { kind: "ambiguous"; candidates: ScriptDef[]; row: T }
  | { kind: "none"; closest: ScriptDef; missing: string[]; matched: number; row: T };

/** The columns (sheet indices) of a header row that name a column of the script. */
function explained(script: ScriptDef, headers: readonly string[]): Set<number> {
  const columns = new Set<number>();
  headers.forEach((header, index) => {
    if (header !== "" && matchHeader(script, header).length > 0) columns.add(index);
  });
  return columns;
}

const isSubset = (a: ReadonlySet<number>, b: ReadonlySet<number>) =>
  a.size < b.size && [...a].every((index) => b.has(index));

/**
 * Which script a row of headers is for, from the script registry alone: a script fits when the
 * row holds its required columns. NOTE: of the scripts that fit, one whose columns another
 * fitting script explains too, and more besides, is passed over: an update-clients sheet holds
 * every column new-clients needs, and its Minddistrict-ID column is what tells it apart; a
 * relations sheet holds the client ID an update may change. Two that each explain a column the
 * other does not (a Minddistrict client ID and a professional ID) are ambiguous: no rule could
 * tell which was meant. When none fits, the closest is the one that lacks the fewest required
 * columns (then: explains the most columns; then: registry order).
 */
export function recogniseHeader(cells: readonly (Cell | undefined)[]): HeaderRecognition {
  const headers = Array.from(cells, (cell) => trimAll(cellText(cell)));
  const all = Object.values(scripts).map((script) => ({
    script,
    missing: missingColumns(script, cells),
    columns: explained(script, headers),
  }));
  const fitting = all.filter((fit) => fit.missing.length === 0);
  const kept = fitting.filter((fit) => !fitting.some((other) => isSubset(fit.columns, other.columns)));
  const [first] = kept;
  if (first && kept.length === 1) return { kind: "script", script: first.script };
  if (kept.length > 1) return { kind: "ambiguous", candidates: kept.map((fit) => fit.script) };
  const [closest] = [...all].sort((a, b) => a.missing.length - b.missing.length || b.columns.size - a.columns.size);
  if (!closest) throw new Error("the script registry is empty");
  return { kind: "none", closest: closest.script, missing: closest.missing, matched: closest.columns.size };
}

/**
 * The header row among a sheet's first rows and its script: the first row that some script
 * fits. `rows` are the sheet's first rows with data, at most HEADER_SEARCH_ROWS of them;
 * `complete` says no more will come. Undefined while the header may still come. When no row
 * fits any script, the row and script that came closest.
 */
export function recogniseScript<T extends { row: number; cells: (Cell | undefined)[] }>(
  rows: readonly T[],
  complete: boolean,
): Recognition<T> | undefined {
  const last = rows[rows.length - 1];
  if (!last) return undefined;
  const found = recogniseHeader(last.cells);
  if (found.kind !== "none") return { ...found, row: last };
  if (!complete && rows.length < HEADER_SEARCH_ROWS) return undefined;
  let closest: { row: T; found: Extract<HeaderRecognition, { kind: "none" }> } | undefined;
  for (const row of rows.slice(0, HEADER_SEARCH_ROWS)) {
    const here = recogniseHeader(row.cells);
    if (here.kind !== "none") return { ...here, row };
    if (
      !closest ||
      here.missing.length < closest.found.missing.length ||
      (here.missing.length === closest.found.missing.length && here.matched > closest.found.matched)
    )
      closest = { row, found: here };
  }
  const { row, found: none } = closest ?? { row: last, found };
  return { kind: "none", closest: none.closest, missing: none.missing, matched: none.matched, row };
}

/** What a sheet's first rows fit, as the end of a sentence ("the headers fit new-clients"); undefined when they fit no script. */
export function describeFit(rows: readonly { row: number; cells: (Cell | undefined)[] }[]): string | undefined {
  const found = recogniseScript(rows, true);
  if (found?.kind === "script") return `the headers fit ${found.script.name}`;
  if (found?.kind === "ambiguous") return `the headers fit ${found.candidates.map((s) => s.name).join(" and ")}`;
  return undefined;
}
