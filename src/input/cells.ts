/** How a number cell is formatted, as far as reading its value is concerned. */
export type NumberFormatKind = "general" | "date" | "text" | "scientific";

/** One cell's value as the workbook stores it (formulas already replaced by their cached value). */
export type Cell =
  | { kind: "text"; text: string }
  | { kind: "number"; value: number; format: NumberFormatKind; date1904: boolean }
  | { kind: "boolean"; value: boolean }
  | { kind: "error"; text: string };

/** One non-empty row of the sheet; `cells` is indexed by column, 0 for A. */
export interface SheetRow {
  row: number;
  cells: (Cell | undefined)[];
  hidden: boolean;
}

/** The text a spreadsheet program would show for a cell, good enough for reports and headers. */
export function cellText(cell: Cell | undefined): string {
  if (!cell) return "";
  switch (cell.kind) {
    case "text":
    case "error":
      return cell.text;
    case "boolean":
      return cell.value ? "TRUE" : "FALSE";
    case "number":
      if (cell.format === "date") return excelSerialToIso(cell.value, cell.date1904) ?? String(cell.value);
      return numberToPlainText(cell.value);
  }
}

/** Whether a cell holds nothing once white space (including non-breaking spaces) is trimmed. */
export const isBlank = (cell: Cell | undefined): boolean =>
  !cell || (cell.kind === "text" && trimAll(cell.text).length === 0);

/** Trims white space, non-breaking and zero-width spaces and a byte-order mark. */
export const trimAll = (text: string): string =>
  text.replace(/^[\s\u00a0\u200b\u2007\u202f\ufeff]+|[\s\u00a0\u200b\u2007\u202f\ufeff]+$/g, "");

/** A number as plain digits: no exponent, no `.0`. */
export function numberToPlainText(value: number): string {
  if (Number.isInteger(value)) return BigInt(value).toString();
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, "");
}

const DAY_MS = 86_400_000;
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/**
 * Excel's day number to an ISO date. In the 1900 system Excel counts a 29 February 1900
 * that never was (serial 60), so serials before it are one day off from the epoch.
 */
export function excelSerialToIso(serial: number, date1904: boolean): string | null {
  if (!Number.isFinite(serial) || serial < 0 || serial > 2_958_465) return null;
  const days = Math.floor(serial + 1e-9);
  if (!date1904 && days === 60) return null;
  const epoch = date1904 ? EPOCH_1904 : days < 60 ? EPOCH_1900 + DAY_MS : EPOCH_1900;
  if (!date1904 && days === 0) return null;
  return new Date(epoch + days * DAY_MS).toISOString().slice(0, 10);
}
