import { appendFileSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/cli.js";
import { ApprovalError } from "../shared/errors.js";
import { Journal, type JournalRun } from "./journal.js";

const run: JournalRun = {
  approval: "c".repeat(64),
  script: "new-clients",
  sha256: "a".repeat(64),
  platform_id: "local:p1",
  welcome_mail: "no",
};
const time = "2026-11-23T00:00:00.000Z";
const started = { time, platform: "local:x" };
/** A journal begun, as run.ts begins it. */
const begun = (dir: string, as: JournalRun = run) => {
  const journal = Journal.open(dir, as);
  journal.begin(started);
  return journal;
};
const lines = (dir: string) => readFileSync(join(dir, "journal.jsonl"), "utf8").split("\n").filter(Boolean);

describe("Journal", () => {
  it("appends lines (mode 0600), starts with the run, and reads back what an earlier start of the run did", () => {
    const dir = tempDir();
    const first = begun(dir);
    first.write({ type: "start", time, row: 2, action: "create" });
    first.write({ type: "done", time, row: 2, action: "create", md_id: "f".repeat(32) });
    first.write({ type: "start", time, row: 3, action: "create" });
    first.close();
    expect(statSync(join(dir, "journal.jsonl")).mode & 0o777).toBe(0o600);
    const second = begun(dir);
    expect([...second.earlier]).toEqual([
      [2, { done: true, md_id: "f".repeat(32) }],
      [3, { done: false, md_id: null }],
    ]);
    expect(second.recoveredTornLine).toBe(false);
    second.close();
    expect(lines(dir).map((l) => (JSON.parse(l) as { type: string }).type)).toEqual([
      "run",
      "start",
      "done",
      "start",
      "run",
    ]);
  });

  it("cuts off a last line torn by a kill instead of appending to it, and says so", () => {
    const dir = tempDir();
    const first = begun(dir);
    first.write({ type: "start", time, row: 2, action: "create" });
    first.close();
    appendFileSync(join(dir, "journal.jsonl"), '{"type":"done","time":"2026');
    const second = begun(dir);
    expect(second.recoveredTornLine).toBe(true);
    expect([...second.earlier]).toEqual([[2, { done: false, md_id: null }]]);
    second.close();
    // Every line whole: the next start's header is not glued to the torn piece.
    for (const line of lines(dir)) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(lines(dir)).toHaveLength(3);
  });

  it.each([
    ["another approval", { ...run, approval: "d".repeat(64) }, /journal of a run of another approval/],
    ["another workbook", { ...run, sha256: "b".repeat(64) }, /journal of a run of another approval/],
    [
      "another platform",
      { ...run, platform_id: "local:p2" },
      /against another platform \(platform ID local:p1, not local:p2\)/,
    ],
    [
      "another welcome e-mail answer",
      { ...run, welcome_mail: "yes" as const },
      /started with --welcome-mail no; resume it with the same answer, not yes/,
    ],
  ])("refuses (exit 5) to go on with the journal of %s", (_, other, message) => {
    const dir = tempDir();
    begun(dir).close();
    const error = (() => {
      try {
        Journal.open(dir, other);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ApprovalError);
    expect((error as Error).message).toMatch(message);
    expect(lines(dir)).toHaveLength(1);
  });

  it("refuses a journal altered in the middle, and one planted as a link", () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "journal.jsonl"),
      `not json\n${JSON.stringify({ type: "run", time, platform: "x", ...run })}\n`,
    );
    expect(() => Journal.open(dir, run)).toThrow(/Line 1 of journal.jsonl .* altered/);
    for (const line of ["null", "42", '{"type":"start"}', '{"type":"done","row":"2"}', '{"type":"who"}']) {
      writeFileSync(
        join(dir, "journal.jsonl"),
        `${JSON.stringify({ type: "run", time, platform: "x", ...run })}\n${line}\n`,
      );
      expect(() => Journal.open(dir, run)).toThrow(/Line 2 of journal.jsonl .* altered/);
    }
    const linked = tempDir();
    const victim = join(tempDir(), "victim.txt");
    writeFileSync(victim, "mine\n");
    symlinkSync(victim, join(linked, "journal.jsonl"));
    expect(() => Journal.open(linked, run)).toThrow(/journal.jsonl in .* cannot be opened \(ELOOP: a link\?\)/);
    expect(readFileSync(victim, "utf8")).toBe("mine\n");
  });

  it("opening only reads: nothing is written until the run begins", () => {
    const dir = tempDir();
    Journal.open(dir, run).close();
    expect(existsSync(join(dir, "journal.jsonl"))).toBe(false);
  });

  it("tells a row the platform refused, and the rows a finished start did, from an interrupted start's", () => {
    const dir = tempDir();
    const first = begun(dir);
    first.write({ type: "start", time, row: 2, action: "create" });
    first.write({ type: "done", time, row: 2, action: "create", md_id: "f".repeat(32) });
    first.write({ type: "start", time, row: 3, action: "create" });
    first.write({ type: "failed", time, row: 3, action: "create", code: "email_in_use", definite: true });
    first.write({ type: "start", time, row: 4, action: "create" });
    first.write({ type: "failed", time, row: 4, action: "create", code: "api_error", definite: false });
    first.write({ type: "finished", time });
    first.close();
    const second = begun(dir);
    second.write({ type: "start", time, row: 5, action: "create" });
    second.write({ type: "done", time, row: 5, action: "create", md_id: "a".repeat(32) });
    second.close();
    expect(Object.fromEntries(Journal.open(dir, run).earlier)).toEqual({
      2: { done: true, md_id: "f".repeat(32), repeat: true },
      3: { done: false, md_id: null, refused: true },
      4: { done: false, md_id: null },
      5: { done: true, md_id: "a".repeat(32) },
    });
    expect(Journal.open(dir, run).repeatsFinished).toBe(true);
  });

  it("knows a finished start also when it did nothing (every row refused)", () => {
    const dir = tempDir();
    const first = begun(dir);
    first.write({ type: "start", time, row: 2, action: "create" });
    first.write({ type: "failed", time, row: 2, action: "create", code: "email_in_use", definite: true });
    expect(Journal.open(dir, run).repeatsFinished).toBe(false);
    first.write({ type: "finished", time });
    first.close();
    expect(Journal.open(dir, run).repeatsFinished).toBe(true);
  });

  it("keys a workbook's rows by sheet and row (`sheet` in each entry), apart from a single sheet's rows", () => {
    const dir = tempDir();
    const workbook: JournalRun = { ...run, script: "workbook", welcome_mail: { clients: "yes", professionals: "no" } };
    const first = begun(dir, workbook);
    const clients = first.sheet(1);
    clients.write({ type: "start", time, row: 2, action: "create" });
    clients.write({ type: "done", time, row: 2, action: "create", md_id: "f".repeat(32) });
    const relations = first.sheet(3);
    relations.write({ type: "start", time, row: 2, action: "link" });
    first.close();
    expect(
      lines(dir)
        .slice(1)
        .map((l) => JSON.parse(l) as { sheet: number; row: number }),
    ).toMatchObject([
      { type: "start", sheet: 1, row: 2 },
      { type: "done", sheet: 1, row: 2, md_id: "f".repeat(32) },
      { type: "start", sheet: 3, row: 2 },
    ]);
    const second = Journal.open(dir, workbook);
    expect(second.earlier.size).toBe(0);
    expect(second.hasEarlier).toBe(true);
    expect(Object.fromEntries(second.sheet(1).earlier)).toEqual({ 2: { done: true, md_id: "f".repeat(32) } });
    expect(Object.fromEntries(second.sheet(3).earlier)).toEqual({ 2: { done: false, md_id: null } });
    expect(second.sheet(2).earlier.size).toBe(0);
    expect(second.run.welcome_mail).toEqual({ clients: "yes", professionals: "no" });
    second.close();
    // Another answer for one kind: refused, naming both answers.
    expect(() => Journal.open(dir, { ...workbook, welcome_mail: { clients: "no", professionals: "no" } })).toThrow(
      "This run was started with --welcome-mail clients=yes,professionals=no; resume it with the same answer, not clients=no,professionals=no.",
    );
    // A sheet position that is no whole number above 0: an altered journal.
    writeFileSync(
      join(dir, "journal.jsonl"),
      `${lines(dir)[0]}\n{"type":"start","time":"x","sheet":0,"row":2,"action":"create"}\n`,
    );
    expect(() => Journal.open(dir, workbook)).toThrow(/Line 2 of journal.jsonl .* altered/);
  });

  it("reads a single sheet's journal as before: rows without a sheet", () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "journal.jsonl"),
      `${JSON.stringify({ type: "run", time, platform: "x", ...run })}\n${JSON.stringify({ type: "done", time, row: 2, action: "create", md_id: null })}\n`,
    );
    const journal = Journal.open(dir, run);
    expect([...journal.earlier]).toEqual([[2, { done: true, md_id: null }]]);
    expect(journal.hasEarlier).toBe(true);
    journal.close();
  });
});
