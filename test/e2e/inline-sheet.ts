import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildXlsx, sheetXml } from "../support/xlsx.js";

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const letter = (index: number) => String.fromCharCode(65 + index);
const row = (n: number, texts: readonly string[]) =>
  `<row r="${n}">${texts
    .map((t, i) => (t === "" ? "" : `<c r="${letter(i)}${n}" t="inlineStr"><is><t>${escapeXml(t)}</t></is></c>`))
    .join("")}</row>`;

/** Writes a one-sheet workbook of inline strings (first row first) to dir/name, and returns its path. */
export function writeSheet(dir: string, name: string, rows: readonly (readonly string[])[], sheet = "Blad1"): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    buildXlsx({ sheets: [{ name: escapeXml(sheet), xml: sheetXml(rows.map((r, i) => row(i + 1, r)).join("")) }] }),
  );
  return path;
}
