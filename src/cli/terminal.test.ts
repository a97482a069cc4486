/* eslint-disable no-control-regex -- these tests look for control characters */
import { describe, expect, it } from "vitest";
import { progressReporter, renderTerminalSummary, runProgressReporter, useColour } from "./terminal.js";
import type { Report } from "../report/report.js";

const sink = (isTTY: boolean) => {
  const written: string[] = [];
  return {
    written,
    stream: { isTTY, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WritableStream & {
      isTTY: boolean;
    },
  };
};

describe("terminal", () => {
  it("uses colour only on a terminal without NO_COLOR", () => {
    expect(useColour({ isTTY: true }, {})).toBe(true);
    expect(useColour({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(useColour({ isTTY: false }, {})).toBe(false);
  });

  it("shows progress only on a terminal, outside CI, and not too often", () => {
    const out = sink(true);
    let clock = 0;
    const progress = progressReporter({ stdout: out.stream, stderr: out.stream }, {}, () => clock)!;
    for (clock = 0; clock <= 2000; clock += 50) progress.update(clock * 10);
    expect(out.written.length).toBeGreaterThan(2);
    expect(out.written.length).toBeLessThanOrEqual(7);
    progress.end();
    expect(out.written.at(-1)).toBe("\r\u001b[K");
    const quiet = sink(true);
    const short = progressReporter({ stdout: quiet.stream, stderr: quiet.stream }, {}, () => 0)!;
    short.update(10);
    short.end();
    expect(quiet.written).toEqual([]);
    expect(progressReporter({ stdout: out.stream, stderr: sink(false).stream }, {})).toBeUndefined();
    expect(progressReporter({ stdout: out.stream, stderr: out.stream }, { CI: "true" })).toBeUndefined();
  });

  it("shows a run's rows carried out of the total, its failures and an ETA, at most four times a second", () => {
    const out = sink(true);
    let clock = 0;
    const progress = runProgressReporter({ stdout: out.stream, stderr: out.stream }, {}, () => clock)!;
    // 100 rows, one every 100 ms: 10 s in all.
    for (let tried = 1; tried <= 100; tried++) {
      clock = tried * 100;
      progress.update({ tried, total: 100, failures: tried > 50 ? 1 : 0 });
    }
    expect(out.written.length).toBeGreaterThan(20);
    expect(out.written.length).toBeLessThanOrEqual(41);
    expect(out.written).toContain("\r\u001b[Kcarried out 9/100 rows, 0 failed, about 9s left");
    expect(out.written.at(-1)).toBe("\r\u001b[Kcarried out 100/100 rows, 1 failed");
    progress.end();
    expect(out.written.at(-1)).toBe("\r\u001b[K");
    expect(runProgressReporter({ stdout: out.stream, stderr: sink(false).stream }, {})).toBeUndefined();
    expect(runProgressReporter({ stdout: out.stream, stderr: out.stream }, { CI: "1" })).toBeUndefined();
  });

  const report = (fields: Partial<Report> = {}) =>
    ({
      mode: "validate",
      script: "new-clients",
      input: { rows: 3, sheet: "Blad1" },
      summary: { valid: 2, invalid: 1, duplicate: 0 },
      notes: { bsn_padded: 1, hidden_rows: 0 },
      warnings: [
        {
          code: "bsn_padded",
          rows: [3],
          message: "BSNs with fewer than 9 digits were padded with leading zeros (Excel had dropped them): rows 3.",
        },
      ],
      ...fields,
    }) as unknown as Report;

  it("summarises counts and where the reports are, without colour codes when asked", () => {
    const text = renderTerminalSummary(report(), "/tmp/out", false);
    expect(text).toContain("valid            2");
    expect(text).toContain(
      "note: BSNs with fewer than 9 digits were padded with leading zeros (Excel had dropped them): rows 3.",
    );
    expect(text).toContain("reports: /tmp/out");
    expect(text).not.toContain("\u001b[");
    expect(renderTerminalSummary(report(), "/tmp/out", true)).toContain("\u001b[31m");
  });

  it("shows every warning of the report, in the report's own words", () => {
    const warnings = [
      {
        code: "unknown_column",
        column: "F",
        header: "Opmerking",
        message: 'Kolom F ("Opmerking") is onbekend en wordt genegeerd.',
      },
      {
        code: "american_dates",
        column: "G",
        rows: [2, 3],
        message: "Kolom G: Excel las datums in Amerikaanse volgorde: rijen 2-3.",
      },
      { code: "macros", message: "Het bestand bevat macro's." },
      { code: "merged_cells", ranges: "C2:C3", message: "Samengevoegde cellen (C2:C3)." },
      {
        code: "other_sheets",
        sheet: "Blad1",
        sheets: 2,
        message: 'Het bestand heeft 2 bladen; alleen "Blad1" is gelezen.',
      },
    ];
    const text = renderTerminalSummary(report({ warnings } as Partial<Report>), "/tmp/out", false);
    expect(text).toContain('  warning: Kolom F ("Opmerking") is onbekend en wordt genegeerd.\n');
    expect(text).toContain("  warning: Kolom G: Excel las datums in Amerikaanse volgorde: rijen 2-3.\n");
    expect(text).toContain("  warning: Het bestand bevat macro's.\n");
    expect(text).toContain("  warning: Samengevoegde cellen (C2:C3).\n");
    expect(text).toContain('  note: Het bestand heeft 2 bladen; alleen "Blad1" is gelezen.\n');
  });

  it("shortens a warning that lists very many rows", () => {
    const message = `Hidden rows were read too: ${Array.from({ length: 1000 }, (_, i) => 2 * i + 2).join(", ")}.`;
    const text = renderTerminalSummary(
      report({ warnings: [{ code: "hidden_rows", rows: [], message }] }),
      "/tmp/out",
      false,
    );
    const line = text.split("\n").find((l) => l.includes("Hidden rows")) ?? "";
    expect(line.length).toBeLessThan(450);
    expect(line).toMatch(/… \(see report\.json\)$/);
  });

  it("prints no control character from the sheet, the platform or a warning", () => {
    const text = renderTerminalSummary(
      report({
        input: { rows: 1, sheet: "Blad\u001b[2J\u00071\u202e" },
        platform: "local:/tmp/\u001b]0;x\u0007db",
        warnings: [
          {
            code: "unknown_column",
            column: "F",
            header: "x",
            message: 'Column F ("Op\u001b[31mmerking\r\n") is unknown and ignored.',
          },
        ],
      } as Partial<Report>),
      "/tmp/out\u0007",
      false,
    );
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('sheet "Blad[2J1\ufffd"');
    expect(text).toContain("platform: local:/tmp/]0;xdb");
    expect(text).toContain('Column F ("Op[31mmerking  ") is unknown and ignored.');
  });
});
