import { jsonReport, type FileOutcome } from "./json.js";
import { problemStatuses, type Mode, type Report, type ReportReason, type ReportRow, sheetAsReport } from "./report.js";

/**
 * Text for an XML attribute or element: the five markup characters as entities, in an
 * attribute also line breaks and tabs as character references (so that it keeps them), and what XML 1.0 cannot hold
 * at all (control characters, lone surrogates, U+FFFE/U+FFFF) as U+FFFD.
 */
export function escapeXml(text: string, inAttribute = true): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const char = text[i] ?? "";
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += char + (text[++i] ?? "");
    } else if (
      (code < 0x20 && code !== 9 && code !== 10 && code !== 13) ||
      (code >= 0xd800 && code <= 0xdfff) ||
      code >= 0xfffe
    ) {
      out += "\ufffd";
    } else {
      out += inAttribute || code >= 0x20 ? (entities[char] ?? char) : char;
    }
  }
  return out;
}

const entities: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\n": "&#10;",
  "\r": "&#13;",
  "\t": "&#9;",
};

const attributes = (values: Record<string, string | number>) =>
  Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join("");

/** A reason as a CI log shows it: its code and what it is about (a field, the row it repeats, the HTTP status); never a value. */
const reasonLabel = (reason: ReportReason) => {
  const about = [
    reason.field,
    reason.ref === undefined
      ? undefined
      : typeof reason.ref === "object"
        ? `ref sheet ${reason.ref.sheet} row ${reason.ref.row}`
        : `ref row ${reason.ref}`,
    reason.http_status === undefined ? undefined : `HTTP ${reason.http_status}`,
  ].filter((part) => part !== undefined);
  return about.length === 0 ? reason.code : `${reason.code} (${about.join(", ")})`;
};

/**
 * One test case: a row that is not as asked fails, with its row, status and reason codes as the
 * message and the report's messages (in --lang) as the text. The messages hold field names,
 * row numbers and Excel error values, never a cell's value (src/report/messages); the platform's
 * own words are left out, as in report.json.
 */
function rowCase(row: ReportRow, classname: string): string {
  const open = `    <testcase${attributes({ name: `row ${row.row}`, classname })}`;
  if (!problemStatuses.has(row.status)) return `${open}/>`;
  const message = `row ${row.row}: ${row.status}: ${row.reasons.map(reasonLabel).join(", ") || row.status}`;
  const text = [message, ...row.reasons.map((reason) => `${reason.code}: ${reason.message}`)].join("\n");
  return `${open}>\n      <failure${attributes({ message, type: row.status })}>${escapeXml(text, false)}</failure>\n    </testcase>`;
}

/** The kind of error an exit code stands for, as a failure type. */
const errorTypes: Record<number, string> = {
  2: "usage_error",
  3: "input_error",
  4: "platform_error",
  5: "approval_error",
};

interface Suite {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
}

function suiteOf(outcome: FileOutcome, name = outcome.file): Suite {
  const head = (tests: number, failures: number, errors: number, body: string[]) => ({
    xml: `  <testsuite${attributes({ name, tests, failures, errors, skipped: 0 })}>\n${body.join("\n")}\n  </testsuite>`,
    tests,
    failures,
    errors,
  });
  if (!outcome.report) {
    const message = outcome.error ?? `exit code ${outcome.exitCode}`;
    const type = errorTypes[outcome.exitCode] ?? "error";
    return head(1, 0, 1, [
      `    <testcase${attributes({ name: "file", classname: outcome.file })}>\n      <error${attributes({ message, type })}/>\n    </testcase>`,
    ]);
  }
  const report = jsonReport(outcome.report) as Report;
  const classname = `${outcome.file}/${report.input.sheet}`;
  const properties = `    <properties>\n${Object.entries({
    mode: report.mode,
    script: report.script ?? "",
    sheet: report.input.sheet,
    header_row: report.input.header_row,
  })
    .map(([name, value]) => `      <property${attributes({ name, value })}/>`)
    .join("\n")}\n    </properties>`;
  const cases = report.rows.map((row) => rowCase(row, classname));
  let failures = report.rows.filter((row) => problemStatuses.has(row.status)).length;
  // A header without data rows is exit code 1: it must not look green in CI either.
  const empty = report.warnings.find((w) => w.code === "no_data_rows");
  if (empty) {
    const message = `no_data_rows: ${empty.message}`;
    cases.push(
      `    <testcase${attributes({ name: "sheet", classname })}>\n      <failure${attributes({ message, type: "no_data_rows" })}/>\n    </testcase>`,
    );
    failures++;
  }
  return head(cases.length, failures, 0, [properties, ...cases]);
}

/** `--format junit`: JUnit XML, a test suite per file in one <testsuites>, a test case per row. */
export function renderJunit(outcomes: readonly FileOutcome[], mode: Mode): string {
  // A workbook of several sheets (--all-sheets) is a test suite per sheet.
  const suites = outcomes.flatMap((outcome) =>
    outcome.report?.sheets
      ? outcome.report.sheets.map((sheet) =>
          suiteOf(
            { ...outcome, report: sheetAsReport(outcome.report as Report, sheet) },
            `${outcome.file}/${sheet.name}`,
          ),
        )
      : [suiteOf(outcome)],
  );
  const total = (key: "tests" | "failures" | "errors") => suites.reduce((n, suite) => n + suite[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: `mdimport ${mode}`, tests: total("tests"), failures: total("failures"), errors: total("errors") })}>`,
    ...suites.map((suite) => suite.xml),
    "</testsuites>",
    "",
  ].join("\n");
}
