import type { Platform } from "../platform/platform.js";
import type { RowResult } from "./analyse.js";
import type { Operation } from "./plan.js";

/**
 * For a platform that cannot list all relations at once (API 2: per client), the planner
 * plans every link; this reads the relations of the clients those links name (one request
 * per distinct client, not per row) and marks the links that already exist `unchanged`.
 */
export async function markExistingLinks(results: RowResult[], operations: Map<number, Operation>, platform: Platform): Promise<void> {
  if (!platform.relationsOf) return;
  const links = new Map<number, { professional_md_id: string; client_md_id: string }>();
  for (const [row, operation] of operations) if (operation.kind === "link") links.set(row, operation.relation);
  if (links.size === 0) return;
  const clients = new Set([...links.values()].map((relation) => relation.client_md_id));
  const existing = new Set((await platform.relationsOf([...clients])).map((r) => `${r.professional_md_id}:${r.client_md_id}`));
  for (const result of results) {
    const relation = links.get(result.row);
    if (result.status !== "planned" || !relation || !existing.has(`${relation.professional_md_id}:${relation.client_md_id}`)) continue;
    Object.assign(result, { status: "unchanged", action: "none", reasons: [{ code: "already_exists" }] });
    operations.delete(result.row);
  }
}
