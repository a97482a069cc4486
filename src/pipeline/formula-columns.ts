import type { Cell } from "../input/cells.js";
import type { ColumnDef } from "../scripts/script.js";

/** The columns whose formulas deserve a word: the keys that tell accounts apart. */
export const watchesFormulas = (column: ColumnDef): boolean =>
  column.idKind !== undefined || column.field === "email" || column.field === "bsn";

/** Whether a formula's cached value is what writers that compute nothing store (xlsxwriter: 0). */
const isZeroOrEmpty = (cell: Cell): boolean =>
  (cell.kind === "number" && cell.value === 0) ||
  (cell.kind === "text" && (cell.text.trim() === "" || cell.text.trim() === "0"));

/**
 * Watches one ID, e-mail or BSN column for formulas. A formula's cached value is used, but
 * the requester is told the column holds formulas; when every formula result is 0 or empty,
 * the writer computed none of them and the column's formula cells cannot be trusted.
 */
export class FormulaColumn {
  /** Row indexes (into the results) of the formula cells. */
  readonly rows: number[] = [];
  private computed = false;

  add(index: number, cell: Cell | undefined): void {
    if (cell === undefined || cell.kind === "error" || !cell.formula) return;
    this.rows.push(index);
    if (!this.computed && !isZeroOrEmpty(cell)) this.computed = true;
  }

  /** The rows whose formula results are not values at all; empty when some formula was computed. */
  uncomputedRows(): number[] {
    return this.computed ? [] : this.rows;
  }
}
