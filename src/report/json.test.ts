import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/cli.js";
import { writeJsonReport } from "./json.js";
import type { Report } from "./report.js";

const report = (reasons: Report["rows"][number]["reasons"]): Report => ({
  format: "mdimport-report/1",
  mode: "run",
  script: "new-clients",
  lang: "en",
  created: "2026-01-01T00:00:00.000Z",
  input: { sha256: "a".repeat(64), rows: 2, sheet: "Blad1", sheet_position: 1, header_row: 1, columns: { A: "email" } },
  platform: "http://127.0.0.1:1",
  platform_id: "http://127.0.0.1:1",
  config: null,
  summary: { done: 1, failed: 1 },
  notes: { bsn_padded: 0, hidden_rows: 0 },
  warnings: [],
  rows: [
    { row: 2, status: "done", action: "create", reasons: [] },
    { row: 3, status: "failed", action: "create", reasons },
  ],
});

describe("writeJsonReport", () => {
  it("leaves the platform's own words out of report.json, and keeps the code, HTTP status and rule", () => {
    const dir = tempDir();
    const reasons = [
      {
        code: "api_error" as const,
        http_status: 400,
        rule: "invalid",
        platform_text: "Kim Test (kim@voorbeeld.nl) cannot be saved.",
        message: "The platform refused",
      },
    ];
    const written = report(reasons);
    writeJsonReport(dir, written);
    const text = readFileSync(join(dir, "report.json"), "utf8");
    expect(text).not.toContain("voorbeeld");
    expect((JSON.parse(text) as Report).rows[1]!.reasons).toEqual([
      { code: "api_error", http_status: 400, rule: "invalid", message: "The platform refused" },
    ]);
    // The report itself still holds them, for report.xlsx.
    expect(written.rows[1]!.reasons[0]!.platform_text).toMatch(/^Kim Test/);
  });
});
