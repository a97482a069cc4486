// Every warning code through every renderer (terminal, summary.md, report.xlsx): across the layers, so beside the e2e tests, not in src/pipeline.
import { join } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/cli.js";
import { renderTerminalSummary } from "../../src/cli/terminal.js";
import { catalogues, renderWarning } from "../../src/report/messages/index.js";
import type { Report } from "../../src/report/report.js";
import { renderSummaryMd } from "../../src/report/summary-md.js";
import { writeXlsxReport } from "../../src/report/xlsx.js";
import { langs, type Lang } from "../../src/scripts/script.js";
import { ReviewStore, RowTextStore } from "../../src/pipeline/row-store.js";
import {
  isNote,
  type Warning,
  type WarningFieldKind,
  warningCodeList,
  warningFieldKinds,
  warningFields,
} from "../../src/pipeline/warnings.js";

/** A value of each kind of field, as a sheet would give it. */
const samples: Record<WarningFieldKind, string | number | number[]> = {
  column: "F",
  rows: [2, 3, 7],
  row: 1,
  count: 3,
  ranges: "C2:C3",
  field: "email",
  sheet: "Blad1",
  sheets: '"Blad2"',
  header: "Opmerking-kop",
};

const sample = (code: Warning["code"]): Warning =>
  Object.fromEntries([["code", code], ...warningFields(code).map(([key, kind]) => [key, samples[kind]])]) as Warning;

const reportOf = (lang: Lang): Report => ({
  format: "mdimport-report/1",
  mode: "validate",
  script: "new-clients",
  lang,
  created: "2026-12-01T00:00:00.000Z",
  input: { sha256: "a".repeat(64), rows: 0, sheet: "Blad1", sheet_position: 1, header_row: 1, columns: { A: "email" } },
  platform: null,
  platform_id: null,
  config: null,
  summary: { valid: 0, invalid: 0, duplicate: 0 },
  notes: { bsn_padded: 0, hidden_rows: 0 },
  warnings: warningCodeList.map((code) => ({ ...sample(code), message: renderWarning(sample(code), lang) })),
  rows: [],
});

/** What each renderer shows of a report holding every warning, per language. */
const shown = new Map<Lang, { terminal: string; summaryMd: string; xlsxNotes: string[] }>();

beforeAll(async () => {
  for (const lang of langs) {
    const report = reportOf(lang);
    const dir = tempDir("mdimport-warnings-");
    const texts = new RowTextStore();
    texts.add(["E-mail"]);
    await writeXlsxReport(dir, report, {
      texts,
      review: new ReviewStore(),
      headerMap: { columns: new Map(), headers: ["E-mail"], unknown: [], row: 1 },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(dir, "report.xlsx"));
    const summary = workbook.getWorksheet(catalogues[lang].labels.summary) as ExcelJS.Worksheet;
    const xlsxNotes: string[] = [];
    summary.eachRow((row) => xlsxNotes.push(row.getCell(2).text));
    shown.set(lang, {
      terminal: renderTerminalSummary(report, dir, false),
      summaryMd: renderSummaryMd(report),
      xlsxNotes,
    });
  }
});

describe("every warning code of the table", () => {
  const cases = warningCodeList.flatMap((code) => langs.map((lang) => [code, lang] as const));

  it.each(cases)("%s has a message in %s that fills every placeholder from the table's fields", (code, lang) => {
    const template = catalogues[lang].warnings[code];
    expect(template.trim()).not.toBe("");
    const placeholders = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    expect(placeholders.every((key) => warningFields(code).some(([field]) => field === key))).toBe(true);
    expect(renderWarning(sample(code), lang)).not.toMatch(/\{\w+\}/);
  });

  it.each(cases)("%s renders on the terminal, in summary.md and in report.xlsx's summary (%s)", (code, lang) => {
    const message = renderWarning(sample(code), lang);
    const { terminal, summaryMd, xlsxNotes } = shown.get(lang)!;
    expect(terminal).toContain(`  ${isNote(code) ? "note" : "warning"}: ${message}\n`);
    expect(xlsxNotes).toContain(message);
    const quotesHeader = warningFields(code).some(([, kind]) => kind === "header");
    // summary.md holds no text of the sheet but its name: a header is left out, the code and column said instead.
    expect(summaryMd).toContain(quotesHeader ? `- ${code}: ${String(samples.column)}\n` : `- ${message}\n`);
  });

  it("no field holds personal data, and summary.md holds no header text", () => {
    expect(Object.values(warningFieldKinds).every((kind) => !kind.personal)).toBe(true);
    for (const lang of langs) expect(shown.get(lang)?.summaryMd).not.toContain(samples.header);
  });
});
