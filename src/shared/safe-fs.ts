import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  linkSync,
  lstatSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { UsageError } from "./errors.js";

/**
 * File primitives for everything the tool writes. A name in an output folder may have been
 * planted (a symlink to a victim file, another user's file, a FIFO): a file is therefore
 * never opened by its final name for writing, but created new under a temporary name
 * (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600) and renamed over the final name, which replaces a
 * symlink itself, not its target, and leaves the new file the user's own.
 */

const { O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } = constants;

/** What an fs error code means, as the end of a sentence. */
const reasons: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "the operation is not permitted",
  ENOENT: "the file system does not allow it there (no such file or folder)",
  ENOTDIR: "part of the path is a file, not a folder",
  EISDIR: "it is a folder",
  EEXIST: "it already exists",
  ELOOP: "it is a symbolic link",
  EROFS: "the file system is read-only",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  ENAMETOOLONG: "the name is too long",
  EXDEV: "it is on another file system",
};

/** The reason an fs call failed, for a one-sentence message. */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && reasons[code]) ?? (error as Error).message ?? String(error);
}

/** Why a file could not be read, as the end of a sentence ("it does not exist", "it is a folder", …). */
export function readReason(error: unknown): string {
  const code = errorCode(error);
  if (code === "ENOENT") return "it does not exist";
  if (code === "EPERM") return "permission denied";
  return fsReason(error);
}

export const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/** Writes all of `bytes`; a write that takes no bytes ends it with an error instead of a loop. */
export function writeAll(
  fd: number,
  bytes: Uint8Array,
  path: string,
  write: (fd: number, bytes: Uint8Array, offset: number, length: number) => number = writeSync,
): void {
  for (let at = 0; at < bytes.length;) {
    let written: number;
    try {
      written = write(fd, bytes, at, bytes.length - at);
    } catch (error) {
      throw new UsageError(`Cannot write ${path}: ${fsReason(error)}.`, { cause: error });
    }
    if (written <= 0) throw new UsageError(`Cannot write ${path}: the file system took no bytes.`);
    at += written;
  }
}

const stringFlags: Record<string, number> = {
  r: O_RDONLY,
  "r+": O_RDWR,
  w: O_WRONLY | O_CREAT | O_TRUNC,
  a: O_WRONLY | O_CREAT | O_APPEND,
  "a+": O_RDWR | O_CREAT | O_APPEND,
};

/**
 * Opens `path` without following a symlink at its last component, and only if it is a
 * regular file of the user's own (a FIFO cannot block it); a file it creates gets mode
 * 0600, and an existing one is set to 0600. Flags as openSync takes them ("a", "r", ...) or
 * as a number. For files that must keep their content, such as a journal that is appended to.
 */
export function openNoFollow(path: string, flags: number | keyof typeof stringFlags): number {
  const bits = typeof flags === "number" ? flags : stringFlags[flags];
  if (bits === undefined) throw new Error(`openNoFollow: unsupported flags ${String(flags)}`);
  let fd: number;
  try {
    fd = openSync(path, bits | O_NOFOLLOW | O_NONBLOCK, 0o600);
  } catch (error) {
    throw new UsageError(`Cannot open ${path}: ${fsReason(error)}.`, { cause: error });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UsageError(`Cannot open ${path}: it is not a regular file.`);
    if (stat.uid !== process.getuid?.())
      throw new UsageError(`Cannot open ${path}: it belongs to another user (uid ${stat.uid}).`);
    if (bits & (O_WRONLY | O_RDWR)) fchmodSync(fd, 0o600);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** A new, empty file in `dir` under a random temporary name beside `name`: mode 0600, the user's own. */
export function createTemp(dir: string, name: string): { fd: number; temp: string } {
  const temp = join(dir, `.${name}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  } catch (error) {
    throw new UsageError(`Cannot write ${name} into ${dir}: ${fsReason(error)}.`, { cause: error });
  }
  // The umask may have taken bits away; 0600 exactly, so that the mode is what the docs say.
  fchmodSync(fd, 0o600);
  return { fd, temp };
}

/**
 * Gives the temporary file its final name. `replace: false` never replaces an existing file
 * (a hard link fails if the name exists, atomically); otherwise a rename replaces it, a
 * symlink included (the link, not its target).
 */
export function commitTemp(temp: string, path: string, replace: boolean): void {
  try {
    if (replace) renameSync(temp, path);
    else linkNew(temp, path);
  } catch (error) {
    removeQuietly(temp);
    if (error instanceof UsageError) throw error;
    throw new UsageError(`Cannot write ${path}: ${fsReason(error)}.`, { cause: error });
  }
}

function linkNew(temp: string, path: string): void {
  try {
    linkSync(temp, path);
  } catch (error) {
    if (errorCode(error) === "EEXIST") throw new UsageError(`${path} already exists.`, { cause: error });
    // A file system without hard links (FAT, some network mounts): check, then rename.
    if (!["EPERM", "ENOTSUP", "ENOSYS", "EOPNOTSUPP"].includes(errorCode(error) ?? "")) throw error;
    if (exists(path)) throw new UsageError(`${path} already exists.`);
    renameSync(temp, path);
    return;
  }
  unlinkSync(temp);
}

/** Whether anything (a dangling symlink included) has this name. */
export function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or never made: nothing to clean up.
  }
}

/** A new file under its final name, open for writing: made under a temporary name and renamed at once. */
export function openFresh(dir: string, name: string): number {
  const { fd, temp } = createTemp(dir, name);
  try {
    commitTemp(temp, join(dir, name), true);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}
