import type { ExecuteProgress } from "../pipeline/execute.js";
import type { Report } from "../report/report.js";

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const colours: Record<string, number> = { valid: 32, planned: 32, done: 32, unchanged: 36, invalid: 31, duplicate: 33, dropout: 35, failed: 31 };

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export const useColour = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean =>
  Boolean(stream.isTTY) && !("NO_COLOR" in env && env.NO_COLOR !== "") && env.TERM !== "dumb";

/** The short summary on the terminal: counts per status, notes, and where the reports are. */
export function renderTerminalSummary(report: Report, outDir: string, colour: boolean): string {
  const paint = (status: string, text: string) => (colour && colours[status] ? `\u001b[${colours[status]}m${text}\u001b[0m` : text);
  const lines = [`mdimport ${report.mode} · ${report.script} · ${report.input.rows} rows · sheet "${report.input.sheet}"`];
  if (report.platform) lines.push(`  platform: ${report.platform}`);
  for (const [status, count] of Object.entries(report.summary)) {
    lines.push(`  ${paint(count > 0 ? status : "", status.padEnd(10))} ${String(count).padStart(7)}`);
  }
  if (report.notes.bsn_padded > 0) lines.push(`  note: ${report.notes.bsn_padded} BSNs were padded with leading zeros`);
  if (report.notes.hidden_rows > 0) lines.push(`  note: ${report.notes.hidden_rows} hidden rows were read`);
  for (const warning of report.warnings) {
    if (warning.code === "unknown_column") lines.push(`  warning: column ${warning.column} is not a column of ${report.script}; ignored`);
    if (warning.code === "ignored_column")
      lines.push(`  warning: column ${warning.column} (${warning.field}) is ignored: the platform has no such field`);
    if (warning.code === "macros") lines.push("  warning: the workbook holds macros; they were not run");
    if (warning.code === "other_sheets") lines.push(`  note: the workbook has ${warning.sheets} sheets; "${warning.sheet}" was read`);
  }
  lines.push(`reports: ${outDir}`);
  return `${lines.join("\n")}\n`;
}

export interface Progress {
  update(rows: number): void;
  /** Clears the progress line, if one was shown. */
  end(): void;
}

/** Progress for long files, on stderr, only on a terminal and not in CI; at most a few times a second. */
export function progressReporter(streams: Streams, env: NodeJS.ProcessEnv, now: () => number = Date.now): Progress | undefined {
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
export function runProgressReporter(streams: Streams, env: NodeJS.ProcessEnv, now: () => number = Date.now): RunProgress | undefined {
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
