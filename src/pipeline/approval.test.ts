import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/cli.js";
import { ApprovalError } from "../shared/errors.js";
import {
  checkApprovedInput,
  checkApprovedPlatform,
  checkApprovedSheet,
  checkApprovedSheets,
  checkApprovedWorkbookSheet,
  readApproval,
  readWorkbookApproval,
  type SheetRead,
} from "./approval.js";
import { defaultPlatformConfig } from "../platform/config.js";

const report = {
  format: "mdimport-report/1",
  mode: "test-run",
  script: "relations",
  input: {
    sha256: "a".repeat(64),
    rows: 1,
    sheet: "Gegevens",
    sheet_position: 1,
    header_row: 1,
    columns: { A: "professional_id", B: "client_id" },
  },
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

function write(content: unknown): string {
  const dir = join(tempDir(), "approved");
  mkdirSync(dir);
  const path = join(dir, "report.json");
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}
const read = (content: unknown) => readApproval(write(content));

/** A test run of a workbook (--all-sheets): script null, the sheets each with their own. */
const workbook = {
  format: "mdimport-report/1",
  mode: "test-run",
  script: null,
  input: { sha256: "a".repeat(64), rows: 2 },
  platform: "local:x",
  platform_id: "local:p1",
  config: defaultPlatformConfig,
  sheets: [
    {
      name: "Clients",
      position: 1,
      script: "new-clients",
      header_row: 1,
      columns: { A: "email" },
      rows: [{ row: 2, status: "planned", action: "create", reasons: [] }],
    },
    {
      name: "Relations",
      position: 3,
      script: "relations",
      header_row: 2,
      columns: { A: "professional_id", B: "client_id" },
      rows: [{ row: 3, status: "planned", action: "link", reasons: [] }],
    },
  ],
  rows: [],
};

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
    [
      "another format",
      { ...report, format: "mdimport-report/0" },
      /not an mdimport report of format mdimport-report\/1/,
    ],
    ["something else", { hello: 1 }, /not an mdimport report/],
    [
      "a test run of an earlier version",
      { ...report, platform_id: undefined },
      /platform_id is missing or does not fit/,
    ],
    [
      "a report without the column mapping",
      { ...report, input: { ...report.input, columns: undefined } },
      /input\.columns is missing/,
    ],
  ])("refuses %s with exit code 5", (_, content, message) => {
    const error = thrown(() => read(content));
    expect(error).toBeInstanceOf(ApprovalError);
    expect((error as ApprovalError).exitCode).toBe(5);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    [
      () => checkApprovedInput(read(report), { script: "new-clients", sha256: "a".repeat(64) }),
      /script relations, not new-clients/,
    ],
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
      () =>
        checkApprovedSheet(read(report), {
          ...sheet,
          config: { ...defaultPlatformConfig, client_fields: { bsn: "required" } },
        }),
      /configuration differs/,
    ],
  ])("refuses a run of something else than was approved (%#)", (check, message) => {
    const error = thrown(check);
    expect(error).toBeInstanceOf(ApprovalError);
    expect((error as Error).message).toMatch(message);
  });

  it("reads a workbook's test run: every sheet's name, position, script, header row, mapping and rows", () => {
    const approval = readWorkbookApproval(write(workbook));
    expect(approval.script).toBeNull();
    expect(approval.sheets.map((s) => [s.name, s.position, s.script, s.headerRow])).toEqual([
      ["Clients", 1, "new-clients", 1],
      ["Relations", 3, "relations", 2],
    ]);
    expect(approval.sheets[1]?.rows.get(3)?.status).toBe("planned");
    const found = approval.sheets.map((s) => ({
      name: s.name,
      position: s.position,
      script: s.script,
      headerRow: s.headerRow,
    }));
    expect(() => checkApprovedSheets(approval, found)).not.toThrow();
    const relations = approval.sheets[1]!;
    const actual = {
      sheet: { name: "Relations", position: 3 },
      headerRow: 2,
      columns: relations.columns,
      config: defaultPlatformConfig,
    };
    expect(() => checkApprovedWorkbookSheet(approval, relations, actual)).not.toThrow();
    expect(() =>
      checkApprovedWorkbookSheet(approval, relations, { ...actual, columns: { A: "client_id", B: "professional_id" } }),
    ).toThrow(/^Sheet "Relations": The columns are not mapped as in the approved test run/);
  });

  it.each([
    [
      "a sheet removed",
      (f: { name: string }[]) => f.slice(0, 1),
      /read the sheet "Relations" \(sheet 3\), and this workbook has no such sheet now/,
    ],
    [
      "a sheet renamed",
      (f: { name: string }[]) => [f[0], { ...f[1], name: "Links" }],
      /"Relations" \(sheet 3\), and this workbook has no such sheet/,
    ],
    [
      "a sheet added",
      (f: { name: string }[]) => [...f, { name: "More", position: 4, script: "new-clients", headerRow: 1 }],
      /The sheet "More" \(sheet 4\) was not in the approved test run/,
    ],
    [
      "a sheet re-headed",
      (f: { name: string }[]) => [f[0], { ...f[1], headerRow: 1 }],
      /header of the sheet "Relations" \(sheet 3\) in row 2, and this run in row 1/,
    ],
    [
      "a sheet of another script",
      (f: { name: string }[]) => [{ ...f[0], script: "update-clients" }, f[1]],
      /read the sheet "Clients" \(sheet 1\) as new-clients, and its headers are now those of update-clients/,
    ],
  ])("refuses a workbook with %s (exit 5)", (_, change, message) => {
    const approval = readWorkbookApproval(write(workbook));
    const found = approval.sheets.map((s) => ({
      name: s.name,
      position: s.position,
      script: s.script,
      headerRow: s.headerRow,
    }));
    const error = thrown(() => checkApprovedSheets(approval, change(found) as typeof found));
    expect(error).toBeInstanceOf(ApprovalError);
    expect((error as Error).message).toMatch(message);
  });

  it("refuses a workbook's approval for one sheet's run, and one sheet's for a workbook's run, in one sentence (exit 5)", () => {
    const one = thrown(() => read(workbook));
    expect(one).toBeInstanceOf(ApprovalError);
    expect((one as Error).message).toBe(
      "The approval report.json is the test run of a workbook of several sheets (--all-sheets), not of one sheet; run it with --all-sheets.",
    );
    const all = thrown(() => readWorkbookApproval(write(report)));
    expect(all).toBeInstanceOf(ApprovalError);
    expect((all as Error).message).toBe(
      "The approval report.json is the test run of one sheet (script relations), not of a workbook; run --all-sheets needs the approval of a test run with --all-sheets.",
    );
    expect(thrown(() => readWorkbookApproval(write({ ...workbook, sheets: [] })))).toBeInstanceOf(ApprovalError);
  });
});
