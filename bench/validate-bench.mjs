#!/usr/bin/env node
// npm run bench: `mdimport validate` (with all its outputs) of a generated 100,000-row
// new-clients sheet with shared strings and date cells, against exceljs's bare streaming
// read of the same file, measured in the same run, alternately, 3 times each (medians).
// Targets (issue 2): ratio ≤ 1.0, peak RSS ≤ 300 MB.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { cli, measure, median, out, root } from "./lib.mjs";

const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const sheet = join(out, `new-clients-${rows}.xlsx`);

function elevenTest(bsn) {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(bsn[i]) * (9 - i);
  return (sum - Number(bsn[8])) % 11 === 0;
}

async function generate() {
  mkdirSync(out, { recursive: true });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: sheet, useSharedStrings: true, useStyles: true });
  const ws = workbook.addWorksheet("Blad1");
  ws.addRow([
    "E-mailadres",
    "Voornaam",
    "Tussenvoegsel",
    "Achternaam",
    "Client database ID (van te koppelen systeem)",
    "Geboortedatum",
    "Geslacht",
    "Telefoonnummer",
    "BSN",
  ]).commit();
  const first = ["Anna", "Bram", "Carla", "Daan", "Eva", "Femke", "Gert", "Hanna", "Ivo", "Joris"];
  const last = ["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters"];
  let bsnBody = 10_000_000;
  for (let i = 0; i < rows; i++) {
    let bsn = "";
    while (!bsn) {
      const body = String(bsnBody++).padStart(8, "0");
      for (let c = 0; c <= 9 && !bsn; c++) if (elevenTest(body + c)) bsn = body + c;
    }
    const row = ws.addRow([
      `client${i}@voorbeeld.nl`,
      first[i % 10],
      i % 3 === 0 ? "van" : "",
      last[(i * 7) % 10],
      `EXT-${i}`,
      new Date(Date.UTC(1950 + (i % 60), i % 12, 1 + (i % 28))),
      ["m", "v", "a", "o"][i % 4],
      `06${String(10_000_000 + i).slice(-8)}`,
      bsn,
    ]);
    row.getCell(6).numFmt = "dd-mm-yyyy";
    row.commit();
  }
  await workbook.commit();
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
console.log(`exceljs bare streaming read: ${(b / 1000).toFixed(2)} s, peak RSS ${median(baseline.map((r) => r.maxRssMb)).toFixed(0)} MB`);
console.log(`mdimport validate, all outputs: ${(o / 1000).toFixed(2)} s, peak RSS ${median(ours.map((r) => r.maxRssMb)).toFixed(0)} MB`);
console.log(`ratio validate / exceljs read: ${(o / b).toFixed(2)} (target ≤ 1.0)`);
