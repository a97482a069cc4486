import {
  chmodSync,
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
import { tempDir } from "../../test/support/cli.js";
import { UsageError } from "./errors.js";
import { makeOutDir, OutFile, uniqueOutName, writeOutFile } from "./out-dir.js";
import { openNoFollow, writeAll } from "./safe-fs.js";

const newRoot = () => tempDir("mdimport-out-");
const at = new Date(Date.UTC(2026, 10, 23, 9, 8, 7, 65));

describe("makeOutDir", () => {
  it("creates the folder (and the folders above it) with mode 0700 and files with mode 0600, whatever the umask", () => {
    const root = newRoot();
    const old = process.umask(0o000);
    try {
      const dir = makeOutDir({ cwd: root, given: "a/b", mode: "validate", defaultName: "x" });
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(join(root, "a")).mode & 0o777).toBe(0o700);
      writeOutFile(dir, "report.json", "{}");
      expect(statSync(join(dir, "report.json")).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });

  it("names a default folder after the script and the time to the millisecond, with a random suffix", () => {
    expect(uniqueOutName("relations", at)).toMatch(/^relations-20261123-090807-065-[0-9a-f]{6}$/);
    expect(uniqueOutName("relations", at)).not.toBe(uniqueOutName("relations", at));
  });

  it("gives two commands started at the same moment a folder each", () => {
    const root = newRoot();
    const first = makeOutDir({ cwd: root, mode: "validate", defaultName: uniqueOutName("relations", at) });
    const second = makeOutDir({ cwd: root, mode: "validate", defaultName: uniqueOutName("relations", at) });
    expect(first).not.toBe(second);
    expect(readdirSync(join(root, "mdimport-out"))).toHaveLength(2);
  });

  it("never uses a default folder that exists already, unless asked to (reuse, for resuming)", () => {
    const root = newRoot();
    const dir = makeOutDir({ cwd: root, mode: "run", defaultName: "relations-fixed" });
    expect(() => makeOutDir({ cwd: root, mode: "run", defaultName: "relations-fixed" })).toThrow(UsageError);
    expect(makeOutDir({ cwd: root, mode: "run", defaultName: "relations-fixed", reuse: true })).toBe(dir);
  });

  it("sets mode 0700 on an --out folder that already exists, empty or holding only its outputs", () => {
    const root = newRoot();
    mkdirSync(join(root, "mine"));
    chmodSync(join(root, "mine"), 0o755);
    makeOutDir({ cwd: root, given: "mine", mode: "validate", defaultName: "x" });
    expect(statSync(join(root, "mine")).mode & 0o777).toBe(0o700);
    writeFileSync(join(root, "mine", "summary.md"), "");
    chmodSync(join(root, "mine"), 0o755);
    makeOutDir({ cwd: root, given: "mine", mode: "validate", defaultName: "x" });
    expect(statSync(join(root, "mine")).mode & 0o777).toBe(0o700);
  });

  it("leaves the mode of a folder that holds other files (a home folder, /dev by mistake) alone", () => {
    const root = newRoot();
    mkdirSync(join(root, "home"));
    writeFileSync(join(root, "home", "notes.txt"), "");
    chmodSync(join(root, "home"), 0o755);
    makeOutDir({ cwd: root, given: "home", mode: "validate", defaultName: "x" });
    expect(statSync(join(root, "home")).mode & 0o777).toBe(0o755);
  });

  it("refuses a file, a symlink, a folder others may write into, and a path it cannot create, naming the path", () => {
    const root = newRoot();
    writeFileSync(join(root, "file"), "");
    mkdirSync(join(root, "open"));
    chmodSync(join(root, "open"), 0o757);
    symlinkSync(join(root, "open"), join(root, "link"));
    for (const given of ["file", "link", "open", "file/below", "/proc/nope"]) {
      expect(() => makeOutDir({ cwd: root, given, mode: "validate", defaultName: "x" }), given).toThrow(UsageError);
      expect(() => makeOutDir({ cwd: root, given, mode: "validate", defaultName: "x" }), given).toThrow(given);
    }
    expect(statSync(join(root, "open")).mode & 0o777).toBe(0o757);
  });

  it("refuses a folder holding the report of another mode, and accepts one of its own mode", () => {
    const root = newRoot();
    const dir = makeOutDir({ cwd: root, given: "approval", mode: "test-run", defaultName: "x" });
    writeOutFile(dir, "report.json", JSON.stringify({ format: "mdimport-report/1", mode: "test-run" }, null, 2));
    expect(() => makeOutDir({ cwd: root, given: "approval", mode: "run", defaultName: "x" })).toThrow(/test-run/);
    expect(makeOutDir({ cwd: root, given: "approval", mode: "test-run", defaultName: "x" })).toBe(dir);
  });
});

describe("output files", () => {
  it("replace a symlink itself, never its target, and leave no temporary file", () => {
    const root = newRoot();
    const dir = makeOutDir({ cwd: root, given: "out", mode: "validate", defaultName: "x" });
    writeFileSync(join(root, "victim"), "precious");
    symlinkSync(join(root, "victim"), join(dir, "report.json"));
    writeOutFile(dir, "report.json", "{}");
    expect(readFileSync(join(root, "victim"), "utf8")).toBe("precious");
    expect(lstatSync(join(dir, "report.json")).isFile()).toBe(true);
    expect(readFileSync(join(dir, "report.json"), "utf8")).toBe("{}");
    expect(readdirSync(dir)).toEqual(["report.json"]);
  });

  it("appear under their name only when complete, and not at all when discarded", () => {
    const dir = makeOutDir({ cwd: newRoot(), given: "out", mode: "validate", defaultName: "x" });
    const file = new OutFile(dir, "report.xlsx");
    file.write("part");
    expect(readdirSync(dir).filter((n) => n === "report.xlsx")).toEqual([]);
    file.close();
    expect(readFileSync(join(dir, "report.xlsx"), "utf8")).toBe("part");
    const dropped = new OutFile(dir, "summary.md");
    dropped.write("half");
    dropped.discard();
    expect(readdirSync(dir)).toEqual(["report.xlsx"]);
  });

  it("can refuse to replace an existing file", () => {
    const dir = makeOutDir({ cwd: newRoot(), given: "out", mode: "validate", defaultName: "x" });
    writeFileSync(join(dir, "sheet.xlsx"), "filled in");
    expect(() => writeOutFile(dir, "sheet.xlsx", "empty", { replace: false })).toThrow(/sheet\.xlsx.*exists/);
    expect(readFileSync(join(dir, "sheet.xlsx"), "utf8")).toBe("filled in");
    expect(readdirSync(dir)).toEqual(["sheet.xlsx"]);
  });

  it("are a usage error naming the folder when it cannot be written", () => {
    expect(() => writeOutFile("/proc", "report.json", "{}")).toThrow(UsageError);
    expect(() => writeOutFile("/proc", "report.json", "{}")).toThrow("/proc");
  });
});

describe("the low-level helpers", () => {
  it("writeAll stops with an error when the file system takes no bytes, instead of looping", () => {
    let calls = 0;
    const stuck = () => {
      calls++;
      return 0;
    };
    expect(() => writeAll(-1, Buffer.from("abc"), "report.json", stuck)).toThrow(/report\.json/);
    expect(calls).toBe(1);
    const pieces: string[] = [];
    writeAll(-1, Buffer.from("abcdef"), "x", (_fd, bytes, offset) => {
      pieces.push(Buffer.from(bytes.subarray(offset, offset + 2)).toString());
      return 2;
    });
    expect(pieces).toEqual(["ab", "cd", "ef"]);
  });

  it("openNoFollow refuses a symlink, naming it", () => {
    const root = newRoot();
    writeFileSync(join(root, "victim"), "");
    symlinkSync(join(root, "victim"), join(root, "journal.jsonl"));
    expect(() => openNoFollow(join(root, "journal.jsonl"), "a")).toThrow(/journal\.jsonl/);
  });
});
