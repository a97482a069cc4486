import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/cli.js";
import { PlatformRuleError, type Platform } from "../platform/platform.js";
import type { RowResult } from "./analyse.js";
import type { Approval, ApprovedRow } from "./approval.js";
import { executeRows } from "./execute.js";
import { Journal } from "./journal.js";
import type { Operation } from "./plan.js";

const client = {
  id: "C1",
  email: "a@voorbeeld.nl",
  first_name: "A",
  infix: null,
  last_name: "B",
  gender: "unknown" as const,
  date_of_birth: null,
  phone_number: null,
  bsn: null,
  active: true,
};
const create: Operation = { kind: "create-client", client };

/** A platform that records what it was asked and refuses the e-mail addresses it is told to. */
function fakePlatform(refuse: (row: number) => boolean) {
  const calls: number[] = [];
  let call = 0;
  const platform = {
    name: "fake",
    createClient: () => {
      calls.push(++call);
      return refuse(call)
        ? Promise.reject(new PlatformRuleError("email_in_use", "the e-mail address is already used"))
        : Promise.resolve({ ...client, md_id: "e".repeat(32), external_source: null });
    },
  } as unknown as Platform;
  return { platform, calls };
}

const approval = (rows: [number, ApprovedRow["status"]][]): Approval => ({
  script: "new-clients",
  sha256: "a".repeat(64),
  platform: "fake",
  rows: new Map(rows.map(([row, status]) => [row, { row, status, action: "create" }])),
});
const results = (rows: [number, RowResult["status"]][]): RowResult[] => rows.map(([row, status]) => ({ row, status, action: "create", reasons: [] }));
const journal = () => Journal.open(tempDir(), { script: "new-clients", sha256: "a".repeat(64), platform: "fake" });
const statuses = (rows: RowResult[]) => rows.map((r) => [r.row, r.status, ...r.reasons.map((x) => x.code)]);

describe("executeRows", () => {
  it("carries out what is still planned as approved, and not what changed", async () => {
    const { platform, calls } = fakePlatform(() => false);
    const rows = results([
      [2, "planned"],
      [3, "planned"],
      [4, "dropout"],
      [5, "unchanged"],
      [6, "planned"],
      [7, "invalid"],
    ]);
    const operations = new Map([2, 3, 6].map((row) => [row, create]));
    const outcome = await executeRows(rows, operations, {
      platform,
      journal: journal(),
      approval: approval([
        [2, "planned"],
        [3, "dropout"],
        [4, "planned"],
        [5, "planned"],
        [6, "planned"],
        [7, "invalid"],
      ]),
      maxFailures: 10,
      now: () => new Date(0),
    });
    expect(statuses(rows)).toEqual([
      [2, "done"],
      [3, "dropout", "changed_since_test_run"],
      [4, "dropout", "changed_since_test_run"],
      [5, "unchanged"],
      [6, "done"],
      [7, "invalid"],
    ]);
    expect(calls).toHaveLength(2);
    expect(outcome).toEqual({ stopped: null, failures: 0 });
  });

  it("marks refused rows failed, goes on, and stops cleanly past the failure limit", async () => {
    const { platform, calls } = fakePlatform((call) => call >= 2);
    const rows = results([2, 3, 4, 5, 6].map((row) => [row, "planned"]));
    const outcome = await executeRows(rows, new Map([2, 3, 4, 5, 6].map((row) => [row, create])), {
      platform,
      journal: journal(),
      approval: approval([2, 3, 4, 5, 6].map((row) => [row, "planned"])),
      maxFailures: 1,
      now: () => new Date(0),
    });
    expect(statuses(rows)).toEqual([
      [2, "done"],
      [3, "failed", "email_in_use"],
      [4, "failed", "email_in_use"],
      [5, "planned"],
      [6, "planned"],
    ]);
    expect(calls).toHaveLength(3);
    expect(outcome).toEqual({ stopped: "max_failures", failures: 2 });
  });
});
