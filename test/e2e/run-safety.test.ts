// Issue 11: `run` does exactly what was approved, once, under mistakes, crashes and concurrency.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateBsns, shortClientHeaders, shortClientRow, writeWorkbook } from "../support/sheets.mjs";
import { fixture, flatRows, readJson, runCli, runCliAsync, tempDir } from "../support/cli.js";
import {
  clientsSheet,
  dump,
  emptyPlatform,
  freshPlatform,
  journalRows,
  killWhenJournalGrows,
  servePlatform,
} from "../support/platform.js";

interface Report {
  platform: string;
  platform_id: string;
  input: { sha256: string; sheet: string; sheet_position: number; header_row: number; columns: Record<string, string> };
  rows: { row: number; status: string; reasons: { code: string }[] }[];
  summary: Record<string, number>;
  run?: { welcome_mail: string | null; stopped: string | null; resumed: boolean; journal_recovered: boolean };
}

const digestOf = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const runFolder = (cwd: string, approval: string) =>
  join(cwd, "mdimport-out", `run-${digestOf(approval).slice(0, 16)}`);

/** A workbook with two sheets of new clients, "Gegevens" and "Blad2", of other people. */
async function twoSheets(dir: string): Promise<string> {
  const sheet = (name: string, prefix: string) => ({
    name,
    header: shortClientHeaders(),
    rows: [0, 1, 2].map((i) => shortClientRow(i, prefix)),
  });
  const path = join(dir, "two.xlsx");
  await writeWorkbook(path, [sheet("Gegevens", "g"), sheet("Blad2", "b")]);
  return path;
}

/** test-run of a sheet into `dir/tr`; returns the approval's path. */
function approve(input: string, db: string, dir: string, ...more: string[]): string {
  const testRun = runCli(["test-run", input, "--script", "new-clients", "--db", db, "--out", join(dir, "tr"), ...more]);
  expect(testRun.code, testRun.stderr).toBeLessThanOrEqual(1);
  return join(dir, "tr", "report.json");
}

describe("the approval binds everything that decides what the rows mean (defect 1)", () => {
  it("refuses a run of another sheet of the same workbook, and creates nothing", async () => {
    const { dir, db } = emptyPlatform();
    const input = await twoSheets(dir);
    const approval = approve(input, db, dir);
    expect(readJson<Report>(approval).input).toMatchObject({ sheet: "Gegevens", sheet_position: 1, header_row: 1 });
    const run = runCli(
      [
        "run",
        input,
        "--script",
        "new-clients",
        "--sheet",
        "Blad2",
        "--db",
        db,
        "--approved",
        approval,
        "--welcome-mail",
        "no",
      ],
      {
        cwd: dir,
      },
    );
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/read the sheet "Gegevens" \(sheet 1\), and this run reads "Blad2" \(sheet 2\)/);
    expect(dump(db).clients).toHaveLength(0);
    expect(existsSync(join(dir, "mdimport-out"))).toBe(false);
  });

  it("records the column mapping and refuses an approval from before it did", () => {
    const { dir, db } = freshPlatform();
    const approval = approve(fixture("new-clients.xlsx"), db, dir);
    const report = readJson<Report & Record<string, unknown>>(approval);
    expect(Object.values(report.input.columns)).toContain("email");
    const old = join(dir, "old.json");
    const { platform_id: _id, ...rest } = report;
    void _id;
    writeFileSync(old, JSON.stringify({ ...rest, input: { sha256: report.input.sha256, rows: 1 } }));
    const run = runCli(
      [
        "run",
        fixture("new-clients.xlsx"),
        "--script",
        "new-clients",
        "--db",
        db,
        "--approved",
        old,
        "--welcome-mail",
        "no",
      ],
      {
        cwd: dir,
      },
    );
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/not the report\.json of a test run of this version .*make the test run again/);
  });
});

describe("a local platform is known by its own platform ID, not by how --db was typed (defect 2)", () => {
  it("accepts the same store under another spelling or from another folder, and refuses another store under the same name", () => {
    const base = tempDir();
    const one = join(base, "one");
    const two = join(base, "two");
    for (const folder of [one, two]) {
      mkdirSync(folder);
      expect(runCli(["platform", "load", fixture("platform-state.json")], { cwd: folder }).code).toBe(0);
    }
    // The test run from folder one, with the default --db.
    const testRun = runCli(
      ["test-run", fixture("relations.xlsx"), "--script", "relations", "--out", join(base, "tr")],
      { cwd: one },
    );
    expect(testRun.code).toBe(1);
    const approval = join(base, "tr", "report.json");
    expect(readJson<Report>(approval).platform_id).toMatch(/^local:[0-9a-f]{32}$/);
    const args = ["run", fixture("relations.xlsx"), "--script", "relations", "--approved", approval];
    // The same relative path from folder two names another store: refused.
    const other = runCli([...args, "--out", join(base, "run-two")], { cwd: two });
    expect(other.code).toBe(5);
    expect(other.stderr).toMatch(
      /platform ID local:[0-9a-f]{32}\), not local:\.mdimport\/platform\.sqlite \(platform ID local:[0-9a-f]{32}\)/,
    );
    expect(existsSync(join(base, "run-two"))).toBe(false);
    // The same store by another spelling, and by its absolute path from another folder: accepted.
    expect(
      runCli([...args, "--db", "./.mdimport/platform.sqlite", "--out", join(base, "run-a")], { cwd: one }).code,
    ).toBe(1);
    expect(
      runCli([...args, "--db", join(one, ".mdimport", "platform.sqlite"), "--out", join(base, "run-b")], { cwd: two })
        .code,
    ).toBe(1);
  });
});

describe("only platform load and platform init make a store (defect 3)", () => {
  const dir = tempDir();
  const typo = join(dir, "typo", "p.sqllite");
  it.each([
    [
      "test-run",
      ["test-run", fixture("new-clients.xlsx"), "--script", "new-clients", "--db", typo, "--out", join(dir, "out")],
    ],
    [
      "run",
      [
        "run",
        fixture("new-clients.xlsx"),
        "--script",
        "new-clients",
        "--db",
        typo,
        "--approved",
        fixture("platform-state.json"),
        "--welcome-mail",
        "no",
      ],
    ],
    ["platform dump", ["platform", "dump", "--db", typo]],
    ["platform serve", ["platform", "serve", "--db", typo, "--port", "0"]],
  ])("%s on a store that is not there: exit 4 naming the path, and no store made", (_, args) => {
    const result = runCli(args, { cwd: dir });
    if (args[0] === "run")
      expect(result.code).toBe(5); // the approval is checked first, and this one is no approval
    else {
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/^mdimport: There is no local platform at .*typo\/p\.sqllite: check --db/);
    }
    expect(existsSync(typo)).toBe(false);
    expect(existsSync(join(dir, "typo"))).toBe(false);
  });

  it("run against a store that was removed after the test run: exit 4", () => {
    const { dir: folder, db } = freshPlatform();
    const approval = approve(fixture("new-clients.xlsx"), db, folder);
    const run = runCli([
      "run",
      fixture("new-clients.xlsx"),
      "--script",
      "new-clients",
      "--db",
      `${db}x`,
      "--approved",
      approval,
      "--welcome-mail",
      "no",
    ]);
    expect(run.code).toBe(4);
    expect(existsSync(`${db}x`)).toBe(false);
  });

  it("platform init makes an empty store with a platform ID, once", () => {
    const db = join(tempDir(), "new", "p.sqlite");
    const first = runCli(["platform", "init", "--db", db]);
    expect(first.code).toBe(0);
    const id = /platform ID (local:[0-9a-f]{32})/.exec(first.stdout)?.[1];
    expect(id).toBeDefined();
    expect(runCli(["platform", "init", "--db", db]).stdout).toContain(id);
    expect(dump(db)).toMatchObject({ clients: [], professionals: [], relations: [] });
  });
});

describe("a resumed run keeps the first start's answers and folder (defects 4, 5, 6)", () => {
  it("refuses a resume with another --welcome-mail answer", async () => {
    const { dir, db } = emptyPlatform();
    const input = await clientsSheet(dir, 3000, "wm");
    const approval = approve(input, db, dir);
    const args = ["run", input, "--script", "new-clients", "--db", db, "--approved", approval];
    const journal = join(runFolder(dir, approval), "journal.jsonl");
    await killWhenJournalGrows([...args, "--welcome-mail", "no"], journal, 5_000, {}, { cwd: dir });
    const resumed = runCli([...args, "--welcome-mail", "yes"], { cwd: dir });
    expect(resumed.code).toBe(5);
    expect(resumed.stderr).toMatch(/started with --welcome-mail no; resume it with the same answer, not yes/);
    const finished = runCli([...args, "--welcome-mail", "no"], { cwd: dir });
    expect(finished.code).toBe(0);
    expect(readJson<Report>(join(runFolder(dir, approval), "report.json")).run?.welcome_mail).toBe("no");
  });

  /** A platform with one inactive client as row 2 of the sheet describes it, as a kill between create and activation leaves it. */
  async function interruptedCreate(): Promise<{ dir: string; db: string; input: string; approval: string }> {
    const { dir, db } = emptyPlatform();
    const input = await clientsSheet(dir, 2, "ia");
    const approval = approve(input, db, dir);
    expect(flatRows(readJson<Report>(approval)).map((r) => r.status)).toEqual(["planned", "planned"]);
    // What the interrupted run created: row 2's client, inactive (the BSN as clientsSheet gives it).
    const row = { id: "IA-0", email: "ia0@voorbeeld.nl", first_name: "Kim", last_name: "Test0" };
    const bsn = generateBsns(20_000_000).next().value;
    writeFileSync(
      join(dir, "made.json"),
      JSON.stringify({ clients: [{ md_id: "a".repeat(32), ...row, bsn, active: false }] }),
    );
    expect(runCli(["platform", "load", join(dir, "made.json"), "--db", db]).code).toBe(0);
    return { dir, db, input, approval };
  }

  it("an inactive account left by an interrupted run is a dropout inactive_account elsewhere, never unchanged", async () => {
    const { dir, db, input, approval } = await interruptedCreate();
    const testRun = runCli(["test-run", input, "--script", "new-clients", "--db", db, "--out", join(dir, "tr2")]);
    expect(testRun.code).toBe(1);
    expect(flatRows(readJson<Report>(join(dir, "tr2", "report.json")))[0]).toEqual({
      row: 2,
      status: "dropout",
      codes: ["inactive_account"],
    });
    const run = runCli([
      "run",
      input,
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      approval,
      "--welcome-mail",
      "no",
      "--out",
      join(dir, "other"),
    ]);
    expect(run.code).toBe(1);
    const rows = flatRows(readJson<Report>(join(dir, "other", "report.json")));
    expect(rows).toEqual([
      { row: 2, status: "dropout", codes: ["changed_since_test_run", "inactive_account"] },
      { row: 3, status: "done", codes: [] },
    ]);
    expect(dump(db).clients.find((c) => c.id === "IA-0")?.active).toBe(false);
  });

  it("the same command resumes in the folder derived from the approval and activates what the interrupted start left inactive", async () => {
    const { dir, db, input, approval } = await interruptedCreate();
    const report = readJson<Report>(approval);
    const folder = runFolder(dir, approval);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    // The journal as the killed start left it: row 2 started, not done.
    const run = {
      approval: digestOf(approval),
      script: "new-clients",
      sha256: report.input.sha256,
      platform_id: report.platform_id,
      welcome_mail: "no",
    };
    writeFileSync(
      join(folder, "journal.jsonl"),
      [
        JSON.stringify({ type: "run", time: "2026-12-01T00:00:00.000Z", platform: report.platform, ...run }),
        JSON.stringify({ type: "start", time: "2026-12-01T00:00:01.000Z", row: 2, action: "create" }),
        '{"type":"done","ti',
      ].join("\n"),
      { mode: 0o600 },
    );
    const resumed = runCli(
      ["run", input, "--script", "new-clients", "--db", db, "--approved", approval, "--welcome-mail", "no"],
      { cwd: dir },
    );
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    const after = readJson<Report>(join(folder, "report.json"));
    expect(flatRows(after).map((r) => r.status)).toEqual(["done", "done"]);
    expect(after.run).toMatchObject({ resumed: true, journal_recovered: true });
    const state = dump(db);
    expect(state.clients).toHaveLength(2);
    expect(state.clients.every((c) => c.active)).toBe(true);
    // The torn line was cut off: every line of the journal is whole.
    for (const line of readFileSync(join(folder, "journal.jsonl"), "utf8").trim().split("\n"))
      expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it("a row the journal shows done but the platform lacks is failed missing_on_platform, not done", async () => {
    const { dir, db } = emptyPlatform();
    const input = await clientsSheet(dir, 2, "mp");
    const approval = approve(input, db, dir);
    const report = readJson<Report>(approval);
    const folder = join(dir, "run");
    mkdirSync(folder, { mode: 0o700 });
    const run = {
      approval: digestOf(approval),
      script: "new-clients",
      sha256: report.input.sha256,
      platform_id: report.platform_id,
      welcome_mail: "no",
    };
    writeFileSync(
      join(folder, "journal.jsonl"),
      `${[
        JSON.stringify({ type: "run", time: "2026-12-01T00:00:00.000Z", platform: report.platform, ...run }),
        JSON.stringify({ type: "start", time: "2026-12-01T00:00:01.000Z", row: 2, action: "create" }),
        JSON.stringify({
          type: "done",
          time: "2026-12-01T00:00:02.000Z",
          row: 2,
          action: "create",
          md_id: "b".repeat(32),
        }),
      ].join("\n")}\n`,
      { mode: 0o600 },
    );
    const result = runCli([
      "run",
      input,
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      approval,
      "--welcome-mail",
      "no",
      "--out",
      folder,
    ]);
    expect(result.code).toBe(1);
    expect(flatRows(readJson<Report>(join(folder, "report.json")))).toEqual([
      { row: 2, status: "failed", codes: ["missing_on_platform"] },
      { row: 3, status: "done", codes: [] },
    ]);
  });

  it("a rehearsal's journal in --out is refused for the run of another approval (a new store, a new test run)", () => {
    const first = freshPlatform();
    const out = join(first.dir, "run");
    const args = (db: string, approval: string) => [
      "run",
      fixture("new-clients.xlsx"),
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      approval,
      "--welcome-mail",
      "no",
      "--out",
      out,
    ];
    expect(runCli(args(first.db, approve(fixture("new-clients.xlsx"), first.db, first.dir))).code).toBe(1);
    const second = freshPlatform();
    const approval = approve(fixture("new-clients.xlsx"), second.db, second.dir);
    const before = dump(second.db).clients.length;
    const again = runCli(args(second.db, approval));
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/journal of a run of another approval/);
    expect(dump(second.db).clients).toHaveLength(before);
    expect(readJson<Report>(join(out, "report.json")).rows.some((r) => r.status === "done")).toBe(true);
  });
});

describe("one run at a time in one folder (defect 7)", () => {
  it("two runs at once on one --out: every row is carried out once, and a refused one names the holder", async () => {
    const { dir, db } = emptyPlatform();
    const rows = 3000;
    const input = await clientsSheet(dir, rows, "lk");
    const approval = approve(input, db, dir);
    const args = [
      "run",
      input,
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      approval,
      "--welcome-mail",
      "no",
      "--out",
      join(dir, "run"),
    ];
    const start = () => runCliAsync(args);
    const results = await Promise.all([start(), start()]);
    for (const result of results) {
      if (result.code === 5)
        expect(result.stderr).toMatch(/^mdimport: Another run \(pid \d+ on .*\) is writing to this output folder/);
      else expect(result.code, result.stderr).toBe(0);
    }
    const done = journalRows(join(dir, "run", "journal.jsonl"), "done");
    expect(done).toHaveLength(rows);
    expect(journalRows(join(dir, "run", "journal.jsonl"), "failed")).toHaveLength(0);
    expect(dump(db).clients).toHaveLength(rows);
    expect(existsSync(join(dir, "run", "run.lock"))).toBe(false);
  });

  it("a lock held by a live process refuses the run; a stale one (its process gone) is taken over", () => {
    const { dir, db } = freshPlatform();
    const approval = approve(fixture("new-clients.xlsx"), db, dir);
    const out = join(dir, "run");
    mkdirSync(out, { mode: 0o700 });
    const args = [
      "run",
      fixture("new-clients.xlsx"),
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      approval,
      "--welcome-mail",
      "no",
      "--out",
      out,
    ];
    writeFileSync(
      join(out, "run.lock"),
      JSON.stringify({ pid: process.pid, host: hostname(), started: "2026-12-01T00:00:00.000Z" }),
    );
    const held = runCli(args);
    expect(held.code).toBe(5);
    expect(held.stderr).toContain(`pid ${process.pid}`);
    expect(existsSync(join(out, "report.json"))).toBe(false);
    // A process that has ended: its pid is free.
    const gone = spawnSyncPid();
    writeFileSync(
      join(out, "run.lock"),
      JSON.stringify({ pid: gone, host: hostname(), started: "2026-12-01T00:00:00.000Z" }),
    );
    expect(runCli(args).code).toBe(1);
    expect(readdirSync(out)).not.toContain("run.lock");
  });
});

/** The pid of a process that has ended. */
function spawnSyncPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid ?? 999_999;
}

describe("the approval's folder is never written into (defect 8, in part)", () => {
  it("run --out at the approval's folder: refused, and the approval unchanged", () => {
    const { dir, db } = freshPlatform();
    const approval = approve(fixture("new-clients.xlsx"), db, dir);
    const before = readFileSync(approval, "utf8");
    const run = runCli([
      "run",
      fixture("new-clients.xlsx"),
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      approval,
      "--welcome-mail",
      "no",
      "--out",
      join(dir, "tr", "."),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is the folder of the approval report\.json; a run never writes there/);
    expect(readFileSync(approval, "utf8")).toBe(before);
  });
});

describe("SIGINT and SIGTERM stop a run cleanly (defect 15)", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s: the rows in flight finish, the reports are written, exit 130, and the printed command resumes",
    async (signal) => {
      const { dir, db } = emptyPlatform();
      const rows = 4000;
      const input = await clientsSheet(dir, rows, "si");
      const approval = approve(input, db, dir);
      const args = [
        "run",
        input,
        "--script",
        "new-clients",
        "--db",
        db,
        "--approved",
        approval,
        "--welcome-mail",
        "no",
      ];
      const folder = runFolder(dir, approval);
      const stopped = await killWhenJournalGrows(args, join(folder, "journal.jsonl"), 8_000, {}, { cwd: dir, signal });
      expect(stopped.code).toBe(130);
      const resume = /To resume: (mdimport run .*)$/m.exec(stopped.stderr)?.[1];
      expect(resume).toContain(`--out ${folder}`);
      const report = readJson<Report>(join(folder, "report.json"));
      expect(report.run?.stopped).toBe("interrupted");
      expect(report.summary.done).toBeGreaterThan(0);
      expect(report.summary.planned).toBe(rows - report.summary.done!);
      // Every start in the journal has its end: nothing was left half done.
      const journal = join(folder, "journal.jsonl");
      expect(journalRows(journal, "start").sort()).toEqual(journalRows(journal, "done").sort());
      const again = runCli(resume!.split(" ").slice(1), { cwd: dir });
      expect(again.code).toBe(0);
      const summary = readJson<Report>(join(folder, "report.json")).summary;
      expect(summary.done).toBe(rows);
      expect(summary.planned ?? 0).toBe(0);
      expect(dump(db).clients).toHaveLength(rows);
    },
  );
});

describe("a token refused in the middle of a run (defect 13, in part)", () => {
  it("stops with exit 4 after writing every report; the rows not tried stay planned, and the run resumes once the token works", async () => {
    const { dir, db } = emptyPlatform();
    const rows = 40;
    const input = await clientsSheet(dir, rows, "tk");
    const token = "mid-run-token";
    const upstream = await servePlatform(db, "--token", token);
    // A proxy that plays a platform revoking the token after the tenth write.
    let writes = 0;
    let revoked = true;
    const { createServer } = await import("node:http");
    const proxy = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        if (request.method !== "GET" && ++writes > 10 && revoked) {
          response.writeHead(401, { "content-type": "application/json" }).end('{"message":"token revoked"}');
          return;
        }
        void fetch(`${upstream.url}${request.url ?? "/"}`, {
          method: request.method ?? "GET",
          headers: { authorization: String(request.headers.authorization ?? ""), "content-type": "application/json" },
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        }).then(async (answer) => {
          response.writeHead(answer.status, {
            "content-type": answer.headers.get("content-type") ?? "application/json",
          });
          response.end(Buffer.from(await answer.arrayBuffer()));
        });
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const env = { MDIMPORT_TOKEN: token };
    const run = (args: string[]) => runCliAsync(args, { cwd: dir, env });
    try {
      const common = ["--script", "new-clients", "--platform", url, "--rate", "500"];
      const testRun = await run(["test-run", input, ...common, "--out", join(dir, "tr")]);
      expect(testRun.code, testRun.stderr).toBe(0);
      const approval = join(dir, "tr", "report.json");
      const args = ["run", input, ...common, "--concurrency", "1", "--approved", approval, "--welcome-mail", "no"];
      const stopped = await run(args);
      expect(stopped.code).toBe(4);
      expect(stopped.stderr).toMatch(/refused the token \(401\)/);
      const report = readJson<Report>(join(runFolder(dir, approval), "report.json"));
      expect(report.run?.stopped).toBe("platform_error");
      expect(report.summary.done).toBeGreaterThan(0);
      expect((report.summary.done ?? 0) + (report.summary.planned ?? 0)).toBe(rows);
      revoked = false;
      const resumed = await run(args);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(readJson<Report>(join(runFolder(dir, approval), "report.json")).summary.done).toBe(rows);
    } finally {
      proxy.close();
      await upstream.stop();
    }
    const clients = dump(db).clients;
    expect(clients).toHaveLength(rows);
    expect(clients.every((c) => c.active)).toBe(true);
  });
});

/** An update-clients sheet of one row for Anna de Vries (32d9…): her new source ID and gender. */
async function annaUpdate(dir: string, name: string, id: string, gender: string): Promise<string> {
  const header = [
    "Client database ID (van Minddistrict)",
    "E-mailadres",
    "Client database ID (van te koppelen systeem)",
    "Geslacht",
  ];
  const path = join(dir, name);
  await writeWorkbook(path, [
    { name: "Blad1", header, rows: [["32d9e0fb6ff671d27ac35b09e3a48e76", "anna.devries@voorbeeld.nl", id, gender]] },
  ]);
  return path;
}

describe("what a second look at run safety found (issue 11, review)", () => {
  it("an update that would now change other fields than the requester saw is not carried out", async () => {
    const { dir, db } = freshPlatform();
    const approved = await annaUpdate(dir, "a.xlsx", "NEW-1", "v");
    runCli(["test-run", approved, "--script", "update-clients", "--db", db, "--out", join(dir, "tr")]);
    type Row = { status: string; changes?: string[] };
    expect(readJson<{ rows: Row[] }>(join(dir, "tr", "report.json")).rows[0]).toMatchObject({
      status: "planned",
      changes: ["id"],
    });
    // Meanwhile another sheet sets her gender to m.
    const other = await annaUpdate(dir, "b.xlsx", "NEW-1", "m");
    runCli(["test-run", other, "--script", "update-clients", "--db", db, "--out", join(dir, "tr-b")]);
    expect(
      runCli([
        "run",
        other,
        "--script",
        "update-clients",
        "--db",
        db,
        "--approved",
        join(dir, "tr-b", "report.json"),
        "--out",
        join(dir, "run-b"),
      ]).code,
    ).toBe(0);
    // The approved sheet would now change the gender back, which the requester never saw.
    const run = runCli([
      "run",
      approved,
      "--script",
      "update-clients",
      "--db",
      db,
      "--approved",
      join(dir, "tr", "report.json"),
      "--out",
      join(dir, "run"),
    ]);
    expect(run.code).toBe(1);
    expect(flatRows(readJson<Report>(join(dir, "run", "report.json")))).toEqual([
      { row: 2, status: "dropout", codes: ["changed_since_test_run"] },
    ]);
    expect(dump(db).clients.find((c) => c.email === "anna.devries@voorbeeld.nl")).toMatchObject({ gender: "m" });
  });

  it("a second start is refused at the lock, before it reads the platform", async () => {
    const { dir, db } = freshPlatform();
    const token = "lock-token";
    const server = await servePlatform(db, "--token", token);
    try {
      const env = { MDIMPORT_TOKEN: token };
      const common = ["--script", "new-clients", "--platform", server.url];
      expect(runCli(["test-run", fixture("new-clients.xlsx"), ...common, "--out", join(dir, "tr")], { env }).code).toBe(
        1,
      );
      const out = join(dir, "run");
      mkdirSync(out, { mode: 0o700 });
      writeFileSync(
        join(out, "run.lock"),
        JSON.stringify({ pid: process.pid, host: hostname(), started: "2026-12-01T00:00:00.000Z" }),
      );
      const before = (await server.stats()).requests;
      const held = runCli(
        [
          "run",
          fixture("new-clients.xlsx"),
          ...common,
          "--approved",
          join(dir, "tr", "report.json"),
          "--welcome-mail",
          "no",
          "--out",
          out,
        ],
        { env },
      );
      expect(held.code).toBe(5);
      expect(held.stderr).toMatch(/^mdimport: Another run \(pid \d+/);
      // Only GET /api/2 (is the platform there, is the token good): no list was read.
      expect((await server.stats()).requests - before).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it("a repeated run of a finished one reports what it finds, unchanged; a resumed one what it did, done", () => {
    const { dir, db } = freshPlatform();
    const approval = approve(fixture("new-clients.xlsx"), db, dir);
    const args = [
      "run",
      fixture("new-clients.xlsx"),
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      approval,
      "--welcome-mail",
      "no",
    ];
    expect(runCli(args, { cwd: dir }).code).toBe(1);
    const folder = runFolder(dir, approval);
    const first = flatRows(readJson<Report>(join(folder, "report.json")));
    expect(runCli(args, { cwd: dir }).code).toBe(1);
    const again = flatRows(readJson<Report>(join(folder, "report.json")));
    expect(again.map((r) => r.status)).toEqual(first.map((r) => (r.status === "done" ? "unchanged" : r.status)));
  });

  it("an old plain report.xlsx does not stay beside the encrypted one", () => {
    const out = join(tempDir(), "out");
    const pgp = (name: string) => fixture(`pgp/${name}`);
    const args = [
      "validate",
      pgp("new-clients.password.xlsx.gpg"),
      "--script",
      "new-clients",
      "--password-file",
      pgp("password.txt"),
      "--out",
      out,
    ];
    expect(runCli([...args, "--plain-report"]).code).toBe(1);
    expect(readdirSync(out)).toContain("report.xlsx");
    expect(runCli(args).code).toBe(1);
    expect(readdirSync(out)).toContain("report.xlsx.gpg");
    expect(readdirSync(out)).not.toContain("report.xlsx");
  });

  it("an empty file, or another program's database, given as --db is no platform: exit 4, and left as it was", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "empty.sqlite"), "");
    const emptyRun = runCli([
      "test-run",
      fixture("new-clients.xlsx"),
      "--script",
      "new-clients",
      "--db",
      join(dir, "empty.sqlite"),
      "--out",
      join(dir, "o"),
    ]);
    expect(emptyRun.code).toBe(4);
    expect(emptyRun.stderr).toMatch(/is not an mdimport local platform \(an empty file\)/);
    const { default: Database } = await import("better-sqlite3");
    const other = new Database(join(dir, "notes.db"));
    other.exec("CREATE TABLE notes (x TEXT)");
    other.close();
    const dumped = runCli(["platform", "dump", "--db", join(dir, "notes.db")]);
    expect(dumped.code).toBe(4);
    expect(dumped.stderr).toMatch(/is not an mdimport local platform \(a database of something else\)/);
    const after = new Database(join(dir, "notes.db"), { readonly: true });
    expect(
      (after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (t) => t.name,
      ),
    ).toEqual(["notes"]);
    after.close();
    // platform init makes a store of the empty file.
    expect(runCli(["platform", "init", "--db", join(dir, "empty.sqlite")]).code).toBe(0);
  });

  it("a wrong --approved file is refused without quoting it; a planted journal line or lock is one sentence, not a crash", () => {
    const { dir, db } = freshPlatform();
    writeFileSync(join(dir, "clients.csv"), "anna.devries@voorbeeld.nl;Anna;de Vries\n");
    const base = ["run", fixture("new-clients.xlsx"), "--script", "new-clients", "--db", db, "--welcome-mail", "no"];
    const csv = runCli([...base, "--approved", join(dir, "clients.csv"), "--out", join(dir, "o")]);
    expect(csv.code).toBe(5);
    expect(csv.stderr).not.toContain("anna");
    const approval = approve(fixture("new-clients.xlsx"), db, dir);
    const report = readJson<Report>(approval);
    const run = {
      approval: digestOf(approval),
      script: "new-clients",
      sha256: report.input.sha256,
      platform_id: report.platform_id,
      welcome_mail: "no",
    };
    const withJournal = (line: string) => {
      const out = join(tempDir(), "run");
      mkdirSync(out, { mode: 0o700 });
      writeFileSync(
        join(out, "journal.jsonl"),
        `${JSON.stringify({ type: "run", time: "t", platform: "p", ...run })}\n${line}\n`,
      );
      return out;
    };
    const nullLine = runCli([...base, "--approved", approval, "--out", withJournal("null")]);
    expect(nullLine.code).toBe(5);
    expect(nullLine.stderr).toMatch(/^mdimport: Line 2 of journal.jsonl .* altered/);
    const lockDir = join(tempDir(), "run");
    mkdirSync(join(lockDir, "run.lock"), { recursive: true, mode: 0o700 });
    const folderLock = runCli([...base, "--approved", approval, "--out", lockDir]);
    expect(folderLock.code).toBe(5);
    expect(folderLock.stderr).toMatch(/run\.lock is not a lock file .* remove it/);
    const fifoDir = join(tempDir(), "run");
    mkdirSync(fifoDir, { mode: 0o700 });
    expect(spawnSync("mkfifo", [join(fifoDir, "run.lock")]).status).toBe(0);
    const fifo = runCli([...base, "--approved", approval, "--out", fifoDir]);
    expect(fifo.code).toBe(5);
    expect(fifo.stderr).toMatch(/run\.lock is not a lock file/);
  });
});
