import type { Reason } from "../scripts/reasons.js";
import type { Action, RowResult } from "./analyse.js";
import type { PlannedRow } from "./plan.js";

/** What a row's outcome takes of its plan (not the operation, nor the review's personal data). */
export type PlanOutcome = Pick<
  PlannedRow,
  "status" | "action" | "reasons" | "md_id" | "changes" | "conflict" | "depends_on"
>;

/**
 * What each stage found of one data row, each stage's own output; `finalRow` makes the row's
 * outcome from them. Nothing here holds a value of the row.
 */
export interface RowStages {
  row: number;
  /** Validation: the reasons the row is invalid (none: valid). */
  invalid: readonly Reason[];
  /** What a valid row that was not planned (validate) does: the script's action. */
  action: Action;
  /** Planning (test-run, run): what the platform would make of a valid row. */
  planned?: PlanOutcome | undefined;
  /** American dates: per date column Excel read as month/day, the reason this row is invalid. */
  americanDates?: readonly Reason[] | undefined;
  /** Dedupe: why the row repeats or contradicts another (`duplicate_in_file`, `conflict_in_file`). */
  duplicates?: readonly Reason[] | undefined;
  /** Formula columns: per column none of whose formulas was computed, the reason (it names its field). */
  formulas?: readonly Reason[] | undefined;
}

/**
 * A row's final outcome, in this written order:
 *
 *   1. validation: valid, or invalid with its reasons;
 *   2. the plan over a valid row (planned, unchanged, dropout);
 *   3. American dates over both: the row is invalid; a row already invalid gains the reason;
 *   4. duplicates over the plan: an invalid row stays invalid and gains the duplicate reasons,
 *      any other row is `duplicate`, with no action and nothing of its plan;
 *   5. an uncomputed formula (its cached 0 read as a value): invalid, and the reasons the row
 *      had for that field (a conflict, say) no longer count.
 *
 * In `run`, approval and the journal then decide over the plan: that is execute.ts's `reconcile`.
 * NOTE: steps 3 and 5 keep what the plan said of the row's account (md_id, changes, conflict),
 * as the report always has; only a duplicate drops it.
 */
export function finalRow(stages: RowStages): RowResult {
  let result = baseRow(stages);
  for (const reason of stages.americanDates ?? []) {
    result = {
      ...result,
      status: "invalid",
      action: "none",
      reasons: result.status === "invalid" ? [...result.reasons, reason] : [reason],
    };
  }
  const duplicates = stages.duplicates;
  if (duplicates && duplicates.length > 0) {
    if (result.status === "invalid") result = { ...result, reasons: [...result.reasons, ...duplicates] };
    else result = { row: result.row, status: "duplicate", action: "none", reasons: [...duplicates] };
  }
  for (const reason of stages.formulas ?? []) {
    const others =
      result.status === "invalid" || result.status === "duplicate"
        ? result.reasons.filter((r) => r.field !== reason.field)
        : [];
    result = { ...result, status: "invalid", action: "none", reasons: [...others, reason] };
  }
  return result;
}

/** Steps 1 and 2: the validation's outcome, or the plan's of a valid row. */
function baseRow({ row, invalid, action, planned }: RowStages): RowResult {
  if (invalid.length > 0 || !planned) {
    return {
      row,
      status: invalid.length > 0 ? "invalid" : "valid",
      action: invalid.length > 0 ? "none" : action,
      reasons: invalid as Reason[],
    };
  }
  const { md_id: mdId, changes, conflict, depends_on: dependsOn } = planned;
  return {
    row,
    status: planned.status,
    action: planned.action,
    reasons: planned.reasons,
    ...(mdId === undefined ? {} : { md_id: mdId }),
    ...(changes === undefined ? {} : { changes }),
    ...(conflict === undefined ? {} : { conflict }),
    ...(dependsOn === undefined ? {} : { depends_on: dependsOn }),
  };
}

/**
 * After planning, over HTTP: a planned link the platform turns out to hold already (its
 * relations are read per client afterwards, see existing-links.ts) is unchanged.
 */
export const alreadyLinked = (result: RowResult): RowResult => ({
  ...result,
  status: "unchanged",
  action: "none",
  reasons: [{ code: "already_exists" }],
});
