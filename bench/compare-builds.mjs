#!/usr/bin/env node
// Two builds of mdimport on the same work: `node bench/compare-builds.mjs BASE_CHECKOUT [OTHER_CHECKOUT]`
// measures `validate` and `test-run` of the 100,000-row new-clients sheet (made by
// bench/validate-bench.mjs) with BASE_CHECKOUT/dist and with this checkout's dist (or
// OTHER_CHECKOUT's), alternately, BENCH_RUNS times each (medians), each build against its own
// copy of the 100,000-account local platform (loaded by that build, so neither reads a store the
// other wrote). Prints the ratios this/base: a restructuring that changes nothing a user sees
// should stay near 1.00.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { cli, measure, median, out } from "./lib.mjs";

const baseRoot = process.argv[2];
if (!baseRoot) throw new Error("usage: node bench/compare-builds.mjs BASE_CHECKOUT (a checkout with its dist built)");
const baseCli = join(resolve(baseRoot), "dist", "cli", "main.js");
if (!existsSync(baseCli)) throw new Error(`${baseCli} is missing: build the base checkout first`);
const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const sheet = join(out, `new-clients-${rows}.xlsx`);
if (!existsSync(sheet)) throw new Error(`${sheet} is missing: run bench/validate-bench.mjs first`);

const dir = join(out, "compare");
mkdirSync(dir, { recursive: true });
// The same platform state as bench/test-run-bench.mjs: half clients, half professionals.
const hex = (n) => n.toString(16).padStart(32, "0");
const half = rows / 2;
const state = {
  clients: Array.from({ length: half }, (_, i) => ({
    md_id: hex(i + 1),
    id: `OLD-${i}`,
    email: `oud${i}@voorbeeld.nl`,
    first_name: "Oud",
    last_name: `Client${i}`,
  })),
  professionals: Array.from({ length: half }, (_, i) => ({
    md_id: hex(half + i + 1),
    id: `PRO-${i}`,
    email: `pro${i}@voorbeeld.nl`,
    first_name: "Pro",
    last_name: `Fessional${i}`,
    role: "professional",
  })),
};
writeFileSync(join(dir, "state.json"), JSON.stringify(state));

const otherCli = process.argv[3] ? join(resolve(process.argv[3]), "dist", "cli", "main.js") : cli;
if (!existsSync(otherCli)) throw new Error(`${otherCli} is missing: build that checkout first`);
const builds = { base: baseCli, this: otherCli };
const dbs = {};
for (const [name, path] of Object.entries(builds)) {
  dbs[name] = join(dir, `platform-${name}.sqlite`);
  rmSync(dbs[name], { force: true });
  const load = spawnSync(process.execPath, [path, "platform", "load", join(dir, "state.json"), "--db", dbs[name]], {
    encoding: "utf8",
  });
  if (load.status !== 0) throw new Error(`${name}: platform load failed: ${load.stderr}`);
}

const times = { base: { validate: [], "test-run": [] }, this: { validate: [], "test-run": [] } };
for (let i = 0; i < runs; i++) {
  // Alternate which build goes first, so neither always meets a warm or a cold cache.
  const order = i % 2 === 0 ? ["base", "this"] : ["this", "base"];
  for (const command of ["validate", "test-run"]) {
    for (const name of order) {
      const target = join(dir, `${name}-${command}`);
      rmSync(target, { recursive: true, force: true });
      const platform = command === "test-run" ? ["--db", dbs[name]] : [];
      const result = measure([builds[name], command, sheet, "--script", "new-clients", ...platform, "--out", target]);
      if (result.code !== 0 && result.code !== 1) throw new Error(`${name} ${command} exited ${result.code}`);
      times[name][command].push(result.ms);
    }
  }
}

console.log(`rows: ${rows}, runs: ${runs} each, alternately (medians)`);
for (const command of ["validate", "test-run"]) {
  const base = median(times.base[command]);
  const now = median(times.this[command]);
  console.log(
    `${command}: base ${(base / 1000).toFixed(2)} s, this ${(now / 1000).toFixed(2)} s, ratio this/base ${(now / base).toFixed(3)}`,
  );
}
