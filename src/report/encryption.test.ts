import { describe, expect, it } from "vitest";
import { UsageError } from "../shared/errors.js";
import { reportEncryption } from "./encryption.js";

describe("reportEncryption", () => {
  it("writes a plain input's report plain when no requester's key is given, with or without --plain-report", async () => {
    const warnings: string[] = [];
    const onWarning = (s: string) => warnings.push(s);
    expect(await reportEncryption({ encrypted: false, onWarning })).toBeNull();
    expect(await reportEncryption({ encrypted: false, plainReport: true, onWarning })).toBeNull();
    expect(warnings).toEqual([]);
  });

  it("writes an encrypted input's report plain only with --plain-report, and then warns once", async () => {
    const warnings: string[] = [];
    expect(
      await reportEncryption({ encrypted: true, plainReport: true, onWarning: (s) => warnings.push(s) }),
    ).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^--plain-report: report\.xlsx .*\.$/);
  });

  it("refuses --plain-report with --encrypt-report-to", async () => {
    await expect(reportEncryption({ encrypted: true, plainReport: true, encryptReportTo: ["a.asc"] })).rejects.toThrow(
      UsageError,
    );
  });
});
