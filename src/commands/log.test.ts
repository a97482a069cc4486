import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/cli.js";
import { ApiRefusal } from "../platform/http/client.js";
import { PlatformRuleError } from "../platform/platform.js";
import { scripts } from "../scripts/index.js";
import { createFileLogger, redactPaths } from "./log.js";

describe("a command's log", () => {
  it("derives its redaction list from every personal field of every script", () => {
    for (const script of Object.values(scripts)) {
      for (const column of script.columns.filter((c) => c.personal)) {
        expect(redactPaths).toContain(column.field);
        expect(redactPaths).toContain(`*.${column.field}`);
      }
    }
  });

  it("redacts personal fields, at the top and one level down, and secrets", () => {
    const dir = tempDir("mdimport-log-");
    const log = createFileLogger(dir, false);
    log.info(
      { email: "an@voorbeeld.nl", row: { bsn: "111222333", first_name: "An" }, token: "geheim", values: { x: 1 } },
      "oops",
    );
    log.flush();
    const text = readFileSync(join(dir, "mdimport.log"), "utf8");
    for (const secret of ["an@voorbeeld.nl", "111222333", '"An"', "geheim", '"x"']) expect(text).not.toContain(secret);
    expect(text).toContain("[redacted]");
  });

  it("never holds a platform's own words, even when a refusal or a reason is logged by mistake", () => {
    const dir = tempDir("mdimport-log-");
    const log = createFileLogger(dir, false);
    const words = "A user with this email address already exists: an@voorbeeld.nl (An de Vries)";
    log.warn(
      {
        err: new PlatformRuleError("email_in_use", "the platform refused the request (400, email_in_use)", {
          status: 400,
          platformText: words,
        }),
      },
      "refused",
    );
    log.warn({ err: new ApiRefusal(400, [words]) }, "refused");
    log.warn({ reason: { code: "api_error", platform_text: words } }, "refused");
    log.warn({ row: 2, reasons: [{ code: "api_error", platform_text: words }] }, "refused");
    log.flush();
    const text = readFileSync(join(dir, "mdimport.log"), "utf8");
    expect(text).not.toContain("an@voorbeeld.nl");
    expect(text).not.toContain("Vries");
    expect(text).toContain("email_in_use");
  });
});
