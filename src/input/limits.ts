/**
 * Limits that keep a hostile or broken workbook from exhausting memory or time.
 * NOTE: generous for real sheets (a 1,000,000-row sheet of 20 columns stays well inside),
 * small enough that a zip bomb is refused before it inflates. Adjustable per run.
 */
export interface ReadLimits {
  /** Largest inflated size of one zip entry, in bytes. */
  maxEntryBytes: number;
  /** Largest inflated size of all entries read together, in bytes. */
  maxTotalBytes: number;
  /** Largest ratio of inflated to compressed size for an entry bigger than 1 MiB. */
  maxCompressionRatio: number;
  /** Most zip entries. */
  maxEntries: number;
  /** Most data rows in the sheet. */
  maxRows: number;
  /** Highest column number a cell may have (Excel's own limit is 16,384). */
  maxColumns: number;
  /** Longest text in one cell, in characters (Excel's own limit is 32,767). */
  maxCellChars: number;
}

export const defaultLimits: ReadLimits = {
  maxEntryBytes: 2 * 1024 ** 3 - 1,
  maxTotalBytes: 4 * 1024 ** 3,
  maxCompressionRatio: 200,
  maxEntries: 10_000,
  maxRows: 1_048_576,
  maxColumns: 16_384,
  maxCellChars: 32_767,
};
