/** The stable reason codes of the contract; messages are rendered from report/messages. */
export const reasonCodes = [
  "required",
  "invalid_email",
  "invalid_date",
  "invalid_gender",
  "invalid_phone",
  "invalid_bsn",
  "invalid_role",
  "invalid_id",
  "duplicate_in_file",
  "conflict_in_file",
  "external_id_in_use",
  "email_in_use",
  "bsn_in_use",
  "not_found",
  "client_not_found",
  "professional_not_found",
  "email_mismatch",
  "externally_managed",
  "already_exists",
  "changed_since_test_run",
  "api_error",
  "cell_error",
  "unsafe_value",
  "inactive_account",
  "missing_on_platform",
  "stored_differently",
  "depends_on_row",
] as const;

export type ReasonCode = (typeof reasonCodes)[number];

/**
 * Why a row cannot go ahead. `detail` picks a more precise message for the same code
 * (for example `excel_number` when Excel turned an ID into a number).
 */
export interface Reason {
  code: ReasonCode;
  field?: string;
  /** For `stored_differently`: the names of every field the platform holds otherwise (`field` is the first), never their values. */
  fields?: string[];
  /** The row this one repeats, conflicts with or depends on: a row of the same sheet, or of another sheet of the workbook. */
  ref?: number | SheetRef;
  detail?: ReasonDetail;
  /** For `cell_error`: the Excel error the cell shows (#N/A, #REF!, …), never a value of the row. */
  value?: string;
  /** A platform's refusal: the HTTP status of its answer (report.json keeps it). */
  http_status?: number;
  /** A platform's refusal: the platform rule it matched (report.json keeps it). */
  rule?: string;
  /**
   * A platform's refusal: the platform's own words. They may repeat the row's personal data,
   * so only report.xlsx shows them; report.json, summary.md, the log and the terminal never do.
   */
  platform_text?: string;
}

/** A row of a workbook's sheet, by the sheet's 1-based position (hidden sheets counted) and its row number. */
export interface SheetRef {
  sheet: number;
  row: number;
}

export type ReasonDetail =
  | "excel_number"
  | "too_long"
  | "wrong_kind"
  | "american"
  | "excel_american"
  | "two_digit_year"
  | "future"
  | "too_old"
  | "not_a_date"
  | "length"
  | "checksum"
  | "unavailable"
  /** stored_differently, found on resuming: an earlier start wrote the row. */
  | "earlier_start"
  | "formula_without_value"
  | "formula_zero"
  | "formula_start"
  | "control"
  | "invisible";
