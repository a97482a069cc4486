#!/usr/bin/env node
// npm run bench: `mdimport validate` (with all its outputs) of a generated 100,000-row
// new-clients sheet with shared strings and date cells, against exceljs's bare streaming
// read of the same file, measured in the same run, alternately, 3 times each (medians).
// Targets (issue 2): ratio ≤ 1.0, peak RSS ≤ 300 MB.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cli, measure, median, out, root } from "./lib.mjs";
import { counted, fullClientRow, generateBsns, newClientHeaders, writeWorkbook } from "../test/support/sheets.mjs";

const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const sheet = join(out, `new-clients-${rows}.xlsx`);

async function generate() {
  mkdirSync(out, { recursive: true });
  const bsns = generateBsns();
  const people = counted(rows, (i) => fullClientRow(i, bsns.next().value));
  await writeWorkbook(sheet, [{ name: "Blad1", header: newClientHeaders, rows: people }], {
    stream: true,
    sharedStrings: true,
    styles: true,
  });
}

if (!existsSync(sheet)) {
  console.log(`generating ${sheet} …`);
  await generate();
}
const baseline = [];
const ours = [];
for (let i = 0; i < runs; i++) {
  baseline.push(measure([join(root, "bench", "exceljs-read.mjs"), sheet]));
  const dir = join(out, "validate-out");
  rmSync(dir, { recursive: true, force: true });
  const run = measure([cli, "validate", sheet, "--script", "new-clients", "--out", dir]);
  if (run.code !== 0) throw new Error(`validate exited ${run.code}; the generated sheet should be all valid`);
  ours.push(run);
}
const b = median(baseline.map((r) => r.ms));
const o = median(ours.map((r) => r.ms));
console.log(`rows: ${rows}, runs: ${runs} each (medians)`);
console.log(
  `exceljs bare streaming read: ${(b / 1000).toFixed(2)} s, peak RSS ${median(baseline.map((r) => r.maxRssMb)).toFixed(0)} MB`,
);
console.log(
  `mdimport validate, all outputs: ${(o / 1000).toFixed(2)} s, peak RSS ${median(ours.map((r) => r.maxRssMb)).toFixed(0)} MB`,
);
console.log(`ratio validate / exceljs read: ${(o / b).toFixed(2)} (target ≤ 1.0)`);
