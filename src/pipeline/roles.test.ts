import { describe, expect, it } from "vitest";
import { PlatformIndex, type ListedProfessional, type Platform } from "../platform/platform.js";
import type { Role } from "../scripts/fields.js";
import { defaultPlatformConfig } from "../platform/config.js";
import type { RowResult } from "./analyse.js";
import { planners, type Operation, type PlannedRow } from "./plan.js";
import { PendingRoles, replanned } from "./roles.js";

const md = (n: number) => n.toString(16).padStart(32, "0");
const listed = (n: number, role: Role | null): ListedProfessional => ({
  md_id: md(n),
  id: `P${n}`,
  email: `p${n}@voorbeeld.nl`,
  first_name: "Piet",
  infix: null,
  last_name: "Jansen",
  role,
  active: true,
  external_source: null,
});

/** Plans the rows with PendingRoles over a platform whose list gave no roles, then replans them with the roles read (replanWithRoles); counts the roles read. */
async function planAndSettle(
  script: "new-professionals" | "update-professionals",
  rows: Record<string, unknown>[],
  actual: Record<string, Role>,
) {
  const index = new PlatformIndex({
    config: defaultPlatformConfig,
    clients: [],
    professionals: [listed(1, null), listed(2, null)],
    relations: [],
  });
  const read: string[][] = [];
  const platform = {
    rolesOf: (mdIds: readonly string[]) => {
      read.push([...mdIds]);
      return Promise.resolve(new Map(mdIds.map((id) => [id, actual[id] ?? null])));
    },
  } as unknown as Platform;
  const roles = new PendingRoles();
  const plan = roles.wrap(planners[script], index);
  const operations = new Map<number, Operation>();
  const results: RowResult[] = rows.map((values, i) => {
    const planned = plan(values, i + 2);
    if (planned.operation) operations.set(i + 2, planned.operation);
    return { row: i + 2, status: planned.status, action: planned.action, reasons: planned.reasons };
  });
  await roles.replanWithRoles(results, operations, platform);
  return { results: results.map((r) => [r.status, ...r.reasons.map((x) => x.code)]), operations, read };
}

describe("roles a platform's list does not give", () => {
  it("update-professionals: reads the role of the professionals the rows name, once each, and plans only what differs", async () => {
    const { results, operations, read } = await planAndSettle(
      "update-professionals",
      [
        { md_id: md(1), role: "supervisor" },
        { md_id: md(2), role: "supervisor", last_name: "Visser" },
        { md_id: md(1), last_name: "Bakker" },
      ],
      { [md(1)]: "supervisor", [md(2)]: "secretary" },
    );
    expect(results).toEqual([["unchanged"], ["planned"], ["planned"]]);
    expect(operations.get(3)).toEqual({
      kind: "update-professional",
      md_id: md(2),
      changes: { last_name: "Visser", role: "supervisor" },
    });
    expect(operations.get(4)).toEqual({ kind: "update-professional", md_id: md(1), changes: { last_name: "Bakker" } });
    expect(operations.has(2)).toBe(false);
    expect(read).toEqual([[md(1), md(2)]]);
  });

  it("new-professionals: the unchanged check reads only the professional a row matches", async () => {
    const row = (n: number, role: string) => ({
      id: `P${n}`,
      email: `p${n}@voorbeeld.nl`,
      first_name: "Piet",
      last_name: "Jansen",
      role,
    });
    const { results, read } = await planAndSettle(
      "new-professionals",
      [row(1, "supervisor"), row(2, "supervisor"), row(3, "supervisor")],
      {
        [md(1)]: "supervisor",
        [md(2)]: "secretary",
      },
    );
    expect(results).toEqual([
      ["unchanged", "already_exists"],
      ["dropout", "external_id_in_use", "email_in_use"],
      ["planned"],
    ]);
    expect(read).toEqual([[md(1), md(2)]]);
  });

  it("reads nothing for a sheet without a role column", async () => {
    const { results, read } = await planAndSettle("update-professionals", [{ md_id: md(1), last_name: "Visser" }], {});
    expect(results).toEqual([["planned"]]);
    expect(read).toEqual([]);
  });
});

describe("replanned", () => {
  it("gives a new result with the plan's outcome, its account, changes and conflict, and leaves the old one as it was", () => {
    const old: RowResult = {
      row: 4,
      status: "planned",
      action: "update",
      reasons: [],
      md_id: "a".repeat(32),
      changes: ["role"],
      depends_on: [{ sheet: 0, row: 2 }],
    };
    const before = structuredClone(old);
    const same = {
      status: "unchanged",
      action: "none",
      reasons: [{ code: "already_exists" }],
      md_id: "a".repeat(32),
    } as PlannedRow;
    const now = replanned(old, same);
    expect(now).toEqual({
      row: 4,
      status: "unchanged",
      action: "none",
      reasons: [{ code: "already_exists" }],
      md_id: "a".repeat(32),
      depends_on: [{ sheet: 0, row: 2 }],
    });
    expect(now).not.toBe(old);
    expect(old).toEqual(before);
  });
});
