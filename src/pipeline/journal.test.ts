import { appendFileSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/cli.js";
import { Journal } from "./journal.js";

const run = { script: "new-clients", sha256: "a".repeat(64), platform: "local:x" };
const time = "2026-11-23T00:00:00.000Z";

describe("Journal", () => {
  it("appends lines (mode 0600) and reads back what an earlier run of the same approval did", () => {
    const dir = tempDir();
    const first = Journal.open(dir, run);
    first.write({ type: "run", time, ...run, welcome_mail: "no" });
    first.write({ type: "start", time, row: 2, action: "create" });
    first.write({ type: "done", time, row: 2, action: "create", md_id: "f".repeat(32) });
    first.write({ type: "start", time, row: 3, action: "create" });
    first.close();
    // A kill in the middle of a line leaves it torn.
    appendFileSync(join(dir, "journal.jsonl"), '{"type":"done","time":"2026');
    expect(statSync(join(dir, "journal.jsonl")).mode & 0o777).toBe(0o600);
    const second = Journal.open(dir, run);
    expect([...second.earlier]).toEqual([
      [2, { done: true, md_id: "f".repeat(32) }],
      [3, { done: false, md_id: null }],
    ]);
    second.close();
    expect(readFileSync(join(dir, "journal.jsonl"), "utf8").split("\n").filter(Boolean)).toHaveLength(5);
  });

  it("ignores what a run of another approval wrote", () => {
    const dir = tempDir();
    const other = Journal.open(dir, run);
    other.write({ type: "run", time, ...run, sha256: "b".repeat(64), welcome_mail: null });
    other.write({ type: "done", time, row: 2, action: "create", md_id: null });
    other.close();
    expect(Journal.open(dir, run).earlier.size).toBe(0);
  });
});
