#!/usr/bin/env node
// npm run demo: the main job as far as it exists. Validates each shipped sample sheet with the
// built CLI, as a developer would, and shows the terminal summary and summary.md of each.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "demo-out");
rmSync(out, { recursive: true, force: true });

const samples = [
  ["new-clients.xlsx", "new-clients", "nl"],
  ["new-clients.de.xlsx", "new-clients", "de"],
  ["new-clients.american.xlsx", "new-clients", "en"],
  ["new-professionals.xlsx", "new-professionals", "en"],
  ["relations.xlsx", "relations", "nl"],
  ["update-clients.xlsx", "update-clients", "nl"],
  ["update-professionals.xlsx", "update-professionals", "nl"],
];

let failed = false;
for (const [file, script, lang] of samples) {
  const dir = join(out, file.replace(/\.xlsx$/, ""));
  console.log(`\n$ mdimport validate fixtures/${file} --script ${script} --lang ${lang} --out ${dir.slice(root.length + 1)}`);
  const run = spawnSync(
    process.execPath,
    [join(root, "dist/cli/main.js"), "validate", join(root, "fixtures", file), "--script", script, "--lang", lang, "--out", dir],
    {
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  // The samples hold faulty rows on purpose, so exit code 1 is what they should give.
  if (run.status !== 1) {
    console.error(`unexpected exit code ${run.status} for ${file}`);
    failed = true;
    continue;
  }
  console.log(`\n--- ${dir.slice(root.length + 1)}/summary.md ---\n${readFileSync(join(dir, "summary.md"), "utf8")}`);
}
console.log(`Reports for the requester: ${out.slice(root.length + 1)}/*/report.xlsx (open them in a spreadsheet program).`);
console.log("Not yet available: test-run and run against a platform, and decryption of OpenPGP input.");
process.exit(failed ? 1 : 0);
