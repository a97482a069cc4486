import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { generateBsns, shortClientHeaders, shortClientRow, writeWorkbook } from "./sheets.mjs";
import { binPath, fixture, onCleanup, runCli, tempDir } from "./cli.js";

/** A new, empty local platform (only `platform init` and `platform load` make one). */
export function emptyPlatform(dir: string = tempDir()): { dir: string; db: string } {
  const db = join(dir, "platform.sqlite");
  expect(runCli(["platform", "init", "--db", db]).code).toBe(0);
  return { dir, db };
}

/** A new folder with a local platform loaded from the sample state. */
export function freshPlatform(): { dir: string; db: string } {
  const dir = tempDir();
  const db = join(dir, "platform.sqlite");
  expect(runCli(["platform", "load", fixture("platform-state.json"), "--db", db]).code).toBe(0);
  return { dir, db };
}

/** The local platform's state, as `platform dump` prints it. */
export const dump = (db: string) =>
  JSON.parse(runCli(["platform", "dump", "--db", db]).stdout) as {
    clients: { email: string; id: string; active: boolean }[];
    professionals: { email: string }[];
    relations: unknown[];
  };

/** The rows of the journal's entries of one type; a line cut short by a kill is skipped. */
export const journalRows = (path: string, type: string): number[] =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{") && l.endsWith("}"))
    .map((l) => JSON.parse(l) as { type: string; row: number })
    .filter((e) => e.type === type)
    .map((e) => e.row);

/** A new-clients sheet of `rows` synthetic clients: `<prefix><i>@voorbeeld.nl`, source ID `<PREFIX>-<i>`, a BSN each. */
export async function clientsSheet(dir: string, rows: number, prefix: string, firstBsn = 20_000_000): Promise<string> {
  const bsns = generateBsns(firstBsn);
  const people = Array.from({ length: rows }, (_, i) =>
    shortClientRow(i, prefix, prefix.toUpperCase(), bsns.next().value),
  );
  const path = join(dir, `${prefix}.xlsx`);
  await writeWorkbook(path, [{ name: "Blad1", header: shortClientHeaders("BSN"), rows: people }]);
  return path;
}

/**
 * Runs the CLI with `args` and kills it (SIGKILL unless told otherwise) once its journal holds
 * `bytes` bytes: when the run is under way, not after a sleep. Resolves with how it ended.
 */
export async function killWhenJournalGrows(
  args: string[],
  journalPath: string,
  bytes: number,
  env: NodeJS.ProcessEnv = {},
  options: { cwd?: string; signal?: NodeJS.Signals } = {},
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [binPath, ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, CI: "1", ...env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const poll = () => {
      if (existsSync(journalPath) && statSync(journalPath).size >= bytes) resolve();
      else if (child.exitCode !== null)
        reject(new Error(`the run finished before it could be killed (exit ${child.exitCode}): ${stderr}`));
      else setTimeout(poll, 2);
    };
    poll();
  });
  child.kill(options.signal ?? "SIGKILL");
  const code = await exited;
  return { code, stderr };
}

export interface Serve {
  url: string;
  child: ChildProcess;
  stats(): Promise<{
    requests: number;
    byStatus: Record<string, number>;
    dropped: number;
    droppedAfterWrite: number;
    welcomeMails: number;
  }>;
  stop(): Promise<number | null>;
}

/** `mdimport platform serve` on a store (made with `platform init` if missing) as a child process, ready once it says where it listens. */
export async function servePlatform(db: string, ...args: string[]): Promise<Serve> {
  // Only `platform load` and `platform init` make a store; serve, like every other command, needs one.
  if (!existsSync(db)) expect(runCli(["platform", "init", "--db", db]).code).toBe(0);
  const child = spawn(process.execPath, [binPath, "platform", "serve", "--db", db, "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Ended after the test file if a test did not stop it, before its store's folder is removed.
  onCleanup(() => void (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL")));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on("exit", (code) => reject(new Error(`platform serve exited with ${code}: ${out}`)));
  });
  return {
    url,
    child,
    stats: async () => (await (await fetch(`${url}/_mdimport/stats`)).json()) as Awaited<ReturnType<Serve["stats"]>>,
    stop: async () => {
      child.kill("SIGTERM");
      return await exited;
    },
  };
}
