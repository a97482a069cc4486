import type { Status } from "../../pipeline/analyse.js";
import type { WarningCode } from "../../pipeline/warnings.js";
import type { ReasonCode, ReasonDetail } from "../../scripts/reasons.js";

/**
 * The words of one language for everything a requester reads. `{field}` is the column's
 * header in that language, `{ref}` a row number, `{roles}` the list of groups.
 */
export interface Catalogue {
  reasons: Record<ReasonCode, string>;
  details: Record<ReasonDetail, string>;
  statuses: Record<Status, string>;
  /** One message per code of pipeline/warnings.ts; `{name}` is the warning's field of that name. */
  warnings: Record<WarningCode, string>;
  /**
   * A row of another sheet, as a reason names it: `{row}` its number, `{sheet}` the sheet's name;
   * and the reasons whose words differ when the row is in another sheet.
   */
  sheetRef: string;
  crossSheet: { conflict_in_file: string };
  labels: {
    row: string;
    status: string;
    reason: string;
    summary: string;
    report: string;
    script: string;
    mode: string;
    file: string;
    sheet: string;
    rows: string;
    count: string;
    created: string;
    platform: string;
    notes: string;
    /** After a capped list of rows: "{n}" is how many more. */
    moreRow: string;
    moreRows: string;
  };
  modes: Record<"validate" | "test-run" | "run", string>;
}
