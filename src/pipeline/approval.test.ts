import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/cli.js";
import { ApprovalError } from "../shared/errors.js";
import { checkApprovedInput, checkApprovedPlatform, checkApprovedSheet, readApproval, type SheetRead } from "./approval.js";
import { defaultPlatformConfig } from "../platform/config.js";

const report = {
  format: "mdimport-report/1",
  mode: "test-run",
  script: "relations",
  input: { sha256: "a".repeat(64), rows: 1, sheet: "Gegevens", sheet_position: 1, header_row: 1, columns: { A: "professional_id", B: "client_id" } },
  platform: "local:x",
  platform_id: "local:p1",
  config: defaultPlatformConfig,
  rows: [{ row: 2, status: "planned", action: "link", reasons: [] }],
};
const sheet: SheetRead = {
  sheet: { name: "Gegevens", position: 1 },
  headerRow: 1,
  columns: { A: "professional_id", B: "client_id" },
  config: defaultPlatformConfig,
};

function read(content: unknown) {
  const dir = join(tempDir(), "approved");
  mkdirSync(dir);
  const path = join(dir, "report.json");
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return readApproval(path);
}

const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe("approval", () => {
  it("reads a test run's report, with its digest and real folder", () => {
    const approval = read(report);
    expect(approval.rows.get(2)?.status).toBe("planned");
    expect(approval.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(approval.folder).toMatch(/approved$/);
    expect(() => checkApprovedInput(approval, { script: "relations", sha256: "a".repeat(64) })).not.toThrow();
    expect(() => checkApprovedPlatform(approval, { name: "local:elsewhere/p.sqlite", id: "local:p1" })).not.toThrow();
    expect(() => checkApprovedSheet(approval, sheet)).not.toThrow();
  });

  it.each([
    ["not JSON", "{", /cannot be read as JSON/],
    ["a validate report", { ...report, mode: "validate" }, /report of a validate, not of a test run/],
    ["a run report", { ...report, mode: "run" }, /report of a run, not of a test run/],
    ["another format", { ...report, format: "mdimport-report/0" }, /not an mdimport report of format mdimport-report\/1/],
    ["something else", { hello: 1 }, /not an mdimport report/],
    ["a test run of an earlier version", { ...report, platform_id: undefined }, /platform_id is missing or does not fit/],
    ["a report without the column mapping", { ...report, input: { ...report.input, columns: undefined } }, /input\.columns is missing/],
  ])("refuses %s with exit code 5", (_, content, message) => {
    const error = thrown(() => read(content));
    expect(error).toBeInstanceOf(ApprovalError);
    expect((error as ApprovalError).exitCode).toBe(5);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    [() => checkApprovedInput(read(report), { script: "new-clients", sha256: "a".repeat(64) }), /script relations, not new-clients/],
    [() => checkApprovedInput(read(report), { script: "relations", sha256: "b".repeat(64) }), /sha256 differs/],
    [
      () => checkApprovedPlatform(read(report), { name: "local:x", id: "local:p2" }),
      /against local:x \(platform ID local:p1\), not local:x \(platform ID local:p2\)/,
    ],
    [
      () => checkApprovedSheet(read(report), { ...sheet, sheet: { name: "Blad2", position: 2 } }),
      /read the sheet "Gegevens" \(sheet 1\), and this run reads "Blad2" \(sheet 2\)/,
    ],
    [
      () => checkApprovedSheet(read(report), { ...sheet, sheet: { name: "Gegevens", position: 2 } }),
      /"Gegevens" \(sheet 1\).*"Gegevens" \(sheet 2\)/,
    ],
    [() => checkApprovedSheet(read(report), { ...sheet, headerRow: 3 }), /header in row 1, and this run in row 3/],
    [
      () => checkApprovedSheet(read(report), { ...sheet, columns: { A: "client_id", B: "professional_id" } }),
      /not mapped as in the approved test run/,
    ],
    [
      () => checkApprovedSheet(read(report), { ...sheet, config: { ...defaultPlatformConfig, client_fields: { bsn: "required" } } }),
      /configuration differs/,
    ],
  ])("refuses a run of something else than was approved (%#)", (check, message) => {
    const error = thrown(check);
    expect(error).toBeInstanceOf(ApprovalError);
    expect((error as Error).message).toMatch(message);
  });
});
