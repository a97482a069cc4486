import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/cli.js";
import { PlatformRuleError, type Platform } from "../platform/platform.js";
import { PlatformError } from "../shared/errors.js";
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
      concurrency: 1,
      activate: { welcomeMail: "no" },
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
      concurrency: 1,
      activate: { welcomeMail: "no" },
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

  it("keeps the platform's own words of a refusal apart from its code, field, HTTP status and rule", async () => {
    const echo = "A user with this email address already exists: a@voorbeeld.nl (A B).";
    const refusals = [
      new PlatformRuleError("email_in_use", "the platform refused: email_in_use (HTTP 400)", { status: 400, platformText: echo }),
      new PlatformRuleError("invalid", "the platform refused (HTTP 400)", { status: 400, platformText: "A B may not be saved." }),
      new PlatformRuleError("invalid", "a value breaks a rule of the platform"),
      new Error("something else went wrong"),
    ];
    const platform = { name: "fake", createClient: () => Promise.reject(refusals.shift()!) } as unknown as Platform;
    const rows = results([2, 3, 4, 5].map((row) => [row, "planned"]));
    await executeRows(rows, new Map([2, 3, 4, 5].map((row) => [row, create])), {
      platform,
      journal: journal(),
      approval: approval([2, 3, 4, 5].map((row) => [row, "planned"])),
      maxFailures: 10,
      concurrency: 1,
      activate: { welcomeMail: "no" },
      now: () => new Date(0),
    });
    expect(rows.map((r) => r.reasons)).toEqual([
      [{ code: "email_in_use", field: "email", http_status: 400, rule: "email_in_use", platform_text: echo }],
      [{ code: "api_error", http_status: 400, rule: "invalid", platform_text: "A B may not be saved." }],
      [{ code: "api_error", rule: "invalid", platform_text: "a value breaks a rule of the platform" }],
      [{ code: "api_error", platform_text: "something else went wrong" }],
    ]);
  });

  it("keeps at most `concurrency` rows in flight, and carries out every row once", async () => {
    let inFlight = 0;
    let most = 0;
    const seen: string[] = [];
    const platform = {
      name: "fake",
      createClient: async (c: typeof client) => {
        inFlight++;
        most = Math.max(most, inFlight);
        seen.push(c.email);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return { ...c, md_id: "e".repeat(32), external_source: null };
      },
    } as unknown as Platform;
    const rowNumbers = Array.from({ length: 20 }, (_, i) => i + 2);
    const rows = results(rowNumbers.map((row) => [row, "planned"]));
    const operations = new Map(
      rowNumbers.map((row): [number, Operation] => [row, { kind: "create-client", client: { ...client, email: `${row}@voorbeeld.nl` } }]),
    );
    await executeRows(rows, operations, {
      platform,
      journal: journal(),
      approval: approval(rowNumbers.map((row) => [row, "planned"])),
      maxFailures: 10,
      concurrency: 4,
      activate: { welcomeMail: "no" },
      now: () => new Date(0),
    });
    expect(most).toBe(4);
    expect(new Set(seen).size).toBe(20);
    expect(rows.every((r) => r.status === "done")).toBe(true);
  });

  it("stops starting rows after an error that stops the command, and throws it once the started ones end", async () => {
    let call = 0;
    const platform = {
      name: "fake",
      createClient: () =>
        ++call === 2
          ? Promise.reject(new PlatformError("The platform refused the token (401)."))
          : Promise.resolve({ ...client, md_id: "e".repeat(32) }),
    } as unknown as Platform;
    const rows = results([2, 3, 4, 5].map((row) => [row, "planned"]));
    await expect(
      executeRows(rows, new Map([2, 3, 4, 5].map((row) => [row, create])), {
        platform,
        journal: journal(),
        approval: approval([2, 3, 4, 5].map((row) => [row, "planned"])),
        maxFailures: 10,
        concurrency: 1,
        activate: { welcomeMail: "no" },
        now: () => new Date(0),
      }),
    ).rejects.toThrow(/token/);
    expect(call).toBe(2);
    expect(statuses(rows)).toEqual([
      [2, "done"],
      [3, "planned"],
      [4, "planned"],
      [5, "planned"],
    ]);
  });

  it("finishes a create that an interrupted run left inactive, with the welcome e-mail as asked", async () => {
    const activated: unknown[] = [];
    const platform = {
      name: "fake",
      activate: (account: unknown, options: unknown) => {
        activated.push([account, options]);
        return Promise.resolve();
      },
    } as unknown as Platform;
    const dir = tempDir();
    const first = Journal.open(dir, { script: "new-clients", sha256: "a".repeat(64), platform: "fake" });
    first.write({ type: "run", time: "t", script: "new-clients", sha256: "a".repeat(64), platform: "fake", welcome_mail: "yes" });
    first.write({ type: "start", time: "t", row: 2, action: "create" });
    first.close();
    const rows = results([[2, "unchanged"]]);
    const resume: Operation = { kind: "activate", account: { kind: "client", md_id: "e".repeat(32) } };
    await executeRows(rows, new Map([[2, resume]]), {
      platform,
      journal: Journal.open(dir, { script: "new-clients", sha256: "a".repeat(64), platform: "fake" }),
      approval: approval([[2, "planned"]]),
      maxFailures: 10,
      concurrency: 1,
      activate: { welcomeMail: "yes" },
      now: () => new Date(0),
    });
    expect(activated).toEqual([[{ kind: "client", md_id: "e".repeat(32) }, { welcomeMail: "yes" }]]);
    expect(statuses(rows)).toEqual([[2, "done"]]);
  });
});
