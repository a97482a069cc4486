import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { z } from "zod";
import { ApprovalError } from "../shared/errors.js";
import { scriptNames, type ScriptName } from "../scripts/script.js";

const approvedRow = z.object({
  row: z.number().int().positive(),
  status: z.enum(["planned", "unchanged", "invalid", "duplicate", "dropout"]),
  action: z.enum(["create", "update", "link", "none"]),
});

/** The parts of a test run's report.json that a run is held to. */
const approvalSchema = z.object({
  format: z.literal("mdimport-report/1"),
  mode: z.literal("test-run"),
  script: z.enum(scriptNames),
  input: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  platform: z.string(),
  rows: z.array(approvedRow),
});

export type ApprovedRow = z.infer<typeof approvedRow>;

export interface Approval {
  script: ScriptName;
  sha256: string;
  platform: string;
  rows: Map<number, ApprovedRow>;
}

/** Reads an approved test run's report.json; anything else is refused with exit code 5. */
export async function readApproval(path: string): Promise<Approval> {
  const name = basename(path);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new ApprovalError(
      `The approval ${name} cannot be read as JSON (${(error as Error).message}); give the report.json of the approved test run.`,
      {
        cause: error,
      },
    );
  }
  const parsed = approvalSchema.safeParse(json);
  if (!parsed.success) {
    throw new ApprovalError(
      `The approval ${name} is not the report.json of a test run (${parsed.error.issues[0]?.path.join(".") || "format"} does not fit).`,
    );
  }
  const { script, input, platform, rows } = parsed.data;
  return { script, sha256: input.sha256, platform, rows: new Map(rows.map((r) => [r.row, r])) };
}

/** Refuses a run whose input, script or platform is not the one the test run was approved for. */
export function checkApproval(approval: Approval, actual: { script: ScriptName; sha256: string; platform: string }): void {
  if (approval.script !== actual.script) {
    throw new ApprovalError(`The approved test run was for the script ${approval.script}, not ${actual.script}; run exactly what was approved.`);
  }
  if (approval.sha256 !== actual.sha256) {
    throw new ApprovalError("The input is not the workbook the test run was approved for (its sha256 differs); run exactly what was approved.");
  }
  if (approval.platform !== actual.platform) {
    throw new ApprovalError(`The approved test run was against ${approval.platform}, not ${actual.platform}; run against the approved platform.`);
  }
}
