import { describe, expect, it } from "vitest";
import type { SheetRow } from "./cells.js";
import { decodeBatch, encodeBatch, transferablesOf } from "./row-batch.js";

describe("row batches across threads", () => {
  it("come back exactly as they went: every kind of cell, gaps between columns, hidden rows", () => {
    const rows: SheetRow[] = [
      {
        row: 1,
        hidden: false,
        cells: [
          { kind: "text", text: "E-mailadres" },
          undefined,
          { kind: "text", text: "" },
          { kind: "error", text: "#N/A" },
        ],
      },
      {
        row: 4,
        hidden: true,
        cells: [
          { kind: "number", value: 32874, format: "date", date1904: true },
          { kind: "number", value: 612345678, format: "text", date1904: true },
          { kind: "number", value: 1.2345678901234567e19, format: "scientific", date1904: true },
          { kind: "number", value: -0.5, format: "general", date1904: true },
          { kind: "boolean", value: true },
          { kind: "boolean", value: false },
        ],
      },
      { row: 9, hidden: false, cells: [] },
      {
        row: 10,
        hidden: false,
        cells: [
          { kind: "error", text: "", uncomputed: true },
          { kind: "text", text: "C-1", formula: true },
          { kind: "number", value: 0, format: "general", date1904: true, formula: true },
          { kind: "number", value: 42, format: "general", date1904: true, display: "00042" },
          { kind: "boolean", value: true, formula: true },
        ],
      },
    ];
    rows[0]!.cells[30] = { kind: "text", text: "a\u0000b ünïcødé 😀" };
    const decoded = decodeBatch(structuredClone(encodeBatch(rows)), true);
    expect(decoded).toEqual(rows);
    expect(1 in decoded[0]!.cells).toBe(false);
    expect(decoded[0]!.cells).toHaveLength(31);
  });

  it("moves its numbers as typed arrays", () => {
    const batch = encodeBatch([
      { row: 2, hidden: false, cells: [{ kind: "number", value: 1, format: "general", date1904: false }] },
    ]);
    expect(transferablesOf(batch)).toHaveLength(4);
    expect(decodeBatch(batch, false)[0]!.cells[0]).toEqual({
      kind: "number",
      value: 1,
      format: "general",
      date1904: false,
    });
  });
});
