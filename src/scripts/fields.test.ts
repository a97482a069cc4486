import { describe, expect, it } from "vitest";
import type { Cell } from "../input/cells.js";
import { num, text } from "../../test/support/cells.js";
import { generateBsns } from "../../test/support/sheets.mjs";
import {
  mdIdParser,
  parseBirthDate,
  parseBsn,
  parseDate,
  parseEmail,
  parseGender,
  parsePhone,
  parseRole,
  parseSourceId,
  parseText,
  passesElevenTest,
  type FieldParser,
  DUTCH_MOBILE,
} from "./fields.js";

const context = { today: "2026-11-23" };
const run = (parser: FieldParser<unknown>, cell: Cell | undefined) => {
  const result = parser(cell, context);
  return result.ok
    ? { value: result.value, ...(result.note ? { note: result.note } : {}) }
    : { code: result.code, ...(result.detail ? { detail: result.detail } : {}) };
};

describe("parseText", () => {
  it.each([
    [text("  Anna  "), "Anna"],
    [text("\u00a0Nina\u00a0"), "Nina"],
    [text("van  der"), "van der"],
    [text(""), null],
    [undefined, null],
    [num(42), "42"],
  ])("%o → %o", (cell, value) => expect(run(parseText, cell)).toEqual({ value }));
});

describe("parseEmail", () => {
  it.each([
    [text("Anna.deVries@Voorbeeld.NL"), { value: "anna.devries@voorbeeld.nl" }],
    [text(" mailto:piet@voorbeeld.nl "), { value: "piet@voorbeeld.nl" }],
    [text("MAILTO:Piet@Example.com"), { value: "piet@example.com" }],
    [text("a+tag@sub.example.com"), { value: "a+tag@sub.example.com" }],
    [text(""), { value: null }],
    [text("piet@voorbeeld"), { code: "invalid_email" }],
    [text("piet voorbeeld.nl"), { code: "invalid_email" }],
    [text("piet@@voorbeeld.nl"), { code: "invalid_email" }],
    [text("piet..jan@voorbeeld.nl"), { code: "invalid_email" }],
    [text(".piet@voorbeeld.nl"), { code: "invalid_email" }],
    [text("piet@-voorbeeld.nl"), { code: "invalid_email" }],
  ])("%o → %o", (cell, expected) => expect(run(parseEmail, cell)).toEqual(expected));
});

describe("parseText refuses what a spreadsheet would run or hide", () => {
  it.each([
    [text('=HYPERLINK("http://x")'), { code: "unsafe_value", detail: "formula_start" }],
    [text("+31"), { code: "unsafe_value", detail: "formula_start" }],
    [text("-Jan"), { code: "unsafe_value", detail: "formula_start" }],
    [text("@Jan"), { code: "unsafe_value", detail: "formula_start" }],
    [text("Jan\u001b[0m"), { code: "unsafe_value", detail: "control" }],
    [text("Jan\u0000"), { code: "unsafe_value", detail: "control" }],
    [text("Jan\u0007"), { code: "unsafe_value", detail: "control" }],
    [text("\u202eJan"), { code: "unsafe_value", detail: "control" }],
    [text("Ja\u200dn"), { code: "unsafe_value", detail: "invisible" }],
    [text("\u00a0\u200bJan\ufeff"), { value: "Jan" }],
    [text("Jan\nde\tVries"), { value: "Jan de Vries" }],
    [text("Anne-Marie"), { value: "Anne-Marie" }],
    [text("x".repeat(101)), { code: "unsafe_value", detail: "too_long" }],
    [text("x".repeat(100)), { value: "x".repeat(100) }],
  ])("%o → %o", (cell, expected) => expect(run(parseText, cell)).toEqual(expected));

  it("refuses an e-mail address that begins as a formula", () => {
    expect(run(parseEmail, text("=a@b.nl"))).toEqual({ code: "unsafe_value", detail: "formula_start" });
    expect(run(parseEmail, text("+a@b.nl"))).toEqual({ code: "unsafe_value", detail: "formula_start" });
  });
});

describe("parseSourceId", () => {
  it.each([
    [text(" EXT-1 "), { value: "EXT-1" }],
    [num(12345), { value: "12345" }],
    [num(123456789012345), { value: "123456789012345" }],
    [num(Number("12345678901234567890")), { code: "invalid_id", detail: "excel_number" }],
    [num(1.5), { code: "invalid_id", detail: "excel_number" }],
    [num(12345, "scientific"), { code: "invalid_id", detail: "excel_number" }],
    [text("1.23457E+15"), { code: "invalid_id", detail: "excel_number" }],
    [text("x".repeat(256)), { code: "invalid_id", detail: "too_long" }],
    [text("x".repeat(65)), { code: "invalid_id", detail: "too_long" }],
    [text("x".repeat(64)), { value: "x".repeat(64) }],
    [text("=1+1"), { code: "unsafe_value", detail: "formula_start" }],
    [text("D-10\u202e"), { code: "unsafe_value", detail: "control" }],
    [text("C\n10"), { code: "unsafe_value", detail: "control" }],
    [text("C\u200b10"), { code: "unsafe_value", detail: "invisible" }],
    [text("\u200bC-10\u2060"), { value: "C-10" }],
    [text(""), { value: null }],
  ])("%o → %o", (cell, expected) => expect(run(parseSourceId, cell)).toEqual(expected));
});

describe("mdIdParser", () => {
  const id = "169a5b27fb204d15bd9d3fa6387713d7";
  it.each([
    [text(id), { value: id }],
    [text(id.toUpperCase()), { value: id }],
    [text(`https://naam.e-behandeling.nl/api/2/c/${id}`), { value: id }],
    [text(`https://naam.training.minddistrict.com/c/${id}/`), { value: id }],
    [text(`https://naam.e-behandeling.nl/api/2/c/${id}?tab=info`), { value: id }],
    [text(`https://naam.e-behandeling.nl/api/2/p/${id}`), { code: "invalid_id", detail: "wrong_kind" }],
    [text(id.slice(1)), { code: "invalid_id" }],
    [text(`${id.slice(1)}g`), { code: "invalid_id" }],
    [num(Number("12345678901234567890123456789012")), { code: "invalid_id", detail: "excel_number" }],
    [text("1.23457E+31"), { code: "invalid_id", detail: "excel_number" }],
    [text(""), { value: null }],
  ])("%o → %o", (cell, expected) => expect(run(mdIdParser("c"), cell)).toEqual(expected));
});

describe("BSN", () => {
  it("knows the eleven-test", () => {
    expect(passesElevenTest("111222333")).toBe(true);
    expect(passesElevenTest("123456782")).toBe(true);
    expect(passesElevenTest("123456789")).toBe(false);
    expect(passesElevenTest("000000000")).toBe(false);
    expect(passesElevenTest("12345678")).toBe(false);
  });

  it("generates only numbers that pass", () => {
    const bsns = generateBsns();
    for (let i = 0; i < 50; i++) expect(passesElevenTest(bsns.next().value)).toBe(true);
  });

  const padded = generateBsns(1_000_000, "0").next().value;
  it.each([
    [text("111222333"), { value: "111222333" }],
    [text("111 222 333"), { value: "111222333" }],
    [text("111.222.333"), { value: "111222333" }],
    [num(111222333), { value: "111222333" }],
    [num(Number(padded)), { value: padded, note: "bsn_padded" }],
    [text(padded.slice(1)), { value: padded, note: "bsn_padded" }],
    [text("123456789"), { code: "invalid_bsn", detail: "checksum" }],
    [text("1234567890"), { code: "invalid_bsn", detail: "length" }],
    [text("12345678"), { code: "invalid_bsn", detail: "length" }],
    [text("11122233a"), { code: "invalid_bsn", detail: "length" }],
    [num(111222333.5), { code: "invalid_bsn", detail: "length" }],
    [text(""), { value: null }],
  ])("%o → %o", (cell, expected) => expect(run(parseBsn, cell)).toEqual(expected));
});

describe("parseDate", () => {
  it.each([
    [text("12/03/1984"), { value: "1984-03-12" }],
    [text("5-3-1985"), { value: "1985-03-05" }],
    [text("05-03-1985"), { value: "1985-03-05" }],
    [text("24.12.1975"), { value: "1975-12-24" }],
    [text("1990-04-01"), { value: "1990-04-01" }],
    [text("1990-04-01T00:00:00"), { value: "1990-04-01" }],
    [text("1990-04-01 00:00:00"), { value: "1990-04-01" }],
    [num(32874, "date"), { value: "1990-01-01" }],
    [num(32874), { value: "1990-01-01" }],
    [num(31480, "date", true), { value: "1990-03-10" }],
    [text("31/02/1990"), { code: "invalid_date" }],
    [text("29/02/1991"), { code: "invalid_date" }],
    [text("29/02/1992"), { value: "1992-02-29" }],
    [text("12/31/1980"), { code: "invalid_date", detail: "american" }],
    [text("1/2/80"), { code: "invalid_date", detail: "two_digit_year" }],
    [text("gisteren"), { code: "invalid_date", detail: "not_a_date" }],
    [text(""), { value: null }],
  ])("%o → %o", (cell, expected) => expect(run(parseDate, cell)).toEqual(expected));

  it.each([
    [text("01-01-2099"), { code: "invalid_date", detail: "future" }],
    [text("24-11-2026"), { code: "invalid_date", detail: "future" }],
    [text("23-11-2026"), { value: "2026-11-23" }],
    [text("31-12-1899"), { code: "invalid_date", detail: "too_old" }],
  ])("birth date %o → %o", (cell, expected) => expect(run(parseBirthDate, cell)).toEqual(expected));
});

describe("parseGender", () => {
  it.each([
    ["m", "m"],
    ["M", "m"],
    ["man", "m"],
    ["v", "f"],
    ["V", "f"],
    ["vrouw", "f"],
    ["f", "f"],
    ["w", "f"],
    ["a", "other"],
    ["anders", "other"],
    ["d", "other"],
    ["divers", "other"],
    ["other", "other"],
    ["o", "unknown"],
    ["u", "unknown"],
    ["onbekend", "unknown"],
    ["unbekannt", "unknown"],
    ["unknown", "unknown"],
    ["", "unknown"],
  ])("%s → %s", (input, value) => expect(run(parseGender, text(input))).toEqual({ value }));

  it("refuses what it does not know", () => expect(run(parseGender, text("q"))).toEqual({ code: "invalid_gender" }));
  it("reads an absent cell as unknown", () => expect(run(parseGender, undefined)).toEqual({ value: "unknown" }));
});

describe("parsePhone", () => {
  it.each([
    [text("0612345678"), { value: "+31612345678" }],
    [text("06-12345678"), { value: "+31612345678" }],
    [text("06 1234 5678"), { value: "+31612345678" }],
    [num(612345678), { value: "+31612345678" }],
    [text("+31 20 123 4567"), { value: "+31201234567" }],
    [text("020-1234567"), { value: "+31201234567" }],
    [text("0031612345678"), { value: "+31612345678" }],
    [num(31612345678), { value: "+31612345678" }],
    [text("+49 30 1234567"), { value: "+49301234567" }],
    [text("12345"), { code: "invalid_phone" }],
    [text("bel me"), { code: "invalid_phone" }],
    [text(""), { value: null }],
  ])("%o → %o", (cell, expected) => expect(run(parsePhone, cell)).toEqual(expected));
});

describe("the Dutch mobile fast path", () => {
  it("takes only numbers that libphonenumber finds valid, with the same result", async () => {
    const { default: parse } = await import("libphonenumber-js/max");
    const wrong: string[] = [];
    for (let prefix = 0; prefix <= 9; prefix++) {
      for (let n = 0; n < 2000; n++) {
        const number = `06${prefix}${String((n * 7919 + prefix * 104_729) % 10_000_000).padStart(7, "0")}`;
        const library = parse(number, "NL");
        const fast = DUTCH_MOBILE.test(number);
        if (fast && !(library?.isValid() && library.number === `+31${number.slice(1)}`)) wrong.push(number);
      }
    }
    // Numbers the fast path takes and the library does not.
    expect(wrong).toEqual([]);
  });
});

describe("parseRole", () => {
  it.each([
    ["Hulpverlener", "professional"],
    ["hulpverlener", "professional"],
    ["Professional", "professional"],
    ["Therapeut", "professional"],
    ["Applicatiebeheerder", "application_manager"],
    ["Application manager", "application_manager"],
    ["Anwendungsmanager", "application_manager"],
    ["Data analist", "data_analyst"],
    ["Data-analist", "data_analyst"],
    ["Datenanalyst", "data_analyst"],
    ["Data analyst", "data_analyst"],
    ["Data officer", "data_officer"],
    ["Datenschutzbeauftragter", "data_officer"],
    ["Supervisor", "supervisor"],
    ["Secretaresse", "secretary"],
    ["Secretary", "secretary"],
    ["Sekretär", "secretary"],
    ["ith.Therapist", "professional"],
    ["data_officer", "data_officer"],
  ])("%s → %s", (input, value) => expect(run(parseRole, text(input))).toEqual({ value }));

  it("refuses an unknown group", () => expect(run(parseRole, text("Baas"))).toEqual({ code: "invalid_role" }));
  it("leaves an empty cell empty", () => expect(run(parseRole, text(" "))).toEqual({ value: null }));
});
