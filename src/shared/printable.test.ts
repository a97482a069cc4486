import { describe, expect, it } from "vitest";
import { printable, printableLines } from "./printable.js";

describe("printable", () => {
  it.each([
    ["Blad1", "Blad1"],
    ["Blad\u001b[2J\u00071", "Blad[2J1"],
    ["\u001b]0;title\u0007x", "]0;titlex"],
    ["a\u0000b\u007fc\u0080d\u009be\u009cf", "abcdef"],
    ["Geboorte\ndatum", "Geboorte datum"],
    ["a\r\nb\tc", "a  b c"],
    ["a\u0085b\u2028c\u2029d", "a b c d"],
    ["abc\u202edcba", "abc\ufffddcba"],
    ["\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069", "\ufffd".repeat(8)],
    ["Cliënt é ß € 😀 \u200d", "Cliënt é ß € 😀 \u200d"],
  ])("%j → %j", (text, expected) => expect(printable(text)).toBe(expected));

  it("keeps the lines of several-line text apart", () => {
    expect(printableLines("error: \u001b[31mx\nat y\u0007\n")).toBe("error: [31mx\nat y\n");
  });
});
