import { InputError } from "../shared/errors.js";
import type { NumberFormatKind } from "./cells.js";
import { attribute, parseAttributes, textOf, XmlScanner, type XmlAttributes, type XmlHandler } from "./xml-scanner.js";
import { inflateEntry, type InflateBudget, type ZipEntry } from "./zip.js";

/** Runs a handler over one zip entry, inflating and decoding it piece by piece. */
export async function scanEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  budget: InflateBudget,
  handler: XmlHandler & { done?: boolean },
): Promise<void> {
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
  text.includes("_x")
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    : text;

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
      throw new InputError(
        `A cell of the workbook holds more than ${this.maxChars} characters, more than a spreadsheet allows.`,
      );
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
export async function readSharedStrings(
  bytes: Uint8Array,
  entry: ZipEntry,
  budget: InflateBudget,
  maxChars: number,
): Promise<string[]> {
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
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58,
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

/** How a padding number format shows a whole number ("00042"); undefined where it shows it as is. */
export type NumberDisplay = (value: number) => string | undefined;

/**
 * A renderer for the number formats that change how a whole number reads: zero padding
 * (`00000`) and fixed text (`"ABC-"0000`, `\A0000`), first section only. Formats with decimals,
 * thousands separators, colours, conditions or anything else are not rendered (undefined):
 * they do not change which digits an ID has.
 */
export function numberDisplay(code: string): NumberDisplay | undefined {
  const section = code.split(";")[0] ?? "";
  // Literal text and the digit placeholders 0 and #, in order.
  const parts: string[] = [];
  let zeros = 0;
  let literal = false;
  for (const [token] of section.matchAll(/"[^"]*"|\\.|[0#]|[ $\-+/():!^&'~{}<>=]|./g)) {
    if (token === "0" || token === "#") {
      parts.push(token);
      if (token === "0") zeros++;
    } else if (token.startsWith('"')) parts.push(`"${token.slice(1, -1)}`);
    else if (token.startsWith("\\")) parts.push(`"${token.slice(1)}`);
    else if (/^[ $\-+/():!^&'~{}<>=]$/.test(token)) parts.push(`"${token}`);
    else return undefined;
    if (token !== "0" && token !== "#") literal = true;
  }
  if (zeros === 0 || (zeros === 1 && !literal)) return undefined;
  return (value) => {
    if (!Number.isInteger(value) || value < 0 || value > 999_999_999_999_999) return undefined;
    return renderDigits(String(value), parts);
  };
}

/** Fills the placeholders with the digits from the right, as Excel does; extra digits go to the first. */
function renderDigits(digits: string, parts: readonly string[]): string {
  const out: string[] = new Array<string>(parts.length);
  let next = digits.length;
  let first = -1;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i] as string;
    if (part.startsWith('"')) {
      out[i] = part.slice(1);
      continue;
    }
    first = i;
    out[i] = next > 0 ? (digits[--next] as string) : part === "0" ? "0" : "";
  }
  if (next > 0 && first >= 0) out[first] = digits.slice(0, next) + (out[first] ?? "");
  return out.join("");
}

/** What readCellFormats finds for each cell style index. */
export interface CellFormats {
  kinds: NumberFormatKind[];
  /** Where a style's format pads numbers or adds text: how it shows them. */
  displays: (NumberDisplay | undefined)[];
}

/** Reads styles.xml: for each cell style index, how its number format reads. */
export async function readCellFormats(bytes: Uint8Array, entry: ZipEntry, budget: InflateBudget): Promise<CellFormats> {
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
  const kinds = xfFormatIds.map((id) => classifyNumberFormat(id, codes.get(id)));
  const displays = xfFormatIds.map((id, index) => {
    const code = codes.get(id);
    return kinds[index] === "general" && code !== undefined ? numberDisplay(code) : undefined;
  });
  return { kinds, displays };
}
