import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { InputError } from "../shared/errors.js";
import { defaultLimits } from "./limits.js";
import { InflateBudget, inflateEntry, openZip } from "./zip.js";

const concat = async (chunks: AsyncIterable<Uint8Array>) => {
  const all: Uint8Array[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all).toString("utf8");
};

describe("openZip and inflateEntry", () => {
  it("reads stored and deflated entries", async () => {
    const text = "hello ".repeat(50_000);
    const zip = zipSync({ "a.txt": [strToU8(text), { level: 0 }], "b.txt": [strToU8(text), { level: 9 }] });
    const entries = openZip(zip, defaultLimits);
    expect([...entries.keys()]).toEqual(["a.txt", "b.txt"]);
    const budget = new InflateBudget(defaultLimits);
    expect(await concat(inflateEntry(zip, entries.get("a.txt")!, budget))).toBe(text);
    expect(await concat(inflateEntry(zip, entries.get("b.txt")!, budget))).toBe(text);
  });

  it("refuses an entry that inflates beyond the compression ratio (a zip bomb)", async () => {
    const zip = zipSync({ "bomb.xml": [new Uint8Array(50 * 1024 * 1024), { level: 9 }] });
    const entry = openZip(zip, defaultLimits).get("bomb.xml")!;
    await expect(concat(inflateEntry(zip, entry, new InflateBudget(defaultLimits)))).rejects.toThrow(/zip bomb/);
  });

  it("refuses an entry larger than the size limit", async () => {
    const limits = { ...defaultLimits, maxEntryBytes: 1000 };
    const stored = zipSync({ "big.xml": [strToU8("x".repeat(5000)), { level: 0 }] });
    await expect(
      concat(inflateEntry(stored, openZip(stored, limits).get("big.xml")!, new InflateBudget(limits))),
    ).rejects.toThrow(/inflates to more than/);
    const deflated = zipSync({ "big.xml": [strToU8("x".repeat(5000)), { level: 6 }] });
    await expect(
      concat(inflateEntry(deflated, openZip(deflated, limits).get("big.xml")!, new InflateBudget(limits))),
    ).rejects.toThrow(/inflates to more than/);
  });

  it("says a part that cannot be inflated is damaged", async () => {
    const zip = zipSync({ "a.xml": [strToU8("abc ".repeat(1000)), { level: 6 }] });
    const entry = openZip(zip, defaultLimits).get("a.xml")!;
    const broken = Uint8Array.from(zip);
    broken.fill(0xff, entry.dataOffset, entry.dataOffset + 8);
    await expect(concat(inflateEntry(broken, entry, new InflateBudget(defaultLimits)))).rejects.toThrow(
      /part a\.xml cannot be unpacked/,
    );
  });

  it("says a truncated or foreign file is damaged", () => {
    const zip = zipSync({ "a.txt": strToU8("abc") });
    expect(() => openZip(zip.subarray(0, zip.length - 10), defaultLimits)).toThrow(InputError);
    expect(() => openZip(strToU8("not a zip at all, just some text here"), defaultLimits)).toThrow(/damaged/);
  });

  it("refuses too many entries", () => {
    const files = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, strToU8("x")]));
    expect(() => openZip(zipSync(files), { ...defaultLimits, maxEntries: 10 })).toThrow(/more than 10/);
  });
});
