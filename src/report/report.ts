import type { Analysis, RowResult, Status, Warning } from "../pipeline/analyse.js";
import type { Reason } from "../scripts/reasons.js";
import type { Lang, ScriptDef, ScriptName } from "../scripts/script.js";
import { renderReason, renderWarning } from "./messages/index.js";

export type Mode = "validate" | "test-run" | "run";

/** The statuses each mode can give, in the order reports list them. */
export const modeStatuses: Record<Mode, readonly Status[]> = {
  validate: ["valid", "invalid", "duplicate"],
  "test-run": ["planned", "unchanged", "invalid", "duplicate", "dropout"],
  run: ["done", "unchanged", "invalid", "duplicate", "dropout", "failed"],
};

/** Statuses that make a command end with exit code 1. */
export const problemStatuses: ReadonlySet<Status> = new Set(["invalid", "duplicate", "dropout", "failed"]);

export interface ReportReason extends Reason {
  message: string;
}

export interface ReportRow extends Omit<RowResult, "reasons"> {
  reasons: ReportReason[];
}

/** The one report of a command; json, xlsx, summary.md and the terminal only render it. */
export interface Report {
  format: "mdimport-report/1";
  mode: Mode;
  script: ScriptName;
  lang: Lang;
  created: string;
  input: { sha256: string; rows: number; sheet: string; header_row: number };
  platform: string | null;
  summary: Record<string, number>;
  notes: { bsn_padded: number; hidden_rows: number };
  warnings: (Warning & { message: string })[];
  /** For `run`: what the organisation said of welcome e-mails, and whether the run stopped early. */
  run?: { welcome_mail: "yes" | "no" | null; stopped: "max_failures" | null; failures: number };
  rows: ReportRow[];
}

export interface BuildReportOptions {
  mode: Mode;
  script: ScriptDef;
  lang: Lang;
  now: Date;
  sha256: string;
  sheet: string;
  platform: string | null;
}

export function buildReport(analysis: Analysis, options: BuildReportOptions): Report {
  const { script, lang } = options;
  const summary: Record<string, number> = Object.fromEntries(modeStatuses[options.mode].map((s) => [s, 0]));
  for (const result of analysis.results) summary[result.status] = (summary[result.status] ?? 0) + 1;
  const countRows = (code: Warning["code"]) => analysis.warnings.reduce((n, w) => n + (w.code === code && "rows" in w ? w.rows.length : 0), 0);
  return {
    format: "mdimport-report/1",
    mode: options.mode,
    script: script.name,
    lang,
    created: options.now.toISOString(),
    input: { sha256: options.sha256, rows: analysis.results.length, sheet: options.sheet, header_row: analysis.headerMap.row },
    platform: options.platform,
    summary,
    notes: { bsn_padded: countRows("bsn_padded"), hidden_rows: countRows("hidden_rows") },
    warnings: analysis.warnings.map((w) => ({ ...w, message: renderWarning(w, lang) })),
    // A row without reasons is the same object in the report: nothing to add to it.
    rows: analysis.results.map((result) =>
      result.reasons.length === 0
        ? (result as ReportRow)
        : { ...result, reasons: result.reasons.map((reason) => ({ ...reason, message: renderReason(reason, script, lang) })) },
    ),
  };
}

/** Whether every row went as asked: exit code 0 rather than 1. */
export const reportIsClean = (report: Report): boolean => report.rows.every((row) => !problemStatuses.has(row.status));
