import { describe, expect, it } from "vitest";
import { cellText, excelSerialToIso, isBlank, isoFromDays, numberToPlainText, trimAll } from "./cells.js";

describe("excelSerialToIso", () => {
  it.each([
    [1, false, "1900-01-01"],
    [59, false, "1900-02-28"],
    [60, false, null],
    [61, false, "1900-03-01"],
    [32874, false, "1990-01-01"],
    [32874.75, false, "1990-01-01"],
    [45000, false, "2023-03-15"],
    [0, true, "1904-01-01"],
    [31412, true, "1990-01-01"],
    [-1, false, null],
    [0, false, null],
  ])("%d (1904: %s) → %s", (serial, date1904, iso) => expect(excelSerialToIso(serial, date1904)).toBe(iso));
});

describe("isoFromDays", () => {
  it("agrees with Date for every day from 1900 to 2100", () => {
    const wrong: number[] = [];
    for (let day = -25_567; day < 47_482; day += 1) {
      if (isoFromDays(day) !== new Date(day * 86_400_000).toISOString().slice(0, 10)) wrong.push(day);
    }
    expect(wrong).toEqual([]);
  });
});

describe("numberToPlainText", () => {
  it.each([
    [12345, "12345"],
    [612345678, "612345678"],
    [123456789012345, "123456789012345"],
    [1e21, "1000000000000000000000"],
    [1.2345678901234567e19, "12345678901234600000"],
    [-1234.5, "-1234.5"],
    [0.000123, "0.000123"],
    [123.456, "123.456"],
    [1.5, "1.5"],
    [1e-7, "0.0000001"],
  ])("%d → %s", (value, text) => expect(numberToPlainText(value)).toBe(text));
});

describe("text of cells", () => {
  it("trims white space, non-breaking spaces and a byte-order mark", () => {
    expect(trimAll("\ufeff\u00a0 a b \u00a0\t")).toBe("a b");
  });
  it("shows date cells as ISO dates and numbers without exponent", () => {
    expect(cellText({ kind: "number", value: 32874, format: "date", date1904: false })).toBe("1990-01-01");
    expect(cellText({ kind: "number", value: 1e20, format: "general", date1904: false })).toBe("100000000000000000000");
    expect(cellText({ kind: "boolean", value: true })).toBe("TRUE");
  });
  it("knows blank cells", () => {
    expect(isBlank(undefined)).toBe(true);
    expect(isBlank({ kind: "text", text: " \u00a0" })).toBe(true);
    expect(isBlank({ kind: "number", value: 0, format: "general", date1904: false })).toBe(false);
  });
});
