import { PlatformRuleError, type ActivateOptions, type Platform } from "../platform/platform.js";
import type { FieldContext } from "../scripts/fields.js";
import type { Reason } from "../scripts/reasons.js";
import { MdimportError } from "../shared/errors.js";
import type { RowResult, Status } from "./analyse.js";
import type { Approval, ApprovedRow } from "./approval.js";
import type { EarlierRow, SheetJournal } from "./journal.js";
import type { Operation } from "./plan.js";
import { refusal } from "./refusal.js";
import { checkStored, shouldVerify, type VerifyMode } from "./verify.js";

export interface ExecuteOptions {
  platform: Platform;
  /** The journal (a workbook's run: the sheet's part of it, keyed by the sheet). */
  journal: SheetJournal;
  /** The approved outcome of each row (a workbook's run: the sheet's). */
  approval: Pick<Approval, "rows">;
  /** Stop cleanly once more rows than this have failed. */
  maxFailures: number;
  /** Rows carried out at once (the platform's client paces the requests). */
  concurrency: number;
  /** Whether activating a new account sends the welcome e-mail. */
  activate: ActivateOptions;
  now: () => Date;
  /** Called after each row carried out (or refused), with the counts so far. */
  onProgress?: (progress: ExecuteProgress) => void;
  /** Aborted on SIGINT/SIGTERM: no new row is started; the rows in flight finish. */
  signal?: AbortSignal;
  /** Which rows are read back after their write (--verify; default none here, run.ts gives 10). */
  verify?: VerifyMode;
  /** How the read-back normalises the platform's values (the run's --phone-region). */
  context?: Pick<FieldContext, "phoneRegion">;
  /** A workbook's run: the failures of the sheets carried out before this one (--max-failures counts over the workbook). */
  failuresBefore?: number;
  /** A workbook's run: why an earlier sheet stopped the run; then no row of this sheet is started (their outcomes are still settled). */
  stoppedBefore?: StopReason | null;
}

export interface ExecuteProgress {
  /** Rows tried so far (done or failed), of `total` rows to carry out. */
  tried: number;
  total: number;
  failures: number;
}

/** Why a run stopped before it had tried every row; the rows not tried are still `planned`. */
export type StopReason = "max_failures" | "interrupted" | "platform_error" | "stored_differently";

export interface ExecuteOutcome {
  stopped: StopReason | null;
  failures: number;
  /** The error that stopped the run (a refused token, a platform gone), to be raised once the reports are written. */
  fatal: Error | null;
  /** Rows read back after their write, and how many of them the platform held otherwise. */
  verification: { rows_verified: number; mismatches: number };
}

/** What to do with one row in a run. */
export type Decision =
  /** Carry out this operation on the platform, journaled before and after. */
  | { kind: "carry"; operation: Operation }
  /** The row's outcome is decided without a write. */
  | { kind: "set"; status: Status; reasons: Reason[] }
  /** The row stays as planned against the live platform (invalid, duplicate, unchanged or dropout as approved). */
  | { kind: "keep" };

const changed = (reasons: Reason[]): Reason[] => [{ code: "changed_since_test_run" }, ...reasons];

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
 * What a run does with one row, from what the live platform says now (`now`, planned again),
 * what the requester approved, and what an earlier, interrupted start of this run did
 * (`earlier`, from the journal). Pure: the whole policy of `run` is this table.
 *
 * The platform is the truth: a row the journal shows done is `done` only where the platform
 * holds its outcome (planned again, it is `unchanged`); `failed` `stored_differently` where the
 * account it wrote is there but not as the row gives it (a field the platform did not store);
 * and `failed` `missing_on_platform` otherwise. A row the interrupted start began is finished (an account it left inactive is
 * activated), found done, or carried out. Anything else is carried out only where it is
 * planned now and was approved as planned; a row already on the platform as it describes is
 * `unchanged` (a repeated run); any other outcome that differs from the approval is a dropout,
 * `changed_since_test_run`.
 */
export function reconcile(
  now: Pick<RowResult, "status" | "reasons" | "changes" | "md_id" | "conflict">,
  approved: Pick<ApprovedRow, "status" | "changes"> | undefined,
  journal: EarlierRow | undefined,
  operation: Operation | undefined,
): Decision {
  if (now.status === "invalid" || now.status === "duplicate") return { kind: "keep" };
  // A try the platform refused left nothing behind: the row is as if it was never tried.
  const earlier = journal?.refused ? undefined : journal;
  if (earlier?.done) {
    if (now.status === "unchanged")
      return earlier.repeat ? { kind: "keep" } : { kind: "set", status: "done", reasons: [] };
    // The account this run wrote is there, but not as the row gives it (a field the platform
    // did not store, or changed since): stored differently, not missing.
    const account = now.md_id ?? now.conflict?.md_id;
    if (earlier.md_id !== null && account === earlier.md_id) {
      return { kind: "set", status: "failed", reasons: [{ code: "stored_differently", detail: "earlier_start" }] };
    }
    return { kind: "set", status: "failed", reasons: [{ code: "missing_on_platform" }, ...now.reasons] };
  }
  if (earlier && approved?.status === "planned") {
    if (now.status === "unchanged") return { kind: "set", status: "done", reasons: [] };
    if (now.status === "planned" && operation && sameChanges(now, approved)) return { kind: "carry", operation };
    if (
      now.status === "dropout" &&
      operation?.kind === "activate" &&
      now.reasons.every((r) => r.code === "inactive_account")
    ) {
      return { kind: "carry", operation };
    }
  }
  if (now.status === "planned") {
    // An update that would now change other fields than the requester saw is not what was approved.
    if (approved?.status !== "planned" || !sameChanges(now, approved))
      return { kind: "set", status: "dropout", reasons: changed([]) };
    if (!operation) throw new Error("no operation planned for a planned row");
    return { kind: "carry", operation };
  }
  // Already there as the row describes it: a repeat of the approved run (or the approved
  // `unchanged`). Nothing is done twice.
  if (now.status === "unchanged" && (approved?.status === "planned" || approved?.status === "unchanged"))
    return { kind: "keep" };
  if (now.status === "dropout" && approved?.status === "dropout") return { kind: "keep" };
  return { kind: "set", status: "dropout", reasons: changed(now.reasons) };
}

/** Whether an update changes the same fields as approved (creates and links have no changes). */
const sameChanges = (now: Pick<RowResult, "changes">, approved: Pick<ApprovedRow, "changes">): boolean =>
  [...(now.changes ?? [])].sort().join(",") === [...(approved.changes ?? [])].sort().join(",");

/**
 * Carries out what the approved test run planned and the live platform still allows, up to
 * `concurrency` rows at a time, started in sheet order; each row's fate is `reconcile`'s.
 * Each action is journaled before and after. Past --max-failures, on a stop signal, or on an
 * error that stops the command (a refused token), no new row is started and the started ones
 * finish; the rows not tried stay `planned`, and the outcome says why.
 */
export async function executeRows(
  results: RowResult[],
  operations: ReadonlyMap<number, Operation>,
  options: ExecuteOptions,
): Promise<ExecuteOutcome> {
  const { journal, approval, platform } = options;
  const decisions = results.map((result) =>
    reconcile(result, approval.rows.get(result.row), journal.earlier.get(result.row), operations.get(result.row)),
  );
  const total = decisions.filter((d) => d.kind === "carry").length;
  let failures = options.failuresBefore ?? 0;
  let tried = 0;
  let stopped: StopReason | null = options.stoppedBefore ?? null;
  let fatal: Error | null = null;
  const verify = options.verify ?? "none";
  const verification = { rows_verified: 0, mismatches: 0 };
  const context: FieldContext = { ...options.context, today: "9999-12-31" };
  let carried = 0;
  const inFlight = new Set<Promise<void>>();
  const time = () => options.now().toISOString();
  const stopNow = (): boolean => {
    if (!stopped && options.signal?.aborted) stopped = "interrupted";
    return stopped !== null;
  };

  /**
   * Reads back what the row's write left, where --verify asks; a difference fails the row
   * `stored_differently` (or `missing_on_platform`) and stops the run after it. The journal
   * already says the write happened, so a resume never makes it again; the `failed` line after
   * it records why the row failed and changes nothing a resume decides.
   */
  const readBack = async (
    result: RowResult,
    operation: Operation,
    mdId: string | null,
    ordinal: number,
    troubled: boolean,
  ): Promise<void> => {
    if (!shouldVerify(verify, ordinal, troubled)) return;
    verification.rows_verified++;
    const mismatch = await checkStored(platform, operation, mdId, context);
    if (!mismatch) return;
    verification.mismatches++;
    const reason: Reason =
      "missing" in mismatch
        ? { code: "missing_on_platform" }
        : { code: "stored_differently", field: mismatch.fields[0] ?? "", fields: mismatch.fields };
    journal.write({
      type: "failed",
      time: time(),
      row: result.row,
      action: result.action,
      code: reason.code,
      definite: false,
    });
    Object.assign(result, { status: "failed", reasons: [reason] });
    failures++;
    stopped ??= "stored_differently";
  };

  const attempt = async (result: RowResult, operation: Operation): Promise<void> => {
    const ordinal = ++carried;
    const before = platform.unsureExchanges?.() ?? 0;
    journal.write({ type: "start", time: time(), row: result.row, action: result.action });
    try {
      const mdId = await carryOut(platform, operation, options.activate);
      journal.write({ type: "done", time: time(), row: result.row, action: result.action, md_id: mdId });
      Object.assign(result, { status: "done", reasons: [], ...(mdId === null ? {} : { md_id: mdId }) });
      delete result.conflict;
      await readBack(result, operation, mdId, ordinal, (platform.unsureExchanges?.() ?? 0) > before);
    } catch (error) {
      if (error instanceof MdimportError) {
        // The platform stopped answering as it should (a refused token): this row stays
        // planned and the start in the journal makes a resume check it on the platform.
        fatal ??= error;
        stopped ??= "platform_error";
        return;
      }
      const reason = refusal(error);
      // A refusal is definite: nothing of the row is on the platform. A platform that kept
      // failing may have stored it all the same: a resume looks it up. (A read-back that failed
      // after the write leaves the journal's `done`: a resume checks the row on the platform.)
      const definite = error instanceof PlatformRuleError && result.status !== "done";
      journal.write({
        type: "failed",
        time: time(),
        row: result.row,
        action: result.action,
        code: reason.code,
        definite,
      });
      Object.assign(result, { status: "failed", reasons: [reason] });
      if (++failures > options.maxFailures) stopped ??= "max_failures";
    }
    options.onProgress?.({ tried: ++tried, total, failures });
  };

  let yielded = Date.now();
  for (const [index, result] of results.entries()) {
    // The local store answers at once, so the loop would never give signals (SIGINT) or
    // the terminal's progress a turn: it does, every few milliseconds.
    if (Date.now() - yielded > 10) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      yielded = Date.now();
    }
    const decision = decisions[index] as Decision;
    if (decision.kind === "keep") continue;
    if (decision.kind === "set") {
      Object.assign(result, { status: decision.status, reasons: decision.reasons });
      // Done by an earlier start: its Minddistrict ID is the platform's (planned again) or the journal's.
      const earlier = journal.earlier.get(result.row)?.md_id;
      const written = decision.status === "done" || decision.reasons[0]?.code === "stored_differently";
      if (written && result.md_id === undefined && earlier) result.md_id = earlier;
      if (written) delete result.conflict;
      continue;
    }
    // A row that is read back runs alone, and so does the row after it: a difference stops the
    // run before another row is written (a wrong assumption costs one account, not --concurrency).
    const alone = shouldVerify(verify, carried + 1, false) || (carried > 0 && shouldVerify(verify, carried, false));
    while (inFlight.size >= (alone ? 1 : Math.max(1, options.concurrency))) await Promise.race(inFlight);
    if (stopNow()) continue;
    const task = attempt(result, decision.operation).finally(() => inFlight.delete(task));
    inFlight.add(task);
  }
  await Promise.all(inFlight);
  return { stopped, failures, fatal, verification };
}
