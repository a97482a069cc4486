import type { Cell } from "../../src/input/cells.js";

/** Builders for cells as the reader gives them. */
export const text = (t: string): Cell => ({ kind: "text", text: t });
export const num = (
  value: number,
  format: "general" | "date" | "text" | "scientific" = "general",
  date1904 = false,
): Cell => ({
  kind: "number",
  value,
  format,
  date1904,
});
