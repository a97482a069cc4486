#!/usr/bin/env node
// `mdimport run` of 2,000 new clients over HTTP against
// `platform serve --latency 20 --rate-limit 200 --fail-rate 0.05` (issue 5). Reports rows per
// second as a share of what the rate limit allows for the requests each row needs, and the
// requests per row the platform saw, retries and 429s included. A new client needs 2 requests
// (POST /c, then POST activation) when nothing fails; with 5% failing, retries and look-ups
// after lost answers add some, so the share is given both ways. Target: share ≥ 0.9.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startServe } from "../tools/serve.mjs";
import { cli, median, out } from "./lib.mjs";
import { shortClientHeaders, shortClientRow, writeWorkbook } from "../test/support/sheets.mjs";

const rows = Number(process.env.BENCH_ROWS ?? 2000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const limit = 200;
const requestsPerRow = 2;
const token = "bench-token";
const rates = (process.env.BENCH_RATES ?? "200").split(",").map(Number);

mkdirSync(out, { recursive: true });
const sheet = join(out, `http-clients-${rows}.xlsx`);
const clientRows = Array.from({ length: rows }, (_, i) => shortClientRow(i, "http", "H"));
await writeWorkbook(sheet, [{ name: "Blad1", header: shortClientHeaders(), rows: clientRows }]);

/** Starts `platform serve` on a fresh store, with the benchmark's latency, limit and faults. */
const serve = (db) => {
  spawnSync(process.execPath, [cli, "platform", "init", "--db", db], { encoding: "utf8" });
  return startServe(cli, [
    "--db",
    db,
    "--port",
    "0",
    "--token",
    token,
    "--latency",
    "20",
    "--rate-limit",
    String(limit),
    "--fail-rate",
    "0.05",
  ]);
};

const env = { ...process.env, CI: "1", MDIMPORT_TOKEN: token };
const results = new Map(rates.map((rate) => [rate, []]));
for (let i = 0; i < runs; i++) {
  for (const rate of rates) {
    const dir = join(out, `http-${rate}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const server = await serve(join(dir, "platform.sqlite"));
    const common = ["--script", "new-clients", "--platform", server.url];
    const testRun = spawnSync(process.execPath, [cli, "test-run", sheet, ...common, "--out", join(dir, "tr")], {
      env,
      encoding: "utf8",
    });
    if (testRun.status !== 0) throw new Error(testRun.stderr);
    const before = await server.stats();
    const started = performance.now();
    const run = spawnSync(
      process.execPath,
      [
        cli,
        "run",
        sheet,
        ...common,
        "--approved",
        join(dir, "tr", "report.json"),
        "--welcome-mail",
        "no",
        "--rate",
        String(rate),
        "--concurrency",
        "16",
        "--out",
        join(dir, "run"),
      ],
      { env, encoding: "utf8" },
    );
    const wall = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`run exited ${run.status}: ${run.stderr}`);
    const after = await server.stats();
    await server.stop();
    // The writing phase, from the journal: first start to last done.
    const entries = readFileSync(join(dir, "run", "journal.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === "start" || e.type === "done");
    const span = (Date.parse(entries.at(-1).time) - Date.parse(entries[0].time)) / 1000;
    const requests = after.requests - before.requests;
    const status = (code) => (after.byStatus[code] ?? 0) - (before.byStatus[code] ?? 0);
    results.get(rate).push({
      wall,
      span,
      requests,
      r429: status("429"),
      r503: status("503"),
      dropped: after.dropped - before.dropped,
    });
  }
}

const allowed = limit / requestsPerRow;
console.log(
  `rows: ${rows}; platform serve --latency 20 --rate-limit ${limit} --fail-rate 0.05; run --concurrency 16; ${runs} runs each (medians)`,
);
console.log(
  `what the limit allows: ${limit} requests/s ÷ ${requestsPerRow} requests per row = ${allowed} rows/s without faults`,
);
for (const [rate, list] of results) {
  const wall = median(list.map((r) => r.wall));
  const span = median(list.map((r) => r.span));
  const perRow = median(list.map((r) => r.requests)) / rows;
  // With 5% of requests failing, a row needs more than 2 requests (retries, look-ups after a
  // lost answer): the limit then allows limit ÷ (requests per row) rows per second.
  const needed = limit / perRow;
  console.log(
    `--rate ${rate}: requests per row ${perRow.toFixed(3)}, so the limit allows ${needed.toFixed(1)} rows/s; 429s ${median(list.map((r) => r.r429))}, 503s ${median(list.map((r) => r.r503))}, dropped ${median(list.map((r) => r.dropped))}`,
  );
  for (const [what, seconds] of [
    ["whole command", wall],
    ["writing phase", span],
  ]) {
    const perSecond = rows / seconds;
    console.log(
      `  ${what}: ${seconds.toFixed(1)} s = ${perSecond.toFixed(1)} rows/s; share of what the limit allows for the requests rows needed ${(perSecond / needed).toFixed(3)} (target ≥ 0.9); share of ${allowed} rows/s ${(perSecond / allowed).toFixed(3)}`,
    );
  }
}
