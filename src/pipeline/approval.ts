import { createHash } from "node:crypto";
import { readFileSync, realpathSync } from "node:fs";
import { basename, dirname } from "node:path";
import { z } from "zod";
import { ApprovalError } from "../shared/errors.js";
import { scriptNames, type ScriptName } from "../scripts/script.js";
import { platformConfigSchema, type PlatformConfig } from "../platform/config.js";

const approvedRow = z.object({
  row: z.number().int().positive(),
  status: z.enum(["planned", "unchanged", "invalid", "duplicate", "dropout"]),
  action: z.enum(["create", "update", "link", "none"]),
  /** For an update: the fields the requester saw it change. */
  changes: z.array(z.string()).optional(),
});

/**
 * The parts of a test run's report.json that a run is held to: everything that decides what
 * the rows mean (the workbook, the script, the sheet, the header row and column mapping, the
 * platform and its configuration) and each row's approved outcome.
 */
const approvalSchema = z.object({
  script: z.enum(scriptNames),
  input: z.object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    sheet: z.string(),
    sheet_position: z.number().int().positive(),
    header_row: z.number().int().positive(),
    columns: z.record(z.string(), z.string()),
  }),
  platform: z.string(),
  platform_id: z.string().min(1),
  config: platformConfigSchema,
  rows: z.array(approvedRow),
});

/**
 * A test run of a workbook of several sheets (--all-sheets): `script` null, one sha256 of the
 * file, and every sheet's name, position, script, header row, column mapping and rows.
 */
const workbookApprovalSchema = z.object({
  script: z.null(),
  input: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  sheets: z
    .array(
      z.object({
        name: z.string(),
        position: z.number().int().positive(),
        script: z.enum(scriptNames),
        header_row: z.number().int().positive(),
        columns: z.record(z.string(), z.string()),
        rows: z.array(approvedRow),
      }),
    )
    .min(1),
  platform: z.string(),
  platform_id: z.string().min(1),
  config: platformConfigSchema,
});

export type ApprovedRow = z.infer<typeof approvedRow>;

/** One sheet of an approved workbook test run. */
export interface ApprovedSheet {
  name: string;
  position: number;
  script: ScriptName;
  headerRow: number;
  columns: Record<string, string>;
  rows: Map<number, ApprovedRow>;
}

/** An approved test run of a workbook of several sheets (--all-sheets): what `run --all-sheets` is held to. */
export interface WorkbookApproval {
  name: string;
  folder: string;
  digest: string;
  script: null;
  sha256: string;
  /** In workbook order. */
  sheets: ApprovedSheet[];
  platform: string;
  platformId: string;
  config: PlatformConfig;
}

export interface Approval {
  /** The file's name, for messages. */
  name: string;
  /** The real folder the approval lies in: a run never writes there. */
  folder: string;
  /** The sha256 of the approval file's bytes: what the run's journal and default folder are tied to. */
  digest: string;
  script: ScriptName;
  sha256: string;
  sheet: { name: string; position: number };
  headerRow: number;
  columns: Record<string, string>;
  platform: string;
  platformId: string;
  config: PlatformConfig;
  rows: Map<number, ApprovedRow>;
  sheets?: undefined;
}

/** Reads an approved test run's report.json of one sheet; a workbook's (--all-sheets) or anything else is refused with exit code 5. */
export function readApproval(path: string): Approval {
  const approval = readAnyApproval(path);
  if (approval.sheets) {
    throw new ApprovalError(
      `The approval ${approval.name} is the test run of a workbook of several sheets (--all-sheets), not of one sheet; run it with --all-sheets.`,
    );
  }
  return approval;
}

/** Reads an approved test run's report.json of a workbook (--all-sheets); one sheet's is refused with exit code 5. */
export function readWorkbookApproval(path: string): WorkbookApproval {
  const approval = readAnyApproval(path);
  if (!approval.sheets) {
    throw new ApprovalError(
      `The approval ${approval.name} is the test run of one sheet (script ${approval.script}), not of a workbook; run --all-sheets needs the approval of a test run with --all-sheets.`,
    );
  }
  return approval;
}

/** Reads an approved test run's report.json, of one sheet or of a workbook; anything else is refused with exit code 5. */
export function readAnyApproval(path: string): Approval | WorkbookApproval {
  const name = basename(path);
  let bytes: Buffer;
  let folder: string;
  try {
    bytes = readFileSync(path);
    folder = dirname(realpathSync(path));
  } catch (error) {
    throw new ApprovalError(
      `The approval ${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}): give the report.json of the approved test run.`,
      {
        cause: error,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    // Not the parser's words: they quote the file, which may be a sheet of personal data given by mistake.
    throw new ApprovalError(
      `The approval ${name} cannot be read as JSON; give the report.json of the approved test run.`,
      { cause: error },
    );
  }
  const head = (json ?? {}) as { format?: unknown; mode?: unknown };
  if (head.format !== "mdimport-report/1") {
    throw new ApprovalError(
      `The approval ${name} is not an mdimport report of format mdimport-report/1; give the report.json of the approved test run.`,
    );
  }
  if (head.mode !== "test-run") {
    throw new ApprovalError(
      `The approval ${name} is the report of a ${typeof head.mode === "string" ? head.mode : "command"}, not of a test run (it is not the report.json of a test run); give the report.json of the approved test run.`,
    );
  }
  const digest = createHash("sha256").update(bytes).digest("hex");
  if ((json as { script?: unknown }).script === null) {
    const workbook = workbookApprovalSchema.safeParse(json);
    if (!workbook.success) {
      const field = workbook.error.issues[0]?.path.join(".") || "format";
      throw new ApprovalError(
        `The approval ${name} is not the report.json of a test run of this version (${field} is missing or does not fit); make the test run again and have it approved.`,
      );
    }
    const { input, sheets, platform, platform_id, config } = workbook.data;
    return {
      name,
      folder,
      digest,
      script: null,
      sha256: input.sha256,
      sheets: sheets.map((sheet) => ({
        name: sheet.name,
        position: sheet.position,
        script: sheet.script,
        headerRow: sheet.header_row,
        columns: sheet.columns,
        rows: new Map(sheet.rows.map((r) => [r.row, r])),
      })),
      platform,
      platformId: platform_id,
      config,
    };
  }
  const parsed = approvalSchema.safeParse(json);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") || "format";
    throw new ApprovalError(
      `The approval ${name} is not the report.json of a test run of this version (${field} is missing or does not fit); make the test run again and have it approved.`,
    );
  }
  const { script, input, platform, platform_id, config, rows } = parsed.data;
  return {
    name,
    folder,
    digest,
    script,
    sha256: input.sha256,
    sheet: { name: input.sheet, position: input.sheet_position },
    headerRow: input.header_row,
    columns: input.columns,
    platform,
    platformId: platform_id,
    config,
    rows: new Map(rows.map((r) => [r.row, r])),
  };
}

/** Refuses a run whose input or script is not the one the test run was approved for (before anything is opened). */
export function checkApprovedInput(approval: Approval, actual: { script: ScriptName; sha256: string }): void {
  if (approval.script !== actual.script) {
    throw new ApprovalError(
      `The approved test run was for the script ${approval.script}, not ${actual.script}; run exactly what was approved.`,
    );
  }
  if (approval.sha256 !== actual.sha256) {
    throw new ApprovalError(
      "The input is not the workbook the test run was approved for (its sha256 differs); run exactly what was approved.",
    );
  }
}

/** Refuses a run against another platform than the approved one: compared by identity, not by how it was named. */
export function checkApprovedPlatform(
  approval: Pick<Approval, "platform" | "platformId">,
  platform: { name: string; id: string },
): void {
  if (approval.platformId !== platform.id) {
    throw new ApprovalError(
      `The approved test run was against ${approval.platform} (platform ID ${approval.platformId}), not ${platform.name} (platform ID ${platform.id}); run against the approved platform.`,
    );
  }
}

/** What a run read, to hold against the approval: the sheet, its header row and mapping, the configuration. */
export interface SheetRead {
  sheet: { name: string; position: number };
  headerRow: number;
  columns: Record<string, string>;
  config: PlatformConfig;
}

/** Refuses a run that read another sheet, header row or column mapping, or checked against another configuration. */
export function checkApprovedSheet(
  approval: Pick<Approval, "sheet" | "headerRow" | "columns" | "config">,
  actual: SheetRead,
): void {
  const quote = (sheet: { name: string; position: number }) => `"${sheet.name}" (sheet ${sheet.position})`;
  if (approval.sheet.name !== actual.sheet.name || approval.sheet.position !== actual.sheet.position) {
    throw new ApprovalError(
      `The approved test run read the sheet ${quote(approval.sheet)}, and this run reads ${quote(actual.sheet)}; give the same --sheet as the test run.`,
    );
  }
  if (approval.headerRow !== actual.headerRow) {
    throw new ApprovalError(
      `The approved test run found the header in row ${approval.headerRow}, and this run in row ${actual.headerRow}; run exactly what was approved.`,
    );
  }
  const columns = (mapping: Record<string, string>) =>
    Object.entries(mapping)
      .map(([letter, field]) => `${letter}=${field}`)
      .join(", ");
  if (columns(approval.columns) !== columns(actual.columns)) {
    throw new ApprovalError(
      `The columns are not mapped as in the approved test run (approved: ${columns(approval.columns)}; now: ${columns(actual.columns)}); run exactly what was approved.`,
    );
  }
  if (canonical(approval.config) !== canonical(actual.config)) {
    throw new ApprovalError(
      `The platform's configuration differs from the approved test run's (approved: ${canonical(approval.config)}; now: ${canonical(actual.config)}); make the test run again.`,
    );
  }
}

/** A sheet of the workbook as a run found it: its name, position, script and header row. */
export interface FoundSheet {
  name: string;
  position: number;
  script: ScriptName;
  headerRow: number;
}

/**
 * Refuses a run of a workbook whose sheets are not those of the approved test run: a sheet
 * added, removed, renamed or moved, read as another script or with its header in another row.
 * Checked before anything is written.
 */
export function checkApprovedSheets(approval: WorkbookApproval, found: readonly FoundSheet[]): void {
  const quote = (sheet: { name: string; position: number }) => `"${sheet.name}" (sheet ${sheet.position})`;
  for (const approved of approval.sheets) {
    const now = found.find((f) => f.name === approved.name && f.position === approved.position);
    if (!now) {
      throw new ApprovalError(
        `The approved test run read the sheet ${quote(approved)}, and this workbook has no such sheet now; run exactly what was approved.`,
      );
    }
    if (now.script !== approved.script) {
      throw new ApprovalError(
        `The approved test run read the sheet ${quote(approved)} as ${approved.script}, and its headers are now those of ${now.script}; run exactly what was approved.`,
      );
    }
    if (now.headerRow !== approved.headerRow) {
      throw new ApprovalError(
        `The approved test run found the header of the sheet ${quote(approved)} in row ${approved.headerRow}, and this run in row ${now.headerRow}; run exactly what was approved.`,
      );
    }
  }
  const extra = found.find((f) => !approval.sheets.some((a) => a.name === f.name && a.position === f.position));
  if (extra) {
    throw new ApprovalError(
      `The sheet ${quote(extra)} was not in the approved test run; run exactly what was approved.`,
    );
  }
}

/** Refuses a workbook's sheet whose column mapping or platform configuration differs from the approved test run's, naming the sheet. */
export function checkApprovedWorkbookSheet(
  approval: WorkbookApproval,
  approved: ApprovedSheet,
  actual: SheetRead,
): void {
  try {
    checkApprovedSheet(
      { sheet: approved, headerRow: approved.headerRow, columns: approved.columns, config: approval.config },
      actual,
    );
  } catch (error) {
    if (!(error instanceof ApprovalError)) throw error;
    throw new ApprovalError(`Sheet "${approved.name}": ${error.message}`);
  }
}

/** JSON with sorted keys, so that two equal configurations compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
