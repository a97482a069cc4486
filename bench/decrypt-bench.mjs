#!/usr/bin/env node
// Decrypting a 50 MB encrypted workbook (RSA-3072, made by gpg, as an organisation sends it):
// mdimport's decryption stage against `gpg --decrypt` of the same file, in the same run,
// alternately, 3 times each (medians). Targets (issue 4): within 2× of gpg; peak RSS under 4×
// the file size.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { measure, median, out, root } from "./lib.mjs";

const runs = Number(process.env.BENCH_RUNS ?? 3);
const pgp = (name) => join(root, "fixtures", "pgp", name);
const home = mkdtempSync(join(tmpdir(), "mdimport-bench-gnupg-"));
const passphrase = pgp("passphrase.txt");
const gpg = (args) =>
  spawnSync(
    "gpg",
    ["--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback", "--trust-model", "always", ...args],
    { encoding: "utf8" },
  );
gpg(["--passphrase-file", passphrase, "--import", pgp("developer-rsa.sec.asc")]);

mkdirSync(out, { recursive: true });
const file = join(out, "workbook-50mb.xlsx.gpg");
if (!existsSync(file)) {
  // A workbook's parts are already deflated, so the encrypted file barely compresses: random bytes, stored.
  const workbook = zipSync({ "xl/worksheets/sheet1.xml": [randomBytes(50 * 1024 * 1024), { level: 0 }] });
  writeFileSync(join(out, "workbook-50mb.xlsx"), workbook);
  const made = gpg([
    "--recipient",
    "developer-rsa@voorbeeld.nl",
    "--output",
    file,
    "--encrypt",
    join(out, "workbook-50mb.xlsx"),
  ]);
  if (made.status !== 0) throw new Error(made.stderr);
}
const size = statSync(file).size;

/** gpg's time and peak RSS, through /usr/bin/time where the machine has it. */
function measureGpg() {
  const args = [
    "--homedir",
    home,
    "--batch",
    "--yes",
    "--pinentry-mode",
    "loopback",
    "--passphrase-file",
    passphrase,
    "--output",
    "/dev/null",
    "--decrypt",
    file,
  ];
  const started = performance.now();
  const timed = existsSync("/usr/bin/time");
  const result = timed
    ? spawnSync("/usr/bin/time", ["-f", "@@rss %M", "gpg", ...args], { encoding: "utf8" })
    : spawnSync("gpg", args, { encoding: "utf8" });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(result.stderr);
  const rss = /@@rss (\d+)/.exec(result.stderr)?.[1];
  return { ms, maxRssMb: rss ? Number(rss) / 1024 : NaN };
}

const theirs = [];
const ours = [];
for (let i = 0; i < runs; i++) {
  theirs.push(measureGpg());
  ours.push(measure([join(root, "bench", "decrypt-one.mjs"), file, pgp("developer-rsa.sec.asc"), passphrase]));
}
const g = median(theirs.map((r) => r.ms));
const o = median(ours.map((r) => r.ms));
const rss = median(ours.map((r) => r.maxRssMb));
console.log(`encrypted file: ${(size / 1024 ** 2).toFixed(1)} MB, runs: ${runs} each (medians)`);
console.log(
  `gpg --decrypt: ${(g / 1000).toFixed(2)} s, peak RSS ${median(theirs.map((r) => r.maxRssMb)).toFixed(0)} MB`,
);
console.log(
  `mdimport decryption: ${(o / 1000).toFixed(2)} s, peak RSS ${rss.toFixed(0)} MB (${(rss / (size / 1024 ** 2)).toFixed(1)}× the file)`,
);
console.log(
  `ratio mdimport / gpg: ${(o / g).toFixed(2)} (target ≤ 2.0); peak RSS / file size: ${(rss / (size / 1024 ** 2)).toFixed(1)} (target < 4)`,
);
