import type { ExecuteProgress } from "../pipeline/execute.js";
import { isNote } from "../pipeline/warnings.js";
import { renderJsonOutcomes, type FileOutcome } from "../report/json.js";
import { renderJunit } from "../report/junit.js";
import { type Mode, type Report, sheetAsReport } from "../report/report.js";
import { printable } from "../shared/printable.js";

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const colours: Record<string, number> = {
  valid: 32,
  planned: 32,
  done: 32,
  unchanged: 36,
  invalid: 31,
  duplicate: 33,
  dropout: 35,
  failed: 31,
};

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export const useColour = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean =>
  Boolean(stream.isTTY) && !("NO_COLOR" in env && env.NO_COLOR !== "") && env.TERM !== "dumb";

/**
 * A warning that lists rows (padded BSNs, hidden rows, American dates) can name thousands of
 * them; the terminal shows the start, and the reports keep the whole list.
 */
const maxWarningLength = 400;
const shorten = (message: string) =>
  message.length <= maxWarningLength ? message : `${message.slice(0, maxWarningLength)}… (see report.json)`;

/**
 * The short summary on the terminal: counts per status, the sheet's warnings, and where the
 * reports are. Warnings are the report's own messages, in the requester's language, so that
 * every warning the report holds is shown and none is worded twice. Every value that comes
 * from the sheet or the command line goes through `printable`: a sheet name must not be able
 * to drive the terminal.
 */
export function renderTerminalSummary(report: Report, outDir: string | null, colour: boolean): string {
  if (report.sheets) return renderWorkbookSummary(report, outDir, colour);
  const paint = (status: string, text: string) =>
    colour && colours[status] ? `\u001b[${colours[status]}m${text}\u001b[0m` : text;
  const lines = [
    `mdimport ${report.mode} · ${report.script} · ${report.input.rows} rows · sheet "${printable(report.input.sheet)}"`,
  ];
  if (report.platform) lines.push(`  platform: ${printable(report.platform)}`);
  for (const [status, count] of Object.entries(report.summary)) {
    lines.push(`  ${paint(count > 0 ? status : "", status.padEnd(10))} ${String(count).padStart(7)}`);
  }
  for (const warning of report.warnings)
    lines.push(`  ${isNote(warning.code) ? "note" : "warning"}: ${printable(shorten(warning.message))}`);
  lines.push(outDir === null ? "reports: none written" : `reports: ${printable(outDir)}`);
  return `${lines.join("\n")}\n`;
}

/** A workbook of several sheets (--all-sheets): each sheet's summary, then the totals and where the reports are. */
function renderWorkbookSummary(report: Report, outDir: string | null, colour: boolean): string {
  const parts = (report.sheets ?? []).map((sheet) =>
    renderTerminalSummary(sheetAsReport(report, sheet), null, colour).replace(/reports: none written\n$/, ""),
  );
  const lines = [`mdimport ${report.mode} · ${report.sheets?.length ?? 0} sheets · ${report.input.rows} rows in all`];
  for (const [status, count] of Object.entries(report.summary))
    lines.push(`  ${status.padEnd(10)} ${String(count).padStart(7)}`);
  for (const warning of report.warnings) lines.push(`  note: ${printable(shorten(warning.message))}`);
  lines.push(outDir === null ? "reports: none written" : `reports: ${printable(outDir)}`);
  return `${parts.join("")}${lines.join("\n")}\n`;
}

/** What a sheet command prints on stdout: a summary for people, or one document for machines. */
export const formats = ["text", "json", "junit"] as const;
export type Format = (typeof formats)[number];

/** What goes to stdout once every file is done: the machine document, or for several files in the text format the closing line. */
export function renderOutcomes(outcomes: readonly FileOutcome[], mode: Mode, format: Format, many: boolean): string {
  if (format === "json") return renderJsonOutcomes(outcomes);
  if (format === "junit") return renderJunit(outcomes, mode);
  return many ? renderFilesSummary(outcomes) : "";
}

/** The closing line of several files in the text format: how many were clean, had rows to look at, or could not be read. */
export function renderFilesSummary(outcomes: readonly { exitCode: number; report?: unknown }[]): string {
  const clean = outcomes.filter((o) => o.report && o.exitCode === 0).length;
  const rows = outcomes.filter((o) => o.report && o.exitCode !== 0).length;
  const unread = outcomes.length - clean - rows;
  const worst = Math.max(0, ...outcomes.map((o) => o.exitCode));
  const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`;
  return `${files(outcomes.length)}: ${clean} clean, ${rows} with rows to look at, ${unread} not read (exit code ${worst})\n`;
}

export interface Progress {
  update(rows: number): void;
  /** Clears the progress line, if one was shown. */
  end(): void;
}

/** Progress for long files, on stderr, only on a terminal and not in CI; at most a few times a second. */
export function progressReporter(
  streams: Streams,
  env: NodeJS.ProcessEnv,
  now: () => number = Date.now,
): Progress | undefined {
  if (!streams.stderr.isTTY || env.CI) return undefined;
  const started = now();
  let shown = 0;
  return {
    update(rows) {
      const time = now();
      // Short files finish before the first line would be worth showing.
      if (time - shown < 250 || time - started < 500) return;
      shown = time;
      streams.stderr.write(`\rread ${rows} rows…`);
    },
    end() {
      if (shown > 0) streams.stderr.write("\r\u001b[K");
    },
  };
}

export interface RunProgress {
  update(progress: ExecuteProgress): void;
  end(): void;
}

/** "12m 5s", "45s": a duration for the ETA. */
const duration = (ms: number) => {
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m ${seconds % 60}s` : `${seconds}s`;
};

/**
 * Progress while `run` writes to the platform: rows tried of the total, failures, and an ETA
 * from the pace so far. On stderr, only on a terminal and not in CI, at most four times a second.
 */
export function runProgressReporter(
  streams: Streams,
  env: NodeJS.ProcessEnv,
  now: () => number = Date.now,
): RunProgress | undefined {
  if (!streams.stderr.isTTY || env.CI) return undefined;
  const started = now();
  let shown = 0;
  return {
    update({ tried, total, failures }) {
      const time = now();
      if (time - shown < 250 && tried < total) return;
      shown = time;
      const left = tried > 0 ? ((time - started) / tried) * (total - tried) : 0;
      const eta = tried < total && tried > 0 ? `, about ${duration(left)} left` : "";
      streams.stderr.write(`\r\u001b[Kcarried out ${tried}/${total} rows, ${failures} failed${eta}`);
    },
    end() {
      if (shown > 0) streams.stderr.write("\r\u001b[K");
      shown = 0;
    },
  };
}
