import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll } from "vitest";

export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const binPath = join(repoRoot, "dist", "cli", "main.js");
export const fixture = (name: string) => join(repoRoot, "fixtures", name);

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a child process, as a user would. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result = spawnSync(process.execPath, [binPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: "1", CI: "1", ...options.env },
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The built CLI as a child process, without blocking this process (for tests that serve a
 * platform in it, or run two at once); `limitMs` is a generous bound after which the child is
 * killed, not a timing claim.
 */
export function runCliAsync(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[]; limitMs?: number } = {},
): Promise<CliRun & { ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), binPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: "1", CI: "1", ...options.env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), options.limitMs ?? 120_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/**
 * What a test file started and must end: temporary folders, gpg-agents, servers. Each is
 * undone after the file's last test, the latest first (an agent is stopped before its home
 * folder is removed). test/support/global-setup.ts checks that nothing is left.
 */
const cleanups: (() => void)[] = [];
export const onCleanup = (undo: () => void): void => void cleanups.push(undo);
/** Undoes everything registered with onCleanup so far; a failure of one does not stop the others. */
export function cleanUp(): void {
  const errors: unknown[] = [];
  for (let undo = cleanups.pop(); undo; undo = cleanups.pop()) {
    try {
      undo();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, "cleaning up after the tests failed");
}
afterAll(cleanUp);

/** A new temporary folder, removed after the test file. */
export function tempDir(prefix = "mdimport-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
  return dir;
}

export const readJson = <T = unknown>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

/** The flat projection of a report that tests compare: row, status and the distinct reason codes. */
export interface FlatRow {
  row: number;
  status: string;
  codes: string[];
}

export function flatRows(report: { rows: { row: number; status: string; reasons: { code: string }[] }[] }): FlatRow[] {
  return report.rows.map((r) => ({ row: r.row, status: r.status, codes: [...new Set(r.reasons.map((x) => x.code))] }));
}
