// What the benchmarks share: run a command under bench/measure.mjs, and take medians.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const out = join(root, "bench", "out");
export const cli = join(root, "dist", "cli", "main.js");

/** Runs `node <args>` in a child and returns its wall time (ms), peak RSS (MB) and exit code. */
export function measure(args) {
  const result = spawnSync(process.execPath, [join(root, "bench", "measure.mjs"), ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "1" },
  });
  const line = result.stderr.split("\n").find((l) => l.startsWith("@@bench "));
  if (!line) throw new Error(`no measurement from ${args.join(" ")}: ${result.stderr}`);
  return JSON.parse(line.slice(8));
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
