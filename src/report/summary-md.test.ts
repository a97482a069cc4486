import { describe, expect, it } from "vitest";
import { renderSummaryMd } from "./summary-md.js";
import type { Report } from "./report.js";

/** A run report of `rows` rows of which every tenth is invalid, and as many hidden rows. */
function bigReport(rows: number, lang: Report["lang"]): Report {
  const invalid = Array.from({ length: rows / 10 }, (_, i) => 2 + i * 10);
  return {
    format: "mdimport-report/1",
    mode: "validate",
    script: "new-clients",
    lang,
    created: "2026-12-01T00:00:00.000Z",
    input: { sha256: "a".repeat(64), rows, sheet: "Blad1", sheet_position: 1, header_row: 1, columns: { A: "email" } },
    platform: null,
    platform_id: null,
    config: null,
    summary: { valid: rows - invalid.length, invalid: invalid.length, duplicate: 0 },
    notes: { bsn_padded: 0, hidden_rows: invalid.length },
    warnings: [{ code: "hidden_rows", rows: invalid, message: `Hidden rows were read: ${invalid.join(", ")}.` }],
    rows: Array.from({ length: rows }, (_, i) => {
      const row = i + 2;
      return row % 10 === 2
        ? { row, status: "invalid", action: "none", reasons: [{ code: "invalid_email", field: "email", message: "…" }] }
        : { row, status: "valid", action: "create", reasons: [] };
    }),
  };
}

describe("summary.md", () => {
  it.each(["nl", "en", "de"] as const)(
    "stays under 8 KB at 100,000 rows with 10,000 invalid (%s), naming how many more rows",
    (lang) => {
      const text = renderSummaryMd(bigReport(100_000, lang));
      expect(Buffer.byteLength(text)).toBeLessThan(8 * 1024);
      expect(text).toContain(
        {
          nl: "en nog 9980 rijen (zie report.json)",
          en: "and 9980 more rows (see report.json)",
          de: "und 9980 weitere Zeilen (siehe report.json)",
        }[lang],
      );
      expect(text).toMatch(/\| invalid_email \(email\) \| 10000 \| 2, 12, 22, /);
    },
  );

  it("says 1 more row, not 1 more rows", () => {
    const report = bigReport(210, "en");
    expect(renderSummaryMd(report)).toContain(
      "| 21 | 2, 12, 22, 32, 42, 52, 62, 72, 82, 92, 102, 112, 122, 132, 142, 152, 162, 172, 182, 192, and 1 more row (see report.json) |",
    );
  });
});
