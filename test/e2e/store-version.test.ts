import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { storeVersion } from "../../src/platform/local/schema.js";
import { runCli, tempDir } from "../support/cli.js";

describe("a local store of a newer mdimport", () => {
  it("is refused with exit 4, naming both versions, and left as it is", () => {
    const dir = tempDir();
    const db = join(dir, "platform.sqlite");
    expect(runCli(["platform", "init", "--db", db]).code).toBe(0);
    const store = new Database(db);
    store.pragma(`user_version = ${storeVersion + 1}`);
    store.close();
    const dumped = runCli(["platform", "dump", "--db", db]);
    expect(dumped.code).toBe(4);
    expect(dumped.stderr).toContain(
      `made by a newer mdimport (store version ${storeVersion + 1}; this mdimport knows versions up to ${storeVersion})`,
    );
    const after = new Database(db, { readonly: true });
    expect(after.pragma("user_version", { simple: true })).toBe(storeVersion + 1);
    after.close();
  });
});
