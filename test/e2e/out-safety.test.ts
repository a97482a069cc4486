import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, fixture, readJson, runCli, tempDir } from "../support/cli.js";

const nobody = 65534;
const isRoot = process.getuid?.() === 0;
const rootOnly = isRoot ? it : it.skip;
if (!isRoot)
  console.warn(
    "out-safety: the cases that need another user (chown, running as uid 65534) are skipped: not running as root",
  );

const validate = (out: string) => ["validate", fixture("new-clients.xlsx"), "--script", "new-clients", "--out", out];

/**
 * The built CLI as another user (uid 65534), with a short timeout: a command that spins
 * forever ends the test instead of hanging it.
 */
function runCliAs(args: string[], options: { cwd: string; uid?: number }) {
  const result = spawnSync(process.execPath, [binPath, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", CI: "1" },
    encoding: "utf8",
    timeout: 30_000,
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A folder that uid 65534 may work in. */
function nobodysDir(): string {
  const dir = tempDir();
  chownSync(dir, nobody, nobody);
  return dir;
}

/** One sentence on stderr, exit 2, naming the path. */
function expectUsageError(run: { code: number | null; stderr: string }, path: string): void {
  expect(run.stderr).toContain(path);
  expect(run.stderr).not.toContain("unexpected error");
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
  expect(run.code).toBe(2);
}

describe("output files cannot be turned against the user", () => {
  it("replaces a report.json symlink itself, never the file it points to", () => {
    const root = tempDir();
    const out = join(root, "out");
    mkdirSync(out);
    writeFileSync(join(root, "victim"), "precious\n");
    symlinkSync(join(root, "victim"), join(out, "report.json"));
    symlinkSync(join(root, "victim"), join(out, "mdimport.log"));
    const run = runCli(validate(out));
    expect(run.code).toBe(1);
    expect(readFileSync(join(root, "victim"), "utf8")).toBe("precious\n");
    expect(lstatSync(join(out, "report.json")).isFile()).toBe(true);
    expect(lstatSync(join(out, "mdimport.log")).isFile()).toBe(true);
    expect(readJson<{ mode: string }>(join(out, "report.json")).mode).toBe("validate");
    expect(readdirSync(out).sort()).toEqual(["fix.xlsx", "mdimport.log", "report.json", "report.xlsx", "summary.md"]);
  });

  rootOnly("writes personal data only into new files of the user's own, never into another user's file", () => {
    const out = join(tempDir(), "out");
    mkdirSync(out, { mode: 0o700 });
    for (const name of ["report.json", "report.xlsx", "summary.md", "mdimport.log"]) {
      writeFileSync(join(out, name), "someone else's\n", { mode: 0o644 });
      chownSync(join(out, name), nobody, nobody);
    }
    expect(runCli(validate(out)).code).toBe(1);
    for (const name of readdirSync(out)) {
      const stat = statSync(join(out, name));
      expect(stat.uid, name).toBe(process.getuid!());
      expect(stat.mode & 0o777, name).toBe(0o600);
    }
  });

  it("never replaces the report of another mode, and replaces its own", () => {
    const out = join(tempDir(), "approval");
    mkdirSync(out, { mode: 0o700 });
    const approval = `${JSON.stringify({ format: "mdimport-report/1", mode: "test-run", script: "new-clients" }, null, 2)}\n`;
    writeFileSync(join(out, "report.json"), approval);
    const refused = runCli(validate(out));
    expectUsageError(refused, out);
    expect(refused.stderr).toContain("test-run");
    expect(readFileSync(join(out, "report.json"), "utf8")).toBe(approval);
    expect(readdirSync(out)).toEqual(["report.json"]);

    const own = join(tempDir(), "own");
    expect(runCli(validate(own)).code).toBe(1);
    expect(runCli(validate(own)).code).toBe(1);
  });

  it("sets 0700 on an --out folder that existed with another mode", () => {
    const out = join(tempDir(), "out");
    mkdirSync(out);
    chmodSync(out, 0o755);
    expect(runCli(validate(out)).code).toBe(1);
    expect(statSync(out).mode & 0o777).toBe(0o700);
  });

  it("gives every command without --out a folder of its own", () => {
    const cwd = tempDir();
    const args = ["validate", fixture("new-clients.xlsx"), "--script", "new-clients"];
    expect(runCli(args, { cwd }).code).toBe(1);
    expect(runCli(args, { cwd }).code).toBe(1);
    const folders = readdirSync(join(cwd, "mdimport-out"));
    expect(folders).toHaveLength(2);
    for (const folder of folders) expect(folder).toMatch(/^new-clients-\d{8}-\d{6}-\d{3}-[0-9a-f]{6}$/);
  });
});

describe("an --out that is not a private folder of the user's is a usage error", () => {
  it("refuses a file", () => {
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "");
    expectUsageError(runCli(validate(file)), file);
  });

  it("refuses a symlink to a folder", () => {
    const root = tempDir();
    mkdirSync(join(root, "real"), { mode: 0o700 });
    symlinkSync(join(root, "real"), join(root, "link"));
    expectUsageError(runCli(validate(join(root, "link"))), join(root, "link"));
    expect(readdirSync(join(root, "real"))).toEqual([]);
  });

  it("refuses a folder others may write into", () => {
    const out = join(tempDir(), "shared");
    mkdirSync(out);
    chmodSync(out, 0o777);
    expectUsageError(runCli(validate(out)), out);
    expect(readdirSync(out)).toEqual([]);
    chmodSync(out, 0o770);
    expectUsageError(runCli(validate(out)), out);
  });

  rootOnly("refuses another user's folder", () => {
    const out = join(tempDir(), "theirs");
    mkdirSync(out, { mode: 0o700 });
    chownSync(out, nobody, nobody);
    expectUsageError(runCli(validate(out)), out);
    expect(readdirSync(out)).toEqual([]);
  });

  rootOnly("refuses a folder the user may not write into", () => {
    const cwd = nobodysDir();
    const out = join(cwd, "read-only");
    mkdirSync(out, { mode: 0o500 });
    chownSync(out, nobody, nobody);
    expectUsageError(runCliAs(validate(out), { cwd, uid: nobody }), out);
  });

  rootOnly("refuses /etc for a user who is not root", () => {
    expectUsageError(runCliAs(validate("/etc"), { cwd: nobodysDir(), uid: nobody }), "/etc");
  });

  it("refuses a folder that cannot be created, without spinning (/proc/nope)", () => {
    expectUsageError(runCliAs(validate("/proc/nope"), { cwd: tempDir() }), "/proc/nope");
  });

  it("refuses a folder under a file", () => {
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "");
    expectUsageError(runCli(validate(join(file, "out"))), join(file, "out"));
  });
});

describe("mdimport template never replaces a file unasked", () => {
  it("refuses an existing file without --force, and replaces it with --force", () => {
    const cwd = tempDir();
    const sheet = join(cwd, "filled-in.xlsx");
    writeFileSync(sheet, "the organisation's filled-in sheet");
    const refused = runCli(["template", "new-clients", "--out", sheet], { cwd });
    expectUsageError(refused, sheet);
    expect(refused.stderr).toContain("--force");
    expect(readFileSync(sheet, "utf8")).toBe("the organisation's filled-in sheet");

    const forced = runCli(["template", "new-clients", "--out", sheet, "--force"], { cwd });
    expect(forced.code).toBe(0);
    expect(readFileSync(sheet).subarray(0, 2).toString()).toBe("PK");
  });

  it("refuses the default name when it exists", () => {
    const cwd = tempDir();
    expect(runCli(["template", "new-clients", "--lang", "en"], { cwd }).code).toBe(0);
    const again = runCli(["template", "new-clients", "--lang", "en"], { cwd });
    expectUsageError(again, "new-clients.en.xlsx");
    expect(readdirSync(cwd)).toEqual(["new-clients.en.xlsx"]);
  });
});
