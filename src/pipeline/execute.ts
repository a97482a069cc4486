import { ApiUnavailable } from "../platform/http/client.js";
import { PlatformRuleError, type ActivateOptions, type Platform } from "../platform/platform.js";
import type { Reason } from "../scripts/reasons.js";
import { MdimportError } from "../shared/errors.js";
import type { RowResult } from "./analyse.js";
import type { Approval } from "./approval.js";
import type { Journal } from "./journal.js";
import type { Operation } from "./plan.js";

export interface ExecuteOptions {
  platform: Platform;
  journal: Journal;
  approval: Approval;
  /** Stop cleanly once more rows than this have failed. */
  maxFailures: number;
  /** Rows carried out at once (the platform's client paces the requests). */
  concurrency: number;
  /** Whether activating a new account sends the welcome e-mail. */
  activate: ActivateOptions;
  now: () => Date;
  onProgress?: (done: number) => void;
}

export interface ExecuteOutcome {
  /** Set when the run stopped early; the rows not tried are still `planned`. */
  stopped: "max_failures" | null;
  failures: number;
}

const changed = (reasons: Reason[]): Reason[] => [{ code: "changed_since_test_run" }, ...reasons];

/**
 * The reason a refusal stands for: one of the contract's codes where one fits, else api_error.
 * The platform's own words (which may repeat the row) go into `platform_text` only, for report.xlsx.
 */
function refusal(error: unknown): Reason {
  if (error instanceof ApiUnavailable) return { code: "api_error", detail: "unavailable", platform_text: error.message };
  if (!(error instanceof PlatformRuleError)) return { code: "api_error", platform_text: error instanceof Error ? error.message : String(error) };
  const answer = {
    ...(error.status === undefined ? {} : { http_status: error.status }),
    rule: error.rule,
    platform_text: error.platformText ?? error.message,
  };
  const fields = { email_in_use: "email", external_id_in_use: "id", bsn_in_use: "bsn" } as const;
  if (error.rule === "email_in_use" || error.rule === "external_id_in_use" || error.rule === "bsn_in_use") {
    return { code: error.rule, field: fields[error.rule], ...answer };
  }
  if (error.rule === "protected") return { code: "externally_managed", ...answer };
  return { code: "api_error", ...answer };
}

async function carryOut(platform: Platform, operation: Operation, activate: ActivateOptions): Promise<string | null> {
  switch (operation.kind) {
    case "create-client":
      return (await platform.createClient(operation.client, activate)).md_id;
    case "create-professional":
      return (await platform.createProfessional(operation.professional, activate)).md_id;
    case "update-client":
      return (await platform.updateClient(operation.md_id, operation.changes)).md_id;
    case "update-professional":
      return (await platform.updateProfessional(operation.md_id, operation.changes)).md_id;
    case "link":
      await platform.link(operation.relation);
      return null;
    case "activate":
      await platform.activate(operation.account, activate);
      return operation.account.md_id;
  }
}

/**
 * Carries out what the approved test run planned and the live platform still allows, up to
 * `concurrency` rows at a time, started in sheet order. Each action is journaled before and
 * after; a row whose outcome differs from the approval is not carried out
 * (`changed_since_test_run`); a row that an earlier, interrupted run of the same approval
 * already did is not done again. An error that stops the command (a refused token) stops
 * new rows, lets the started ones finish, and is then thrown.
 */
export async function executeRows(
  results: RowResult[],
  operations: ReadonlyMap<number, Operation>,
  options: ExecuteOptions,
): Promise<ExecuteOutcome> {
  const { journal, approval, platform } = options;
  let failures = 0;
  let done = 0;
  let stopped: ExecuteOutcome["stopped"] = null;
  let fatal: Error | null = null;
  const inFlight = new Set<Promise<void>>();
  const time = () => options.now().toISOString();

  const attempt = async (result: RowResult, operation: Operation): Promise<void> => {
    journal.write({ type: "start", time: time(), row: result.row, action: result.action });
    try {
      const mdId = await carryOut(platform, operation, options.activate);
      journal.write({ type: "done", time: time(), row: result.row, action: result.action, md_id: mdId });
      Object.assign(result, { status: "done", reasons: [] });
    } catch (error) {
      if (error instanceof MdimportError) {
        fatal ??= error;
        return;
      }
      const reason = refusal(error);
      journal.write({ type: "failed", time: time(), row: result.row, action: result.action, code: reason.code });
      Object.assign(result, { status: "failed", reasons: [reason] });
      if (++failures > options.maxFailures) stopped = "max_failures";
    }
    options.onProgress?.(++done);
  };

  for (const result of results) {
    const approved = approval.rows.get(result.row)?.status;
    const earlier = journal.earlier.get(result.row);
    if (earlier?.done) {
      Object.assign(result, { status: "done", reasons: [] });
      continue;
    }
    if (result.status === "invalid" || result.status === "duplicate") continue;
    if (result.status === "unchanged") {
      if (approved === "planned" || approved === "unchanged") {
        // Started by the interrupted run and found on the platform: that run did it, perhaps
        // all but the activation, which is finished now.
        if (earlier && approved === "planned") {
          const resume = operations.get(result.row);
          if (resume && !stopped && !fatal) await attempt(result, resume);
          else if (!resume) Object.assign(result, { status: "done", reasons: [] });
        }
        continue;
      }
      Object.assign(result, { status: "dropout", reasons: changed(result.reasons) });
      continue;
    }
    if (result.status === "dropout") {
      if (approved !== "dropout") result.reasons = changed(result.reasons);
      continue;
    }
    // planned now
    if (approved !== "planned") {
      Object.assign(result, { status: "dropout", reasons: changed([]) });
      continue;
    }
    const operation = operations.get(result.row);
    if (!operation) throw new Error(`no operation planned for row ${result.row}`);
    while (inFlight.size >= Math.max(1, options.concurrency)) await Promise.race(inFlight);
    if (stopped || fatal) continue;
    const task = attempt(result, operation).finally(() => inFlight.delete(task));
    inFlight.add(task);
  }
  await Promise.all(inFlight);
  // Set by the tasks, which TypeScript's narrowing does not see.
  const stop = fatal as Error | null;
  if (stop) throw stop;
  return { stopped, failures };
}
