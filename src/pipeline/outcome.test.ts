import { describe, expect, it } from "vitest";
import type { Reason } from "../scripts/reasons.js";
import type { RowResult } from "./analyse.js";
import { alreadyLinked, finalRow, type PlanOutcome, type RowStages } from "./outcome.js";

const invalidEmail: Reason = { code: "invalid_email", field: "email" };
const american: Reason = { code: "invalid_date", field: "date_of_birth", detail: "excel_american" };
const repeated: Reason = { code: "duplicate_in_file", ref: 2 };
const formula: Reason = { code: "cell_error", field: "id", detail: "formula_zero" };
const conflictOnId: Reason = { code: "conflict_in_file", field: "id", ref: 3 };
const md = "a".repeat(32);
const planned: PlanOutcome = { status: "planned", action: "update", reasons: [], md_id: md, changes: ["last_name"] };
const dropout: PlanOutcome = {
  status: "dropout",
  action: "create",
  reasons: [{ code: "email_in_use", field: "email" }],
  conflict: { kind: "client", active: true, md_id: md },
};

const stages = (more: Partial<RowStages>): RowStages => ({ row: 5, invalid: [], action: "create", ...more });

describe("finalRow: a row's outcome from each stage's own output, in the written order", () => {
  it.each<[string, Partial<RowStages>, RowResult]>([
    ["valid, not planned (validate)", {}, { row: 5, status: "valid", action: "create", reasons: [] }],
    ["invalid", { invalid: [invalidEmail] }, { row: 5, status: "invalid", action: "none", reasons: [invalidEmail] }],
    [
      "the plan over a valid row",
      { planned },
      { row: 5, status: "planned", action: "update", reasons: [], md_id: md, changes: ["last_name"] },
    ],
    ["a dropout keeps its conflict", { planned: dropout }, { row: 5, ...dropout }],
    [
      "duplicates over the plan",
      { planned, duplicates: [repeated] },
      { row: 5, status: "duplicate", action: "none", reasons: [repeated] },
    ],
    [
      "duplicates over a dropout",
      { planned: dropout, duplicates: [repeated] },
      { row: 5, status: "duplicate", action: "none", reasons: [repeated] },
    ],
    [
      "an invalid row stays invalid, with the duplicate reasons",
      { invalid: [invalidEmail], duplicates: [repeated] },
      { row: 5, status: "invalid", action: "none", reasons: [invalidEmail, repeated] },
    ],
    [
      "American dates over the plan (what the plan said of the account stays)",
      { planned, americanDates: [american] },
      { row: 5, status: "invalid", action: "none", reasons: [american], md_id: md, changes: ["last_name"] },
    ],
    [
      "American dates over duplicates",
      { americanDates: [american], duplicates: [repeated] },
      { row: 5, status: "invalid", action: "none", reasons: [american, repeated] },
    ],
    [
      "American dates added to an invalid row's reasons, one per column",
      { invalid: [invalidEmail], americanDates: [american, { ...american, field: "other" }] },
      { row: 5, status: "invalid", action: "none", reasons: [invalidEmail, american, { ...american, field: "other" }] },
    ],
    [
      "an uncomputed formula replaces the reasons of its field only",
      { invalid: [invalidEmail], duplicates: [conflictOnId] },
      { row: 5, status: "invalid", action: "none", reasons: [invalidEmail, conflictOnId] },
    ],
    [
      "an uncomputed formula over a conflict on its field",
      { duplicates: [conflictOnId, repeated], formulas: [formula] },
      { row: 5, status: "invalid", action: "none", reasons: [repeated, formula] },
    ],
    [
      "an uncomputed formula over an invalid row keeps the other fields' reasons",
      { invalid: [invalidEmail, { code: "required", field: "id" }], formulas: [formula] },
      { row: 5, status: "invalid", action: "none", reasons: [invalidEmail, formula] },
    ],
    [
      "an uncomputed formula over the plan drops the plan's reasons",
      { planned: dropout, formulas: [formula] },
      { row: 5, status: "invalid", action: "none", reasons: [formula], conflict: dropout.conflict! },
    ],
  ])("%s", (_, more, expected) => expect(finalRow(stages(more))).toEqual(expected));

  it("changes none of the stages' outputs", () => {
    const given = stages({
      invalid: [invalidEmail],
      duplicates: [repeated],
      americanDates: [american],
      formulas: [formula],
    });
    const copy = structuredClone(given);
    finalRow(given);
    expect(given).toEqual(copy);
  });

  it("a planned link the platform already holds is unchanged, nothing else of it changes", () => {
    const link: RowResult = { row: 7, status: "planned", action: "link", reasons: [] };
    expect(alreadyLinked(link)).toEqual({
      row: 7,
      status: "unchanged",
      action: "none",
      reasons: [{ code: "already_exists" }],
    });
    expect(link.status).toBe("planned");
  });
});
