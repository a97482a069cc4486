import type { Status } from "../pipeline/analyse.js";
import { roleNames, type Gender, type Role } from "../scripts/fields.js";
import type { Lang } from "../scripts/script.js";
import type { CellStyle, CellValue } from "./xlsx-writer.js";
import { reviewWords } from "./messages/review.js";

/** One colour per status, soft enough to read black text on. */
export const statusFills: Record<Status, string> = {
  valid: "FFC6EFCE",
  planned: "FFC6EFCE",
  done: "FF9FD8A8",
  unchanged: "FFDDEBF7",
  invalid: "FFFFC7CE",
  duplicate: "FFFFEB9C",
  dropout: "FFF8CBAD",
  failed: "FFFF9999",
};
const statuses = Object.keys(statusFills) as Status[];

/** The styles report.xlsx uses beyond the writer's plain text (0), header (1) and status fills (2…). */
const extra = {
  number: { format: "number" },
  /** A value the tool stores otherwise than the sheet has it, or an update's new value. */
  stored: { fill: "FFBDD7EE", format: "text" },
  storedDate: { fill: "FFBDD7EE", format: "date" },
  /** The cell that caused the row's reason. */
  fault: { fill: "FFFF7C80", format: "text" },
  bold: { bold: true },
} as const satisfies Record<string, CellStyle>;
type Extra = keyof typeof extra;

export const reportFills = statuses.map((s) => statusFills[s]);
export const reportStyles: CellStyle[] = Object.values(extra);
export const styleOf = (status: Status): number => statuses.indexOf(status) + 2;
export const styleNamed = (name: Extra): number => statuses.length + 2 + Object.keys(extra).indexOf(name);

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** An ISO date as Excel's serial day number, or null if it is not one. */
export function excelDate(iso: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return null;
  return (Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - EXCEL_EPOCH) / 86_400_000;
}

/** A stored value as the requester reads it: a gender or group in their language, a date as dd-mm-yyyy. */
export function shownText(field: string | undefined, stored: string, lang: Lang): string {
  if (field === "gender") return reviewWords[lang].genders[stored as Gender] ?? stored;
  if (field === "role") return roleNames[stored as Role]?.[lang] ?? stored;
  if (field === "date_of_birth") {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(stored);
    if (match) return `${match[3]}-${match[2]}-${match[1]}`;
  }
  return stored;
}

/** The cell of a stored value: a date as a date cell, the rest as text. */
export function storedCell(field: string | undefined, stored: string, lang: Lang): { value: CellValue; style: number } {
  if (field === "date_of_birth") {
    const serial = excelDate(stored);
    if (serial !== null) return { value: serial, style: styleNamed("storedDate") };
  }
  return { value: shownText(field, stored, lang), style: styleNamed("stored") };
}
