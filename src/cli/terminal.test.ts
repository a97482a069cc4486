import { describe, expect, it } from "vitest";
import { progressReporter, renderTerminalSummary, useColour } from "./terminal.js";
import type { Report } from "../report/report.js";

const sink = (isTTY: boolean) => {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WritableStream & { isTTY: boolean } };
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

  it("summarises counts and where the reports are, without colour codes when asked", () => {
    const report = {
      mode: "validate",
      script: "new-clients",
      input: { rows: 3, sheet: "Blad1" },
      summary: { valid: 2, invalid: 1, duplicate: 0 },
      notes: { bsn_padded: 1, hidden_rows: 0 },
      warnings: [],
    } as unknown as Report;
    const text = renderTerminalSummary(report, "/tmp/out", false);
    expect(text).toContain("valid            2");
    expect(text).toContain("note: 1 BSNs were padded");
    expect(text).not.toContain("\u001b[");
    expect(renderTerminalSummary(report, "/tmp/out", true)).toContain("\u001b[31m");
  });
});
