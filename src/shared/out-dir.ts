import { randomBytes } from "node:crypto";
import {
  accessSync,
  chmodSync,
  readdirSync,
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  type Stats,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "./errors.js";
import { commitTemp, createTemp, errorCode, fsReason, removeQuietly, writeAll } from "./safe-fs.js";

/** Where a command writes its outputs. */
export interface OutDirOptions {
  cwd: string;
  /** --out as the user typed it: an existing folder is used (if it is safe), a missing one created. */
  given?: string | undefined;
  /** The command writing (validate, test-run, run): a report.json of another mode is never replaced. */
  mode: string;
  /** Without --out: the folder's name under mdimport-out/, usually uniqueOutName(script, now). */
  defaultName: string;
  /** Without --out: whether that folder may exist already (a run resuming into a folder derived from its approval). */
  reuse?: boolean;
}

/**
 * The folder a command writes into: the one given, or the default one under mdimport-out/.
 * It must be a real folder (not a symlink) of the user's own that no one else may write
 * into; it gets mode 0700, even when it existed. A default folder is made with a
 * non-recursive mkdir, so two commands never share one unless `reuse` asks for it.
 */
export function makeOutDir(options: OutDirOptions): string {
  const fixed = options.given !== undefined;
  const dir = fixed ? resolve(options.cwd, options.given!) : resolve(options.cwd, "mdimport-out", options.defaultName);
  const label = fixed ? `--out ${options.given}` : `The output folder ${dir}`;
  const created = makeFolders(dir, label, fixed || options.reuse === true);
  if (!created) checkExistingFolder(dir, label, options.mode);
  // A folder that holds files of someone else's (a home folder, /dev given by mistake) is not
  // the tool's to make private: only one it made, or one that holds nothing but its outputs.
  if (!created && !onlyOurs(dir)) return dir;
  try {
    chmodSync(dir, 0o700);
  } catch (error) {
    throw new UsageError(`${label} cannot be made private (mode 0700): ${fsReason(error)}.`, { cause: error });
  }
  return dir;
}

/** The names mdimport writes into an output folder (and its temporary files while it writes them). */
const ourNames = new Set([
  "report.json",
  "report.xlsx",
  "report.xlsx.gpg",
  "fix.xlsx",
  "fix.xlsx.gpg",
  "summary.md",
  "mdimport.log",
  "journal.jsonl",
  "run.lock",
]);

/** Whether every entry of `dir` is one that mdimport writes. */
function onlyOurs(dir: string): boolean {
  return readdirSync(dir).every((name) => ourNames.has(name) || /^\..+\.[0-9a-f]{12}\.tmp$/.test(name));
}

/** A default folder name: the script, the time to the millisecond, and a random suffix. */
export function uniqueOutName(script: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").replace(".", "-").slice(0, 19);
  return `${script}-${stamp}-${randomBytes(3).toString("hex")}`;
}

/**
 * Makes `dir` and the folders above it that are missing, each with its own mkdir (Node's
 * recursive mkdir loops forever under /proc). Returns whether `dir` itself was made.
 */
function makeFolders(dir: string, label: string, mayExist: boolean): boolean {
  const missing: string[] = [];
  for (let path = dir; ; path = dirname(path)) {
    const stat = lstatOrUndefined(path, label);
    if (stat) {
      if (path === dir) {
        if (mayExist) return false;
        throw new UsageError(`${label} already exists; a new output folder is never shared.`);
      }
      if (!stat.isDirectory() && !stat.isSymbolicLink())
        throw new UsageError(`${label} cannot be created: ${path} is a file, not a folder.`);
      break;
    }
    missing.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (error) {
      if (path === dir && errorCode(error) === "EEXIST" && mayExist) return false;
      throw new UsageError(`${label} cannot be created: ${fsReason(error)}.`, { cause: error });
    }
    if (path !== dir) chmodSync(path, 0o700);
  }
  return true;
}

function lstatOrUndefined(path: string, label: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw new UsageError(`${label} cannot be used: ${fsReason(error)}.`, { cause: error });
  }
}

/** An existing folder must be the user's own, private enough, writable, and hold no report of another mode. */
function checkExistingFolder(dir: string, label: string, mode: string): void {
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink()) throw new UsageError(`${label} is a symbolic link; give the folder it points to itself.`);
  if (!stat.isDirectory()) throw new UsageError(`${label} is a file, not a folder.`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid)
    throw new UsageError(`${label} belongs to another user (uid ${stat.uid}); give a folder of your own.`);
  if (stat.mode & 0o022) {
    const octal = (stat.mode & 0o777).toString(8).padStart(4, "0");
    throw new UsageError(`${label} may be written by other users (mode ${octal}); give a private folder (chmod 700).`);
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new UsageError(`${label} is not writable for you: ${fsReason(error)}.`, { cause: error });
  }
  const existing = reportModeIn(dir);
  if (existing !== undefined && existing !== mode) {
    throw new UsageError(
      `${label} holds the report.json of a ${existing}, which a ${mode} must not replace; give another folder.`,
    );
  }
}

/** The mode of a report.json of ours in `dir`, if there is one (read without following a symlink or blocking on a FIFO). */
function reportModeIn(dir: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(join(dir, "report.json"), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined; // none, or a symlink: it is replaced, not followed
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    // "mode" is among the first keys of a report: its head is enough, however many rows follow.
    const head = Buffer.alloc(4096);
    const length = readSync(fd, head, 0, head.length, 0);
    return /"mode"\s*:\s*"(validate|test-run|run)"/.exec(head.subarray(0, length).toString("utf8"))?.[1];
  } finally {
    closeSync(fd);
  }
}

/**
 * A file in the output folder, written in pieces under a temporary name (mode 0600, the
 * user's own) and given its name by close(); discard() drops it.
 */
export class OutFile {
  private readonly fd: number;
  private readonly temp: string;
  private readonly path: string;
  private open = true;

  constructor(
    dir: string,
    readonly name: string,
    private readonly replace = true,
  ) {
    // Output names are fixed by the tool, never taken from the input.
    this.path = join(dir, name);
    ({ fd: this.fd, temp: this.temp } = createTemp(dir, name));
  }

  write(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    try {
      writeAll(this.fd, bytes, this.path);
    } catch (error) {
      this.discard();
      throw error;
    }
  }

  /** Puts the file on disk under its name. After a failed write it does nothing. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    try {
      fsyncSync(this.fd);
    } catch (error) {
      closeSync(this.fd);
      removeQuietly(this.temp);
      throw new UsageError(`Cannot write ${this.path}: ${fsReason(error)}.`, { cause: error });
    }
    closeSync(this.fd);
    commitTemp(this.temp, this.path, this.replace);
  }

  /** Drops the file: nothing appears under its name. */
  discard(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
    removeQuietly(this.temp);
  }
}

/** Writes a whole file with mode 0600; with `replace: false` an existing file of that name is a usage error. */
export function writeOutFile(
  dir: string,
  name: string,
  content: string | Uint8Array,
  options: { replace?: boolean } = {},
): void {
  const file = new OutFile(dir, name, options.replace ?? true);
  file.write(content);
  file.close();
}
