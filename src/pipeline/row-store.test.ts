import { describe, expect, it } from "vitest";
import { RowTextStore } from "./row-store.js";

describe("RowTextStore", () => {
  it("gives back every row as it was added, in order, across many blocks, more than once", () => {
    const store = new RowTextStore();
    const rows = Array.from({ length: 30_000 }, (_, i) => [
      `rij ${i}`,
      "",
      "é€ 😀",
      "a\tb\nc",
      String(i).repeat(i % 7),
    ]);
    for (const row of rows) store.add(row);
    expect([...store.read()]).toEqual(rows);
    expect([...store.read()]).toHaveLength(30_000);
  });

  it("keeps its rows compressed", () => {
    const store = new RowTextStore();
    for (let i = 0; i < 10_000; i++) store.add([`client${i}@voorbeeld.nl`, "Anna", "de", "Vries", `EXT-${i}`]);
    expect([...store.read()]).toHaveLength(10_000); // reading seals the last block
    const blocks = (store as unknown as { blocks: Buffer[] }).blocks;
    const stored = blocks.reduce((n, b) => n + b.length, 0);
    expect(stored).toBeLessThan(10_000 * 50 * 0.3);
  });

  it("keeps a cell holding NUL or U+0001 (Excel's _x0000_) in its own column", () => {
    const store = new RowTextStore();
    store.add(["a\u0000b", "c\u0001d", "e"]);
    expect([...store.read()]).toEqual([["a\ufffdb", "c\ufffdd", "e"]]);
  });
});
