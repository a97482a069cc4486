import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  clientsSheet,
  dump,
  emptyPlatform,
  freshPlatform,
  journalRows,
  killWhenJournalGrows,
} from "../support/platform.js";
import { fixture, flatRows, readJson, runCli } from "../support/cli.js";
import { scripts as scriptDefs } from "../../src/scripts/index.js";

type Report = {
  rows: { row: number; status: string; reasons: { code: string }[] }[];
  summary: Record<string, number>;
  run?: { welcome_mail: string };
};
const scripts = ["new-clients", "new-professionals", "relations", "update-clients", "update-professionals"] as const;

describe.each(scripts)("mdimport load → test-run → run → run again → dump: %s", (script) => {
  it("carries out every planned row once, and finds them unchanged the second time", () => {
    const { dir, db } = freshPlatform();
    const input = fixture(`${script}.xlsx`);
    const welcome = scriptDefs[script].welcomeMail ? ["--welcome-mail", "no"] : [];
    runCli(["test-run", input, "--script", script, "--db", db, "--out", join(dir, "test-run")]);
    const approved = flatRows(readJson<Report>(join(dir, "test-run", "report.json")));
    const before = dump(db);

    const first = runCli([
      "run",
      input,
      "--script",
      script,
      "--db",
      db,
      "--approved",
      join(dir, "test-run", "report.json"),
      "--out",
      join(dir, "run"),
      ...welcome,
    ]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(1); // the samples hold invalid rows on purpose
    const done = flatRows(readJson<Report>(join(dir, "run", "report.json")));
    expect(done.map((r) => r.status)).toEqual(approved.map((r) => (r.status === "planned" ? "done" : r.status)));
    if (scriptDefs[script].welcomeMail)
      expect(readJson<Report>(join(dir, "run", "report.json")).run?.welcome_mail).toBe("no");
    const journal = readFileSync(join(dir, "run", "journal.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; row?: number });
    expect(journal.filter((e) => e.type === "done").map((e) => e.row)).toEqual(
      approved.filter((r) => r.status === "planned").map((r) => r.row),
    );

    const second = runCli([
      "run",
      input,
      "--script",
      script,
      "--db",
      db,
      "--approved",
      join(dir, "test-run", "report.json"),
      "--out",
      join(dir, "again"),
      ...welcome,
    ]);
    expect(second.code).toBe(1);
    expect(flatRows(readJson<Report>(join(dir, "again", "report.json"))).map((r) => r.status)).toEqual(
      approved.map((r) => (r.status === "planned" ? "unchanged" : r.status)),
    );

    // The same command again in the same folder repeats a finished run: it resumes nothing.
    const repeat = runCli([
      "run",
      input,
      "--script",
      script,
      "--db",
      db,
      "--approved",
      join(dir, "test-run", "report.json"),
      "--out",
      join(dir, "run"),
      ...welcome,
    ]);
    expect(repeat.code).toBe(1);
    expect(readJson<Report>(join(dir, "run", "report.json")).run).toMatchObject({ resumed: false, repeated: true });
    expect(readJson<Report>(join(dir, "again", "report.json")).run).toMatchObject({ resumed: false, repeated: false });

    const after = dump(db);
    const planned = approved.filter((r) => r.status === "planned").length;
    if (script === "new-clients") expect(after.clients).toHaveLength(before.clients.length + planned);
    if (script === "new-professionals") expect(after.professionals).toHaveLength(before.professionals.length + planned);
    if (script === "relations") expect(after.relations).toHaveLength(before.relations.length + planned);
    if (script === "update-clients") expect(after.clients.map((c) => c.id)).toContain("NEW-1");
    expect(new Set(after.clients.map((c) => c.email)).size).toBe(after.clients.length);
  });
});

describe("mdimport run refuses what was not approved", () => {
  const { dir, db } = freshPlatform();
  runCli(["test-run", fixture("relations.xlsx"), "--script", "relations", "--db", db, "--out", join(dir, "tr")]);
  // Another store, with the same state: still another platform.
  expect(runCli(["platform", "load", fixture("platform-state.json"), "--db", join(dir, "other.sqlite")]).code).toBe(0);
  const approval = join(dir, "tr", "report.json");
  writeFileSync(join(dir, "validate.json"), JSON.stringify({ ...readJson<object>(approval), mode: "validate" }));

  it.each([
    [
      [
        "run",
        fixture("relations.xlsx"),
        "--script",
        "relations",
        "--db",
        join(dir, "other.sqlite"),
        "--approved",
        approval,
      ],
      5,
      /approved test run was against local:.*platform ID local:[0-9a-f]{32}\), not local:.*other\.sqlite \(platform ID local:[0-9a-f]{32}\)/,
    ],
    [
      ["run", fixture("new-professionals.xlsx"), "--script", "relations", "--db", db, "--approved", approval],
      5,
      /not the workbook the test run was approved for/,
    ],
    [
      ["run", fixture("relations.xlsx"), "--script", "update-clients", "--db", db, "--approved", approval],
      5,
      /for the script relations, not update-clients/,
    ],
    [
      ["run", fixture("relations.xlsx"), "--script", "relations", "--db", db, "--approved", join(dir, "validate.json")],
      5,
      /not the report\.json of a test run/,
    ],
    [
      ["run", fixture("new-clients.xlsx"), "--script", "new-clients", "--db", db, "--approved", approval],
      2,
      /needs --welcome-mail yes or --welcome-mail no/,
    ],
    [["run", fixture("relations.xlsx"), "--script", "relations", "--db", db], 2, /required option '--approved <file>'/],
  ])("%j → exit %d", (args, code, message) => {
    const out = join(dir, "refused");
    const run = runCli([...args, "--out", out]);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    // A refused run writes nothing: no report folder.
    expect(existsSync(out)).toBe(false);
  });
});

describe("mdimport run checks every row against the live platform again", () => {
  it("does not carry out a row whose outcome changed since the test run", () => {
    const { dir, db } = freshPlatform();
    runCli([
      "test-run",
      fixture("new-professionals.xlsx"),
      "--script",
      "new-professionals",
      "--db",
      db,
      "--out",
      join(dir, "tr"),
    ]);
    // Meanwhile someone takes the e-mail address of row 4 (v.koch@example.com, planned).
    writeFileSync(
      join(dir, "more.json"),
      JSON.stringify({
        clients: [{ md_id: "9".repeat(32), id: "X-1", email: "v.koch@example.com", first_name: "V", last_name: "K" }],
      }),
    );
    expect(runCli(["platform", "load", join(dir, "more.json"), "--db", db]).code).toBe(0);
    runCli([
      "run",
      fixture("new-professionals.xlsx"),
      "--script",
      "new-professionals",
      "--db",
      db,
      "--approved",
      join(dir, "tr", "report.json"),
      "--out",
      join(dir, "run"),
      "--welcome-mail",
      "yes",
    ]);
    const rows = flatRows(readJson<Report>(join(dir, "run", "report.json")));
    expect(rows.find((r) => r.row === 4)).toEqual({
      row: 4,
      status: "dropout",
      codes: ["changed_since_test_run", "email_in_use"],
    });
    expect(rows.filter((r) => r.status === "done").map((r) => r.row)).toEqual([5, 11]);
  });
});

describe("mdimport run killed with SIGKILL part-way, and started again with the same command", () => {
  it("finishes the work with every row done exactly once, in the folder derived from the approval", async () => {
    const { dir, db } = emptyPlatform();
    const rows = 5000;
    const input = await clientsSheet(dir, rows, "kill");
    runCli(["test-run", input, "--script", "new-clients", "--db", db, "--out", join(dir, "tr")]);
    // No --out: the default folder is derived from the approval, so the same command resumes.
    const args = [
      "run",
      input,
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      join(dir, "tr", "report.json"),
      "--welcome-mail",
      "no",
    ];
    const outs = () => (existsSync(join(dir, "mdimport-out")) ? readdirSync(join(dir, "mdimport-out")) : []);
    const digest = createHash("sha256")
      .update(readFileSync(join(dir, "tr", "report.json")))
      .digest("hex");
    const journalPath = join(dir, "mdimport-out", `run-${digest.slice(0, 16)}`, "journal.jsonl");
    // About 100 journal lines: the run is under way, and far from done.
    await killWhenJournalGrows(args, journalPath, 10_000, {}, { cwd: dir });
    const doneBefore = journalRows(journalPath, "done").length;
    expect(doneBefore).toBeGreaterThan(0);
    expect(doneBefore).toBeLessThan(rows);

    const again = runCli(args, { cwd: dir });
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(outs()).toEqual([`run-${digest.slice(0, 16)}`]);
    const report = readJson<Report & { run: { resumed: boolean } }>(join(dirname(journalPath), "report.json"));
    expect(report.summary).toMatchObject({ done: rows, failed: 0, dropout: 0 });
    expect(report.run.resumed).toBe(true);
    const done = journalRows(journalPath, "done");
    expect(new Set(done).size).toBe(done.length);
    const state = dump(db);
    expect(state.clients).toHaveLength(rows);
    expect(new Set(state.clients.map((c) => c.id)).size).toBe(rows);
    expect(state.clients.every((c) => c.active)).toBe(true);
  });
});

describe("report.json names the accounts by Minddistrict ID and the changed fields by name, never by value", () => {
  it("test-run: a dropout's conflicting account and an update's changed fields; run: the new IDs", () => {
    const { dir, db } = freshPlatform();
    const state = dump(db) as unknown as {
      clients: { md_id: string; email: string; active: boolean }[];
      professionals: { md_id: string }[];
    };
    type Row = {
      row: number;
      status: string;
      md_id?: string;
      changes?: string[];
      conflict?: { kind: string; active: boolean; md_id: string };
    };
    runCli(["test-run", fixture("new-clients.xlsx"), "--script", "new-clients", "--db", db, "--out", join(dir, "tr")]);
    const approval = readJson<{ rows: Row[] }>(join(dir, "tr", "report.json"));
    const conflicts = approval.rows.filter((r) => r.status === "dropout").map((r) => r.conflict);
    expect(conflicts.length).toBeGreaterThan(0);
    const known = new Set([...state.clients, ...state.professionals].map((a) => a.md_id));
    for (const conflict of conflicts) {
      expect(Object.keys(conflict ?? {}).sort()).toEqual(["active", "kind", "md_id"]);
      expect(known.has(conflict!.md_id)).toBe(true);
    }
    runCli([
      "run",
      fixture("new-clients.xlsx"),
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      join(dir, "tr", "report.json"),
      "--welcome-mail",
      "no",
      "--out",
      join(dir, "run"),
    ]);
    const done = readJson<{ rows: Row[] }>(join(dir, "run", "report.json")).rows.filter((r) => r.status === "done");
    expect(done.length).toBeGreaterThan(0);
    const after = new Set((dump(db) as unknown as { clients: { md_id: string }[] }).clients.map((c) => c.md_id));
    for (const row of done) {
      expect(row.md_id).toMatch(/^[0-9a-f]{32}$/);
      expect(after.has(row.md_id!)).toBe(true);
      expect(known.has(row.md_id!)).toBe(false);
    }

    runCli([
      "test-run",
      fixture("update-clients.xlsx"),
      "--script",
      "update-clients",
      "--db",
      db,
      "--out",
      join(dir, "tr-update"),
    ]);
    const updates = readJson<{ rows: Row[] }>(join(dir, "tr-update", "report.json")).rows.filter(
      (r) => r.status === "planned",
    );
    expect(updates.length).toBeGreaterThan(0);
    for (const row of updates) {
      expect(row.md_id).toMatch(/^[0-9a-f]{32}$/);
      expect(row.changes!.length).toBeGreaterThan(0);
      for (const field of row.changes!)
        expect(["id", "first_name", "infix", "last_name", "gender", "date_of_birth", "phone_number", "bsn"]).toContain(
          field,
        );
    }
  });
});
