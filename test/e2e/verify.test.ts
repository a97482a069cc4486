import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { shortClientHeaders, shortClientRow, writeWorkbook } from "../support/sheets.mjs";
import { describe, expect, it } from "vitest";
import { flatRows, readJson, runCliAsync, tempDir } from "../support/cli.js";
import { dump, journalRows, servePlatform } from "../support/platform.js";

type Reason = { code: string; field?: string; fields?: string[]; detail?: string; message: string };
type Report = {
  rows: { row: number; status: string; md_id?: string; reasons: Reason[] }[];
  run?: { stopped: string | null; verify: { mode: number | string; rows_verified: number; mismatches: number } };
};
const token = "e2e-verify-token-5c2";
const env = { MDIMPORT_TOKEN: token };

/** A new-clients sheet of `rows` clients; those from row `phonesFrom` on (sheet row numbers) have a phone number. */
async function sheet(dir: string, rows: number, prefix: string, phonesFrom: number): Promise<string> {
  // Sheet row i + 2 holds client i.
  const people = Array.from({ length: rows }, (_, i) =>
    shortClientRow(i, prefix, prefix.toUpperCase(), i + 2 >= phonesFrom ? `06${12345600 + i}` : ""),
  );
  const path = join(dir, `${prefix}.xlsx`);
  await writeWorkbook(path, [{ name: "Blad1", header: shortClientHeaders("Telefoonnummer"), rows: people }]);
  return path;
}

/** A port that was free a moment ago, so that a platform can be served again at the same origin (its identity). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The requests of a run's mdimport.log, as "METHOD route" with how many. */
function requestsOf(out: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of readFileSync(join(out, "mdimport.log"), "utf8").trim().split("\n")) {
    const entry = JSON.parse(line) as { msg: string; request?: { method: string; route: string } };
    if (entry.msg !== "request" || !entry.request) continue;
    const key = `${entry.request.method} ${entry.request.route}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** test-run, then run with `args`, of a sheet against a served platform. */
async function testRunThenRun(url: string, input: string, dir: string, name: string, ...args: string[]) {
  const common = [input, "--script", "new-clients", "--platform", url, "--rate", "30"];
  const approval = join(dir, `tr-${name}`, "report.json");
  const test = await runCliAsync(["test-run", ...common, "--out", join(dir, `tr-${name}`)], { env });
  expect(test.stderr).toBe("");
  const command = [
    "run",
    ...common,
    "--approved",
    approval,
    "--welcome-mail",
    "no",
    "--out",
    join(dir, `run-${name}`),
    ...args,
  ];
  const run = await runCliAsync(command, { env });
  return {
    run,
    command,
    out: join(dir, `run-${name}`),
    report: readJson<Report>(join(dir, `run-${name}`, "report.json")),
  };
}

describe("run reads back what it wrote (--verify)", () => {
  it("stops at the first row whose phone number the platform did not store, stored_differently; the resume does not make it again", async () => {
    const dir = tempDir();
    const db = join(dir, "platform.sqlite");
    const input = await sheet(dir, 5, "vd", 4);
    const port = String(await freePort());
    const drops = await servePlatform(db, "--token", token, "--port", port, "--variant", "drops-field=phone_number");
    let first: Awaited<ReturnType<typeof testRunThenRun>>;
    try {
      first = await testRunThenRun(drops.url, input, dir, "drops");
    } finally {
      expect(await drops.stop()).toBe(0);
    }
    expect(first.run.code).toBe(1);
    expect(flatRows(first.report)).toEqual([
      { row: 2, status: "done", codes: [] },
      { row: 3, status: "done", codes: [] },
      { row: 4, status: "failed", codes: ["stored_differently"] },
      { row: 5, status: "planned", codes: [] },
      { row: 6, status: "planned", codes: [] },
    ]);
    const reason = first.report.rows[2]!.reasons[0]!;
    expect(reason).toMatchObject({ code: "stored_differently", field: "phone_number", fields: ["phone_number"] });
    expect(reason.message).toContain("Telefoonnummer");
    expect(first.report.run).toMatchObject({
      stopped: "stored_differently",
      verify: { mode: 10, rows_verified: 3, mismatches: 1 },
    });
    // One sentence: where and why it stopped, and the command that resumes; never a value.
    expect(first.run.stderr).toMatch(
      /^mdimport: stopped after row 4: the platform does not hold what was written for phone_number \(stored_differently\); .*resume: mdimport run .*\n$/,
    );
    expect(first.run.stderr).not.toMatch(/0612345|\+31612345|vd2@/);
    expect(journalRows(join(first.out, "journal.jsonl"), "done")).toEqual([2, 3, 4]);
    expect(dump(db).clients.map((c) => c.id)).toEqual(expect.arrayContaining(["VD-0", "VD-1", "VD-2"]));
    expect(dump(db).clients).toHaveLength(3);

    // The cause fixed (the same platform, now storing phone numbers), the same command resumes, with another --verify.
    const plain = await servePlatform(db, "--token", token, "--port", port);
    try {
      const resumed = await runCliAsync(
        [...first.command.slice(0, first.command.indexOf("--out")), "--out", first.out, "--verify", "all"],
        { env },
      );
      expect(resumed.code).toBe(1);
      const report = readJson<Report>(join(first.out, "report.json"));
      expect(flatRows(report).map((r) => [r.row, r.status, ...r.codes])).toEqual([
        [2, "done"],
        [3, "done"],
        [4, "failed", "stored_differently"],
        [5, "done"],
        [6, "done"],
      ]);
      expect(report.rows[2]!.reasons[0]).toMatchObject({ code: "stored_differently", detail: "earlier_start" });
      expect(report.rows[2]!.md_id).toBe(first.report.rows[2]!.md_id);
      expect(report.run).toMatchObject({ stopped: null, verify: { mode: "all", rows_verified: 2, mismatches: 0 } });
    } finally {
      expect(await plain.stop()).toBe(0);
    }
    // Row 4's account was not made a second time.
    const clients = dump(db).clients;
    expect(clients).toHaveLength(5);
    expect(clients.filter((c) => c.id === "VD-2")).toHaveLength(1);
  }, 120_000);

  it("against a platform that stores everything: every row done, the first ten read back by default, every row with all", async () => {
    const dir = tempDir();
    const server = await servePlatform(join(dir, "platform.sqlite"), "--token", token);
    try {
      const byDefault = await testRunThenRun(server.url, await sheet(dir, 12, "vp", 2), dir, "default");
      expect(byDefault.run.stderr).toBe("");
      expect(byDefault.run.code).toBe(0);
      expect(byDefault.report.rows.every((r) => r.status === "done")).toBe(true);
      expect(byDefault.report.run).toMatchObject({
        stopped: null,
        verify: { mode: 10, rows_verified: 10, mismatches: 0 },
      });
      // A create is POST /c and its activation; the read-back one GET of the account.
      const requests = requestsOf(byDefault.out);
      expect(requests["POST /api/2/c"]).toBe(12);
      expect(requests["POST /api/2/c/{id}/activation"]).toBe(12);
      expect(requests["GET /api/2/c/{id}"]).toBe(10);

      const all = await testRunThenRun(server.url, await sheet(dir, 12, "va", 2), dir, "all", "--verify", "all");
      expect(all.run.code).toBe(0);
      expect(all.report.run).toMatchObject({ verify: { mode: "all", rows_verified: 12, mismatches: 0 } });
      expect(requestsOf(all.out)["GET /api/2/c/{id}"]).toBe(12);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 120_000);

  it("with --verify none a dropped field goes unnoticed (the risk it takes), and the terminal says verification was off", async () => {
    const dir = tempDir();
    const db = join(dir, "platform.sqlite");
    const server = await servePlatform(db, "--token", token, "--variant", "drops-field=phone_number");
    try {
      const none = await testRunThenRun(server.url, await sheet(dir, 4, "vn", 2), dir, "none", "--verify", "none");
      expect(none.run.code).toBe(0);
      expect(none.run.stderr).toMatch(/^mdimport: --verify none: nothing written was read back/);
      expect(none.report.rows.map((r) => r.status)).toEqual(["done", "done", "done", "done"]);
      expect(none.report.run).toMatchObject({
        stopped: null,
        verify: { mode: "none", rows_verified: 0, mismatches: 0 },
      });
      expect(requestsOf(none.out)["GET /api/2/c/{id}"]).toBeUndefined();
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(dump(db).clients.map((c) => (c as { phone_number?: unknown }).phone_number)).toEqual([
      null,
      null,
      null,
      null,
    ]);
  }, 120_000);

  it("reads back every row whose create needed a look-up, also with --verify 0 (creates answered 204 without a body)", async () => {
    const dir = tempDir();
    const server = await servePlatform(join(dir, "platform.sqlite"), "--token", token, "--variant", "create-empty");
    try {
      const looked = await testRunThenRun(server.url, await sheet(dir, 3, "vl", 2), dir, "lookup", "--verify", "0");
      expect(looked.run.code).toBe(0);
      expect(looked.report.run).toMatchObject({ verify: { mode: 0, rows_verified: 3, mismatches: 0 } });
      expect(requestsOf(looked.out)["GET /api/2/aux/client/id/{id}"]).toBe(3);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 120_000);

  it("reads back every row whose write needed a retry, also with --verify 0 (a platform failing 20% of requests)", async () => {
    const dir = tempDir();
    const db = join(dir, "platform.sqlite");
    const server = await servePlatform(db, "--token", token, "--fail-rate", "0.2", "--seed", "7");
    try {
      const retried = await testRunThenRun(
        server.url,
        await sheet(dir, 10, "vr", 2),
        dir,
        "retry",
        "--verify",
        "0",
        "--concurrency",
        "1",
      );
      // Which requests fail is the platform's dice: a row whose every try failed is api_error, as without --verify.
      expect(retried.report.rows.every((r) => r.status === "done" || r.reasons[0]?.code === "api_error")).toBe(true);
      // With --verify 0 only a troubled write is read back: some were, not all.
      const verified = retried.report.run!.verify.rows_verified;
      expect(verified).toBeGreaterThan(0);
      expect(verified).toBeLessThan(10);
      expect(requestsOf(retried.out)["GET /api/2/c/{id}"]).toBeGreaterThanOrEqual(verified);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // Nothing was created twice.
    expect(new Set(dump(db).clients.map((c) => c.id)).size).toBe(dump(db).clients.length);
  }, 120_000);

  it("refuses a --verify that is not a number of rows, all or none, naming the option (exit 2)", async () => {
    const run = await runCliAsync(["run", "x.xlsx", "--approved", "report.json", "--verify", "some"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('mdimport: option --verify: "some" is not a number of rows (0 or more), all or none.\n');
  });
});
