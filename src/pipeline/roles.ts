import type { ListedProfessional, Platform, PlatformIndex } from "../platform/platform.js";
import type { Role } from "../scripts/fields.js";
import type { RowResult } from "./analyse.js";
import type { Operation, PlannedRow } from "./plan.js";

type Values = Readonly<Record<string, unknown>>;
type Planner = (values: Values, index: PlatformIndex) => PlannedRow;

/**
 * For a platform whose list does not say which group a professional is in (API 2's public
 * Professional object has no roles), a row's outcome may depend on a role the snapshot lacks:
 * the unchanged check of new-professionals, an update-professionals row with a role column.
 * Such a row is planned both ways (the professional in the row's role, and in another one) and
 * kept as "another one" until `replanWithRoles` has read the roles of exactly those professionals: one
 * request per professional a row names, never one per professional on the platform, and none
 * for a script or a sheet that gives no role.
 */
export class PendingRoles {
  private readonly pending = new Map<number, { mdIds: string[]; role: string; same: PlannedRow }>();

  /** The planner, planning a row both ways where a professional it names has no role read yet. */
  wrap(plan: Planner, index: PlatformIndex): (values: Values, row: number) => PlannedRow {
    return (values, row) => {
      const otherwise = plan(values, index);
      const role = values.role;
      if (typeof role !== "string") return otherwise;
      const unread = unreadNamed(values, index);
      if (unread.length === 0) return otherwise;
      // NOTE: the planners are pure and synchronous; the accounts are set to the row's role
      // for one call and put back at once.
      for (const professional of unread) professional.role = role as Role;
      let same: PlannedRow;
      try {
        same = plan(values, index);
      } finally {
        for (const professional of unread) professional.role = null;
      }
      if (JSON.stringify(same) !== JSON.stringify(otherwise))
        this.pending.set(row, { mdIds: unread.map((p) => p.md_id), role, same });
      return otherwise;
    };
  }

  /**
   * Reads the roles the pending rows need and gives each row the outcome its professional's real
   * role means: the row's result is replaced (as existing-links.ts does), never changed in place.
   */
  async replanWithRoles(results: RowResult[], operations: Map<number, Operation>, platform: Platform): Promise<void> {
    if (this.pending.size === 0 || !platform.rolesOf) return;
    // A row found a duplicate (or invalid) since it was planned keeps that.
    const live = results.filter((r) => this.pending.has(r.row) && r.status !== "duplicate" && r.status !== "invalid");
    if (live.length === 0) return;
    const roles = await platform.rolesOf([...new Set(live.flatMap((r) => this.pending.get(r.row)!.mdIds))]);
    results.forEach((result, index) => {
      const entry = this.pending.get(result.row);
      if (!entry || result.status === "duplicate" || result.status === "invalid") return;
      if (!entry.mdIds.every((mdId) => roles.get(mdId) === entry.role)) return;
      results[index] = replanned(result, entry.same);
      const operation = entry.same.operation ?? entry.same.resume;
      if (operation) operations.set(result.row, operation);
      else operations.delete(result.row);
    });
  }
}

/** A row's result with the outcome of the plan its professional's real role gives (its account, changes and conflict too). */
export function replanned(result: RowResult, same: PlannedRow): RowResult {
  const kept: RowResult = { ...result };
  delete kept.md_id;
  delete kept.changes;
  delete kept.conflict;
  return {
    ...kept,
    status: same.status,
    action: same.action,
    reasons: same.reasons,
    ...(same.md_id === undefined ? {} : { md_id: same.md_id }),
    ...(same.changes === undefined ? {} : { changes: same.changes }),
    ...(same.conflict === undefined ? {} : { conflict: same.conflict }),
  };
}

/** The professionals a row may name (by source ID, e-mail or Minddistrict ID) whose role the snapshot did not give. */
function unreadNamed(values: Values, index: PlatformIndex): ListedProfessional[] {
  const text = (field: string) => (typeof values[field] === "string" ? values[field] : undefined);
  const id = text("id");
  const email = text("email");
  const mdId = text("md_id");
  const named = [
    id === undefined ? undefined : index.professionalsById.get(id),
    email === undefined ? undefined : index.accountsByEmail.get(email),
    mdId === undefined ? undefined : index.professionalsByMdId.get(mdId),
  ];
  return [...new Set(named)].filter((a): a is ListedProfessional => a !== undefined && "role" in a && a.role === null);
}
