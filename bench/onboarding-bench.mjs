#!/usr/bin/env node
// `mdimport test-run --all-sheets` of an onboarding workbook (50,000 new clients, 2,000 new
// professionals, 50,000 relations to them) against the three single-sheet test runs of the same
// sheets (--sheet NAME --script X) added up, measured in the same run, alternately, BENCH_RUNS
// times each (medians), on an empty local platform. Issue 14's benchmark.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cli, measure, median, out } from "./lib.mjs";
import { onboardingSheets, writeWorkbook } from "../test/support/sheets.mjs";

const clients = Number(process.env.BENCH_CLIENTS ?? 50_000);
const professionals = Number(process.env.BENCH_PROFESSIONALS ?? 2_000);
const relations = Number(process.env.BENCH_RELATIONS ?? 50_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
mkdirSync(out, { recursive: true });
const file = join(out, `onboarding-${clients}-${professionals}-${relations}.xlsx`);
const db = join(out, "platform-empty.sqlite");

if (!existsSync(file))
  await writeWorkbook(file, onboardingSheets({ clients, professionals, relations }), { stream: true });
if (!existsSync(db)) {
  const init = spawnSync(process.execPath, [cli, "platform", "init", "--db", db], { encoding: "utf8" });
  if (init.status !== 0) throw new Error(init.stderr);
}

const single = [
  ["Clients", "new-clients"],
  ["Professionals", "new-professionals"],
  ["Relations", "relations"],
];
const workbook = [];
const sheets = [];
for (let i = 0; i < runs; i++) {
  rmSync(join(out, "wb"), { recursive: true, force: true });
  workbook.push(measure([cli, "test-run", file, "--all-sheets", "--db", db, "--out", join(out, "wb")]));
  let ms = 0;
  let rss = 0;
  for (const [name, script] of single) {
    rmSync(join(out, "one"), { recursive: true, force: true });
    const one = measure([
      cli,
      "test-run",
      file,
      "--sheet",
      name,
      "--script",
      script,
      "--db",
      db,
      "--out",
      join(out, "one"),
    ]);
    ms += one.ms;
    rss = Math.max(rss, one.maxRssMb);
  }
  sheets.push({ ms, maxRssMb: rss });
}
// A sheet the workbook run skipped would make the figure meaningless.
const report = JSON.parse((await import("node:fs")).readFileSync(join(out, "wb", "report.json"), "utf8"));
if (report.sheets.length !== 3 || report.summary.planned !== clients + professionals + relations)
  throw new Error(`unexpected summary ${JSON.stringify(report.summary)}`);
const w = median(workbook.map((r) => r.ms));
const s = median(sheets.map((r) => r.ms));
console.log(
  `clients: ${clients}, professionals: ${professionals}, relations: ${relations}, runs: ${runs} each (medians)`,
);
console.log(
  `test-run --all-sheets: ${(w / 1000).toFixed(2)} s, peak RSS ${median(workbook.map((r) => r.maxRssMb)).toFixed(0)} MB`,
);
console.log(
  `three single-sheet test runs added up: ${(s / 1000).toFixed(2)} s, highest peak RSS ${median(sheets.map((r) => r.maxRssMb)).toFixed(0)} MB`,
);
console.log(`ratio workbook / sheets: ${(w / s).toFixed(2)}`);
