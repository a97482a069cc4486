import { InputError } from "../shared/errors.js";

/** Attributes of one element, by local name (namespace prefixes dropped). */
export type XmlAttributes = Record<string, string>;

/**
 * What a scanner reports. Names are local names, without a namespace prefix, interned (so
 * compare them with ===). Attributes and text come as byte ranges of `source`, valid only
 * during the call: read them with `attribute()`, `parseAttributes()` or `textOf()`, so that
 * what nobody needs costs nothing.
 */
export interface XmlHandler {
  open(name: string, source: Buffer, attributesFrom: number, attributesTo: number, selfClosing: boolean): void;
  close(name: string): void;
  /** Raw text; entities are still encoded unless `cdata` (then it is the text itself). */
  text(source: Buffer, from: number, to: number, cdata: boolean): void;
  /** When false, the scanner skips text without looking at it. */
  readonly wantText?: boolean;
}

const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY = /&(?:#(\d{1,7})|#x([0-9A-Fa-f]{1,6})|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
/** Longest stretch without markup that the scanner holds while it waits for more. */
const MAX_PENDING = 64 * 1024 * 1024;
/** Longest tag; a tag that does not end within this is broken. */
const MAX_TAG = 1024 * 1024;

const LT = 60;
const GT = 62;
const SLASH = 47;
const COLON = 58;
const EQUALS = 61;
const QUOTE = 34;
const APOSTROPHE = 39;

export const isSpace = (code: number | undefined) => code === 32 || code === 9 || code === 10 || code === 13;

/** Decodes the five XML entities and numeric character references; no other entity is expanded. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY, (_, dec: string | undefined, hex: string | undefined, named: string | undefined) => {
    if (named) return NAMED[named] ?? "";
    const code = dec ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? "", 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
  });
}

/** The text of a byte range, entities decoded (unless it is CDATA). */
export const textOf = (source: Buffer, from: number, to: number, cdata = false): string => {
  const text = source.toString("utf8", from, to);
  return cdata ? text : decodeEntities(text);
};

const localName = (name: string) => {
  const colon = name.indexOf(":");
  return colon === -1 ? name : name.slice(colon + 1);
};

/** All attributes of an element, by local name. */
export function parseAttributes(source: Buffer, from: number, to: number): XmlAttributes {
  const attributes: XmlAttributes = {};
  if (to <= from) return attributes;
  const text = source.toString("utf8", from, to);
  ATTRIBUTE.lastIndex = 0;
  for (let match = ATTRIBUTE.exec(text); match; match = ATTRIBUTE.exec(text)) {
    attributes[localName(match[1] ?? "")] = decodeEntities(match[2] ?? match[3] ?? "");
  }
  return attributes;
}

/** Where the last attribute that `nextAttribute` found lies; reused, so reading makes no objects. */
export interface AttributeCursor {
  at: number;
  nameFrom: number;
  nameTo: number;
  valueFrom: number;
  valueTo: number;
}

export const newCursor = (): AttributeCursor => ({ at: 0, nameFrom: 0, nameTo: 0, valueFrom: 0, valueTo: 0 });

/**
 * Finds the next attribute from `cursor.at` up to `to`, in place: sets the local name's and
 * the value's byte ranges and moves `cursor.at` past it. False when there is none (left).
 */
export function nextAttribute(source: Buffer, to: number, cursor: AttributeCursor): boolean {
  let i = cursor.at;
  while (i < to && isSpace(source[i])) i++;
  if (i >= to) return false;
  let nameFrom = i;
  while (i < to && source[i] !== EQUALS && !isSpace(source[i])) {
    if (source[i] === COLON) nameFrom = i + 1;
    i++;
  }
  const nameTo = i;
  while (i < to && isSpace(source[i])) i++;
  if (source[i] !== EQUALS) return false;
  i++;
  while (i < to && isSpace(source[i])) i++;
  const quote = source[i];
  if (quote !== QUOTE && quote !== APOSTROPHE) return false;
  const close = source.indexOf(quote, i + 1);
  if (close === -1 || close > to) return false;
  cursor.nameFrom = nameFrom;
  cursor.nameTo = nameTo;
  cursor.valueFrom = i + 1;
  cursor.valueTo = close;
  cursor.at = close + 1;
  return true;
}

/** Whether the bytes from..to spell `name` (ASCII). */
export function bytesEqual(source: Buffer, from: number, to: number, name: string): boolean {
  if (to - from !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (source[from + k] !== name.charCodeAt(k)) return false;
  return true;
}

/** One attribute's value, or undefined. */
export function attribute(source: Buffer, from: number, to: number, name: string): string | undefined {
  const cursor = newCursor();
  cursor.at = from;
  while (nextAttribute(source, to, cursor)) {
    if (bytesEqual(source, cursor.nameFrom, cursor.nameTo, name))
      return textOf(source, cursor.valueFrom, cursor.valueTo);
  }
  return undefined;
}

/** Interned element names: the same few names come back for every cell. */
const names = new Map<number, string>();

function nameAt(source: Buffer, from: number, to: number): string {
  let start = from;
  for (let i = from; i < to; i++) if (source[i] === COLON) start = i + 1;
  const length = to - start;
  if (length > 6) return source.toString("utf8", start, to);
  let key = length;
  for (let i = start; i < to; i++) key = key * 256 + (source[i] as number);
  let name = names.get(key);
  if (name === undefined) {
    name = source.toString("utf8", start, to);
    if (names.size < 4096) names.set(key, name);
  }
  return name;
}

/**
 * A small streaming XML scanner over bytes, for the few parts of a workbook we read. It
 * keeps no element stack (so deep nesting costs nothing), expands no entity but the
 * predefined ones (so no entity expansion attack), and holds only the unfinished tail of
 * its input; tags and attributes are read as bytes, so no large string is ever made.
 */
export class XmlScanner {
  private rest: Buffer | null = null;

  constructor(
    private readonly handler: XmlHandler,
    private readonly partName: string,
  ) {}

  /** Scans a piece of the document; an unfinished tag at its end waits for the next piece. */
  feed(chunk: Uint8Array): void {
    const piece = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buffer = this.rest ? Buffer.concat([this.rest, piece]) : piece;
    const consumed = this.scan(buffer, false);
    this.rest = consumed === buffer.length ? null : Buffer.from(buffer.subarray(consumed));
    if (this.rest && this.rest.length > MAX_PENDING) this.fail("a single piece of text or a tag is too long");
  }

  /** Scans what is left; an unfinished tag now means the document is broken. */
  end(): void {
    if (!this.rest) return;
    const buffer = this.rest;
    this.rest = null;
    const consumed = this.scan(buffer, true);
    if (buffer.toString("utf8", consumed).trim().length > 0) this.fail("it ends in the middle of a tag");
  }

  private scan(buffer: Buffer, final: boolean): number {
    const handler = this.handler;
    const length = buffer.length;
    let at = 0;
    while (at < length) {
      const lt = buffer.indexOf(LT, at);
      if (lt === -1) {
        if (!final) return at;
        if (handler.wantText !== false) handler.text(buffer, at, length, false);
        return length;
      }
      if (lt > at && handler.wantText !== false) handler.text(buffer, at, lt, false);
      at = lt;
      if (lt + 1 >= length) return final ? this.fail("it ends in the middle of a tag") : at;
      const next = buffer[lt + 1];
      if (next === 33 /* ! */ || next === 63 /* ? */) {
        const end = this.skipSpecial(buffer, lt);
        if (end === -1) return this.unfinished(length - at, final, at);
        at = end;
        continue;
      }
      const gt = tagEnd(buffer, lt);
      if (gt === -2) this.fail("a tag is malformed");
      if (gt === -1) return this.unfinished(length - at, final, at);
      if (next === SLASH) {
        let end = gt;
        while (end > lt + 2 && isSpace(buffer[end - 1])) end--;
        handler.close(nameAt(buffer, lt + 2, end));
      } else {
        const selfClosing = buffer[gt - 1] === SLASH;
        const last = selfClosing ? gt - 1 : gt;
        let nameEnd = lt + 1;
        while (nameEnd < last && !isSpace(buffer[nameEnd])) nameEnd++;
        if (nameEnd === lt + 1) this.fail("a tag has no name");
        const name = nameAt(buffer, lt + 1, nameEnd);
        handler.open(name, buffer, nameEnd, last, selfClosing);
        if (selfClosing) handler.close(name);
      }
      at = gt + 1;
    }
    return at;
  }

  /** Comments, processing instructions, CDATA and DOCTYPE (skipped, its entities never used). */
  private skipSpecial(buffer: Buffer, lt: number): number {
    if (buffer.length - lt < 9) return -1; // too short to tell which kind yet
    const startsWith = (text: string) => bytesEqual(buffer, lt, lt + text.length, text);
    if (startsWith("<![CDATA[")) {
      const end = buffer.indexOf("]]>", lt + 9);
      if (end === -1) return -1;
      if (end > lt + 9 && this.handler.wantText !== false) this.handler.text(buffer, lt + 9, end, true);
      return end + 3;
    }
    const closing = startsWith("<!--") ? "-->" : startsWith("<?") ? "?>" : null;
    if (closing) {
      const end = buffer.indexOf(closing, lt + 2);
      return end === -1 ? -1 : end + closing.length;
    }
    const bracket = buffer.indexOf("[", lt);
    const gt = buffer.indexOf(GT, lt);
    if (gt === -1) return -1;
    if (bracket !== -1 && bracket < gt) {
      const end = buffer.indexOf("]>", bracket);
      return end === -1 ? -1 : end + 2;
    }
    return gt + 1;
  }

  private unfinished(pending: number, final: boolean, at: number): number {
    if (final || pending > MAX_TAG) this.fail("a tag is malformed");
    return at;
  }

  private fail(why: string): never {
    throw new InputError(
      `The workbook is damaged and cannot be read (${this.partName}: ${why}); save it again from the spreadsheet program.`,
    );
  }
}

/** The ">" that ends the tag opened at `lt`, skipping any inside quoted values; -1 if not here yet, -2 if broken. */
function tagEnd(buffer: Buffer, lt: number): number {
  const limit = Math.min(buffer.length, lt + MAX_TAG);
  let quote = 0;
  for (let i = lt + 1; i < limit; i++) {
    const code = buffer[i] as number;
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if (code === GT) return i;
    else if (code === QUOTE || code === APOSTROPHE) quote = code;
    else if (code === LT) return -2;
  }
  return -1;
}
