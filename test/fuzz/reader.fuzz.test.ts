import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectInput } from "../../src/input/detect.js";
import { openWorkbook } from "../../src/input/workbook.js";
import { analyseWorkbook } from "../../src/pipeline/analyse.js";
import { defaultPlatformConfig } from "../../src/platform/config.js";
import { buildReport } from "../../src/report/report.js";
import { scripts, type ScriptName } from "../../src/scripts/index.js";
import { MdimportError } from "../../src/shared/errors.js";
import { repoRoot } from "../support/cli.js";
import { random } from "../support/sheets.mjs";
import { mutate } from "./mutate.js";

const seeds: { name: string; script: ScriptName; bytes: Uint8Array }[] = [
  ["new-clients.xlsx", "new-clients"],
  ["new-clients.de.xlsx", "new-clients"],
  ["libreoffice/new-clients.xlsx", "new-clients"],
  ["new-professionals.xlsx", "new-professionals"],
  ["relations.xlsx", "relations"],
  ["update-clients.xlsx", "update-clients"],
  ["update-professionals.xlsx", "update-professionals"],
].map(([name, script]) => ({
  name: name as string,
  script: script as ScriptName,
  bytes: readFileSync(join(repoRoot, "fixtures", name as string)),
}));

const regressions = join(repoRoot, "fixtures", "fuzz-regressions");

/** Reads and checks an input as validate does, in-process; resolves to how it ended. */
async function check(bytes: Uint8Array, script: ScriptName): Promise<string> {
  try {
    if (detectInput(bytes) !== "xlsx") return "not-a-workbook";
    const workbook = await openWorkbook(bytes);
    const analysis = await analyseWorkbook(workbook, {
      script: scripts[script],
      config: defaultPlatformConfig,
      context: { today: "2026-11-23" },
    });
    buildReport(analysis, {
      mode: "validate",
      script: scripts[script],
      lang: "nl",
      now: new Date(0),
      sha256: "",
      sheet: workbook.sheet.name,
      sheetPosition: 1,
      platform: null,
      config: null,
    });
    for (const row of analysis.texts.read()) if (!Array.isArray(row)) throw new Error("a stored row is not a row");
    return "report";
  } catch (error) {
    if (error instanceof MdimportError) return `exit ${error.exitCode}: ${error.message}`;
    throw error;
  }
}

describe("fuzz: mutated workbooks end in a report or a typed input error", () => {
  it("regression corpus: inputs that once failed", async () => {
    for (const name of readdirSync(regressions).filter((n) => n.endsWith(".xlsx"))) {
      await expect(check(readFileSync(join(regressions, name)), "new-clients"), name).resolves.toBeTypeOf("string");
    }
  });

  it("1,000 mutated inputs from the fixtures", async () => {
    const next = random(Number(process.env.FUZZ_SEED ?? 20261123));
    const outcomes = new Map<string, number>();
    // Error messages with their particulars (numbers, names, part names) taken out: the kinds of error met.
    const kinds = new Set<string>();
    let worstMs = 0;
    let worstHeapMb = 0;
    for (let i = 0; i < 1000; i++) {
      const seed = seeds[Math.floor(next() * seeds.length)]!;
      const { bytes, steps } = mutate(seed.bytes, next);
      const started = performance.now();
      let outcome: string;
      try {
        outcome = await check(bytes, seed.script);
      } catch (error) {
        const file = join(regressions, `case-${i}-${steps.join("-")}.xlsx`);
        writeFileSync(file, bytes);
        throw new Error(
          `input ${i} (${seed.name}, ${steps.join(" + ")}) crashed, kept as ${file}: ${(error as Error).stack ?? String(error)}`,
        );
      }
      worstMs = Math.max(worstMs, performance.now() - started);
      worstHeapMb = Math.max(worstHeapMb, process.memoryUsage().heapUsed / 1024 ** 2);
      const [code, message] = outcome.split(/: (.*)/s) as [string, string | undefined];
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      if (message !== undefined) {
        expect(message, `input ${i}: one sentence, no stack`).not.toMatch(/\n| {4}at /);
        kinds.add(message.replace(/\d+(\.\d+)?/g, "N").replace(/"[^"]*"|\([^)]*\)|xl\/\S+|\S+\.xml/g, "…"));
      }
    }
    console.log(
      `fuzz: ${JSON.stringify(Object.fromEntries(outcomes))}; ${kinds.size} kinds of error message; worst ${worstMs.toFixed(0)} ms, heap ${worstHeapMb.toFixed(0)} MB`,
    );
    if (process.env.FUZZ_VERBOSE) console.log([...kinds].sort().join("\n"));
    expect(worstMs).toBeLessThan(10_000);
    expect(worstHeapMb).toBeLessThan(1024);
  }, 300_000);
});
