import { z } from "zod";
import { type Cell, isBlank } from "../input/cells.js";
import type { HeaderMap } from "../input/headers.js";
import type { FieldContext, FieldNote } from "../scripts/fields.js";
import type { Reason, ReasonCode, ReasonDetail } from "../scripts/reasons.js";
import type { ColumnDef, ScriptDef } from "../scripts/script.js";
import type { PlatformConfig } from "../platform/config.js";

/** One row checked on its own: its normalised values, and why it cannot go ahead, if it cannot. */
export interface ValidatedRow {
  values: Record<string, unknown>;
  reasons: Reason[];
  notes: FieldNote[];
}

export interface RowValidator {
  validate(cells: readonly (Cell | undefined)[]): ValidatedRow;
  /** Script columns the sheet has but the platform does not (client_fields `absent`): ignored. */
  ignored: ColumnDef[];
}

interface FieldIssue {
  code: ReasonCode;
  detail?: ReasonDetail;
  value?: string;
}

/** Excel's error values as a cell shows them; anything else a `t="e"` cell holds is told as #ERROR. */
const EXCEL_ERROR =
  /^#(?:N\/A|REF!|NAME\?|VALUE!|DIV\/0!|NULL!|NUM!|SPILL!|CALC!|GETTING_DATA|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!)$/;

/** An error cell is never a value: the row is refused with the error it shows, or as an uncomputed formula. */
const cellError = (cell: Extract<Cell, { kind: "error" }>): FieldIssue =>
  cell.uncomputed
    ? { code: "cell_error", detail: "formula_without_value" }
    : {
        code: "cell_error",
        value: EXCEL_ERROR.test(cell.text.trim().toUpperCase()) ? cell.text.trim().toUpperCase() : "#ERROR",
      };

/**
 * Builds the zod schema of one script's row for the columns this sheet has and the
 * platform's configuration, and returns a validator for raw rows.
 */
export function buildRowValidator(
  script: ScriptDef,
  headerMap: HeaderMap,
  config: PlatformConfig,
  context: FieldContext,
): RowValidator {
  const ignored: ColumnDef[] = [];
  const used: { index: number; column: ColumnDef }[] = [];
  for (const [index, column] of headerMap.columns) {
    if (ruleFor(column, config) === "absent") ignored.push(column);
    else used.push({ index, column });
  }
  const notes: FieldNote[] = [];
  const isUpdate = script.action === "update";
  const shape: Record<string, z.ZodType> = {};
  for (const { column } of used) {
    const required = ruleFor(column, config) === "required";
    // z.transform alone, not z.unknown().transform(): the pipe between them cost a third of
    // the validation time of a 100,000-row sheet.
    shape[column.field] = z.transform((input: unknown, ctx) => {
      const cell = input as Cell | undefined;
      if (cell?.kind === "error") return addIssue(ctx, cellError(cell));
      // An update leaves a field alone where its cell is empty.
      if (isUpdate && isBlank(cell) && !required) return null;
      const result = column.parse(cell, context);
      if (!result.ok)
        return addIssue(ctx, { code: result.code, ...(result.detail === undefined ? {} : { detail: result.detail }) });
      if (result.note) notes.push(result.note);
      if (result.value === null && required) return addIssue(ctx, { code: "required" });
      return result.value;
    });
  }
  // "One of these columns" groups (but the update scripts' changes), worked out once, not per row.
  const groups = Object.keys(script.groups ?? {})
    .filter((group) => group !== "changes")
    .map((group) => {
      const members = script.columns.filter((c) => typeof c.column === "object" && c.column.oneOf === group);
      const first = members.find((c) => shape[c.field]) ?? members[0];
      return { members, path: [first?.field ?? group] };
    });
  const schema = z.object(shape).superRefine((values, ctx) => {
    for (const { members, path } of groups) {
      if (members.every((c) => values[c.field] === null || values[c.field] === undefined)) {
        ctx.addIssue({ code: "custom", path, message: "required", params: { code: "required" } });
      }
    }
  });

  return {
    ignored,
    validate(cells) {
      notes.length = 0;
      const input: Record<string, Cell | undefined> = {};
      for (const { index, column } of used) input[column.field] = cells[index];
      const parsed = schema.safeParse(input);
      if (parsed.success)
        return { values: parsed.data, reasons: noReasons, notes: notes.length === 0 ? noNotes : [...notes] };
      const reasons = parsed.error.issues.map((issue): Reason => {
        const params = (issue as { params?: FieldIssue }).params;
        const field = String(issue.path[0] ?? "");
        const reason: Reason = { code: params?.code ?? "required", field };
        if (params?.detail) reason.detail = params.detail;
        if (params?.value) reason.value = params.value;
        return reason;
      });
      return { values: valuesDespite(parsed.error, input), reasons, notes: [...notes] };
    },
  };

  function valuesDespite(_error: z.ZodError, input: Record<string, Cell | undefined>): Record<string, unknown> {
    // A row with a bad field still takes part in duplicate detection with its good fields.
    const values: Record<string, unknown> = {};
    for (const { column } of used) {
      const cell = input[column.field];
      const result = (isUpdate && isBlank(cell)) || cell?.kind === "error" ? null : column.parse(cell, context);
      values[column.field] = result && result.ok ? result.value : null;
    }
    return values;
  }
}

/** Shared by every row without problems; copied, never changed, when reasons are added. */
const noReasons: Reason[] = Object.freeze([]) as unknown as Reason[];
const noNotes: FieldNote[] = Object.freeze([]) as unknown as FieldNote[];

function addIssue(ctx: z.RefinementCtx, issue: FieldIssue): never {
  ctx.addIssue({ code: "custom", message: issue.code, params: issue });
  return z.NEVER;
}

/** How the platform treats a column's values: fixed by the script or by client_fields. */
export function ruleFor(column: ColumnDef, config: PlatformConfig): "required" | "optional" | "absent" {
  if (column.value !== "platform") return column.value;
  return config.client_fields[column.field as keyof PlatformConfig["client_fields"]] ?? "optional";
}
