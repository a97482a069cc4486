import { constants, deflateRawSync, inflateRawSync } from "node:zlib";

const SEPARATOR = "\u0000";
const ROW_END = "\u0001";
/** XML cannot hold these, but Excel's _x0000_ escape can put them in a cell: they become U+FFFD, never a separator. */
const safe = (text: string) =>
  text.includes(SEPARATOR) || text.includes(ROW_END)
    ? text.replaceAll(SEPARATOR, "\ufffd").replaceAll(ROW_END, "\ufffd")
    : text;
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

  add(texts: readonly string[]): void {
    const line = texts.map(safe).join(SEPARATOR) + ROW_END;
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= BLOCK_CHARS) this.seal();
  }

  /** The stored rows, in order; may be read more than once. */
  *read(): Generator<string[], void> {
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
    this.blocks.push(
      deflateRawSync(Buffer.from(this.pending.join(""), "utf8"), { level: 1, finishFlush: constants.Z_FINISH }),
    );
    this.pending = [];
    this.pendingChars = 0;
  }
}

/** One cell that report.xlsx shows otherwise than the sheet: the value as stored, and what it was. */
export interface ReviewCell {
  /** The sheet's column (0-based); -1 and -2 are the relation's professional and client. */
  column: number;
  /** The value as it will be stored, in the platform's form (a date as yyyy-mm-dd, a gender as its code). */
  stored: string;
  /** The platform's current value, for an update; undefined where the sheet's own text is what it was. */
  was?: string | undefined;
}

const NO_WAS = "\u0002";

/**
 * Per data row, in the order of the rows, the cells report.xlsx marks: a value the tool
 * normalised, an update's old value, a relation's people. Kept as RowTextStore keeps the
 * sheet (compressed, in memory only): a row without marks takes one byte. Nothing of it ever
 * reaches report.json, summary.md or the log.
 */
export class ReviewStore {
  private readonly store = new RowTextStore();

  add(cells: readonly ReviewCell[]): void {
    this.store.add(cells.length === 0 ? [] : cells.flatMap((c) => [String(c.column), c.stored, c.was ?? NO_WAS]));
  }

  /** Each row's marked cells, in order. */
  *read(): Generator<ReviewCell[], void> {
    for (const flat of this.store.read()) {
      const cells: ReviewCell[] = [];
      for (let i = 0; i + 2 < flat.length; i += 3) {
        const was = flat[i + 2] as string;
        cells.push({ column: Number(flat[i]), stored: flat[i + 1] as string, ...(was === NO_WAS ? {} : { was }) });
      }
      yield cells;
    }
  }
}
