import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJson, repoRoot, tempDir } from "../support/cli.js";

/**
 * What `npm pack` makes and `npm install -g` installs: the built CLI, its templates and the
 * file that makes better-sqlite3 compile from source. (The global install itself compiles
 * better-sqlite3 for minutes; the tarball's CLI is run here over the repo's node_modules.)
 */
/** npm on Node 22+ keeps a compile cache in the temporary folder: in one the test removes. */
const npmEnv = (dir: string) => ({ ...process.env, TMPDIR: dir });

describe("the packed tarball", () => {
  it("holds the built CLI, the templates and .prebuild-installrc, and runs from any folder", () => {
    const dir = tempDir();
    const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
      cwd: repoRoot,
      env: npmEnv(dir),
      encoding: "utf8",
    });
    expect(pack.stderr).toBe("");
    expect(pack.status).toBe(0);
    const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path);
    for (const file of [
      "package.json",
      ".prebuild-installrc",
      "dist/cli/main.js",
      "dist/input/workbook-worker.js",
      "templates/new-clients.nl.xlsx",
    ])
      expect(files).toContain(file);
    expect(files.filter((f) => f.startsWith("src/") || f.startsWith("test/") || f.endsWith(".test.js"))).toEqual([]);

    const unpacked = join(dir, "unpacked");
    mkdirSync(unpacked);
    expect(spawnSync("tar", ["-xzf", join(dir, packed!.filename), "-C", unpacked]).status).toBe(0);
    symlinkSync(join(repoRoot, "node_modules"), join(unpacked, "package", "node_modules"));
    const elsewhere = join(dir, "elsewhere");
    mkdirSync(elsewhere);
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(unpacked, "package", "dist", "cli", "main.js"), ...args], {
        cwd: elsewhere,
        encoding: "utf8",
      });
    expect(cli("--version").stdout).toBe(`${readJson<{ version: string }>(join(repoRoot, "package.json")).version}\n`);
    const template = cli("template", "new-clients", "--lang", "en");
    expect(template.stderr).toBe("");
    expect(template.status).toBe(0);
    expect(existsSync(join(elsewhere, "new-clients.en.xlsx"))).toBe(true);
    const init = cli("platform", "init", "--db", join(elsewhere, "platform.sqlite"));
    expect(init.stderr).toBe("");
    expect(init.status).toBe(0);
  });

  it("npx mdimport runs in the repo without an npm warning (no unknown key in .npmrc)", () => {
    const run = spawnSync("npx", ["mdimport", "--version"], {
      cwd: repoRoot,
      env: npmEnv(tempDir()),
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(`${readJson<{ version: string }>(join(repoRoot, "package.json")).version}\n`);
  });
});
