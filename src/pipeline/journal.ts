import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Action } from "./analyse.js";

/** One line of journal.jsonl. `start` is written before an action, `done` after it. */
export type JournalEntry =
  | { type: "run"; time: string; script: string; sha256: string; platform: string; welcome_mail: "yes" | "no" | null }
  | { type: "start"; time: string; row: number; action: Action }
  | { type: "done"; time: string; row: number; action: Action; md_id: string | null }
  | { type: "failed"; time: string; row: number; action: Action; code: string };

/**
 * journal.jsonl: the record that lets an interrupted run resume. Append-only; every line is
 * on disk (fsync) before the action it announces or confirms counts. A torn last line (a run
 * killed mid-write) is ignored on reading.
 */
export class Journal {
  private readonly fd: number;
  /** What an earlier, interrupted run of the same approval already did, by row. */
  readonly earlier: Map<number, { done: boolean; md_id: string | null }>;

  private constructor(path: string, earlier: Map<number, { done: boolean; md_id: string | null }>) {
    this.earlier = earlier;
    this.fd = openSync(path, "a", 0o600);
  }

  /** Opens the journal in `dir`, reading what an earlier run of the same approval wrote there. */
  static open(dir: string, run: { script: string; sha256: string; platform: string }): Journal {
    const path = join(dir, "journal.jsonl");
    const earlier = new Map<number, { done: boolean; md_id: string | null }>();
    if (existsSync(path)) {
      let same = false;
      for (const entry of readEntries(path)) {
        if (entry.type === "run") same = entry.script === run.script && entry.sha256 === run.sha256 && entry.platform === run.platform;
        else if (!same) continue;
        else if (entry.type === "start" && !earlier.get(entry.row)?.done) earlier.set(entry.row, { done: false, md_id: null });
        else if (entry.type === "done") earlier.set(entry.row, { done: true, md_id: entry.md_id });
      }
    }
    return new Journal(path, earlier);
  }

  write(entry: JournalEntry): void {
    const line = Buffer.from(`${JSON.stringify(entry)}\n`, "utf8");
    for (let at = 0; at < line.length;) at += writeSync(this.fd, line, at, line.length - at);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readEntries(path: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // A line cut short by a kill: the action it announced is checked against the platform.
    }
  }
  return entries;
}
