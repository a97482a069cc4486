import { InputError } from "../shared/errors.js";
import type { Cell, NumberFormatKind, SheetRow } from "./cells.js";
import { isBlank } from "./cells.js";
import { defaultLimits, type ReadLimits } from "./limits.js";
import {
  collectElements,
  decodeExcelEscapes,
  readCellFormats,
  readSharedStrings,
  StringItemText,
} from "./workbook-parts.js";
import { attribute, XmlScanner } from "./xml-scanner.js";
import { InflateBudget, inflateEntry, openZip, type ZipEntry } from "./zip.js";

export interface SheetInfo {
  name: string;
  hidden: boolean;
}

/** An .xlsx workbook held in memory, read without ever writing to disk. */
export interface Workbook {
  sheets: SheetInfo[];
  /** The sheet that `rows()` reads. */
  sheet: SheetInfo;
  date1904: boolean;
  /** Streams the non-empty rows of the chosen sheet; may be called again for a second pass. */
  rows(): Generator<SheetRow>;
}

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
export function openWorkbook(bytes: Uint8Array, options: OpenWorkbookOptions = {}): Workbook {
  const limits = options.limits ?? defaultLimits;
  const entries = openZip(bytes, limits);
  const budget = new InflateBudget(limits);
  const get = (name: string) => entries.get(name) ?? entries.get(name.replace(/^\//, ""));

  const rootRels = get("_rels/.rels");
  const officeTarget = rootRels
    ? relationships(bytes, rootRels, budget, "").find((r) => REL_OFFICE_DOCUMENT.test(r.type))?.target
    : undefined;
  const workbookPath = officeTarget ?? "xl/workbook.xml";
  const workbookEntry = get(workbookPath);
  if (!workbookEntry) {
    throw new InputError("The file is a zip archive but not an Excel workbook (.xlsx): it has no workbook part.");
  }
  const folder = workbookPath.includes("/") ? workbookPath.slice(0, workbookPath.lastIndexOf("/") + 1) : "";
  const relsEntry = get(`${folder}_rels/${workbookPath.slice(folder.length)}.rels`);
  const rels = relsEntry ? relationships(bytes, relsEntry, budget, folder) : [];

  const parts = collectElements(bytes, workbookEntry, budget, ["sheet", "workbookPr"]);
  const date1904 = parts.some((p) => p.name === "workbookPr" && /^(1|true)$/i.test(p.attributes.date1904 ?? ""));
  const sheets = parts
    .filter((p) => p.name === "sheet")
    .map((p) => ({
      name: p.attributes.name ?? "",
      hidden: p.attributes.state === "hidden" || p.attributes.state === "veryHidden",
      target: rels.find((r) => r.id === p.attributes.id)?.target,
    }));
  if (sheets.length === 0) throw new InputError("The workbook has no sheets.");
  const chosen = chooseSheet(sheets, options.sheet);
  const sheetEntry = chosen.target ? get(chosen.target) : undefined;
  if (!sheetEntry) throw new InputError(`The workbook is damaged: the sheet "${chosen.name}" has no data part.`);

  const stringsTarget = rels.find((r) => REL_SHARED_STRINGS.test(r.type))?.target;
  const stringsEntry = stringsTarget ? get(stringsTarget) : undefined;
  const strings = stringsEntry ? readSharedStrings(bytes, stringsEntry, budget, limits.maxCellChars) : [];
  const stylesTarget = rels.find((r) => REL_STYLES.test(r.type))?.target;
  const stylesEntry = stylesTarget ? get(stylesTarget) : undefined;
  const formats = stylesEntry ? readCellFormats(bytes, stylesEntry, budget) : [];

  const sheet = { name: chosen.name, hidden: chosen.hidden };
  return {
    sheets: sheets.map(({ name, hidden }) => ({ name, hidden })),
    sheet,
    date1904,
    rows: () => readSheetRows(bytes, sheetEntry, new InflateBudget(limits), { strings, formats, date1904, limits }),
  };
}

function chooseSheet<T extends SheetInfo>(sheets: T[], wanted: string | undefined): T {
  if (wanted === undefined) return sheets[0] as T;
  const found = sheets.find((s) => s.name === wanted) ?? sheets.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    throw new InputError(`The workbook has no sheet "${wanted}"; its sheets are: ${sheets.map((s) => `"${s.name}"`).join(", ")}.`);
  }
  return found;
}

interface Relationship {
  id: string;
  type: string;
  target: string;
}

function relationships(bytes: Uint8Array, entry: ZipEntry, budget: InflateBudget, folder: string): Relationship[] {
  return collectElements(bytes, entry, budget, ["Relationship"])
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
  date1904: boolean;
  limits: ReadLimits;
}

/** Column letters of a cell reference ("AB12") to a 0-based index; -1 where there are none. */
export function columnIndex(reference: string): number {
  let index = 0;
  let i = 0;
  for (; i < reference.length; i++) {
    const code = reference.charCodeAt(i);
    if (code >= 65 && code <= 90) index = index * 26 + (code - 64);
    else if (code >= 97 && code <= 122) index = index * 26 + (code - 96);
    else break;
  }
  return i === 0 ? -1 : index - 1;
}

function* readSheetRows(bytes: Uint8Array, entry: ZipEntry, budget: InflateBudget, context: SheetContext): Generator<SheetRow> {
  const out: SheetRow[] = [];
  const handler = new SheetHandler(context, out, entry.name);
  const decoder = new TextDecoder("utf-8");
  const scanner = new XmlScanner(handler, entry.name);
  for (const chunk of inflateEntry(bytes, entry, budget)) {
    scanner.feed(decoder.decode(chunk, { stream: true }));
    yield* out.splice(0);
    if (handler.done) return;
  }
  scanner.feed(decoder.decode());
  scanner.end();
  yield* out.splice(0);
}

/** Turns the elements of a worksheet part into rows, one at a time. */
class SheetHandler {
  done = false;
  private rowNumber = 0;
  private rowCount = 0;
  private cells: (Cell | undefined)[] = [];
  private hidden = false;
  private column = -1;
  private type = "";
  private style = 0;
  private value = "";
  private hasValue = false;
  private inValue = false;
  private inInline = false;
  private readonly inline: StringItemText;

  constructor(
    private readonly context: SheetContext,
    private readonly out: SheetRow[],
    private readonly part: string,
  ) {
    this.inline = new StringItemText(context.limits.maxCellChars);
  }

  get wantText(): boolean {
    return this.inValue || this.inInline;
  }

  open(name: string, attributes: string): void {
    if (name === "c") this.openCell(attributes);
    else if (name === "v") this.inValue = true;
    else if (name === "is") this.inInline = true;
    else if (this.inInline) this.inline.open(name);
    else if (name === "row") this.openRow(attributes);
  }

  close(name: string): void {
    if (name === "v") this.inValue = false;
    else if (name === "c") this.closeCell();
    else if (name === "is") this.inInline = false;
    else if (this.inInline) this.inline.close(name);
    else if (name === "row") this.closeRow();
    else if (name === "sheetData") this.done = true;
  }

  text(text: string): void {
    if (this.inValue) {
      this.value = this.hasValue ? this.value + text : text;
      this.hasValue = true;
      if (this.value.length > this.context.limits.maxCellChars) this.tooLong();
    } else if (this.inInline) this.inline.text(text);
  }

  private openRow(attributes: string): void {
    const r = attribute(attributes, "r");
    const number = r ? Number.parseInt(r, 10) : this.rowNumber + 1;
    if (!(number > this.rowNumber)) throw this.broken(`row ${r ?? "?"} is out of order`);
    this.rowNumber = number;
    this.cells = [];
    this.column = -1;
    const hidden = attributes.includes("hidden") ? attribute(attributes, "hidden") : undefined;
    this.hidden = hidden === "1" || hidden === "true";
  }

  private closeRow(): void {
    if (this.cells.some((cell) => !isBlank(cell))) {
      if (++this.rowCount > this.context.limits.maxRows) {
        throw new InputError(`The sheet has more than ${this.context.limits.maxRows} rows with data, more than mdimport reads at once.`);
      }
      this.out.push({ row: this.rowNumber, cells: this.cells, hidden: this.hidden });
    }
  }

  private openCell(attributes: string): void {
    const reference = attribute(attributes, "r");
    const column = reference ? columnIndex(reference) : this.column + 1;
    if (column < 0) throw this.broken(`cell reference "${reference ?? ""}" is not valid`);
    if (column >= this.context.limits.maxColumns) {
      throw new InputError(`The sheet has data in column ${column + 1}, beyond the ${this.context.limits.maxColumns} columns mdimport reads.`);
    }
    this.column = column;
    this.type = attribute(attributes, "t") ?? "n";
    const style = attribute(attributes, "s");
    this.style = style ? Number(style) : 0;
    this.value = "";
    this.hasValue = false;
  }

  private closeCell(): void {
    const cell = this.buildCell();
    if (cell) this.cells[this.column] = cell;
  }

  private buildCell(): Cell | undefined {
    if (this.type === "inlineStr") return { kind: "text", text: this.inline.take() };
    if (!this.hasValue) return undefined;
    const raw = this.value;
    switch (this.type) {
      case "s": {
        const text = this.context.strings[Number(raw)];
        if (text === undefined) throw this.broken(`a cell refers to shared string ${raw}, which does not exist`);
        return { kind: "text", text };
      }
      case "str":
        return { kind: "text", text: decodeExcelEscapes(raw) };
      case "b":
        return { kind: "boolean", value: raw === "1" || raw === "true" };
      case "e":
        return { kind: "error", text: raw };
      case "d":
        return { kind: "text", text: raw };
      default: {
        const value = Number(raw);
        if (raw.trim() === "" || !Number.isFinite(value)) return { kind: "text", text: raw };
        const format = this.context.formats[this.style] ?? "general";
        return { kind: "number", value, format, date1904: this.context.date1904 };
      }
    }
  }

  private tooLong(): never {
    throw new InputError(`A cell of the workbook holds more than ${this.context.limits.maxCellChars} characters, more than a spreadsheet allows.`);
  }

  private broken(why: string): InputError {
    return new InputError(`The workbook is damaged and cannot be read (${this.part}: ${why}); save it again from the spreadsheet program.`);
  }
}
