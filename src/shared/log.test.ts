import { lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/cli.js";
import { openLogFile, redactPathsFor } from "./log.js";

// The personal fields come from the caller (commands/log.ts gives every script's): shared/
// knows no script. These are stand-ins; commands/log.test.ts holds the real list to the scripts.
const personalFields = ["email", "bsn", "first_name"];

describe("the log", () => {
  it("redacts the personal fields it is given, at the top and one level down, beside its own list", () => {
    const paths = redactPathsFor(["email", "bsn"]);
    for (const path of ["email", "*.email", "bsn", "*.bsn", "values", "*.platform_text", "token"])
      expect(paths).toContain(path);
    expect(paths).not.toContain("first_name");
  });

  it("redacts personal fields, at the top and one level down, and secrets", () => {
    const dir = tempDir("mdimport-log-");
    const log = openLogFile(dir, { debug: false, personalFields });
    log.info(
      { email: "an@voorbeeld.nl", row: { bsn: "111222333", first_name: "An" }, token: "geheim", values: { x: 1 } },
      "oops",
    );
    log.flush();
    const text = readFileSync(join(dir, "mdimport.log"), "utf8");
    for (const secret of ["an@voorbeeld.nl", "111222333", '"An"', "geheim", '"x"']) expect(text).not.toContain(secret);
    expect(text).toContain("[redacted]");
  });

  it("writes a new file of its own, never through a symlink planted as mdimport.log", () => {
    const dir = tempDir("mdimport-log-");
    writeFileSync(join(dir, "victim"), "precious");
    symlinkSync(join(dir, "victim"), join(dir, "mdimport.log"));
    const log = openLogFile(dir, { debug: false, personalFields });
    log.info("started");
    log.flush();
    expect(readFileSync(join(dir, "victim"), "utf8")).toBe("precious");
    expect(lstatSync(join(dir, "mdimport.log")).isFile()).toBe(true);
    expect(statSync(join(dir, "mdimport.log")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, "mdimport.log"), "utf8")).toContain("started");
  });

  it("never holds a platform's own words in the places errors and reasons keep them", () => {
    const dir = tempDir("mdimport-log-");
    const log = openLogFile(dir, { debug: false, personalFields: [] });
    const words = "A user with this email address already exists: an@voorbeeld.nl (An de Vries)";
    log.warn({ err: { platformText: words, messages: [words] } }, "refused");
    log.warn({ reason: { code: "api_error", platform_text: words } }, "refused");
    log.warn({ row: 2, reasons: [{ code: "api_error", platform_text: words }] }, "refused");
    log.flush();
    const text = readFileSync(join(dir, "mdimport.log"), "utf8");
    expect(text).not.toContain("an@voorbeeld.nl");
    expect(text).not.toContain("Vries");
  });
});
