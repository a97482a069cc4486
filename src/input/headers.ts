import { type Cell, cellText, trimAll } from "./cells.js";
import { InputError } from "../shared/errors.js";
import { fold } from "../scripts/fields.js";
import { scripts } from "../scripts/index.js";
import { type ColumnDef, type Lang, langs, type ScriptDef } from "../scripts/script.js";

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
const mentionsMinddistrict = (name: string, hint: string) =>
  name.includes("minddistrict") || /minddistrict|url/.test(hint);

const namesOf = (column: ColumnDef) =>
  new Set(
    [column.headers.nl, column.headers.en, column.headers.de, ...(column.aliases ?? [])].map((h) =>
      splitHeader(h).name.replace("minddistrict", ""),
    ),
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
  // Before the required columns: "Voornam" is better told as a typo than as a missing "Voornaam".
  checkTypos(script, headers, columns, unknown);
  checkRequired(script, seen);
  return { columns, headers, unknown, row };
}

/** The required columns (or groups, by their first column) a row of headers lacks, by their Dutch headers. */
export function missingColumns(script: ScriptDef, cells: readonly (Cell | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const cell of cells) for (const column of matchHeader(script, trimAll(cellText(cell)))) seen.add(column.field);
  const missing = script.columns.filter((c) => c.column === true && !seen.has(c.field)).map((c) => `"${c.headers.nl}"`);
  for (const group of Object.keys(script.groups ?? {})) {
    const members = script.columns.filter((c) => typeof c.column === "object" && c.column.oneOf === group);
    if (!members.some((c) => seen.has(c.field))) missing.push(members.map((c) => `"${c.headers.nl}"`).join(" or "));
  }
  return missing;
}

/** How many rows with data may come before the header row (a title, a group row, instructions). */
export const HEADER_SEARCH_ROWS = 20;

/**
 * The header row among the first rows of a sheet: the first that holds the script's required
 * columns. `rows` are the sheet's first rows with data, at most HEADER_SEARCH_ROWS of them;
 * `complete` says no more will come. Undefined while the header may still come.
 * When none of them holds the required columns, the row that came closest is matched, so that
 * the error says what it lacks (a typo, a column missing), with the sheet and that row.
 */
export function findHeaderRow<T extends { row: number; cells: (Cell | undefined)[] }>(
  script: ScriptDef,
  sheet: string,
  rows: readonly T[],
  complete: boolean,
): T | undefined {
  const last = rows[rows.length - 1];
  if (last && missingColumns(script, last.cells).length === 0) return last;
  if (!complete && rows.length < HEADER_SEARCH_ROWS) return undefined;
  let closest: { row: T; missing: string[] } | undefined;
  for (const row of rows) {
    const missing = missingColumns(script, row.cells);
    if (missing.length === 0) return row;
    if (!closest || missing.length < closest.missing.length) closest = { row, missing };
  }
  if (!closest) return undefined;
  try {
    mapHeaders(script, closest.row.row, closest.row.cells);
  } catch (error) {
    if (!(error instanceof InputError) || !error.message.startsWith("The sheet has no column")) throw error;
    throw new InputError(
      `${error.message.replace(/\.$/, "")}; in sheet "${sheet}", row ${closest.row.row} came closest among the first ${HEADER_SEARCH_ROWS} rows, lacking ${closest.missing.join(", ")}.`,
      { cause: error },
    );
  }
  return closest.row;
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

/**
 * Stops on an unknown column whose name is close to a column of the script that the sheet
 * lacks: its data would otherwise be dropped without anyone noticing (a "Geboortedatun"
 * column, and no client would get a date of birth). A header that names a column of another
 * script is not a typo of this one's; it stays a warning, as do all other unknown columns.
 */
function checkTypos(
  script: ScriptDef,
  headers: string[],
  columns: Map<number, ColumnDef>,
  unknown: HeaderMap["unknown"],
): void {
  const matched = new Set([...columns.values()].map((c) => c.field));
  const candidates = script.columns.filter((c) => !matched.has(c.field));
  if (candidates.length === 0) return;
  const others = Object.values(scripts).filter((s) => s.name !== script.name);
  for (const { column: index, header } of unknown) {
    if (others.some((other) => matchHeader(other, header).length > 0)) continue;
    const typo = closestColumn(candidates, header);
    if (!typo) continue;
    // The language of the name it is closest to; where that is an alias, or a name all languages
    // share (BSN), the language of the sheet's other headers; else Dutch, the templates' first.
    const sheetLang = sheetLanguage(headers, columns);
    const name = typo.column.headers[typo.langs.find((l) => l === sheetLang) ?? typo.langs[0] ?? sheetLang ?? "nl"];
    throw new InputError(
      `column ${columnLetter(index)} "${header}" looks like "${name}"; correct the header or remove the column`,
    );
  }
}

/**
 * Whether `text` is a typo of a column's (folded) `name`.
 * NOTE: at most 2 edits, and fewer edits than a third of the name's letters. One edit in a
 * three-letter name (BSN, DOB, Rol, Sex) makes another word ("BSM", "Bon", "Rel"), not a slip
 * of the pen, so such names count only when they are exact (before a separator's hint, say);
 * names of 4 to 6 letters may be 1 edit off ("Mal", "Gendr"), longer ones 2 ("Geboortedatun",
 * "Date of brith"). Two edits count only when the first letter is right: a slip rarely hits
 * the first letter, and a word that starts otherwise is usually another word ("Username" is
 * not "Surname").
 */
export function isTypo(text: string, name: string): boolean {
  const distance = editDistance(text, name);
  return distance * 3 < name.length && (distance <= 1 || (distance === 2 && text[0] === name[0]));
}

/** The script column an unknown header is a typo of, if any, and the languages of the names it is closest to. */
export function closestColumn(
  candidates: readonly ColumnDef[],
  header: string,
): { column: ColumnDef; langs: Lang[] } | undefined {
  const variants = headerVariants(header);
  const md = mentionsMinddistrict(splitHeader(header).name, splitHeader(header).hint);
  let best: { column: ColumnDef; langs: Lang[]; rank: number } | undefined;
  for (const column of candidates) {
    // A source ID and a Minddistrict ID share names; the header's "Minddistrict" decides between them.
    const mismatch = column.idKind !== undefined && (column.idKind === "md") !== md ? 0.5 : 0;
    for (const [lang, text] of columnNames(column)) {
      const name = splitHeader(text).name;
      const typos = variants.filter((v) => isTypo(v, name));
      if (typos.length === 0) continue;
      const distance = Math.min(...typos.map((v) => editDistance(v, name)));
      const rank = distance + mismatch;
      if (!best || rank < best.rank) best = { column, langs: [], rank };
      if (best.column === column && rank === best.rank && lang && !best.langs.includes(lang)) best.langs.push(lang);
    }
  }
  return best && { column: best.column, langs: best.langs };
}

/** A column's names: its headers per language, then its aliases (of no one language). */
const columnNames = (column: ColumnDef): [Lang | undefined, string][] => [
  ...langs.map((lang): [Lang, string] => [lang, column.headers[lang]]),
  ...(column.aliases ?? []).map((alias): [undefined, string] => [undefined, alias]),
];

/**
 * What an unknown header may be a name for: its folded name without the hints in brackets,
 * and the part before a separator (":", ";", ",", "|", " - ", " / ") or an unclosed bracket,
 * for a hint written as "Geboortedatum: dd-mm-jjjj".
 */
function headerVariants(header: string): string[] {
  const before = fold(trimAll(header).split(/[:;,|([]|\s[-–—/]\s/)[0] ?? "");
  return [...new Set([splitHeader(header).name, before])].filter((v) => v !== "");
}

/** The language most of the sheet's matched headers are written in, if any is. */
export function sheetLanguage(headers: string[], columns: Map<number, ColumnDef>): Lang | undefined {
  const votes = new Map<Lang, number>();
  for (const [index, column] of columns) {
    const name = splitHeader(headers[index] ?? "").name;
    for (const lang of langs)
      if (splitHeader(column.headers[lang]).name === name) votes.set(lang, (votes.get(lang) ?? 0) + 1);
  }
  const [top, second] = [...votes].sort((a, b) => b[1] - a[1]);
  return top && (!second || second[1] < top[1]) ? top[0] : undefined;
}

/** Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Column index (0-based) to its letters, as a spreadsheet shows them. */
export function columnLetter(index: number): string {
  let letters = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}
