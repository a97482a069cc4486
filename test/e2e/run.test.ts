import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientsSheet, dump, freshPlatform, journalRows, killWhenJournalGrows } from "../support/platform.js";
import { fixture, flatRows, readJson, runCli, tempDir } from "../support/cli.js";

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
    const welcome = script.startsWith("new-") ? ["--welcome-mail", "no"] : [];
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
    if (script.startsWith("new-")) expect(readJson<Report>(join(dir, "run", "report.json")).run?.welcome_mail).toBe("no");
    const journal = readFileSync(join(dir, "run", "journal.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; row?: number });
    expect(journal.filter((e) => e.type === "done").map((e) => e.row)).toEqual(approved.filter((r) => r.status === "planned").map((r) => r.row));

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
  const approval = join(dir, "tr", "report.json");
  writeFileSync(join(dir, "validate.json"), JSON.stringify({ ...readJson<object>(approval), mode: "validate" }));

  it.each([
    [
      ["run", fixture("relations.xlsx"), "--script", "relations", "--db", join(dir, "other.sqlite"), "--approved", approval],
      5,
      /approved test run was against local:/,
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
    // A refused run writes nothing: no report folder, and no store for the wrong platform.
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, "other.sqlite"))).toBe(false);
  });
});

describe("mdimport run checks every row against the live platform again", () => {
  it("does not carry out a row whose outcome changed since the test run", () => {
    const { dir, db } = freshPlatform();
    runCli(["test-run", fixture("new-professionals.xlsx"), "--script", "new-professionals", "--db", db, "--out", join(dir, "tr")]);
    // Meanwhile someone takes the e-mail address of row 4 (v.koch@example.com, planned).
    writeFileSync(
      join(dir, "more.json"),
      JSON.stringify({ clients: [{ md_id: "9".repeat(32), id: "X-1", email: "v.koch@example.com", first_name: "V", last_name: "K" }] }),
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
    expect(rows.find((r) => r.row === 4)).toEqual({ row: 4, status: "dropout", codes: ["changed_since_test_run", "email_in_use"] });
    expect(rows.filter((r) => r.status === "done").map((r) => r.row)).toEqual([5, 11]);
  });
});

describe("mdimport run killed with SIGKILL part-way, and started again", () => {
  it("finishes the work with every row done exactly once", async () => {
    const dir = tempDir();
    const db = join(dir, "platform.sqlite");
    const rows = 5000;
    const input = await clientsSheet(dir, rows, "kill");
    runCli(["test-run", input, "--script", "new-clients", "--db", db, "--out", join(dir, "tr")]);
    const args = [
      "run",
      input,
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      join(dir, "tr", "report.json"),
      "--out",
      join(dir, "run"),
      "--welcome-mail",
      "no",
    ];
    const journalPath = join(dir, "run", "journal.jsonl");
    // About 100 journal lines: the run is under way, and far from done.
    await killWhenJournalGrows(args, journalPath, 10_000);
    const doneBefore = journalRows(journalPath, "done").length;
    expect(doneBefore).toBeGreaterThan(0);
    expect(doneBefore).toBeLessThan(rows);

    const again = runCli(args);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(readJson<Report>(join(dir, "run", "report.json")).summary).toMatchObject({ done: rows, failed: 0, dropout: 0 });
    const done = journalRows(journalPath, "done");
    expect(new Set(done).size).toBe(done.length);
    const state = dump(db);
    expect(state.clients).toHaveLength(rows);
    expect(new Set(state.clients.map((c) => c.id)).size).toBe(rows);
  });
});
