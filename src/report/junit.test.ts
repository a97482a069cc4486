import { describe, expect, it } from "vitest";
import { checkJunit } from "../../test/e2e/junit-schema.js";
import type { FileOutcome } from "./json.js";
import { escapeXml, renderJunit } from "./junit.js";
import type { Report } from "./report.js";

const report = (rows: Report["rows"], sheet = "Blad1", warnings: Report["warnings"] = []): Report => ({
  format: "mdimport-report/1",
  mode: "validate",
  script: "new-clients",
  lang: "en",
  created: "2026-01-01T00:00:00.000Z",
  input: {
    sha256: "a".repeat(64),
    rows: rows.length,
    sheet,
    sheet_position: 1,
    header_row: 1,
    columns: { A: "email" },
  },
  platform: null,
  platform_id: null,
  config: null,
  summary: {},
  notes: { bsn_padded: 0, hidden_rows: 0 },
  warnings,
  rows,
});

describe("renderJunit", () => {
  const outcomes: FileOutcome[] = [
    {
      file: "samples/a.xlsx",
      exitCode: 1,
      report: report([
        { row: 2, status: "valid", action: "create", reasons: [] },
        {
          row: 3,
          status: "invalid",
          action: "none",
          reasons: [
            { code: "invalid_email", field: "email", message: "Email address is not a valid e-mail address" },
            { code: "required", field: "first_name", message: "First name is required but empty" },
          ],
        },
        {
          row: 4,
          status: "duplicate",
          action: "none",
          reasons: [{ code: "duplicate_in_file", ref: 2, message: "repeats row 2" }],
        },
        {
          row: 5,
          status: "failed",
          action: "create",
          reasons: [
            {
              code: "api_error",
              http_status: 500,
              message: "the platform refused",
              platform_text: "jan@example.org bestaat al",
            },
          ],
        },
      ]),
    },
    {
      file: `odd <&"'> name.xlsx`,
      exitCode: 1,
      report: report([{ row: 2, status: "valid", action: "create", reasons: [] }], `Blad <&"'>`),
    },
    {
      file: "empty.xlsx",
      exitCode: 1,
      report: report([], "Blad1", [
        { code: "no_data_rows", header_row: 1, message: "The sheet has a header (row 1) but no data rows" },
      ]),
    },
    { file: "broken.xlsx", exitCode: 3, error: "broken.xlsx is not an .xlsx workbook & cannot be read." },
  ];
  const xml = renderJunit(outcomes, "validate");
  const suites = checkJunit(xml);

  it("gives a test suite per file and a test case per row, named row N, classed by file and sheet", () => {
    expect(suites.map((s) => s.attributes.name)).toEqual([
      "samples/a.xlsx",
      `odd <&"'> name.xlsx`,
      "empty.xlsx",
      "broken.xlsx",
    ]);
    const [first] = suites;
    expect(
      first?.children.filter((c) => c.name === "testcase").map((c) => [c.attributes.name, c.attributes.classname]),
    ).toEqual([
      ["row 2", "samples/a.xlsx/Blad1"],
      ["row 3", "samples/a.xlsx/Blad1"],
      ["row 4", "samples/a.xlsx/Blad1"],
      ["row 5", "samples/a.xlsx/Blad1"],
    ]);
    expect(suites[1]?.children.find((c) => c.name === "testcase")?.attributes.classname).toBe(
      `odd <&"'> name.xlsx/Blad <&"'>`,
    );
  });

  it("fails each invalid, duplicate or failed row with its row, status and reason codes, never the platform's words", () => {
    const cases = suites[0]?.children.filter((c) => c.name === "testcase") ?? [];
    const failures = cases.map((c) => c.children.find((x) => x.name === "failure"));
    expect(failures[0]).toBeUndefined();
    expect(failures[1]?.attributes.message).toBe("row 3: invalid: invalid_email (email), required (first_name)");
    expect(failures[1]?.attributes.type).toBe("invalid");
    expect(failures[1]?.text).toContain("Email address is not a valid e-mail address");
    expect(failures[2]?.attributes.message).toBe("row 4: duplicate: duplicate_in_file (ref row 2)");
    expect(failures[3]?.attributes.message).toBe("row 5: failed: api_error (HTTP 500)");
    expect(xml).not.toContain("jan@example.org");
  });

  it("fails a sheet without data rows, and gives an error for a file that could not be read", () => {
    const empty = suites[2]?.children.find((c) => c.name === "testcase");
    expect(empty?.attributes.name).toBe("sheet");
    expect(empty?.children[0]?.attributes.message).toContain("no_data_rows");
    const broken = suites[3]?.children.find((c) => c.name === "testcase");
    expect(broken?.children[0]?.name).toBe("error");
    expect(broken?.children[0]?.attributes.message).toBe("broken.xlsx is not an .xlsx workbook & cannot be read.");
    expect(suites[3]?.attributes).toMatchObject({ tests: "1", failures: "0", errors: "1" });
  });

  it("escapes markup and drops characters XML cannot hold", () => {
    expect(escapeXml(`<&"'>`)).toBe("&lt;&amp;&quot;&apos;&gt;");
    expect(escapeXml("a\u0001b\ud800c\nd\u{1f600}")).toBe("a\ufffdb\ufffdc&#10;d\u{1f600}");
    expect(escapeXml("a\nb<", false)).toBe("a\nb&lt;");
  });
});
