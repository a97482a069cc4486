import { InputError } from "../shared/errors.js";
import type { NumberFormatKind } from "./cells.js";
import { attribute, parseAttributes, textOf, XmlScanner, type XmlAttributes, type XmlHandler } from "./xml-scanner.js";
import { inflateEntry, type InflateBudget, type ZipEntry } from "./zip.js";

/** Runs a handler over one zip entry, inflating and decoding it piece by piece. */
export async function scanEntry(bytes: Uint8Array, entry: ZipEntry, budget: InflateBudget, handler: XmlHandler & { done?: boolean }): Promise<void> {
  const scanner = new XmlScanner(handler, entry.name);
  for await (const chunk of inflateEntry(bytes, entry, budget)) {
    scanner.feed(chunk);
    if (handler.done) return;
  }
  scanner.end();
}

/** Collects the elements of a small part (workbook, relationships) by name. */
export async function collectElements(
  bytes: Uint8Array,
  entry: ZipEntry,
  budget: InflateBudget,
  names: readonly string[],
): Promise<{ name: string; attributes: XmlAttributes }[]> {
  const found: { name: string; attributes: XmlAttributes }[] = [];
  await scanEntry(bytes, entry, budget, {
    open: (name, source, from, to) => {
      if (names.includes(name)) found.push({ name, attributes: parseAttributes(source, from, to) });
    },
    close: () => {},
    text: () => {},
    wantText: false,
  });
  return found;
}

/** Excel escapes control characters in strings as _xHHHH_. */
export const decodeExcelEscapes = (text: string): string =>
  text.includes("_x") ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))) : text;

/**
 * Gathers the text of a string item (`<si>` or `<is>`): plain `<t>`, or the `<t>` of each
 * rich-text run `<r>`; phonetic runs (`<rPh>`) are not part of the value.
 */
export class StringItemText {
  private parts: string[] = [];
  private inT = false;
  private phonetic = 0;
  private length = 0;

  constructor(private readonly maxChars: number) {}

  open(name: string): void {
    if (name === "rPh") this.phonetic++;
    else if (name === "t" && this.phonetic === 0) this.inT = true;
  }

  close(name: string): void {
    if (name === "rPh") this.phonetic--;
    else if (name === "t") this.inT = false;
  }

  text(source: Buffer, from: number, to: number, cdata: boolean): void {
    if (!this.inT) return;
    const text = textOf(source, from, to, cdata);
    this.length += text.length;
    if (this.length > this.maxChars) {
      throw new InputError(`A cell of the workbook holds more than ${this.maxChars} characters, more than a spreadsheet allows.`);
    }
    this.parts.push(text);
  }

  take(): string {
    const text = this.parts.length === 1 ? (this.parts[0] ?? "") : this.parts.join("");
    this.parts = [];
    this.length = 0;
    return decodeExcelEscapes(text);
  }
}

/** Reads the shared string table into memory (one entry per distinct string). */
export async function readSharedStrings(bytes: Uint8Array, entry: ZipEntry, budget: InflateBudget, maxChars: number): Promise<string[]> {
  const strings: string[] = [];
  const item = new StringItemText(maxChars);
  let inItem = false;
  await scanEntry(bytes, entry, budget, {
    get wantText() {
      return inItem;
    },
    open: (name) => {
      if (name === "si") inItem = true;
      else if (inItem) item.open(name);
    },
    close: (name) => {
      if (name === "si") {
        strings.push(item.take());
        inItem = false;
      } else if (inItem) item.close(name);
    },
    text: (source, from, to, cdata) => {
      if (inItem) item.text(source, from, to, cdata);
    },
  });
  return strings;
}

const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58,
]);

/** What a number format code means for reading: a date, text, scientific, or plain. */
export function classifyNumberFormat(id: number, code: string | undefined): NumberFormatKind {
  if (code === undefined) {
    if (BUILTIN_DATE_FORMATS.has(id)) return "date";
    if (id === 49) return "text";
    if (id === 11 || id === 48) return "scientific";
    return "general";
  }
  const bare = (code.split(";")[0] ?? "")
    .replace(/"[^"]*"/g, "")
    .replace(/\\./g, "")
    .replace(/\[[^\]]*\]/g, "");
  if (bare.trim() === "@") return "text";
  if (/[0#?][.,]?[0#?]*E[+-]/i.test(bare)) return "scientific";
  if (/[dmyhs]/i.test(bare.replace(/general/gi, ""))) return "date";
  return "general";
}

/** Reads styles.xml: for each cell style index, how its number format reads. */
export async function readCellFormats(bytes: Uint8Array, entry: ZipEntry, budget: InflateBudget): Promise<NumberFormatKind[]> {
  const codes = new Map<number, string>();
  const xfFormatIds: number[] = [];
  let inCellXfs = false;
  // NOTE: only the numFmts at the top of the styles part: a dxf (conditional format) has numFmts
  // of its own, whose ids may repeat a cell format's and must not replace it.
  let inNumFmts = false;
  await scanEntry(bytes, entry, budget, {
    open: (name, source, from, to) => {
      if (name === "numFmts") inNumFmts = true;
      else if (name === "numFmt" && inNumFmts) {
        const attributes = parseAttributes(source, from, to);
        codes.set(Number(attributes.numFmtId), attributes.formatCode ?? "");
      } else if (name === "cellXfs") inCellXfs = true;
      else if (name === "xf" && inCellXfs) xfFormatIds.push(Number(attribute(source, from, to, "numFmtId") ?? 0));
    },
    close: (name) => {
      if (name === "cellXfs") inCellXfs = false;
      else if (name === "numFmts") inNumFmts = false;
    },
    text: () => {},
    wantText: false,
  });
  return xfFormatIds.map((id) => classifyNumberFormat(id, codes.get(id)));
}
