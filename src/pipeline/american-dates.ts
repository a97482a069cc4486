import type { Cell } from "../input/cells.js";
import { cellText, excelSerialToIso } from "../input/cells.js";

/** Dates with the separators an American Excel parses (it does not parse dots). */
const DMY_TEXT = /^\s*(\d{1,2})[/-](\d{1,2})[/-]\d{4}\s*$/;

/**
 * Tells, per date column, whether Excel read the dates the American way (month/day).
 * An Excel set to American dates turns the text "05/03/1985" into 3 May (a date cell)
 * but leaves "13/05/1980" as text, since there is no month 13. So a column that holds
 * both date cells and text dates that only make sense as day/month was read that way,
 * and its date cells whose day and month could be swapped cannot be trusted. A text date
 * that an American Excel would have converted (both parts 12 or less) shows it was not.
 */
export class AmericanDateDetector {
  private evidence = 0;
  private counterEvidence = 0;
  /** Row indexes (into the results) of date cells that may have been swapped. */
  private readonly suspects: number[] = [];

  /** Looks at one row's cell of the date column. */
  add(index: number, cell: Cell | undefined): void {
    if (!cell) return;
    if (cell.kind === "number" && cell.format === "date") {
      const iso = excelSerialToIso(cell.value, cell.date1904);
      if (!iso) return;
      const [month, day] = [Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
      if (day <= 12 && day !== month) this.suspects.push(index);
      return;
    }
    if (cell.kind !== "text") return;
    const match = DMY_TEXT.exec(cellText(cell));
    if (!match) return;
    const [first, second] = [Number(match[1]), Number(match[2])];
    if (first > 12 && second <= 12) this.evidence++;
    else if (first <= 12 && second <= 12) this.counterEvidence++;
  }

  /** The rows whose date cells were probably read as month/day; empty when that cannot be told. */
  suspectRows(): number[] {
    return this.evidence > 0 && this.counterEvidence === 0 ? this.suspects : [];
  }
}
