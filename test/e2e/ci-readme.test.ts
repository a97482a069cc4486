import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, repoRoot, tempDir } from "../support/cli.js";
import { checkJunit } from "./junit-schema.js";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");

/** The one command between the README's ci-command markers. */
function ciCommand(): string {
  const section = /<!-- ci-command -->\s*```sh\n([^\n]+)\n```\s*<!-- \/ci-command -->/.exec(readme);
  if (!section?.[1]) throw new Error("README.md has no ci-command section");
  return section[1];
}

/**
 * A repository of sample sheets as the README's jobs expect it after `npm ci`: mdimport as a
 * development dependency (here: this checkout, linked), its bin in node_modules/.bin.
 */
function sheetsRepository(): string {
  const dir = tempDir();
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "sample-sheets", private: true, devDependencies: { mdimport: `file:${repoRoot}` } }),
  );
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  symlinkSync(repoRoot, join(dir, "node_modules", "mdimport"));
  symlinkSync(join("..", "mdimport", "dist", "cli", "main.js"), join(dir, "node_modules", ".bin", "mdimport"));
  mkdirSync(join(dir, "samples"));
  return dir;
}

describe("the README's CI jobs", () => {
  const command = ciCommand();

  it("run the one documented command, in GitHub Actions and in GitLab CI alike", () => {
    expect(command).toBe("npx mdimport validate samples/ --format junit > junit.xml");
    expect(readme).toContain(`      - run: ${command}\n`);
    expect(readme).toContain(`    - ${command}\n`);
  });

  it("that command validates every sheet of the folder into a JUnit report, and fails on rows to look at", () => {
    const dir = sheetsRepository();
    const sheets = [
      "new-clients.xlsx",
      "new-professionals.xlsx",
      "relations.xlsx",
      "update-clients.xlsx",
      "update-professionals.xlsx",
    ];
    for (const name of sheets) copyFileSync(fixture(name), join(dir, "samples", name));
    // Offline: npx must find the linked package and never reach for the registry.
    const run = spawnSync("sh", ["-c", command], {
      cwd: dir,
      env: { ...process.env, TMPDIR: tempDir(), npm_config_offline: "true", NO_COLOR: "1", CI: "1" },
      encoding: "utf8",
    });
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n").filter((line) => line !== "" && !line.startsWith("mdimport: note: "))).toEqual([]);
    expect(run.status).toBe(1); // the samples hold invalid rows on purpose
    const suites = checkJunit(readFileSync(join(dir, "junit.xml"), "utf8"));
    expect(suites.map((s) => s.attributes.name)).toEqual(sheets.map((name) => `samples/${name}`));
    expect(suites.every((s) => Number(s.attributes.failures) > 0)).toBe(true);
    // No report folder in the repository: the JUnit report is the output.
    expect(readdirSync(dir).sort()).toEqual(["junit.xml", "node_modules", "package.json", "samples"]);
  });
});
