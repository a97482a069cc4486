import { warningFields } from "../pipeline/warnings.js";
import { writeOutFile } from "../shared/out-dir.js";
import { printable } from "../shared/printable.js";
import { catalogues, compactRows, renderWarning } from "./messages/index.js";
import { type Report, sheetAsReport } from "./report.js";

/**
 * summary.md: counts, row numbers and reason codes only, so it can be pasted into a ticket
 * or an e-mail. It holds no value from the sheet but the sheet's name (and a warning's words
 * about it), and those go through `printable`: the file is meant to be read, also with `cat`.
 */
export function renderSummaryMd(report: Report): string {
  if (report.sheets) return renderWorkbookSummaryMd(report);
  const words = catalogues[report.lang];
  const lines = [
    `# mdimport ${words.modes[report.mode]}: ${report.script}`,
    "",
    `- ${words.labels.created}: ${report.created}`,
    `- ${words.labels.file}: \`${report.input.sha256}\``,
    `- ${words.labels.sheet}: ${printable(report.input.sheet)}`,
    `- ${words.labels.rows}: ${report.input.rows}`,
  ];
  if (report.platform) lines.push(`- ${words.labels.platform}: ${printable(report.platform)}`);
  lines.push("", `| ${words.labels.status} | ${words.labels.count} |`, "| --- | ---: |");
  for (const [status, count] of Object.entries(report.summary)) {
    const word = words.statuses[status as keyof typeof words.statuses] ?? status;
    lines.push(`| ${word === status ? status : `${status} (${word})`} | ${count} |`);
  }
  const byCode = new Map<string, number[]>();
  for (const row of report.rows) {
    for (const code of new Set(row.reasons.map((r) => (r.field ? `${r.code} (${r.field})` : r.code)))) {
      const rows = byCode.get(code) ?? [];
      rows.push(row.row);
      byCode.set(code, rows);
    }
  }
  if (byCode.size > 0) {
    lines.push("", `| ${words.labels.reason} | ${words.labels.count} | ${words.labels.rows} |`, "| --- | ---: | --- |");
    for (const [code, rows] of [...byCode].sort((a, b) => a[0].localeCompare(b[0]))) {
      // The first 20 ranges, then how many more: the file stays a few KB, whatever the sheet.
      lines.push(`| ${code} | ${rows.length} | ${compactRows(rows, { ranges: 20, lang: report.lang })} |`);
    }
  }
  if (report.warnings.length > 0) {
    lines.push("", `## ${words.labels.notes}`, "");
    for (const warning of report.warnings) {
      lines.push(`- ${printable(summaryWarning(warning, report))}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A workbook of several sheets (--all-sheets): the file and the totals, then each sheet as a summary of its own. */
function renderWorkbookSummaryMd(report: Report): string {
  const words = catalogues[report.lang];
  const lines = [
    `# mdimport ${words.modes[report.mode]}: ${(report.sheets ?? []).map((s) => s.script).join(", ")}`,
    "",
    `- ${words.labels.created}: ${report.created}`,
    `- ${words.labels.file}: \`${report.input.sha256}\``,
    `- ${words.labels.rows}: ${report.input.rows}`,
  ];
  if (report.platform) lines.push(`- ${words.labels.platform}: ${printable(report.platform)}`);
  lines.push("", `| ${words.labels.status} | ${words.labels.count} |`, "| --- | ---: |");
  for (const [status, count] of Object.entries(report.summary)) lines.push(`| ${status} | ${count} |`);
  for (const warning of report.warnings) lines.push("", `- ${printable(warning.message)}`);
  for (const sheet of report.sheets ?? []) {
    const one = renderSummaryMd(sheetAsReport(report, sheet))
      .replace(/^## /gm, "### ")
      .replace(/^# .*\n/, `## ${words.labels.sheet} ${printable(sheet.name)}: ${sheet.script}\n`);
    lines.push("", one.trimEnd());
  }
  return `${lines.join("\n")}\n`;
}

/**
 * A warning as summary.md says it: its message, or where the message would quote a header of
 * the sheet (pipeline/warnings.ts: a `header` field), its code and the rest of its fields.
 */
function summaryWarning(warning: Report["warnings"][number], report: Report): string {
  const fields = warningFields(warning.code);
  if (!fields.some(([, kind]) => kind === "header")) return capped(warning, report);
  const given = warning as unknown as Record<string, unknown>;
  const rest = fields.filter(([, kind]) => kind !== "header").map(([key]) => String(given[key]));
  return `${warning.code}: ${rest.join(", ")}`;
}

/** A warning's message, with its list of rows capped as the reasons' are. */
function capped(warning: Report["warnings"][number], report: Report): string {
  if (!("rows" in warning) || warning.rows.length <= 40) return warning.message;
  return renderWarning(warning, report.lang, { ranges: 20, lang: report.lang });
}

export function writeSummaryMd(dir: string, report: Report): void {
  writeOutFile(dir, "summary.md", renderSummaryMd(report));
}
