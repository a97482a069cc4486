import type { Cell, NumberFormatKind, SheetRow } from "./cells.js";

/**
 * A batch of sheet rows in a shape that crosses a thread boundary cheaply: a few typed
 * arrays (moved, not copied) and one array of strings, instead of thousands of small
 * objects that the structured clone would walk one by one.
 */
export interface EncodedBatch {
  /** Per row: its number, 1 if hidden, and how many cells follow in the cell arrays. */
  rows: Int32Array;
  /** Per cell: its column (0 for A), its kind (see below) and, for numbers, its value. */
  columns: Int32Array;
  kinds: Uint8Array;
  numbers: Float64Array;
  /** The texts of text and error cells, in cell order. */
  texts: string[];
}

const TEXT = 0;
const ERROR = 1;
const FALSE = 2;
const TRUE = 3;
/** Numbers are NUMBER + the index of their format in `formats`. */
const NUMBER = 4;
/** A formula stored without a computed value. */
const UNCOMPUTED = 8;
/** Added to a kind: the cell holds a formula's cached value. */
const FORMULA = 0x80;
/** Added to a number's kind: its displayed text follows in `texts`. */
const DISPLAY = 0x40;
const formats: readonly NumberFormatKind[] = ["general", "date", "text", "scientific"];

export function encodeBatch(batch: readonly SheetRow[]): EncodedBatch {
  let cellCount = 0;
  for (const row of batch) for (const cell of row.cells) if (cell) cellCount++;
  const rows = new Int32Array(batch.length * 3);
  const columns = new Int32Array(cellCount);
  const kinds = new Uint8Array(cellCount);
  const numbers = new Float64Array(cellCount);
  const texts: string[] = [];
  let c = 0;
  batch.forEach((row, r) => {
    const first = c;
    row.cells.forEach((cell, column) => {
      if (!cell) return;
      columns[c] = column;
      switch (cell.kind) {
        case "text":
          kinds[c] = TEXT | (cell.formula ? FORMULA : 0);
          texts.push(cell.text);
          break;
        case "error":
          kinds[c] = cell.uncomputed ? UNCOMPUTED : ERROR;
          texts.push(cell.text);
          break;
        case "boolean":
          kinds[c] = (cell.value ? TRUE : FALSE) | (cell.formula ? FORMULA : 0);
          break;
        case "number":
          kinds[c] =
            (NUMBER + formats.indexOf(cell.format)) |
            (cell.formula ? FORMULA : 0) |
            (cell.display === undefined ? 0 : DISPLAY);
          numbers[c] = cell.value;
          if (cell.display !== undefined) texts.push(cell.display);
          break;
      }
      c++;
    });
    rows[r * 3] = row.row;
    rows[r * 3 + 1] = row.hidden ? 1 : 0;
    rows[r * 3 + 2] = c - first;
  });
  return { rows, columns, kinds, numbers, texts };
}

/** The rows of an encoded batch, as the reader made them; `date1904` is the workbook's. */
export function decodeBatch(batch: EncodedBatch, date1904: boolean): SheetRow[] {
  const { rows, columns, kinds, numbers, texts } = batch;
  const out: SheetRow[] = new Array<SheetRow>(rows.length / 3);
  let c = 0;
  let t = 0;
  for (let r = 0; r < out.length; r++) {
    const cells: (Cell | undefined)[] = [];
    const end = c + (rows[r * 3 + 2] as number);
    for (; c < end; c++) {
      const flags = kinds[c] as number;
      const kind = flags & 0x3f;
      let cell: Cell;
      if (kind === TEXT) cell = { kind: "text", text: texts[t++] as string };
      else if (kind === ERROR) cell = { kind: "error", text: texts[t++] as string };
      else if (kind === UNCOMPUTED) cell = { kind: "error", text: texts[t++] as string, uncomputed: true };
      else if (kind === FALSE || kind === TRUE) cell = { kind: "boolean", value: kind === TRUE };
      else {
        cell = {
          kind: "number",
          value: numbers[c] as number,
          format: formats[kind - NUMBER] as NumberFormatKind,
          date1904,
        };
        if (flags & DISPLAY) cell.display = texts[t++] as string;
      }
      if (flags & FORMULA && cell.kind !== "error") cell.formula = true;
      cells[columns[c] as number] = cell;
    }
    out[r] = { row: rows[r * 3] as number, cells, hidden: rows[r * 3 + 1] === 1 };
  }
  return out;
}

/** The typed arrays of a batch, for postMessage's transfer list. */
export const transferablesOf = (batch: EncodedBatch): ArrayBuffer[] =>
  [batch.rows, batch.columns, batch.kinds, batch.numbers].map((a) => a.buffer as ArrayBuffer);
