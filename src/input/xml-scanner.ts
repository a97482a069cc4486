import { InputError } from "../shared/errors.js";

/** Attributes of one element, by local name (namespace prefixes dropped). */
export type XmlAttributes = Record<string, string>;

/**
 * What a scanner reports; names are local names, without a namespace prefix. `attributes`
 * is the element's raw attribute text: read it with `attribute()` or `parseAttributes()`,
 * so that elements whose attributes nobody needs cost no parsing.
 */
export interface XmlHandler {
  open(name: string, attributes: string, selfClosing: boolean): void;
  close(name: string): void;
  text(text: string): void;
  /** When false, the scanner skips text without slicing or decoding it. */
  readonly wantText?: boolean;
}

const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY = /&(?:#(\d{1,7})|#x([0-9A-Fa-f]{1,6})|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
/** Longest stretch without markup that the scanner holds while it waits for more. */
const MAX_PENDING = 64 * 1024 * 1024;
/** Longest tag; a tag that does not end within this is broken. */
const MAX_TAG = 1024 * 1024;

const localName = (name: string) => {
  const colon = name.indexOf(":");
  return colon === -1 ? name : name.slice(colon + 1);
};

/** Decodes the five XML entities and numeric character references; no other entity is expanded. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY, (_, dec: string | undefined, hex: string | undefined, named: string | undefined) => {
    if (named) return NAMED[named] ?? "";
    const code = dec ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? "", 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
  });
}

/** All attributes of an element's raw attribute text, by local name. */
export function parseAttributes(source: string): XmlAttributes {
  const attributes: XmlAttributes = {};
  if (source.length === 0) return attributes;
  ATTRIBUTE.lastIndex = 0;
  for (let match = ATTRIBUTE.exec(source); match; match = ATTRIBUTE.exec(source)) {
    attributes[localName(match[1] ?? "")] = decodeEntities(match[2] ?? match[3] ?? "");
  }
  return attributes;
}

const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13;

/** One attribute from raw attribute text, or undefined; the quick path for hot elements. */
export function attribute(source: string, name: string): string | undefined {
  for (let at = source.indexOf(name); at !== -1; at = source.indexOf(name, at + 1)) {
    const before = source.charCodeAt(at - 1);
    if (!(isSpace(before) || before === 58) /* : */) continue;
    let i = at + name.length;
    while (isSpace(source.charCodeAt(i))) i++;
    if (source.charCodeAt(i) !== 61 /* = */) continue;
    i++;
    while (isSpace(source.charCodeAt(i))) i++;
    const quote = source[i];
    if (quote !== '"' && quote !== "'") continue;
    const close = source.indexOf(quote, i + 1);
    if (close === -1) return undefined;
    return decodeEntities(source.slice(i + 1, close));
  }
  return undefined;
}

/**
 * A small streaming XML scanner for the few parts of a workbook we read. It keeps no
 * element stack (so deep nesting costs nothing), expands no entity but the predefined
 * ones (so no entity expansion attack), and holds only the unfinished tail of its input.
 */
export class XmlScanner {
  private buffer = "";

  constructor(
    private readonly handler: XmlHandler,
    private readonly partName: string,
  ) {}

  /** Scans a piece of the document; an unfinished tag at its end waits for the next piece. */
  feed(chunk: string): void {
    this.buffer = this.buffer.length === 0 ? chunk : this.buffer + chunk;
    const consumed = this.scan(false);
    this.buffer = consumed === this.buffer.length ? "" : this.buffer.slice(consumed);
    if (this.buffer.length > MAX_PENDING) this.fail("a single piece of text or a tag is too long");
  }

  /** Scans what is left; an unfinished tag now means the document is broken. */
  end(): void {
    const consumed = this.scan(true);
    if (this.buffer.slice(consumed).trim().length > 0) this.fail("it ends in the middle of a tag");
    this.buffer = "";
  }

  private scan(final: boolean): number {
    const buffer = this.buffer;
    const handler = this.handler;
    const length = buffer.length;
    let at = 0;
    while (at < length) {
      const lt = buffer.indexOf("<", at);
      if (lt === -1) {
        if (!final) return at;
        this.emitText(buffer, at, length);
        return length;
      }
      if (lt > at) this.emitText(buffer, at, lt);
      at = lt;
      const next = buffer.charCodeAt(lt + 1);
      if (Number.isNaN(next)) return final ? this.fail("it ends in the middle of a tag") : at;
      if (next === 33 /* ! */ || next === 63 /* ? */) {
        const end = this.skipSpecial(buffer, lt);
        if (end === -1) return this.unfinished(at, final);
        at = end;
        continue;
      }
      const gt = tagEnd(buffer, lt);
      if (gt === -2) this.fail("a tag is malformed");
      if (gt === -1) return this.unfinished(at, final);
      if (next === 47 /* / */) {
        handler.close(localName(buffer.slice(lt + 2, gt).trim()));
      } else {
        const selfClosing = buffer.charCodeAt(gt - 1) === 47;
        const last = selfClosing ? gt - 1 : gt;
        let nameEnd = lt + 1;
        while (nameEnd < last && !isSpace(buffer.charCodeAt(nameEnd))) nameEnd++;
        if (nameEnd === lt + 1) this.fail("a tag has no name");
        const name = localName(buffer.slice(lt + 1, nameEnd));
        handler.open(name, nameEnd < last ? buffer.slice(nameEnd, last) : "", selfClosing);
        if (selfClosing) handler.close(name);
      }
      at = gt + 1;
    }
    return at;
  }

  /** Comments, processing instructions, CDATA and DOCTYPE (skipped, its entities never used). */
  private skipSpecial(buffer: string, lt: number): number {
    if (buffer.startsWith("<![CDATA[", lt)) {
      const end = buffer.indexOf("]]>", lt + 9);
      if (end === -1) return -1;
      if (end > lt + 9 && this.handler.wantText !== false) this.handler.text(buffer.slice(lt + 9, end));
      return end + 3;
    }
    const closing = buffer.startsWith("<!--", lt) ? "-->" : buffer.startsWith("<?", lt) ? "?>" : null;
    if (closing) {
      const end = buffer.indexOf(closing, lt + 2);
      return end === -1 ? -1 : end + closing.length;
    }
    const bracket = buffer.indexOf("[", lt);
    const gt = buffer.indexOf(">", lt);
    if (gt === -1) return -1;
    if (bracket !== -1 && bracket < gt) {
      const end = buffer.indexOf("]>", bracket);
      return end === -1 ? -1 : end + 2;
    }
    return gt + 1;
  }

  private unfinished(at: number, final: boolean): number {
    if (final || this.buffer.length - at > MAX_TAG) this.fail("a tag is malformed");
    return at;
  }

  private emitText(buffer: string, from: number, to: number): void {
    if (this.handler.wantText === false) return;
    this.handler.text(decodeEntities(buffer.slice(from, to)));
  }

  private fail(why: string): never {
    throw new InputError(`The workbook is damaged and cannot be read (${this.partName}: ${why}); save it again from the spreadsheet program.`);
  }
}

/** The ">" that ends the tag opened at `lt`, skipping any inside quoted attribute values; -1 if not here yet. */
function tagEnd(buffer: string, lt: number): number {
  const limit = Math.min(buffer.length, lt + MAX_TAG);
  let quote = 0;
  for (let i = lt + 1; i < limit; i++) {
    const code = buffer.charCodeAt(i);
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if (code === 62 /* > */) return i;
    else if (code === 34 || code === 39) quote = code;
    else if (code === 60 /* < */) return -2;
  }
  return -1;
}
