import type { Catalogue } from "./catalogue.js";

export const en: Catalogue = {
  reasons: {
    required: "{field} is required but empty",
    invalid_email: "{field} is not a valid e-mail address",
    invalid_date: "{field} is not a valid date (use dd/mm/yyyy)",
    invalid_gender: "{field} is unknown; use m, f, other or unknown (empty means unknown)",
    invalid_phone: "{field} is not a valid phone number; write it in the international form, e.g. +31 6 12345678",
    invalid_bsn: "{field} is not a valid BSN",
    invalid_role: "{field} is not a known group; choose from {roles}",
    invalid_id: "{field} is not a valid ID",
    duplicate_in_file: "repeats row {ref} of this file; only row {ref} counts",
    conflict_in_file:
      "{field} appears more than once in this file with different data (also in row {ref}); no one can tell which row is right",
    external_id_in_use: "{field} is already in use on the platform",
    email_in_use: "{field} is already in use on the platform (active or inactive, client or professional)",
    bsn_in_use: "{field} is already in use on the platform",
    not_found: "the account does not exist on the platform",
    client_not_found: "the client does not exist on the platform",
    professional_not_found: "the professional does not exist on the platform",
    email_mismatch: "{field} does not belong to this account (cross-check failed)",
    externally_managed: "the account is managed by an external system and may not be changed here",
    already_exists: "the account already exists as this row describes it",
    changed_since_test_run: "the outcome changed since the approved test run; not carried out",
    api_error: "the platform refused",
    cell_error: "{field}: the cell shows {value}: fix the formula or type the value",
    unsafe_value:
      "{field} holds characters that must not reach the platform (control, direction or invisible characters, or a leading =, +, - or @ that a spreadsheet runs as a formula)",
    inactive_account:
      "an inactive account as this row describes already exists; an interrupted run may have made it: resume that run with the same command (the same --out) and it is activated",
    missing_on_platform: "the journal shows this row carried out, but the platform does not hold its outcome",
    stored_differently:
      "the platform accepted this row but does not hold what was sent for {fields} (a setting of the platform may leave out or change these fields); the run stopped after this row",
    depends_on_row:
      "depends on {ref}, which is not carried out (invalid, a duplicate or a dropout); correct that row first",
  },
  details: {
    unavailable: "the platform kept failing (no answer after every try)",
    earlier_start:
      "an earlier start of this run wrote this row, and the platform does not hold it as the sheet gives it; correct the account on the platform (or with an update sheet)",
    formula_without_value:
      "{field}: formula without a computed value: open and save the file in Excel, or paste the values",
    formula_zero:
      "{field}: every formula in this column gives 0 or nothing, so none was computed: open and save the file in Excel, or paste the values",
    formula_start: "{field} begins with =, +, - or @, which a spreadsheet runs as a formula; remove that character",
    control: "{field} holds a control or text-direction character (invisible in Excel); retype the value",
    invisible: "{field} holds an invisible (zero-width) character inside it; retype the value",
    excel_number: "Excel turned this ID into a number and lost digits: format the column as text",
    too_long: "{field} is too long (at most 64 characters for an ID, 100 for a name)",
    wrong_kind: "{field} is the URL of another kind of account",
    american: "{field} is in American order (month/day); use dd/mm/yyyy",
    excel_american:
      "Excel read this date as month/day, as other dates in this column show; check it and format the column as text",
    two_digit_year: "{field} has a two-digit year; use four digits",
    future: "{field} is in the future",
    too_old: "{field} is before 1900",
    not_a_date: "{field} is not a date (use dd/mm/yyyy)",
    length: "{field} must have 9 digits",
    checksum: "{field} fails the eleven-test",
  },
  statuses: {
    valid: "valid",
    planned: "planned",
    done: "done",
    unchanged: "unchanged",
    invalid: "invalid",
    duplicate: "duplicate",
    dropout: "dropout",
    failed: "failed",
  },
  warnings: {
    unknown_column: 'Column {column} ("{header}") is unknown and ignored.',
    ignored_column: "Column {column} is ignored: the platform has no such field.",
    other_sheets: 'The file has {sheets} sheets; only "{sheet}" was read.',
    hidden_sheet: 'The sheet "{sheet}" is hidden.',
    hidden_rows: "Hidden rows were read too: {rows}.",
    bsn_padded: "BSNs with fewer than 9 digits were padded with leading zeros (Excel had dropped them): rows {rows}.",
    american_dates: "Column {column}: Excel read dates in American order: rows {rows}.",
    macros: "The file holds macros (.xlsm); they were not run, only the data was read.",
    merged_cells:
      "Merged cells ({ranges}): only the top-left cell of such a range holds a value; the other cells were read as empty.",
    unnamed_column: "Column {column} has no header but holds data; that column was not read.",
    formula_column:
      "Column {column} holds formulas; their computed values were read: check that they are the values you mean.",
    sheets_skipped: 'The sheet "{sheet}" was read; skipped: {skipped}.',
    rows_above_header: "The header is row {header}; the rows above it were not read: {rows}.",
    number_format:
      "Column {column}: numbers were read as their number format shows them (leading zeros, fixed text): rows {rows}.",
    no_data_rows: "The sheet has a header (row {header_row}) but no data rows: there is nothing to import.",
    sheet_skipped: 'The sheet "{sheet}" fits no script and was skipped.',
  },
  sheetRef: 'row {row} of sheet "{sheet}"',
  crossSheet: {
    conflict_in_file:
      "{field} is also in {ref}, with different data; an e-mail address belongs to one account (client or professional)",
  },
  labels: {
    row: "Row",
    status: "Status",
    reason: "Reason",
    summary: "Summary",
    report: "Report",
    script: "Script",
    mode: "Kind",
    file: "File (sha256)",
    sheet: "Sheet",
    rows: "Rows",
    count: "Count",
    created: "Created",
    platform: "Platform",
    notes: "Notes",
    moreRow: "and 1 more row (see report.json)",
    moreRows: "and {n} more rows (see report.json)",
  },
  modes: { validate: "validation", "test-run": "test run", run: "final run" },
};
