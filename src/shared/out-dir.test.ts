import { mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeOutDir, writeOutFile } from "./out-dir.js";

describe("makeOutDir", () => {
  it("creates the folder with mode 0700 and files with mode 0600, whatever the umask", () => {
    const root = mkdtempSync(join(tmpdir(), "mdimport-out-"));
    const old = process.umask(0o000);
    try {
      const dir = makeOutDir(root, "a/b", "new-clients", new Date());
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      writeOutFile(dir, "report.json", "{}");
      expect(statSync(join(dir, "report.json")).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });

  it("names a default folder after the script and the time", () => {
    const root = mkdtempSync(join(tmpdir(), "mdimport-out-"));
    expect(makeOutDir(root, undefined, "relations", new Date(Date.UTC(2026, 10, 23, 9, 8, 7)))).toBe(
      join(root, "mdimport-out", "relations-20261123-090807"),
    );
  });

  it("leaves the mode of a folder that already exists alone", () => {
    const root = mkdtempSync(join(tmpdir(), "mdimport-out-"));
    mkdirSync(join(root, "mine"), { mode: 0o755 });
    makeOutDir(root, "mine", "relations", new Date());
    expect(statSync(join(root, "mine")).mode & 0o777).toBe(0o755);
  });
});
