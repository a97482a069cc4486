import type { Platform } from "../platform/platform.js";
import type { FieldContext, FieldParser } from "../scripts/fields.js";
import { scripts } from "../scripts/index.js";
import { UsageError } from "../shared/errors.js";
import type { Operation } from "./plan.js";

/**
 * Read-after-write verification (`run --verify`): after a write, what the platform now holds is
 * compared with what was sent, field by field, each side normalised by the column's own field
 * parser (fields.ts), so that "A@B.nl" and "a@b.nl", "06 12345678" and "+31612345678", or
 * null and "" count as equal, exactly as a planner would see them after reading them back.
 */

/** Which rows a run reads back: the first N carried out (and every one that needed a retry or look-up), all, or none. */
export type VerifyMode = number | "all" | "none";

/** The default of --verify: the first ten rows carried out show whether the platform stores what mdimport sends. */
export const defaultVerify: VerifyMode = 10;

/** --verify N|all|none; anything else is a usage error (the CLI prefixes the option's name: cli/usage.ts). */
export function parseVerify(text: string): VerifyMode {
  const value = text.trim().toLowerCase();
  if (value === "all" || value === "none") return value;
  if (/^\d+$/.test(value)) return Number(value);
  throw new UsageError(`"${text}" is not a number of rows (0 or more), all or none.`);
}

/** Whether the row carried out as the `ordinal`-th of this start is read back (`troubled`: its write needed a retry or a look-up). */
export function shouldVerify(mode: VerifyMode, ordinal: number, troubled: boolean): boolean {
  if (mode === "none") return false;
  return mode === "all" || troubled || ordinal <= mode;
}

/** The field parsers of every script's columns, by canonical field: the one normaliser of each field. */
const parsers = new Map<string, FieldParser<unknown>>();
for (const script of Object.values(scripts))
  for (const column of script.columns) if (!parsers.has(column.field)) parsers.set(column.field, column.parse);

/**
 * A value as the field's parser makes it: a text is read as a cell of the sheet would be, an
 * empty or absent one as an empty cell. A value the parser refuses (a platform may hold what
 * mdimport would not write) is compared as it is.
 */
export function normalised(field: string, value: unknown, context: FieldContext): unknown {
  if (typeof value !== "string" && value !== null && value !== undefined) return value;
  const parse = parsers.get(field);
  if (!parse) return typeof value === "string" && value.trim() !== "" ? value : null;
  const result = parse(value === null || value === undefined ? undefined : { kind: "text", text: value }, context);
  return result.ok ? result.value : value;
}

/**
 * The fields written that the platform holds otherwise, in the order sent. A field sent empty
 * (null) was not written (the HTTP adapter leaves it out), so it is not compared.
 */
export function differingFields(
  sent: Readonly<Record<string, unknown>>,
  held: Readonly<Record<string, unknown>>,
  context: FieldContext,
): string[] {
  return Object.keys(sent).filter(
    (field) =>
      sent[field] !== null &&
      sent[field] !== undefined &&
      normalised(field, sent[field], context) !== normalised(field, held[field], context),
  );
}

/** What a read-back found wrong: fields held otherwise, or the outcome not there at all. */
export type Mismatch = { fields: string[] } | { missing: true };

/** What a write of this operation should have left on the platform: an account's fields, or a relation. */
function expected(
  operation: Operation,
  mdId: string | null,
): { kind: "client" | "professional"; md_id: string; fields: Record<string, unknown> } | null {
  switch (operation.kind) {
    case "create-client":
      return mdId === null ? null : { kind: "client", md_id: mdId, fields: operation.client };
    case "create-professional":
      return mdId === null ? null : { kind: "professional", md_id: mdId, fields: operation.professional };
    case "update-client":
      return { kind: "client", md_id: operation.md_id, fields: operation.changes };
    case "update-professional":
      return { kind: "professional", md_id: operation.md_id, fields: operation.changes };
    case "activate": {
      const { account } = operation;
      return {
        kind: account.kind,
        md_id: account.md_id,
        fields: account.kind === "professional" ? { role: account.role, active: true } : { active: true },
      };
    }
    case "link":
      return null;
  }
}

/**
 * Reads back what one write left on the platform and compares it with what was sent: the
 * account (its fields, active state and group) with `readAccount`, a relation among the
 * client's professionals. Returns null when the platform holds what was sent.
 *
 * NOTE: the write's own answer is not used. Over HTTP a create's result is what was sent (the
 * activation that follows changes the account anyway), and an update answered without a body
 * is what was known plus the changes; only a read shows what the platform holds.
 */
export async function checkStored(
  platform: Platform,
  operation: Operation,
  mdId: string | null,
  context: FieldContext,
): Promise<Mismatch | null> {
  if (operation.kind === "link") {
    const { relation } = operation;
    const relations = platform.relationsOf
      ? await platform.relationsOf([relation.client_md_id])
      : (await platform.snapshot({ clients: false, professionals: false, relations: true })).relations;
    const there = relations.some(
      (r) => r.client_md_id === relation.client_md_id && r.professional_md_id === relation.professional_md_id,
    );
    return there ? null : { missing: true };
  }
  const want = expected(operation, mdId);
  if (!want) return { missing: true };
  const held = await platform.readAccount(want.kind, want.md_id);
  if (!held) return { missing: true };
  const fields = differingFields(want.fields, held, context);
  return fields.length > 0 ? { fields } : null;
}
