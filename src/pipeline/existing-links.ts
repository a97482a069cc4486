import type { Platform, Relation } from "../platform/platform.js";
import type { RowResult } from "./analyse.js";
import { alreadyLinked } from "./outcome.js";
import type { Operation } from "./plan.js";

/**
 * For a platform that cannot list all relations at once (API 2: per client), the planner
 * plans every link; after planning, this reads the relations of the clients those links name
 * (one request per distinct client, not per row). Its output: the rows whose link exists.
 */
export async function existingLinks(
  operations: ReadonlyMap<number, Operation>,
  platform: Platform,
): Promise<Set<number>> {
  const found = new Set<number>();
  if (!platform.relationsOf) return found;
  const links = new Map<number, Relation>();
  for (const [row, operation] of operations) if (operation.kind === "link") links.set(row, operation.relation);
  if (links.size === 0) return found;
  const clients = new Set([...links.values()].map((relation) => relation.client_md_id));
  const existing = new Set(
    (await platform.relationsOf([...clients])).map((r) => `${r.professional_md_id}:${r.client_md_id}`),
  );
  for (const [row, relation] of links)
    if (existing.has(`${relation.professional_md_id}:${relation.client_md_id}`)) found.add(row);
  return found;
}

/** The HTTP post-pass of test-run and run: the planned links that exist already are `unchanged`, and not carried out. */
export async function markExistingLinks(
  results: RowResult[],
  operations: Map<number, Operation>,
  platform: Platform,
): Promise<void> {
  const rows = await existingLinks(operations, platform);
  if (rows.size === 0) return;
  results.forEach((result, index) => {
    if (result.status !== "planned" || !rows.has(result.row)) return;
    results[index] = alreadyLinked(result);
    operations.delete(result.row);
  });
}
