import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ApprovalError, UsageError } from "../shared/errors.js";
import type { Action } from "./analyse.js";

/** What a journal belongs to: one approval carried out on one platform. */
export interface JournalRun {
  /** The sha256 of the approval file's bytes. */
  approval: string;
  script: string;
  sha256: string;
  platform_id: string;
  welcome_mail: "yes" | "no" | null;
}

/** One line of journal.jsonl. `start` is written before an action, `done` after it. */
export type JournalEntry =
  | ({ type: "run"; time: string; platform: string } & JournalRun)
  | { type: "start"; time: string; row: number; action: Action }
  | { type: "done"; time: string; row: number; action: Action; md_id: string | null }
  | { type: "failed"; time: string; row: number; action: Action; code: string };

/** What an earlier, interrupted start of the same run did to a row. */
export interface EarlierRow {
  done: boolean;
  md_id: string | null;
}

/**
 * journal.jsonl: the record that lets an interrupted run resume. Append-only; every line is
 * on disk (fsync) before the action it announces or confirms counts. A journal belongs to one
 * approval on one platform, with one answer on welcome e-mails: a run of anything else in the
 * same folder is refused. A last line torn by a kill is cut off (never appended to).
 */
export class Journal {
  /** What an earlier, interrupted start of this run already did, by row. */
  readonly earlier: Map<number, EarlierRow>;
  /** Set when a torn last line was cut off on opening. */
  readonly recoveredTornLine: boolean;
  /** The run as its first start recorded it (its welcome e-mail answer holds for every resume). */
  readonly run: JournalRun;

  private constructor(
    private readonly fd: number,
    earlier: Map<number, EarlierRow>,
    recovered: boolean,
    run: JournalRun,
  ) {
    this.earlier = earlier;
    this.recoveredTornLine = recovered;
    this.run = run;
  }

  /**
   * Opens the journal in `dir`, reading what an earlier start of the same run wrote there.
   * Refuses (exit 5) a journal of another approval, platform or welcome e-mail answer.
   */
  static open(dir: string, run: JournalRun, started: { time: string; platform: string }): Journal {
    const path = join(dir, "journal.jsonl");
    // O_NOFOLLOW: a journal planted as a link to another file is never written through.
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile() || stat.uid !== process.getuid?.()) {
        throw new UsageError(`The journal.jsonl in ${dir} is not a file of your own; give a new --out.`);
      }
      fchmodSync(fd, 0o600);
      const { entries, cut } = readJournal(fd);
      let recovered = false;
      if (cut !== null) {
        ftruncateSync(fd, cut);
        fsyncSync(fd);
        recovered = true;
      }
      const first = entries.find((e) => e.type === "run");
      if (first) checkSameRun(first, run);
      else if (entries.length > 0)
        throw new ApprovalError("The journal.jsonl in the output folder does not say which run it belongs to; give a new --out.");
      const earlier = new Map<number, EarlierRow>();
      for (const entry of entries) {
        if (entry.type === "start" && !earlier.get(entry.row)?.done) earlier.set(entry.row, { done: false, md_id: null });
        else if (entry.type === "done") earlier.set(entry.row, { done: true, md_id: entry.md_id });
      }
      const journal = new Journal(fd, earlier, recovered, first ?? run);
      journal.write({ type: "run", time: started.time, platform: started.platform, ...run });
      return journal;
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  write(entry: JournalEntry): void {
    const line = Buffer.from(`${JSON.stringify(entry)}\n`, "utf8");
    for (let at = 0; at < line.length;) {
      const written = writeSync(this.fd, line, at, line.length - at);
      if (written <= 0) throw new Error("the journal cannot be written (no space?)");
      at += written;
    }
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Refuses to go on with a journal that belongs to another run, naming the difference. */
function checkSameRun(first: JournalRun, run: JournalRun): void {
  if (first.approval !== run.approval || first.sha256 !== run.sha256 || first.script !== run.script) {
    throw new ApprovalError("The output folder holds the journal of a run of another approval; give the --out of this approval's run, or a new one.");
  }
  if (first.platform_id !== run.platform_id) {
    throw new ApprovalError(
      `The output folder holds the journal of a run against another platform (platform ID ${first.platform_id}, not ${run.platform_id}); give a new --out.`,
    );
  }
  if (first.welcome_mail !== run.welcome_mail) {
    throw new ApprovalError(
      `This run was started with --welcome-mail ${first.welcome_mail ?? "(none)"}; resume it with the same answer, not ${run.welcome_mail ?? "(none)"}.`,
    );
  }
}

/**
 * The journal's entries; `cut` is where a torn last line starts (a kill mid-write), or null.
 * A line that does not parse anywhere but at the end means the file was altered: refused.
 */
function readJournal(fd: number): { entries: JournalEntry[]; cut: number | null } {
  const size = fstatSync(fd).size;
  const bytes = Buffer.alloc(size);
  for (let at = 0; at < size;) {
    const read = readSync(fd, bytes, at, size - at, at);
    if (read <= 0) break;
    at += read;
  }
  const end = bytes.lastIndexOf(0x0a) + 1;
  const entries: JournalEntry[] = [];
  const lines = bytes.subarray(0, end).toString("utf8").split("\n");
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      throw new ApprovalError(
        `Line ${index + 1} of journal.jsonl in the output folder is not a journal entry; the journal was altered, so give a new --out.`,
      );
    }
  });
  return { entries, cut: end < size ? end : null };
}
