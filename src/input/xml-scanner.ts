import { InputError } from "../shared/errors.js";

/** Attributes of one element, by local name (namespace prefixes dropped). */
export type XmlAttributes = Record<string, string>;

/** What a scanner reports; names are local names, without a namespace prefix. */
export interface XmlHandler {
  open(name: string, attributes: XmlAttributes, selfClosing: boolean): void;
  close(name: string): void;
  text(text: string): void;
}

const TAG = /<([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const CLOSE = /<\/([A-Za-z_][\w.:-]*)\s*>/y;
const ENTITY = /&(?:#(\d{1,7})|#x([0-9A-Fa-f]{1,6})|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
/** Longest stretch without markup that the scanner holds while it waits for more. */
const MAX_PENDING = 64 * 1024 * 1024;

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
    this.buffer = this.buffer.slice(consumed);
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
    let at = 0;
    while (at < buffer.length) {
      const lt = buffer.indexOf("<", at);
      if (lt === -1) {
        if (!final) return at;
        this.emitText(buffer.slice(at));
        return buffer.length;
      }
      if (lt > at) this.emitText(buffer.slice(at, lt));
      at = lt;
      const next = buffer.charCodeAt(lt + 1);
      if (Number.isNaN(next)) return final ? this.fail("it ends in the middle of a tag") : at;
      if (next === 47 /* / */) {
        CLOSE.lastIndex = lt;
        const match = CLOSE.exec(buffer);
        if (!match) return this.unfinished(at, final);
        handler.close(localName(match[1] ?? ""));
        at = CLOSE.lastIndex;
      } else if (next === 33 /* ! */ || next === 63 /* ? */) {
        const end = this.skipSpecial(buffer, lt);
        if (end === -1) return this.unfinished(at, final);
        at = end;
      } else {
        TAG.lastIndex = lt;
        const match = TAG.exec(buffer);
        if (!match) return this.unfinished(at, final);
        handler.open(localName(match[1] ?? ""), parseAttributes(match[2] ?? ""), match[3] === "/");
        if (match[3] === "/") handler.close(localName(match[1] ?? ""));
        at = TAG.lastIndex;
      }
    }
    return at;
  }

  /** Comments, processing instructions, CDATA and DOCTYPE (skipped, its entities never used). */
  private skipSpecial(buffer: string, lt: number): number {
    if (buffer.startsWith("<![CDATA[", lt)) {
      const end = buffer.indexOf("]]>", lt + 9);
      if (end === -1) return -1;
      const text = buffer.slice(lt + 9, end);
      if (text.length > 0) this.handler.text(text);
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
    // A tag that does not match even with a megabyte after it is broken, not unfinished.
    if (final || this.buffer.length - at > 1024 * 1024) this.fail("a tag is malformed");
    return at;
  }

  private emitText(raw: string): void {
    this.handler.text(decodeEntities(raw));
  }

  private fail(why: string): never {
    throw new InputError(`The workbook is damaged and cannot be read (${this.partName}: ${why}); save it again from the spreadsheet program.`);
  }
}

function parseAttributes(source: string): XmlAttributes {
  const attributes: XmlAttributes = {};
  if (source.length === 0) return attributes;
  ATTRIBUTE.lastIndex = 0;
  for (let match = ATTRIBUTE.exec(source); match; match = ATTRIBUTE.exec(source)) {
    attributes[localName(match[1] ?? "")] = decodeEntities(match[2] ?? match[3] ?? "");
  }
  return attributes;
}
