import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/cli.js";
import { ApprovalError } from "../shared/errors.js";
import { checkApproval, readApproval } from "./approval.js";

const report = {
  format: "mdimport-report/1",
  mode: "test-run",
  script: "relations",
  input: { sha256: "a".repeat(64), rows: 1 },
  platform: "local:x",
  rows: [{ row: 2, status: "planned", action: "link", reasons: [] }],
};

async function read(content: unknown) {
  const path = join(tempDir(), "report.json");
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return readApproval(path);
}

describe("approval", () => {
  it("reads a test run's report", async () => {
    const approval = await read(report);
    expect(approval.rows.get(2)?.status).toBe("planned");
    expect(() => checkApproval(approval, { script: "relations", sha256: "a".repeat(64), platform: "local:x" })).not.toThrow();
  });

  it.each([
    ["not JSON", "{", /cannot be read as JSON/],
    ["a validate report", { ...report, mode: "validate" }, /not the report\.json of a test run/],
    ["something else", { hello: 1 }, /not the report\.json of a test run/],
  ])("refuses %s with exit code 5", async (_, content, message) => {
    const error = await read(content).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApprovalError);
    expect((error as ApprovalError).exitCode).toBe(5);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    [{ script: "new-clients" as const, sha256: "a".repeat(64), platform: "local:x" }, /script relations, not new-clients/],
    [{ script: "relations" as const, sha256: "b".repeat(64), platform: "local:x" }, /sha256 differs/],
    [{ script: "relations" as const, sha256: "a".repeat(64), platform: "local:y" }, /against local:x, not local:y/],
  ])("refuses a run of something else than was approved", async (actual, message) => {
    const approval = await read(report);
    expect(() => checkApproval(approval, actual)).toThrow(message);
  });
});
