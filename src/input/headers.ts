import { type Cell, cellText, trimAll } from "./cells.js";
import { InputError } from "../shared/errors.js";
import { fold } from "../scripts/fields.js";
import type { ColumnDef, ScriptDef } from "../scripts/script.js";

/** Which sheet column (0-based) holds which field, and what was left over. */
export interface HeaderMap {
  /** Sheet column index → the script column it holds. */
  columns: Map<number, ColumnDef>;
  /** The header texts as the sheet has them, by column index. */
  headers: string[];
  /** Headers that name no column of the script. */
  unknown: { column: number; header: string }[];
  /** Header row number. */
  row: number;
}

/** A header split into its folded name and the hint in brackets, e.g. "(van Minddistrict)". */
export function splitHeader(header: string): { name: string; hint: string } {
  const clean = trimAll(header.replace(/\ufeff/g, ""));
  const hints = [...clean.matchAll(/[([]([^)\]]*)[)\]]/g)].map((m) => m[1] ?? "").join(" ");
  return { name: fold(clean.replace(/[([][^)\]]*[)\]]/g, "")), hint: fold(hints) };
}

/**
 * Whether an ID header means a Minddistrict ID: it says Minddistrict (or the URL) in its
 * name or hint. Otherwise an ID column holds the source system's ID, as the templates'
 * "(van te koppelen systeem)" says.
 */
const mentionsMinddistrict = (name: string, hint: string) => name.includes("minddistrict") || /minddistrict|url/.test(hint);

const namesOf = (column: ColumnDef) =>
  new Set(
    [column.headers.nl, column.headers.en, column.headers.de, ...(column.aliases ?? [])].map((h) => splitHeader(h).name.replace("minddistrict", "")),
  );

/** The script columns a header may name. */
export function matchHeader(script: ScriptDef, header: string): ColumnDef[] {
  const { name, hint } = splitHeader(header);
  if (name === "") return [];
  const md = mentionsMinddistrict(name, hint);
  const bare = name.replace("minddistrict", "");
  return script.columns.filter((column) => {
    if (column.idKind && (column.idKind === "md") !== md) return false;
    return namesOf(column).has(column.idKind ? bare : name);
  });
}

/** Finds each script column in the header row, and refuses a sheet that lacks a required one. */
export function mapHeaders(script: ScriptDef, row: number, cells: (Cell | undefined)[]): HeaderMap {
  const headers = Array.from(cells, (cell) => trimAll(cellText(cell)));
  const columns = new Map<number, ColumnDef>();
  const seen = new Map<string, number>();
  const unknown: HeaderMap["unknown"] = [];
  headers.forEach((header, index) => {
    if (header === "") return;
    const [column] = matchHeader(script, header);
    if (!column) {
      unknown.push({ column: index, header });
      return;
    }
    const earlier = seen.get(column.field);
    if (earlier !== undefined) {
      throw new InputError(
        `Columns ${columnLetter(earlier)} ("${headers[earlier]}") and ${columnLetter(index)} ("${header}") both hold ${column.headers.nl}; remove one of them.`,
      );
    }
    seen.set(column.field, index);
    columns.set(index, column);
  });
  checkRequired(script, seen);
  return { columns, headers, unknown, row };
}

function checkRequired(script: ScriptDef, seen: Map<string, number>): void {
  const expected = script.columns.map((c) => `"${c.headers.nl}"`).join(", ");
  for (const column of script.columns) {
    if (column.column === true && !seen.has(column.field)) {
      throw new InputError(
        `The sheet has no column "${column.headers.nl}" (or "${column.headers.en}", "${column.headers.de}"), which ${script.name} needs; the columns it expects are ${expected}.`,
      );
    }
  }
  for (const [group, texts] of Object.entries(script.groups ?? {})) {
    const members = script.columns.filter((c) => typeof c.column === "object" && c.column.oneOf === group);
    if (!members.some((c) => seen.has(c.field))) {
      throw new InputError(
        `The sheet has no column for ${texts.en}, which ${script.name} needs: one of ${members.map((c) => `"${c.headers.nl}"`).join(", ")}.`,
      );
    }
  }
}

/** Column index (0-based) to its letters, as a spreadsheet shows them. */
export function columnLetter(index: number): string {
  let letters = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}
