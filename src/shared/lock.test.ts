import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApprovalError } from "./errors.js";
import { lockFolder } from "./lock.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), "mdimport-lock-"));
  dirs.push(dir);
  return dir;
};

describe("lockFolder", () => {
  it("puts the lock in place whole, holding this process, and leaves nothing else behind", () => {
    const dir = folder();
    const lock = lockFolder(dir, new Date("2026-12-01T00:00:00Z"));
    expect(readdirSync(dir)).toEqual(["run.lock"]);
    expect(JSON.parse(readFileSync(join(dir, "run.lock"), "utf8"))).toMatchObject({
      pid: process.pid,
      started: "2026-12-01T00:00:00.000Z",
    });
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses the lock while a live process holds it, naming the holder, and leaves its lock as it was", () => {
    const dir = folder();
    // A lock of this process counts as stale (its pid reused); the parent process is alive.
    const held = JSON.stringify({ pid: process.ppid, host: hostname(), started: "2026-12-01T00:00:00.000Z" });
    writeFileSync(join(dir, "run.lock"), held, { mode: 0o600 });
    expect(() => lockFolder(dir, new Date())).toThrow(ApprovalError);
    expect(() => lockFolder(dir, new Date())).toThrow(new RegExp(`^Another run \\(pid ${process.ppid} on `));
    expect(readFileSync(join(dir, "run.lock"), "utf8")).toBe(held);
    expect(readdirSync(dir)).toEqual(["run.lock"]);
  });
});
