import { randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readFileSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { ApprovalError, UsageError } from "./errors.js";
import { writeAll } from "./safe-fs.js";

/** Who holds a lock: written into the lock file. */
interface Holder {
  pid: number;
  host: string;
  started: string;
}

/** A lock on a folder: released by `release()`, or found stale once its process is gone. */
export interface FolderLock {
  release(): void;
}

const lockName = "run.lock";

/**
 * Takes the exclusive lock of an output folder: a file that holds the pid, written whole into a
 * file of its own and then linked into place (link fails where the lock exists), so a lock is
 * never seen half-written by a second run starting at the same moment.
 * A lock whose process (on this host) is gone is stale and taken over; a live holder makes
 * this run stop with one sentence naming it (exit 5, the run is refused).
 */
export function lockFolder(dir: string, now: Date): FolderLock {
  const path = join(dir, lockName);
  const holder: Holder = { pid: process.pid, host: hostname(), started: now.toISOString() };
  const bytes = Buffer.from(JSON.stringify(holder));
  const written = join(dir, `.${lockName}.${process.pid}.${randomBytes(4).toString("hex")}`);
  try {
    writeNew(written, bytes);
  } catch (error) {
    throw new UsageError(
      `Cannot lock the output folder ${dir} (${(error as NodeJS.ErrnoException).code ?? "error"}).`,
      { cause: error },
    );
  }
  try {
    return takeLock(dir, path, () => place(written, path, bytes));
  } finally {
    unlinkSync(written);
  }
}

/** A file made new (O_EXCL, never through a link) holding `bytes`. */
function writeNew(path: string, bytes: Buffer): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeAll(fd, bytes, path);
  } finally {
    closeSync(fd);
  }
}

/**
 * Puts the lock in place whole: a hard link of the written file, which fails where a lock
 * exists. A file system without hard links (some network shares) gets the lock made with
 * O_EXCL and written after, which a second run starting that very moment may see empty.
 */
function place(written: string, path: string, bytes: Buffer): void {
  try {
    linkSync(written, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS" && code !== "EOPNOTSUPP") throw error;
    writeNew(path, bytes);
  }
}

function takeLock(dir: string, path: string, placeLock: () => void): FolderLock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      placeLock();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new UsageError(
          `Cannot lock the output folder ${dir} (${(error as NodeJS.ErrnoException).code ?? "error"}).`,
          { cause: error },
        );
      }
      const stat = lstatSync(path);
      if (!stat.isFile()) {
        throw new ApprovalError(
          `${path} is not a lock file (a folder, a link or a pipe); if no run is under way in ${dir}, remove it.`,
        );
      }
      const other = readHolder(path);
      // An empty lock is not one of ours (ours are linked whole): a run of an older mdimport
      // that is starting this very moment, unless it is old.
      if (!other && Date.now() - stat.mtimeMs < 10_000) {
        throw new ApprovalError(
          "Another run is starting in this output folder; wait for it to end, or give another --out.",
        );
      }
      if (other && isAlive(other)) {
        throw new ApprovalError(
          `Another run (pid ${other.pid} on ${other.host}, started ${other.started}) is writing to this output folder; wait for it to end (if no run is under way there, remove ${path}).`,
        );
      }
      // Stale: its process is gone (killed, or the machine restarted).
      unlinkSync(path);
      continue;
    }
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        if (readHolder(path)?.pid === process.pid) unlinkSync(path);
      },
    };
  }
  throw new ApprovalError(
    "The output folder's lock keeps changing hands; another run is starting there, so give another --out.",
  );
}

function readHolder(path: string): Holder | null {
  try {
    // Never follows a link, never blocks on a pipe planted as the lock.
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    let text: string;
    try {
      if (!fstatSync(fd).isFile()) throw new Error("not a file");
      text = readFileSync(fd, "utf8");
    } finally {
      closeSync(fd);
    }
    const holder = JSON.parse(text) as Partial<Holder>;
    return typeof holder.pid === "number"
      ? { pid: holder.pid, host: String(holder.host ?? ""), started: String(holder.started ?? "") }
      : null;
  } catch {
    // A lock file cut short: the process that made it died while writing it.
    return null;
  }
}

/** Whether the holder's process still runs. One on another host cannot be checked: taken as alive. */
function isAlive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
