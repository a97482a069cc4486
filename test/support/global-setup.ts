import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A process still running: its id and command line. */
export interface Leftover {
  pid: number;
  command: string;
}

/** The processes whose command line names `path` (a gpg-agent names its --homedir). */
export function processesNaming(path: string): Leftover[] {
  const all: Leftover[] = [];
  if (existsSync("/proc/self/cmdline")) {
    for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
      try {
        all.push({
          pid: Number(entry),
          command: readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim(),
        });
      } catch {
        // ended meanwhile
      }
    }
  } else {
    for (const line of spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).stdout.split("\n")) {
      const match = /^\s*(\d+)\s+(.*)$/.exec(line);
      if (match) all.push({ pid: Number(match[1]), command: match[2]! });
    }
  }
  return all.filter((p) => p.pid !== process.pid && p.command.includes(path));
}

/**
 * Every test process gets one temporary folder of its own as TMPDIR (the workers and the
 * CLI processes they start inherit it), so whatever a test leaves there is found. After the
 * run, a process that still names that folder (a gpg-agent, a server) or anything left in
 * it fails the run, naming what was left; both are ended and removed all the same.
 */
export function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "mdimport-tests-"));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    const processes = processesNaming(root);
    const files = readdirSync(root);
    for (const { pid } of processes) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // ended meanwhile
      }
    }
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    if (processes.length === 0 && files.length === 0) return;
    const list = [
      ...processes.map((p) => `process ${p.pid}: ${p.command}`),
      ...files.slice(0, 20).map((f) => `${join(root, f)}`),
    ];
    process.stderr.write(
      `\nThe tests left ${processes.length} processes and ${files.length} files or folders behind:\n  ${list.join("\n  ")}\n`,
    );
    process.exitCode = 1;
  };
}
