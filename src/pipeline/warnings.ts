/**
 * The warnings about a sheet as a whole: one table that every renderer reads (the catalogues'
 * words, report.json, the terminal, summary.md, report.xlsx's summary sheet). A new code is one
 * line here and one message per catalogue (report/messages/{nl,en,de}.ts); the compiler asks
 * for the messages, and a table test checks each code renders everywhere.
 */

/**
 * What a warning's field can hold. None holds a value of a data row: the tool's own row
 * numbers, column letters, cell references, counts and field names, or the organisation's
 * own words on the sheet (a sheet's name, a header). Hence `personal: false` for every kind:
 * a warning may go into report.json whole; the log holds only its code all the same.
 * `sheetText`: written by whoever made the sheet, so it goes through `printable` wherever it
 * is shown, and summary.md (which holds no text of the sheet but its name) leaves out a header.
 */
export const warningFieldKinds = {
  /** A column letter: F. */
  column: { personal: false, sheetText: false },
  /** Row numbers of the sheet. */
  rows: { personal: false, sheetText: false },
  /** One row number of the sheet. */
  row: { personal: false, sheetText: false },
  /** How many (sheets). */
  count: { personal: false, sheetText: false },
  /** Cell references: "C2:C3, D4:D5". */
  ranges: { personal: false, sheetText: false },
  /** A field name of the tool: email. */
  field: { personal: false, sheetText: false },
  /** A sheet's name. */
  sheet: { personal: false, sheetText: true },
  /** Sheet names, quoted and listed: "A", "B". */
  sheets: { personal: false, sheetText: true },
  /** A header cell's text, as the sheet has it. */
  header: { personal: false, sheetText: true },
} as const;
export type WarningFieldKind = keyof typeof warningFieldKinds;

/** The type of each kind of field. */
interface FieldValues {
  column: string;
  rows: number[];
  row: number;
  count: number;
  ranges: string;
  field: string;
  sheet: string;
  sheets: string;
  header: string;
}

interface WarningSpec {
  /** A note only informs; a warning asks the requester to look at something. */
  level: "note" | "warning";
  /** The warning's fields (the catalogue's `{placeholders}`) and what each holds. */
  fields: Readonly<Record<string, WarningFieldKind>>;
}

export const warningCodes = {
  no_data_rows: { level: "warning", fields: { header_row: "row" } },
  rows_above_header: { level: "warning", fields: { header: "row", rows: "rows" } },
  unknown_column: { level: "warning", fields: { column: "column", header: "header" } },
  ignored_column: { level: "warning", fields: { column: "column", field: "field" } },
  other_sheets: { level: "note", fields: { sheet: "sheet", sheets: "count" } },
  hidden_sheet: { level: "warning", fields: { sheet: "sheet" } },
  hidden_rows: { level: "note", fields: { rows: "rows" } },
  bsn_padded: { level: "note", fields: { rows: "rows" } },
  american_dates: { level: "warning", fields: { column: "column", rows: "rows" } },
  macros: { level: "warning", fields: {} },
  merged_cells: { level: "warning", fields: { ranges: "ranges" } },
  unnamed_column: { level: "warning", fields: { column: "column" } },
  formula_column: { level: "warning", fields: { column: "column" } },
  number_format: { level: "warning", fields: { column: "column", rows: "rows" } },
  sheets_skipped: { level: "warning", fields: { sheet: "sheet", skipped: "sheets" } },
  sheet_skipped: { level: "warning", fields: { sheet: "sheet" } },
} as const satisfies Record<string, WarningSpec>;

export type WarningCode = keyof typeof warningCodes;
export const warningCodeList = Object.keys(warningCodes) as WarningCode[];

type Fields<C extends WarningCode> = (typeof warningCodes)[C]["fields"];
type WarningOf<C extends WarningCode> = { code: C } & {
  -readonly [F in keyof Fields<C>]: Fields<C>[F] extends WarningFieldKind ? FieldValues[Fields<C>[F]] : never;
};

/** Something about the sheet as a whole that the requester should know; no personal data. */
export type Warning = { [C in WarningCode]: WarningOf<C> }[WarningCode];

/** The fields of a warning, each with what it holds. */
export const warningFields = (code: WarningCode): [string, WarningFieldKind][] =>
  Object.entries(warningCodes[code].fields as Readonly<Record<string, WarningFieldKind>>);

/** Whether a warning only informs (a note) rather than asks the requester to look. */
export const isNote = (code: WarningCode): boolean => warningCodes[code].level === "note";
