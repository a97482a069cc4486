import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { tempDir } from "../../test/support/cli.js";
import { journalRows } from "../../test/support/platform.js";
import { PlatformRuleError, type Platform } from "../platform/platform.js";
import { PlatformError } from "../shared/errors.js";
import type { RowResult } from "./analyse.js";
import type { Approval, ApprovedRow } from "./approval.js";
import { executeRows, reconcile, type Decision } from "./execute.js";
import type { VerifyMode } from "./verify.js";
import { Journal, type EarlierRow, type JournalRun } from "./journal.js";
import { defaultPlatformConfig } from "../platform/config.js";
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
  name: "report.json",
  folder: "/nowhere",
  digest: "c".repeat(64),
  script: "new-clients",
  sha256: "a".repeat(64),
  sheet: { name: "Blad1", position: 1 },
  headerRow: 1,
  columns: {},
  platform: "fake",
  platformId: "fake",
  config: defaultPlatformConfig,
  rows: new Map(rows.map(([row, status]) => [row, { row, status, action: "create" }])),
});
const results = (rows: [number, RowResult["status"]][]): RowResult[] =>
  rows.map(([row, status]) => ({ row, status, action: "create", reasons: [] }));
const run: JournalRun = {
  approval: "c".repeat(64),
  script: "new-clients",
  sha256: "a".repeat(64),
  platform_id: "fake",
  welcome_mail: "yes",
};
const started = { time: "t", platform: "fake" };
/** A journal begun, as run.ts begins it once the approval's checks have passed. */
const begun = (dir: string) => {
  const journal = Journal.open(dir, run);
  journal.begin(started);
  return journal;
};
const journal = () => begun(tempDir());
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
    expect(outcome).toEqual({
      stopped: null,
      failures: 0,
      fatal: null,
      verification: { rows_verified: 0, mismatches: 0 },
    });
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
    expect(outcome).toEqual({
      stopped: "max_failures",
      failures: 2,
      fatal: null,
      verification: { rows_verified: 0, mismatches: 0 },
    });
  });

  it("keeps the platform's own words of a refusal apart from its code, field, HTTP status and rule", async () => {
    const echo = "A user with this email address already exists: a@voorbeeld.nl (A B).";
    const refusals = [
      new PlatformRuleError("email_in_use", "the platform refused: email_in_use (HTTP 400)", {
        status: 400,
        platformText: echo,
      }),
      new PlatformRuleError("invalid", "the platform refused (HTTP 400)", {
        status: 400,
        platformText: "A B may not be saved.",
      }),
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
      rowNumbers.map((row): [number, Operation] => [
        row,
        { kind: "create-client", client: { ...client, email: `${row}@voorbeeld.nl` } },
      ]),
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

  it("stops starting rows after an error that stops the command, and returns it once the started ones end", async () => {
    let call = 0;
    const platform = {
      name: "fake",
      createClient: () =>
        ++call === 2
          ? Promise.reject(new PlatformError("The platform refused the token (401)."))
          : Promise.resolve({ ...client, md_id: "e".repeat(32) }),
    } as unknown as Platform;
    const rows = results([2, 3, 4, 5].map((row) => [row, "planned"]));
    const outcome = await executeRows(rows, new Map([2, 3, 4, 5].map((row) => [row, create])), {
      platform,
      journal: journal(),
      approval: approval([2, 3, 4, 5].map((row) => [row, "planned"])),
      maxFailures: 10,
      concurrency: 1,
      activate: { welcomeMail: "no" },
      now: () => new Date(0),
    });
    expect(outcome.stopped).toBe("platform_error");
    expect(outcome.fatal?.message).toMatch(/token/);
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
    const first = begun(dir);
    first.write({ type: "start", time: "t", row: 2, action: "create" });
    first.close();
    const rows: RowResult[] = [
      { row: 2, status: "dropout", action: "create", reasons: [{ code: "inactive_account" }] },
    ];
    const resume: Operation = { kind: "activate", account: { kind: "client", md_id: "e".repeat(32) } };
    await executeRows(rows, new Map([[2, resume]]), {
      platform,
      journal: begun(dir),
      approval: approval([[2, "planned"]]),
      maxFailures: 10,
      concurrency: 1,
      activate: { welcomeMail: "yes" },
      now: () => new Date(0),
    });
    expect(activated).toEqual([[{ kind: "client", md_id: "e".repeat(32) }, { welcomeMail: "yes" }]]);
    expect(statuses(rows)).toEqual([[2, "done"]]);
  });

  it("starts no new row once the stop signal is given, and says it was interrupted", async () => {
    const stop = new AbortController();
    let call = 0;
    const platform = {
      name: "fake",
      createClient: () => {
        if (++call === 2) stop.abort();
        return Promise.resolve({ ...client, md_id: "e".repeat(32), external_source: null });
      },
    } as unknown as Platform;
    const rows = results([2, 3, 4, 5].map((row) => [row, "planned"]));
    const progress: number[] = [];
    const outcome = await executeRows(rows, new Map([2, 3, 4, 5].map((row) => [row, create])), {
      platform,
      journal: journal(),
      approval: approval([2, 3, 4, 5].map((row) => [row, "planned"])),
      maxFailures: 10,
      concurrency: 1,
      activate: { welcomeMail: "no" },
      now: () => new Date(0),
      signal: stop.signal,
      onProgress: (p) => progress.push(p.tried * 10 + p.total),
    });
    expect(outcome.stopped).toBe("interrupted");
    expect(statuses(rows)).toEqual([
      [2, "done"],
      [3, "done"],
      [4, "planned"],
      [5, "planned"],
    ]);
    expect(progress).toEqual([14, 24]);
  });
});

describe("executeRows reads back what it wrote (--verify)", () => {
  const phone = "+31612345678";
  /** A platform that creates clients, and holds them without a phone number where `drops` says so; `troubled` rows need a retry. */
  function storingPlatform(
    options: { drops?: (email: string) => boolean; troubled?: (email: string) => boolean } = {},
  ) {
    const held = new Map<string, typeof client & { md_id: string; external_source: null }>();
    const reads: string[] = [];
    let retries = 0;
    const platform = {
      name: "fake",
      createClient: (c: typeof client) => {
        const account = { ...c, md_id: (held.size + 1).toString(16).padStart(32, "0"), external_source: null };
        held.set(account.md_id, options.drops?.(c.email) ? { ...account, phone_number: null } : account);
        if (options.troubled?.(c.email)) retries++;
        return Promise.resolve(account);
      },
      readAccount: (_kind: string, id: string) => {
        reads.push(id);
        return Promise.resolve(held.get(id) ?? null);
      },
      unsureExchanges: () => retries,
    } as unknown as Platform;
    return { platform, reads };
  }
  const rowNumbers = [2, 3, 4, 5, 6];
  const operations = new Map(
    rowNumbers.map((row): [number, Operation] => [
      row,
      {
        kind: "create-client",
        client: { ...client, id: `C${row}`, email: `${row}@voorbeeld.nl`, phone_number: row >= 4 ? phone : null },
      },
    ]),
  );
  const options = (platform: Platform, verify: VerifyMode | undefined, dir = tempDir()) => ({
    platform,
    journal: begun(dir),
    approval: approval(rowNumbers.map((row) => [row, "planned"])),
    maxFailures: 10,
    concurrency: 1,
    activate: { welcomeMail: "no" as const },
    now: () => new Date(0),
    ...(verify === undefined ? {} : { verify }),
  });

  it("fails the first row stored otherwise with stored_differently, naming the fields, and stops after it", async () => {
    const { platform, reads } = storingPlatform({ drops: () => true });
    const rows = results(rowNumbers.map((row) => [row, "planned"]));
    const dir = tempDir();
    const outcome = await executeRows(rows, operations, options(platform, 10, dir));
    expect(statuses(rows)).toEqual([
      [2, "done"],
      [3, "done"],
      [4, "failed", "stored_differently"],
      [5, "planned"],
      [6, "planned"],
    ]);
    expect(rows[2]?.reasons).toEqual([{ code: "stored_differently", field: "phone_number", fields: ["phone_number"] }]);
    expect(rows[2]?.md_id).toBe("3".padStart(32, "0"));
    expect(outcome).toEqual({
      stopped: "stored_differently",
      failures: 1,
      fatal: null,
      verification: { rows_verified: 3, mismatches: 1 },
    });
    expect(reads).toHaveLength(3);
    // The journal says the write happened: a resume does not make the account again.
    expect(journalRows(join(dir, "journal.jsonl"), "done")).toEqual([2, 3, 4]);
    expect(journalRows(join(dir, "journal.jsonl"), "failed")).toEqual([4]);
    expect(Journal.open(dir, run).earlier.get(4)).toEqual({ done: true, md_id: "3".padStart(32, "0") });
  });

  it("reads back only the first N rows, and every row whose write needed a retry or a look-up", async () => {
    const { platform, reads } = storingPlatform({
      drops: (email) => email === "6@voorbeeld.nl",
      troubled: (email) => email === "6@voorbeeld.nl",
    });
    const rows = results(rowNumbers.map((row) => [row, "planned"]));
    const outcome = await executeRows(rows, operations, options(platform, 1));
    expect(reads).toEqual(["1".padStart(32, "0"), "5".padStart(32, "0")]);
    expect(statuses(rows).at(-1)).toEqual([6, "failed", "stored_differently"]);
    expect(outcome.verification).toEqual({ rows_verified: 2, mismatches: 1 });
  });

  it("carries out the rows it reads back one at a time, so that a mismatch stops the run before another row is written", async () => {
    const { platform, reads } = storingPlatform({ drops: (email) => email === "4@voorbeeld.nl" });
    let inFlight = 0;
    const most: number[] = [];
    const create = platform.createClient.bind(platform);
    platform.createClient = async (c, o) => {
      most.push(++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return create(c, o);
    };
    const rows = results(rowNumbers.map((row) => [row, "planned"]));
    const outcome = await executeRows(rows, operations, { ...options(platform, 3), concurrency: 4 });
    expect(most).toEqual([1, 1, 1]);
    expect(reads).toHaveLength(3);
    expect(statuses(rows)).toEqual([
      [2, "done"],
      [3, "done"],
      [4, "failed", "stored_differently"],
      [5, "planned"],
      [6, "planned"],
    ]);
    expect(outcome.stopped).toBe("stored_differently");
  });

  it("reads back every row with all, and none with none (a dropped field then goes unnoticed)", async () => {
    const every = storingPlatform();
    const rows = results(rowNumbers.map((row) => [row, "planned"]));
    expect((await executeRows(rows, operations, options(every.platform, "all"))).verification).toEqual({
      rows_verified: 5,
      mismatches: 0,
    });
    expect(every.reads).toHaveLength(5);
    const none = storingPlatform({ drops: () => true });
    const unverified = results(rowNumbers.map((row) => [row, "planned"]));
    const outcome = await executeRows(unverified, operations, options(none.platform, "none"));
    expect(outcome).toEqual({
      stopped: null,
      failures: 0,
      fatal: null,
      verification: { rows_verified: 0, mismatches: 0 },
    });
    expect(unverified.every((r) => r.status === "done")).toBe(true);
    expect(none.reads).toEqual([]);
  });
});

describe("reconcile: what a run does with a row", () => {
  const op = create;
  const activate: Operation = { kind: "activate", account: { kind: "client", md_id: "e".repeat(32) } };
  const now = (status: RowResult["status"], ...codes: string[]) => ({
    status,
    reasons: codes.map((code) => ({ code })) as RowResult["reasons"],
  });
  const started: EarlierRow = { done: false, md_id: null };
  const done: EarlierRow = { done: true, md_id: "e".repeat(32) };
  const carry = (operation: Operation): Decision => ({ kind: "carry", operation });
  const set = (status: RowResult["status"], ...codes: string[]): Decision => ({
    kind: "set",
    status,
    reasons: codes.map((code) => ({ code })) as RowResult["reasons"],
  });
  const keep: Decision = { kind: "keep" };

  it.each<
    [
      string,
      Parameters<typeof reconcile>[0],
      ApprovedRow["status"] | undefined,
      EarlierRow | undefined,
      Operation | undefined,
      Decision,
    ]
  >([
    ["planned as approved: carried out", now("planned"), "planned", undefined, op, carry(op)],
    [
      "planned, approved as a dropout",
      now("planned"),
      "dropout",
      undefined,
      op,
      set("dropout", "changed_since_test_run"),
    ],
    [
      "already there, approved as planned: a repeated run",
      now("unchanged", "already_exists"),
      "planned",
      undefined,
      undefined,
      keep,
    ],
    [
      "unchanged, approved as a dropout",
      now("unchanged"),
      "dropout",
      undefined,
      undefined,
      set("dropout", "changed_since_test_run"),
    ],
    ["unchanged as approved", now("unchanged", "already_exists"), "unchanged", undefined, undefined, keep],
    ["a dropout as approved", now("dropout", "email_in_use"), "dropout", undefined, undefined, keep],
    [
      "a new dropout",
      now("dropout", "email_in_use"),
      "planned",
      undefined,
      undefined,
      set("dropout", "changed_since_test_run", "email_in_use"),
    ],
    ["invalid", now("invalid", "required"), "invalid", undefined, undefined, keep],
    ["duplicate", now("duplicate", "duplicate_in_file"), "duplicate", done, undefined, keep],
    [
      "done in the journal and on the platform",
      now("unchanged", "already_exists"),
      "planned",
      done,
      undefined,
      set("done"),
    ],
    [
      "done in the journal, missing on the platform",
      now("planned"),
      "planned",
      done,
      op,
      set("failed", "missing_on_platform"),
    ],
    [
      "done in the journal, the e-mail now taken",
      now("dropout", "email_in_use"),
      "planned",
      done,
      undefined,
      set("failed", "missing_on_platform", "email_in_use"),
    ],
    [
      "done in the journal, the account now inactive",
      now("dropout", "inactive_account"),
      "planned",
      done,
      activate,
      set("failed", "missing_on_platform", "inactive_account"),
    ],
    [
      "done in the journal, its account there but held otherwise (a create)",
      {
        ...now("dropout", "external_id_in_use", "email_in_use"),
        conflict: { kind: "client", active: true, md_id: "e".repeat(32) },
      },
      "planned",
      done,
      undefined,
      { kind: "set", status: "failed", reasons: [{ code: "stored_differently", detail: "earlier_start" }] },
    ],
    [
      "done in the journal, its account there but held otherwise (an update)",
      { ...now("planned"), md_id: "e".repeat(32) },
      "planned",
      done,
      op,
      { kind: "set", status: "failed", reasons: [{ code: "stored_differently", detail: "earlier_start" }] },
    ],
    [
      "done in the journal, another account in the way",
      { ...now("dropout", "email_in_use"), conflict: { kind: "client", active: true, md_id: "f".repeat(32) } },
      "planned",
      done,
      undefined,
      set("failed", "missing_on_platform", "email_in_use"),
    ],
    ["started, and found done", now("unchanged", "already_exists"), "planned", started, undefined, set("done")],
    [
      "started, left inactive: activated",
      now("dropout", "inactive_account"),
      "planned",
      started,
      activate,
      carry(activate),
    ],
    ["started, nothing on the platform: carried out", now("planned"), "planned", started, op, carry(op)],
    [
      "started, the e-mail taken by another account",
      now("dropout", "email_in_use"),
      "planned",
      started,
      undefined,
      set("dropout", "changed_since_test_run", "email_in_use"),
    ],
    [
      "inactive without a journal: a dropout that says so",
      now("dropout", "inactive_account"),
      "planned",
      undefined,
      activate,
      set("dropout", "changed_since_test_run", "inactive_account"),
    ],
  ])("%s", (_, current, approved, earlier, operation, decision) => {
    expect(reconcile(current, approved === undefined ? undefined : { status: approved }, earlier, operation)).toEqual(
      decision,
    );
  });
});

describe("reconcile holds an update to the fields the requester saw it change", () => {
  const update: Operation = { kind: "update-client", md_id: "e".repeat(32), changes: { id: "NEW-1" } };
  it.each<[string[] | undefined, string[] | undefined, Decision]>([
    [["id"], ["id"], { kind: "carry", operation: update }],
    [["id", "first_name"], ["first_name", "id"], { kind: "carry", operation: update }],
    [["id", "gender"], ["id"], { kind: "set", status: "dropout", reasons: [{ code: "changed_since_test_run" }] }],
    [["id"], undefined, { kind: "set", status: "dropout", reasons: [{ code: "changed_since_test_run" }] }],
  ])("now %j, approved %j", (now, approved, decision) => {
    expect(
      reconcile(
        { status: "planned", reasons: [], ...(now ? { changes: now } : {}) },
        { status: "planned", ...(approved ? { changes: approved } : {}) },
        undefined,
        update,
      ),
    ).toEqual(decision);
  });
});
