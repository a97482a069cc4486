#!/usr/bin/env node
// `mdimport test-run` of the generated 100,000-row new-clients sheet against a local platform
// already holding 100,000 accounts, against `mdimport validate` of the same sheet, measured
// in the same run, alternately, 3 times each (medians). Target (issue 3): ratio ≤ 1.5.
// Run bench/validate-bench.mjs first: it makes the sheet.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, measure, median, out } from "./lib.mjs";
import { platformState } from "../test/support/sheets.mjs";

const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const sheet = join(out, `new-clients-${rows}.xlsx`);
const db = join(out, `platform-${rows}.sqlite`);
if (!existsSync(sheet)) throw new Error(`${sheet} is missing: run bench/validate-bench.mjs first`);

if (!existsSync(db)) {
  const state = platformState(rows / 2, rows / 2);
  writeFileSync(join(out, "state.json"), JSON.stringify(state));
  const load = spawnSync(process.execPath, [cli, "platform", "load", join(out, "state.json"), "--db", db], {
    encoding: "utf8",
  });
  if (load.status !== 0) throw new Error(load.stderr);
}

const validate = [];
const testRun = [];
for (let i = 0; i < runs; i++) {
  rmSync(join(out, "v"), { recursive: true, force: true });
  rmSync(join(out, "t"), { recursive: true, force: true });
  validate.push(measure([cli, "validate", sheet, "--script", "new-clients", "--out", join(out, "v")]));
  testRun.push(measure([cli, "test-run", sheet, "--script", "new-clients", "--db", db, "--out", join(out, "t")]));
}
const v = median(validate.map((r) => r.ms));
const t = median(testRun.map((r) => r.ms));
console.log(`rows: ${rows}, accounts on the platform: ${rows}, runs: ${runs} each (medians)`);
console.log(
  `mdimport validate: ${(v / 1000).toFixed(2)} s, peak RSS ${median(validate.map((r) => r.maxRssMb)).toFixed(0)} MB`,
);
console.log(
  `mdimport test-run: ${(t / 1000).toFixed(2)} s, peak RSS ${median(testRun.map((r) => r.maxRssMb)).toFixed(0)} MB`,
);
console.log(`ratio test-run / validate: ${(t / v).toFixed(2)} (target ≤ 1.5)`);
