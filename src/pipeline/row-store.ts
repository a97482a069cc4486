import { constants, deflateRawSync, inflateRawSync } from "node:zlib";

const SEPARATOR = "\u0000";
const ROW_END = "\u0001";
/** XML cannot hold these, but Excel's _x0000_ escape can put them in a cell: they become U+FFFD, never a separator. */
const safe = (text: string) =>
  text.includes(SEPARATOR) || text.includes(ROW_END) ? text.replaceAll(SEPARATOR, "\ufffd").replaceAll(ROW_END, "\ufffd") : text;
const BLOCK_CHARS = 256 * 1024;

/**
 * The sheet's rows as text, for report.xlsx, kept in memory only and compressed in blocks,
 * so that the report needs no second pass over the workbook and the memory they take is a
 * small fraction of the sheet. Nothing of it is ever written to disk.
 */
export class RowTextStore {
  private readonly blocks: Buffer[] = [];
  private pending: string[] = [];
  private pendingChars = 0;
  private count = 0;

  add(texts: readonly string[]): void {
    const line = texts.map(safe).join(SEPARATOR) + ROW_END;
    this.pending.push(line);
    this.pendingChars += line.length;
    this.count++;
    if (this.pendingChars >= BLOCK_CHARS) this.seal();
  }

  get rows(): number {
    return this.count;
  }

  /** The stored rows, in order; may be read more than once. */
  *read(): Generator<string[]> {
    this.seal();
    for (const block of this.blocks) {
      const text = inflateRawSync(block).toString("utf8");
      let start = 0;
      for (let end = text.indexOf(ROW_END); end !== -1; end = text.indexOf(ROW_END, start)) {
        yield text.slice(start, end).split(SEPARATOR);
        start = end + 1;
      }
    }
  }

  private seal(): void {
    if (this.pending.length === 0) return;
    this.blocks.push(deflateRawSync(Buffer.from(this.pending.join(""), "utf8"), { level: 1, finishFlush: constants.Z_FINISH }));
    this.pending = [];
    this.pendingChars = 0;
  }
}
