import { describe, expect, it } from "vitest";
import { clientAccount, mdId, professionalAccount } from "../../test/support/accounts.js";
import { PlatformIndex } from "../platform/platform.js";
import type { RowResult } from "./analyse.js";
import { planners } from "./plan.js";
import { platformConfigSchema } from "../platform/config.js";
import { pendingMdId, pendingRef, resolvePending, WorkbookPlan } from "./workbook-plan.js";

const person = (id: string, email: string) => ({ id, email, first_name: "An", infix: null, last_name: "Test" });
const planned = (row: number): RowResult => ({ row, status: "planned", action: "create", reasons: [] });
const invalid = (row: number): RowResult => ({
  row,
  status: "invalid",
  action: "none",
  reasons: [{ code: "invalid_date", field: "date_of_birth" }],
});

/** Clients in sheet 1, professionals in sheet 2, as the commands feed the plan. */
function workbook(
  clients: [number, ReturnType<typeof person>, RowResult][],
  professionals: [number, ReturnType<typeof person>, RowResult][],
) {
  const plan = new WorkbookPlan();
  const hearClients = plan.observer(1, "new-clients")!;
  for (const [row, values] of clients) hearClients(values, row);
  const hearProfessionals = plan.observer(2, "new-professionals")!;
  for (const [row, values] of professionals) hearProfessionals(values, row);
  plan.analysed(
    1,
    clients.map(([, , r]) => r),
  );
  plan.analysed(
    2,
    professionals.map(([, , r]) => r),
  );
  return plan;
}

describe("planning a workbook's sheets together", () => {
  it("hears no rows of a sheet that creates no account", () => {
    expect(new WorkbookPlan().observer(3, "relations")).toBeUndefined();
  });

  it("makes an e-mail address used by a new client and a new professional a conflict in both, each naming the other's sheet and row", () => {
    const client = planned(2);
    const other = planned(3);
    const professional = planned(4);
    const plan = workbook(
      [
        [2, person("C1", "same@example.org"), client],
        [3, person("C2", "other@example.org"), other],
      ],
      [[4, person("P1", "same@example.org"), professional]],
    );
    plan.markConflicts();
    expect(client).toEqual({
      row: 2,
      status: "duplicate",
      action: "none",
      reasons: [{ code: "conflict_in_file", field: "email", ref: { sheet: 2, row: 4 } }],
    });
    expect(professional.reasons).toEqual([{ code: "conflict_in_file", field: "email", ref: { sheet: 1, row: 2 } }]);
    expect(other.status).toBe("planned");
  });

  it("keeps source IDs per kind: a client and a professional may share one", () => {
    const client = planned(2);
    const professional = planned(2);
    const plan = workbook(
      [[2, person("X1", "a@example.org"), client]],
      [[2, person("X1", "b@example.org"), professional]],
    );
    plan.markConflicts();
    expect([client.status, professional.status]).toEqual(["planned", "planned"]);
  });

  it("plans a relation to accounts other sheets create, depending on those rows; one to an invalid create row is a dropout depends_on_row", () => {
    const plan = workbook(
      [
        [2, person("C1", "c1@example.org"), planned(2)],
        [3, person("C2", "c2@example.org"), invalid(3)],
      ],
      [[2, person("P1", "p1@example.org"), planned(2)]],
    );
    plan.markConflicts();
    const index = new PlatformIndex({
      config: platformConfigSchema.parse({}),
      clients: [clientAccount(1)],
      professionals: [professionalAccount(1)],
      relations: [],
    });
    plan.addPending(index);
    const relations = plan.relations((values) => planners.relations(values, index), 3);
    const toNew = relations({ professional_id: "P1", client_id: "C1" }, 2);
    expect(toNew).toMatchObject({
      status: "planned",
      action: "link",
      depends_on: [
        { sheet: 2, row: 2 },
        { sheet: 1, row: 2 },
      ],
      operation: {
        kind: "link",
        relation: {
          professional_md_id: pendingMdId({ sheet: 2, row: 2 }),
          client_md_id: pendingMdId({ sheet: 1, row: 2 }),
        },
      },
    });
    expect(relations({ professional_id: "P1", client_id: "C2" }, 3)).toEqual({
      status: "dropout",
      action: "link",
      reasons: [{ code: "depends_on_row", field: "client_id", ref: { sheet: 1, row: 3 } }],
    });
    // An account the platform holds already is linked as ever, depending on nothing.
    const existing = relations({ professional_md_id: mdId(101), client_md_id: mdId(1) }, 4);
    expect(existing.status).toBe("planned");
    expect(existing.depends_on).toBeUndefined();
    expect(pendingRef(mdId(1))).toBeUndefined();
  });

  it("lets an exact repeat of a planned create row not hide it: a relation to that ID depends on the planned row", () => {
    const repeat: RowResult = {
      row: 3,
      status: "duplicate",
      action: "none",
      reasons: [{ code: "duplicate_in_file", ref: 2 }],
    };
    const plan = workbook(
      [
        [2, person("C1", "c1@example.org"), planned(2)],
        [3, person("C1", "c1@example.org"), repeat],
      ],
      [],
    );
    plan.markConflicts();
    const index = new PlatformIndex({
      config: platformConfigSchema.parse({}),
      clients: [],
      professionals: [professionalAccount(1)],
      relations: [],
    });
    plan.addPending(index);
    const outcome = plan.relations((values) => planners.relations(values, index), 3)(
      { professional_md_id: mdId(101), client_id: "C1" },
      2,
    );
    expect(outcome.depends_on).toEqual([{ sheet: 1, row: 2 }]);
  });
});

describe("resolvePending: a relation's pending accounts at run time", () => {
  const link = (professional: string, client: string) => ({
    kind: "link" as const,
    relation: { professional_md_id: professional, client_md_id: client },
  });
  const made = new Map([["1:2", mdId(1)]]);
  const mdIdOf = (ref: { sheet: number; row: number }) => made.get(`${ref.sheet}:${ref.row}`);

  it("puts in the Minddistrict IDs the rows got, and leaves a link without pending accounts as it is", () => {
    expect(resolvePending(link(mdId(9), pendingMdId({ sheet: 1, row: 2 })), mdIdOf)).toEqual({
      operation: link(mdId(9), mdId(1)),
    });
    expect(resolvePending(link(mdId(9), mdId(8)), mdIdOf)).toEqual({ operation: link(mdId(9), mdId(8)) });
  });

  it("names every row without an ID (dropped out, failed, not carried out) as depends_on_row, never sending a pending ID", () => {
    expect(resolvePending(link(pendingMdId({ sheet: 2, row: 5 }), pendingMdId({ sheet: 1, row: 3 })), mdIdOf)).toEqual({
      reasons: [
        { code: "depends_on_row", field: "professional_id", ref: { sheet: 2, row: 5 } },
        { code: "depends_on_row", field: "client_id", ref: { sheet: 1, row: 3 } },
      ],
    });
    expect(
      resolvePending(link(pendingMdId({ sheet: 2, row: 5 }), pendingMdId({ sheet: 1, row: 2 })), () =>
        pendingMdId({ sheet: 2, row: 5 }),
      ),
    ).toEqual({
      reasons: [
        { code: "depends_on_row", field: "professional_id", ref: { sheet: 2, row: 5 } },
        { code: "depends_on_row", field: "client_id", ref: { sheet: 1, row: 2 } },
      ],
    });
  });
});
