import { InputError } from "../shared/errors.js";
import type { Cell, NumberFormatKind, SheetRow } from "./cells.js";
import { isBlank } from "./cells.js";
import { defaultLimits, type ReadLimits } from "./limits.js";
import {
  collectElements,
  decodeExcelEscapes,
  type NumberDisplay,
  readCellFormats,
  readSharedStrings,
  StringItemText,
} from "./workbook-parts.js";
import { bytesEqual, newCursor, nextAttribute, textOf, XmlScanner } from "./xml-scanner.js";
import { InflateBudget, inflateEntry, openZip, type ZipEntry } from "./zip.js";

export interface SheetInfo {
  name: string;
  hidden: boolean;
}

/** A sheet passed over when no --sheet is given, and why. */
export interface SkippedSheet {
  name: string;
  why: "hidden" | "chart" | "empty";
}

/** An .xlsx workbook held in memory, read without ever writing to disk. */
export interface Workbook {
  sheets: SheetInfo[];
  /** The sheet that `rows()` reads. */
  sheet: SheetInfo;
  /** The sheets before it that were passed over (only when no sheet was asked for). */
  skipped: SkippedSheet[];
  date1904: boolean;
  /** The workbook carries macros (.xlsm): they are never run, but the requester should know. */
  macros: boolean;
  /** Streams the non-empty rows of the chosen sheet in batches; may be called again. */
  batches(): AsyncGenerator<SheetRow[]>;
  /** Ranges of merged cells in the chosen sheet (e.g. "A2:A3"), known once batches() has ended. */
  merged: string[];
  /** Lets go of the workbook when it will not be read (again). */
  close(): Promise<void>;
}

/** How many merged ranges are kept to report; a sheet may hold thousands. */
const MAX_MERGED = 100;

export interface OpenWorkbookOptions {
  sheet?: string;
  limits?: ReadLimits;
}

const REL_OFFICE_DOCUMENT = /\/officeDocument$/;
const REL_SHARED_STRINGS = /\/sharedStrings$/;
const REL_STYLES = /\/styles$/;

/**
 * Opens a workbook: reads its table of contents, workbook part, styles and shared strings.
 * Sheets are read later, row by row, by `rows()`.
 */
export async function openWorkbook(bytes: Uint8Array, options: OpenWorkbookOptions = {}): Promise<Workbook> {
  const limits = options.limits ?? defaultLimits;
  const entries = openZip(bytes, limits);
  const budget = new InflateBudget(limits);
  // Part names are case-insensitive in a package (ECMA-376 part 2), as Excel takes them.
  let folded: Map<string, ZipEntry> | undefined;
  const get = (name: string): ZipEntry | undefined => {
    const bare = name.replace(/^\//, "");
    const found = entries.get(name) ?? entries.get(bare);
    if (found) return found;
    folded ??= new Map([...entries].map(([key, entry]) => [key.toLowerCase(), entry]));
    return folded.get(bare.toLowerCase());
  };

  const rootRels = get("_rels/.rels");
  const officeTarget = rootRels
    ? (await relationships(bytes, rootRels, budget, "")).find((r) => REL_OFFICE_DOCUMENT.test(r.type))?.target
    : undefined;
  const workbookPath = officeTarget ?? "xl/workbook.xml";
  const workbookEntry = get(workbookPath);
  if (!workbookEntry) {
    throw new InputError("The file is a zip archive but not an Excel workbook (.xlsx): it has no workbook part.");
  }
  const folder = workbookPath.includes("/") ? workbookPath.slice(0, workbookPath.lastIndexOf("/") + 1) : "";
  const relsEntry = get(`${folder}_rels/${workbookPath.slice(folder.length)}.rels`);
  const rels = relsEntry ? await relationships(bytes, relsEntry, budget, folder) : [];

  const parts = await collectElements(bytes, workbookEntry, budget, ["sheet", "workbookPr"]);
  const date1904 = parts.some((p) => p.name === "workbookPr" && /^(1|true)$/i.test(p.attributes.date1904 ?? ""));
  const sheets = parts
    .filter((p) => p.name === "sheet")
    .map((p) => ({
      name: p.attributes.name ?? "",
      hidden: p.attributes.state === "hidden" || p.attributes.state === "veryHidden",
      ...sheetPart(rels.find((r) => r.id === p.attributes.id)),
    }));
  if (sheets.length === 0) throw new InputError("The workbook has no sheets.");

  // A shared-strings or styles part that the relationships forget is read where Excel looks for it.
  const stringsTarget = rels.find((r) => REL_SHARED_STRINGS.test(r.type))?.target ?? `${folder}sharedStrings.xml`;
  const stringsEntry = stringsTarget ? get(stringsTarget) : undefined;
  const strings = stringsEntry ? await readSharedStrings(bytes, stringsEntry, budget, limits.maxCellChars) : [];
  const stylesTarget = rels.find((r) => REL_STYLES.test(r.type))?.target ?? `${folder}styles.xml`;
  const stylesEntry = stylesTarget ? get(stylesTarget) : undefined;
  const { kinds: formats, displays } = stylesEntry
    ? await readCellFormats(bytes, stylesEntry, budget)
    : { kinds: [], displays: [] };

  const merged: string[] = [];
  const context = { strings, formats, displays, date1904, limits, merged };
  const hasRows = (entry: ZipEntry) => sheetHasRows(bytes, entry, { ...context, merged: [] });
  const { chosen, skipped } =
    options.sheet === undefined
      ? await firstSheetWithData(sheets, get, hasRows)
      : { chosen: namedSheet(sheets, options.sheet), skipped: [] };
  const sheetEntry = chosen.target ? get(chosen.target) : undefined;
  if (!sheetEntry) throw new InputError(`The workbook is damaged: the sheet "${chosen.name}" has no data part.`);
  return {
    sheets: sheets.map(({ name, hidden }) => ({ name, hidden })),
    sheet: { name: chosen.name, hidden: chosen.hidden },
    skipped,
    date1904,
    macros: [...entries.keys()].some((name) => /vbaProject\.bin$/i.test(name)),
    batches: () => {
      merged.length = 0;
      return readSheetRows(bytes, sheetEntry, new InflateBudget(limits), context);
    },
    merged,
    close: () => Promise.resolve(),
  };
}

const REL_WORKSHEET = /\/worksheet$/;

/** A sheet's part, and whether it is a worksheet (not a chart sheet, dialog or macro sheet). */
const sheetPart = (rel: Relationship | undefined) => ({
  target: rel?.target,
  worksheet: rel === undefined || REL_WORKSHEET.test(rel.type),
});

type SheetEntry = SheetInfo & { target: string | undefined; worksheet: boolean };

/**
 * The first sheet the organisation sees with data in it: hidden sheets, chart sheets and empty
 * worksheets are skipped (and said so). Where no sheet qualifies, the first sheet, as before.
 */
async function firstSheetWithData(
  sheets: SheetEntry[],
  get: (name: string) => ZipEntry | undefined,
  hasRows: (entry: ZipEntry) => Promise<boolean>,
): Promise<{ chosen: SheetEntry; skipped: SkippedSheet[] }> {
  const skipped: SkippedSheet[] = [];
  for (const sheet of sheets) {
    const entry = sheet.target ? get(sheet.target) : undefined;
    const why = sheet.hidden
      ? "hidden"
      : !sheet.worksheet
        ? "chart"
        : entry && !(await hasRows(entry))
          ? "empty"
          : undefined;
    if (!why) return { chosen: sheet, skipped };
    skipped.push({ name: sheet.name, why });
  }
  return { chosen: sheets[0] as SheetEntry, skipped: [] };
}

/**
 * Whether a worksheet has a row with data: read up to its first such row only. A sheet that
 * cannot be read is not skipped: reading it tells what is wrong with it.
 */
async function sheetHasRows(bytes: Uint8Array, entry: ZipEntry, context: SheetContext): Promise<boolean> {
  const rows = readSheetRows(bytes, entry, new InflateBudget(context.limits), context);
  try {
    return !(await rows.next()).done;
  } catch {
    return true;
  } finally {
    await rows.return(undefined);
  }
}

function namedSheet<T extends SheetInfo>(sheets: T[], wanted: string): T {
  const found =
    sheets.find((s) => s.name === wanted) ?? sheets.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    throw new InputError(
      `The workbook has no sheet "${wanted}"; its sheets are: ${sheets.map((s) => `"${s.name}"`).join(", ")}.`,
    );
  }
  return found;
}

interface Relationship {
  id: string;
  type: string;
  target: string;
}

async function relationships(
  bytes: Uint8Array,
  entry: ZipEntry,
  budget: InflateBudget,
  folder: string,
): Promise<Relationship[]> {
  return (await collectElements(bytes, entry, budget, ["Relationship"]))
    .filter((r) => r.attributes.TargetMode !== "External")
    .map((r) => ({
      id: r.attributes.Id ?? "",
      type: r.attributes.Type ?? "",
      target: resolvePath(folder, r.attributes.Target ?? ""),
    }));
}

function resolvePath(folder: string, target: string): string {
  const path = target.startsWith("/") ? target.slice(1) : folder + target;
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/");
}

interface SheetContext {
  strings: string[];
  formats: NumberFormatKind[];
  displays: (NumberDisplay | undefined)[];
  date1904: boolean;
  limits: ReadLimits;
  /** Filled with the merged ranges found after the rows. */
  merged: string[];
}

async function* readSheetRows(
  bytes: Uint8Array,
  entry: ZipEntry,
  budget: InflateBudget,
  context: SheetContext,
): AsyncGenerator<SheetRow[]> {
  let out: SheetRow[] = [];
  const handler = new SheetHandler(context, () => out, entry.name);
  const scanner = new XmlScanner(handler, entry.name);
  const take = () => {
    const batch = out;
    out = [];
    return batch;
  };
  for await (const chunk of inflateEntry(bytes, entry, budget)) {
    scanner.feed(chunk);
    if (out.length > 0) yield take();
  }
  scanner.end();
  if (out.length > 0) yield take();
}

/** Cell types (the `t` attribute) as small numbers, read without making strings. */
const enum CellType {
  Number,
  Shared,
  Inline,
  FormulaString,
  Boolean,
  Error,
  Date,
}

function cellTypeAt(source: Buffer, from: number, to: number): CellType {
  switch (to - from) {
    case 1:
      switch (source[from]) {
        case 115 /* s */:
          return CellType.Shared;
        case 98 /* b */:
          return CellType.Boolean;
        case 101 /* e */:
          return CellType.Error;
        case 100 /* d */:
          return CellType.Date;
        default:
          return CellType.Number;
      }
    case 3:
      return bytesEqual(source, from, to, "str") ? CellType.FormulaString : CellType.Number;
    case 9:
      return bytesEqual(source, from, to, "inlineStr") ? CellType.Inline : CellType.Number;
    default:
      return CellType.Number;
  }
}

/** A run of ASCII digits as a number, or -1 where there is anything else. */
function digitsAt(source: Buffer, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = (source[i] as number) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Column letters at the start of a cell reference ("AB12") to a 0-based index; -1 if none. */
function columnAt(source: Buffer, from: number, to: number): number {
  let index = 0;
  let i = from;
  for (; i < to; i++) {
    const code = source[i] as number;
    if (code >= 65 && code <= 90) index = index * 26 + (code - 64);
    else if (code >= 97 && code <= 122) index = index * 26 + (code - 96);
    else break;
  }
  return i === from ? -1 : index - 1;
}

/** An ISO 8601 date-time of a `t="d"` cell (ISO_DATE_TIME) with its time of day. */
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * The date of a `t="d"` cell as Excel shows it: its date part. NOTE: the time and zone are
 * dropped, not applied, as Excel shows the written date and time without converting a zone
 * (SheetJS with cellDates writes 1985-07-15T02:00:00.000Z); a time of day on a date of birth
 * is no reason to refuse it.
 */
const datePart = (raw: string): string => ISO_DATE_TIME.exec(raw.trim())?.[1] ?? raw;

/** Turns the elements of a worksheet part into rows, one at a time. */
class SheetHandler {
  private rowNumber = 0;
  private rowCount = 0;
  private cells: (Cell | undefined)[] = [];
  private hidden = false;
  private column = -1;
  private type = CellType.Number;
  private style = 0;
  private value = "";
  private wholeNumber = -1;
  private hasValue = false;
  /** The cell has a formula (`<f>`), and a `<v>` element for its cached value, even an empty one. */
  private formula = false;
  private sawValue = false;
  private inValue = false;
  private inInline = false;
  private readonly inline: StringItemText;
  private readonly cursor = newCursor();

  constructor(
    private readonly context: SheetContext,
    private readonly out: () => SheetRow[],
    private readonly part: string,
  ) {
    this.inline = new StringItemText(context.limits.maxCellChars);
  }

  get wantText(): boolean {
    return this.inValue || this.inInline;
  }

  open(name: string, source: Buffer, from: number, to: number): void {
    if (name === "c") this.openCell(source, from, to);
    else if (name === "v") this.inValue = this.sawValue = true;
    else if (name === "f") this.formula = true;
    else if (name === "is") this.inInline = true;
    else if (this.inInline) this.inline.open(name);
    else if (name === "row") this.openRow(source, from, to);
    else if (name === "mergeCell") this.mergeCell(source, from, to);
  }

  /** Notes a merged range (after sheetData): only its top-left cell holds the value. */
  private mergeCell(source: Buffer, from: number, to: number): void {
    if (this.context.merged.length >= MAX_MERGED) return;
    const cursor = this.cursor;
    cursor.at = from;
    while (nextAttribute(source, to, cursor)) {
      if (!bytesEqual(source, cursor.nameFrom, cursor.nameTo, "ref")) continue;
      const ref = textOf(source, cursor.valueFrom, cursor.valueTo, false);
      if (/^[A-Z]{1,3}\d{1,7}(:[A-Z]{1,3}\d{1,7})?$/.test(ref)) this.context.merged.push(ref);
    }
  }

  close(name: string): void {
    if (name === "v") this.inValue = false;
    else if (name === "c") this.closeCell();
    else if (name === "is") this.inInline = false;
    else if (this.inInline) this.inline.close(name);
    else if (name === "row") this.closeRow();
  }

  text(source: Buffer, from: number, to: number, cdata: boolean): void {
    if (this.inInline) {
      this.inline.text(source, from, to, cdata);
      return;
    }
    if (!this.inValue) return;
    // The usual cases, a shared string's index or a whole number, are read without making a string.
    if ((this.type === CellType.Shared || this.type === CellType.Number) && !this.hasValue && !cdata) {
      const index = digitsAt(source, from, to);
      if (index >= 0) {
        this.wholeNumber = index;
        this.hasValue = true;
        return;
      }
    }
    const text = textOf(source, from, to, cdata);
    this.value = this.hasValue ? this.value + text : text;
    this.hasValue = true;
    this.wholeNumber = -1;
    if (this.value.length > this.context.limits.maxCellChars) this.tooLong();
  }

  private openRow(source: Buffer, from: number, to: number): void {
    let number = this.rowNumber + 1;
    let hidden = false;
    const cursor = this.cursor;
    cursor.at = from;
    while (nextAttribute(source, to, cursor)) {
      const { nameFrom, nameTo, valueFrom, valueTo } = cursor;
      if (bytesEqual(source, nameFrom, nameTo, "r")) {
        number = digitsAt(source, valueFrom, valueTo);
        if (number < 1) throw this.broken(`a row number is not valid`);
      } else if (bytesEqual(source, nameFrom, nameTo, "hidden")) {
        hidden = bytesEqual(source, valueFrom, valueTo, "1") || bytesEqual(source, valueFrom, valueTo, "true");
      }
    }
    if (!(number > this.rowNumber)) throw this.broken(`row ${number} is out of order`);
    this.rowNumber = number;
    this.cells = [];
    this.column = -1;
    this.hidden = hidden;
  }

  private closeRow(): void {
    if (this.cells.some((cell) => !isBlank(cell))) {
      if (++this.rowCount > this.context.limits.maxRows) {
        throw new InputError(
          `The sheet has more than ${this.context.limits.maxRows} rows with data, more than mdimport reads at once.`,
        );
      }
      this.out().push({ row: this.rowNumber, cells: this.cells, hidden: this.hidden });
    }
  }

  private openCell(source: Buffer, from: number, to: number): void {
    let column = this.column + 1;
    this.type = CellType.Number;
    this.style = 0;
    const cursor = this.cursor;
    cursor.at = from;
    while (nextAttribute(source, to, cursor)) {
      if (cursor.nameTo - cursor.nameFrom !== 1) continue;
      const name = source[cursor.nameFrom];
      if (name === 114 /* r */) {
        column = columnAt(source, cursor.valueFrom, cursor.valueTo);
        if (column < 0)
          throw this.broken(`cell reference "${textOf(source, cursor.valueFrom, cursor.valueTo)}" is not valid`);
      } else if (name === 116 /* t */) this.type = cellTypeAt(source, cursor.valueFrom, cursor.valueTo);
      else if (name === 115 /* s */) this.style = Math.max(digitsAt(source, cursor.valueFrom, cursor.valueTo), 0);
    }
    if (column >= this.context.limits.maxColumns) {
      throw new InputError(
        `The sheet has data in column ${column + 1}, beyond the ${this.context.limits.maxColumns} columns mdimport reads.`,
      );
    }
    this.column = column;
    this.value = "";
    this.wholeNumber = -1;
    this.hasValue = false;
    this.formula = false;
    this.sawValue = false;
  }

  private closeCell(): void {
    const cell = this.formula ? this.formulaCell() : this.buildCell();
    if (cell) this.cells[this.column] = cell;
  }

  /** A formula's cached value, marked as such; a formula that writers stored without one is no value. */
  private formulaCell(): Cell | undefined {
    if (this.type === CellType.Inline) return { kind: "text", text: this.inline.take(), formula: true };
    if (!this.sawValue || (this.type === CellType.Error && !this.hasValue))
      return { kind: "error", text: "", uncomputed: true };
    if (!this.hasValue) return { kind: "text", text: "", formula: true };
    const cell = this.buildCell();
    if (cell && cell.kind !== "error") cell.formula = true;
    return cell;
  }

  private buildCell(): Cell | undefined {
    if (this.type === CellType.Inline) return { kind: "text", text: this.inline.take() };
    if (!this.hasValue) return undefined;
    const raw = this.value;
    switch (this.type) {
      case CellType.Shared: {
        const text = this.context.strings[this.wholeNumber >= 0 ? this.wholeNumber : Number(raw)];
        if (text === undefined) throw this.broken(`a cell refers to a shared string that does not exist`);
        return { kind: "text", text };
      }
      case CellType.FormulaString:
        return { kind: "text", text: decodeExcelEscapes(raw) };
      case CellType.Boolean:
        return { kind: "boolean", value: raw === "1" || raw === "true" };
      case CellType.Error:
        return { kind: "error", text: raw };
      case CellType.Date:
        return { kind: "text", text: datePart(raw) };
      default: {
        const value = this.wholeNumber >= 0 ? this.wholeNumber : Number(raw);
        if (this.wholeNumber < 0 && (raw.trim() === "" || !Number.isFinite(value))) return { kind: "text", text: raw };
        const format = this.context.formats[this.style] ?? "general";
        const display = this.context.displays[this.style]?.(value);
        return display === undefined
          ? { kind: "number", value, format, date1904: this.context.date1904 }
          : { kind: "number", value, format, date1904: this.context.date1904, display };
      }
    }
  }

  private tooLong(): never {
    throw new InputError(
      `A cell of the workbook holds more than ${this.context.limits.maxCellChars} characters, more than a spreadsheet allows.`,
    );
  }

  private broken(why: string): InputError {
    return new InputError(
      `The workbook is damaged and cannot be read (${this.part}: ${why}); save it again from the spreadsheet program.`,
    );
  }
}
