#!/usr/bin/env node
// npm run demo: the main job, from a clean demo-out/ each time. Loads the sample platform state
// into a fresh local platform, then validates, test-runs and runs (as approved) each shipped
// sample sheet with the built CLI, as a developer would, shows the summaries, and runs each
// once more to show that nothing is done twice; then the onboarding workbook (clients,
// professionals and relations) in one test run, one approval and one run (--all-sheets).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServe } from "./serve.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "demo-out");
const rel = (path) => path.slice(root.length + 1);
rmSync(out, { recursive: true, force: true });
const db = join(out, "platform.sqlite");

function mdimport(args, expected) {
  console.log(`\n$ mdimport ${args.map((a) => (a.startsWith(root) ? rel(a) : a)).join(" ")}`);
  const run = spawnSync(process.execPath, [join(root, "dist/cli/main.js"), ...args], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (!expected.includes(run.status)) {
    console.error(`unexpected exit code ${run.status}`);
    process.exitCode = 1;
  }
}

mdimport(["platform", "load", join(root, "fixtures/platform-state.json"), "--db", db], [0]);

const samples = [
  ["new-clients.xlsx", "new-clients", "nl"],
  ["new-clients.de.xlsx", "new-clients", "de"],
  ["new-clients.american.xlsx", "new-clients", "en"],
  ["new-professionals.xlsx", "new-professionals", "en"],
  ["relations.xlsx", "relations", "nl"],
  ["update-clients.xlsx", "update-clients", "nl"],
  ["update-professionals.xlsx", "update-professionals", "nl"],
];
// The samples hold faulty rows on purpose, so exit code 1 is what they should give.
for (const [file, script, lang] of samples) {
  const name = file.replace(/\.xlsx$/, "");
  mdimport(
    [
      "validate",
      join(root, "fixtures", file),
      "--script",
      script,
      "--lang",
      lang,
      "--out",
      join(out, "validate", name),
    ],
    [1],
  );
}
for (const [file, script, lang] of samples) {
  const name = file.replace(/\.xlsx$/, "");
  const input = join(root, "fixtures", file);
  const testRun = join(out, "test-run", name);
  mdimport(["test-run", input, "--script", script, "--lang", lang, "--db", db, "--out", testRun], [1]);
  console.log(`\n--- ${rel(testRun)}/summary.md ---\n${readFileSync(join(testRun, "summary.md"), "utf8")}`);
  // The requester approved the test run, and said no welcome e-mails may be sent.
  const welcome = script.startsWith("new-") ? ["--welcome-mail", "no"] : [];
  const approved = ["--approved", join(testRun, "report.json")];
  mdimport(
    [
      "run",
      input,
      "--script",
      script,
      "--lang",
      lang,
      "--db",
      db,
      ...approved,
      ...welcome,
      "--out",
      join(out, "run", name),
    ],
    [1],
  );
  mdimport(
    [
      "run",
      input,
      "--script",
      script,
      "--lang",
      lang,
      "--db",
      db,
      ...approved,
      ...welcome,
      "--out",
      join(out, "run-again", name),
    ],
    [1],
  );
}
// A new organisation in one workbook (fixtures/onboarding.xlsx, the onboarding template filled in):
// clients, professionals and their treatment relations, in one test run, one approval, one run.
// Every sheet's script is recognised from its headers; the run makes the accounts first, then
// links them, and a relation whose client row is invalid is a dropout depends_on_row.
{
  const input = join(root, "fixtures", "onboarding.xlsx");
  const testRun = join(out, "test-run", "onboarding");
  mdimport(["test-run", input, "--all-sheets", "--lang", "en", "--db", db, "--out", testRun], [1]);
  // The requester approved it: welcome e-mails for the new professionals, none for the clients.
  mdimport(
    [
      "run",
      input,
      "--all-sheets",
      "--lang",
      "en",
      "--db",
      db,
      "--approved",
      join(testRun, "report.json"),
      "--welcome-mail",
      "clients=no,professionals=yes",
      "--out",
      join(out, "run", "onboarding"),
    ],
    [1],
  );
}

// An encrypted, signed sheet as an organisation sends it (made by GnuPG: fixtures/pgp/).
const pgp = (name) => join(root, "fixtures", "pgp", name);
mdimport(
  [
    "test-run",
    pgp("new-clients.25519.signed.xlsx.asc"),
    "--script",
    "new-clients",
    "--key",
    pgp("developer-25519.sec.gpg"),
    "--verify-key",
    pgp("sender.pub.asc"),
    "--db",
    db,
    "--out",
    join(out, "test-run", "encrypted"),
  ],
  [1],
);
mdimport(
  [
    "validate",
    pgp("new-clients.other-signer.xlsx.gpg"),
    "--script",
    "new-clients",
    "--key",
    pgp("developer-25519.sec.gpg"),
    "--verify-key",
    pgp("sender.pub.asc"),
  ],
  [3],
);

// The same platform behind the API 2, as a real one would be reached (over loopback here),
// with a little latency and the odd failure.
console.log("\n$ mdimport platform serve --db demo-out/platform.sqlite --port 0 --latency 5 --fail-rate 0.05 &");
const server = await startServe(join(root, "dist/cli/main.js"), [
  "--db",
  db,
  "--port",
  "0",
  "--latency",
  "5",
  "--fail-rate",
  "0.05",
]);
const { url } = server;
console.log(`listening on ${url}`);
process.env.MDIMPORT_TOKEN = "local-dev-token";
mdimport(
  [
    "test-run",
    join(root, "fixtures", "update-clients.xlsx"),
    "--script",
    "update-clients",
    "--platform",
    url,
    "--config",
    join(root, "fixtures/platform-state.json"),
    "--out",
    join(out, "test-run", "update-clients-http"),
  ],
  [0, 1],
);
await server.stop();

console.log(`\nReports for the requester: ${rel(out)}/*/*/report.xlsx (open them in a spreadsheet program).`);
console.log(`The platform after the runs: mdimport platform dump --db ${rel(db)}`);
