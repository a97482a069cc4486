/** How a number cell is formatted, as far as reading its value is concerned. */
export type NumberFormatKind = "general" | "date" | "text" | "scientific";

/**
 * One cell's value as the workbook stores it: a formula is replaced by its cached value and
 * marked `formula`; `display` is how a padding number format shows a number. An `error` cell shows an Excel error (#N/A); `uncomputed` is a formula
 * whose writer stored no computed value (openpyxl): Excel would show one, the file has none.
 */
export type Cell =
  | { kind: "text"; text: string; formula?: true }
  | {
      kind: "number";
      value: number;
      format: NumberFormatKind;
      date1904: boolean;
      formula?: true;
      /** The text Excel shows where the number format pads the number or adds text ("00042", "ABC-0042"). */
      display?: string;
    }
  | { kind: "boolean"; value: boolean; formula?: true }
  | { kind: "error"; text: string; uncomputed?: true };

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
      if (cell.display !== undefined) return cell.display;
      if (cell.format === "date") return excelSerialToIso(cell.value, cell.date1904) ?? String(cell.value);
      return numberToPlainText(cell.value);
  }
}

/** Whether a cell holds nothing once white space (including non-breaking spaces) is trimmed. */
export const isBlank = (cell: Cell | undefined): boolean =>
  !cell || (cell.kind === "text" && trimAll(cell.text).length === 0);

/** Trims white space, non-breaking and zero-width spaces, word joiners and a byte-order mark. */
export const trimAll = (text: string): string =>
  text.replace(
    /^[\s\u00a0\u200b-\u200d\u2007\u2060\u202f\ufeff]+|[\s\u00a0\u200b-\u200d\u2007\u2060\u202f\ufeff]+$/g,
    "",
  );

/**
 * A number as plain digits, without exponent or `.0`, to at most the 15 significant digits
 * that Excel keeps (so 1.2345678901234567E+19 shows as 12345678901234600000, as in Excel).
 */
export function numberToPlainText(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const [mantissa = "", exponent] = Math.abs(value).toPrecision(15).split("e");
  let text = mantissa;
  if (exponent !== undefined) {
    const digits = mantissa.replace(".", "");
    const point = 1 + Number(exponent);
    if (point <= 0) text = `0.${"0".repeat(-point)}${digits}`;
    else if (point >= digits.length) text = digits + "0".repeat(point - digits.length);
    else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  if (text.includes(".")) text = text.replace(/\.?0+$/, "");
  return value < 0 ? `-${text}` : text;
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
  return isoFromDays((epoch + days * DAY_MS) / DAY_MS);
}

/**
 * Days since 1970-01-01 to YYYY-MM-DD, by arithmetic (Howard Hinnant's civil_from_days):
 * this runs for every date cell, twice, and a Date object per cell costs more.
 */
export function isoFromDays(daysSinceEpoch: number): string {
  const z = daysSinceEpoch + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, "0")}-${month < 10 ? "0" : ""}${month}-${day < 10 ? "0" : ""}${day}`;
}
