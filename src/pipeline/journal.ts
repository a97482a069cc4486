import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
} from "node:fs";
import { join } from "node:path";
import { ApprovalError, UsageError } from "../shared/errors.js";
import { writeAll } from "../shared/safe-fs.js";
import type { Action } from "./analyse.js";

/** --welcome-mail as given: an answer per kind of account (one answer for both gives both). */
export interface WelcomeMailAnswers {
  clients?: "yes" | "no";
  professionals?: "yes" | "no";
}

/** The welcome-mail answers of a workbook's run, per kind (null: the workbook creates no account of that kind). */
export interface WelcomeMailPerKind {
  clients: "yes" | "no" | null;
  professionals: "yes" | "no" | null;
}

/** What a journal belongs to: one approval carried out on one platform. */
export interface JournalRun {
  /** The sha256 of the approval file's bytes. */
  approval: string;
  /** The script; `workbook` for a run of several sheets (--all-sheets). */
  script: string;
  sha256: string;
  platform_id: string;
  /** One sheet: the answer for its kind (null: a script that sends none); a workbook: per kind. */
  welcome_mail: "yes" | "no" | null | WelcomeMailPerKind;
}

/** The journal's row entries of one sheet of a workbook: what earlier starts did to its rows, and the writer that keys them by sheet. */
export interface SheetJournal {
  readonly earlier: ReadonlyMap<number, EarlierRow>;
  write(entry: JournalEntry): void;
}

/**
 * One line of journal.jsonl. `start` is written before an action, `done` after it. A row of a
 * workbook's sheet carries `sheet` (its position: the row's key is `<sheet>:<row>`); a
 * single-sheet run's rows have none (read as sheet 0).
 */
export type JournalEntry =
  | ({ type: "run"; time: string; platform: string } & JournalRun)
  | { type: "start"; time: string; sheet?: number; row: number; action: Action }
  | { type: "done"; time: string; sheet?: number; row: number; action: Action; md_id: string | null }
  /** `definite`: the platform refused (nothing was stored); otherwise no answer came, and the write may have landed. */
  | { type: "failed"; time: string; sheet?: number; row: number; action: Action; code: string; definite?: boolean }
  /** A start that tried every row it was to try (not stopped): what follows is a repeat of a finished run. */
  | { type: "finished"; time: string };

/** What earlier starts of the same run did to a row. */
export interface EarlierRow {
  done: boolean;
  md_id: string | null;
  /** The last try was refused by the platform: nothing of it is on the platform. */
  refused?: boolean;
  /** Done by a start that finished: this start repeats a finished run. */
  repeat?: boolean;
}

const journalName = "journal.jsonl";
const openFlags = constants.O_RDWR | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * journal.jsonl: the record that lets an interrupted run resume. Append-only; every line is
 * on disk (fsync) before the action it announces or confirms counts. A journal belongs to one
 * approval on one platform, with one answer on welcome e-mails: a run of anything else in the
 * same folder is refused. A last line torn by a kill is cut off (never appended to).
 *
 * `open` only reads (and cuts off a torn line); `begin` writes the run's line, once everything
 * the approval binds has been checked.
 */
export class Journal {
  /** What earlier starts of this run did, by row (a single sheet's rows: those without a sheet). */
  readonly earlier: Map<number, EarlierRow>;
  /** The same for the rows of a workbook's sheets, by sheet position, then row. */
  private readonly bySheet: Map<number, Map<number, EarlierRow>>;
  /** Set when a torn last line was cut off on opening. */
  readonly recoveredTornLine: boolean;
  /** Set when an earlier start tried every row: this start repeats a finished run (it resumes nothing). */
  readonly repeatsFinished: boolean;
  /** The run as its first start recorded it (its welcome e-mail answer holds for every resume). */
  readonly run: JournalRun;
  private fd: number | null;

  private constructor(
    private readonly path: string,
    fd: number | null,
    earlier: Map<number, Map<number, EarlierRow>>,
    recovered: boolean,
    finished: boolean,
    run: JournalRun,
  ) {
    this.fd = fd;
    this.earlier = earlier.get(0) ?? new Map<number, EarlierRow>();
    earlier.delete(0);
    this.bySheet = earlier;
    this.recoveredTornLine = recovered;
    this.repeatsFinished = finished;
    this.run = run;
  }

  /**
   * Reads the journal in `dir`, if there is one: what earlier starts of the same run did.
   * Refuses (exit 5) a journal of another approval, platform or welcome e-mail answer, and
   * one that was altered; a journal that is a link, a pipe or another user's is a usage error.
   */
  static open(dir: string, run: JournalRun): Journal {
    const path = join(dir, journalName);
    if (!existsSync(path)) return new Journal(path, null, new Map(), false, false, run);
    let fd: number;
    try {
      // O_NOFOLLOW: a journal planted as a link to another file is never read or written through.
      fd = openSync(path, openFlags);
    } catch (error) {
      throw new UsageError(
        `The journal.jsonl in ${dir} cannot be opened (${(error as NodeJS.ErrnoException).code ?? "error"}: a link?); give a new --out.`,
        {
          cause: error,
        },
      );
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile() || stat.uid !== process.getuid?.()) {
        throw new UsageError(`The journal.jsonl in ${dir} is not a file of your own; give a new --out.`);
      }
      fchmodSync(fd, 0o600);
      const { entries, cut } = readJournal(fd);
      if (cut !== null) {
        ftruncateSync(fd, cut);
        fsyncSync(fd);
      }
      const first = entries.find((e) => e.type === "run");
      if (first) checkSameRun(first, run);
      else if (entries.length > 0) {
        throw new ApprovalError(
          "The journal.jsonl in the output folder does not say which run it belongs to; give a new --out.",
        );
      }
      const finished = entries.some((entry) => entry.type === "finished");
      return new Journal(path, fd, earlierRows(entries), cut !== null, finished, first ?? run);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Whether earlier starts of this run began any row (of any sheet). */
  get hasEarlier(): boolean {
    return this.earlier.size > 0 || [...this.bySheet.values()].some((rows) => rows.size > 0);
  }

  /** The rows of one sheet of a workbook (by its position): what earlier starts did to them, and a writer that keys its entries by the sheet. */
  sheet(position: number): SheetJournal {
    if (!Number.isInteger(position) || position < 1) throw new Error(`no sheet position ${position}`);
    let earlier = this.bySheet.get(position);
    if (!earlier) this.bySheet.set(position, (earlier = new Map<number, EarlierRow>()));
    return {
      earlier,
      write: (entry) =>
        this.write(
          entry.type === "start" || entry.type === "done" || entry.type === "failed"
            ? { ...entry, sheet: position }
            : entry,
        ),
    };
  }

  /** Starts this run's part of the journal (made if it is new): its line, with when and against what. */
  begin(started: { time: string; platform: string }): void {
    this.fd ??= openSync(this.path, openFlags | constants.O_CREAT | constants.O_EXCL, 0o600);
    this.write({ type: "run", time: started.time, platform: started.platform, ...this.run });
  }

  write(entry: JournalEntry): void {
    if (this.fd === null) throw new Error("the journal was not begun");
    writeAll(this.fd, Buffer.from(`${JSON.stringify(entry)}\n`, "utf8"), this.path);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Per sheet (0: a single sheet's rows), per row, what the journal's entries say was done, in order. */
function earlierRows(entries: readonly JournalEntry[]): Map<number, Map<number, EarlierRow>> {
  const sheets = new Map<number, Map<number, EarlierRow>>();
  for (const entry of entries) {
    if (entry.type === "finished") {
      for (const rows of sheets.values()) for (const row of rows.values()) if (row.done) row.repeat = true;
      continue;
    }
    if (entry.type === "run") continue;
    const position = entry.sheet ?? 0;
    let earlier = sheets.get(position);
    if (!earlier) sheets.set(position, (earlier = new Map<number, EarlierRow>()));
    if (entry.type === "start" && !earlier.get(entry.row)?.done) earlier.set(entry.row, { done: false, md_id: null });
    else if (entry.type === "done") earlier.set(entry.row, { done: true, md_id: entry.md_id });
    else if (entry.type === "failed" && entry.definite && !earlier.get(entry.row)?.done) {
      earlier.set(entry.row, { done: false, md_id: null, refused: true });
    }
  }
  return sheets;
}

/** How a welcome-mail answer reads in a sentence: `yes`, or `clients=yes,professionals=no`. */
const answerText = (answer: JournalRun["welcome_mail"]): string =>
  answer === null
    ? "(none)"
    : typeof answer === "string"
      ? answer
      : (["clients", "professionals"] as const)
          .filter((kind) => answer[kind] !== null)
          .map((kind) => `${kind}=${answer[kind] ?? ""}`)
          .join(",") || "(none)";

/** Refuses to go on with a journal that belongs to another run, naming the difference. */
function checkSameRun(first: JournalRun, run: JournalRun): void {
  if (first.approval !== run.approval || first.sha256 !== run.sha256 || first.script !== run.script) {
    throw new ApprovalError(
      "The output folder holds the journal of a run of another approval; give the --out of this approval's run, or a new one.",
    );
  }
  if (first.platform_id !== run.platform_id) {
    throw new ApprovalError(
      `The output folder holds the journal of a run against another platform (platform ID ${first.platform_id}, not ${run.platform_id}); give a new --out.`,
    );
  }
  if (answerText(first.welcome_mail) !== answerText(run.welcome_mail)) {
    throw new ApprovalError(
      `This run was started with --welcome-mail ${answerText(first.welcome_mail)}; resume it with the same answer, not ${answerText(run.welcome_mail)}.`,
    );
  }
}

const isRow = (value: unknown) => typeof value === "number" && Number.isInteger(value) && value > 0;

/** Whether a parsed line is a journal entry this version wrote. */
function isEntry(value: unknown): value is JournalEntry {
  if (!value || typeof value !== "object") return false;
  const entry = value as Record<string, unknown>;
  switch (entry.type) {
    case "run":
      return (
        typeof entry.approval === "string" && typeof entry.sha256 === "string" && typeof entry.platform_id === "string"
      );
    case "start":
    case "done":
    case "failed":
      return isRow(entry.row) && (entry.sheet === undefined || isRow(entry.sheet));
    case "finished":
      return true;
    default:
      return false;
  }
}

/**
 * The journal's entries; `cut` is where a torn last line starts (a kill mid-write), or null.
 * A line that is no entry anywhere but at the end means the file was altered: refused.
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
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = undefined;
    }
    if (!isEntry(entry)) {
      throw new ApprovalError(
        `Line ${index + 1} of journal.jsonl in the output folder is not a journal entry; the journal was altered, so give a new --out.`,
      );
    }
    entries.push(entry);
  });
  return { entries, cut: end < size ? end : null };
}
