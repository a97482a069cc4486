import { z } from "zod";
import { PlatformError } from "../../shared/errors.js";
import { clientAccountSchema, professionalAccountSchema } from "../accounts.js";
import { apiFacts } from "./api.js";

/**
 * The shapes of API 2 answers as the adapter reads them, and how a contradiction is reported.
 * Reading is tolerant of everything the public reference does not promise: unknown fields are
 * ignored (zod strips them), setting-dependent fields (`date_of_birth`, `phone_number`, `id`,
 * `bsn`, `gender`) may be absent or null, `@links` may be missing, and a professional need not
 * carry `roles`. What is known (apiFacts, basis "known") is required; an answer that
 * contradicts it stops the command (exit 4) naming the fact and the shape seen, never a value.
 */

export type Fact = keyof typeof apiFacts;

const link = z.object({ name: z.string(), url: z.string() });
/** @links as a platform may give them: a link without a name or URL is skipped, not fatal. */
export const links = z
  .array(z.unknown())
  .optional()
  .transform((items) =>
    (items ?? []).flatMap((item) => (link.safeParse(item).success ? [item as z.infer<typeof link>] : [])),
  );

const meta = { "@url": z.string(), "@links": links };
const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v === undefined || v === null || v.trim() === "" ? null : v));

/**
 * How an answer's account fields are read: the model's (accounts.ts), each made tolerant where
 * the public reference promises less. A field of the model not named here is read as the model
 * has it (a new nullable field: absent or null is null).
 */
const tolerant = {
  email: z.string(),
  first_name: z.string(),
  infix: optionalText,
  last_name: z.string(),
  id: optionalText,
  active: z.boolean(),
  external_source: optionalText,
};

export const clientItem = z.object({
  ...clientAccountSchema.omit({ md_id: true }).shape,
  ...meta,
  ...tolerant,
  gender: clientAccountSchema.shape.gender
    .unwrap()
    .nullish()
    .transform((g) => g ?? "unknown"),
  date_of_birth: optionalText.transform((d) => (d === null ? null : d.slice(0, 10))),
  phone_number: optionalText,
  bsn: optionalText,
});

export const professionalItem = z.object({
  ...professionalAccountSchema.omit({ md_id: true, role: true }).shape,
  ...meta,
  ...tolerant,
  // Not in the public Professional object (apiFacts.professionalRoles): read where it is there.
  roles: z.array(z.string()).nullish(),
});

/** A list page: `@items`, and where the platform gives them, a next link or a total (assumed: apiFacts.paging). */
export const listAnswer = z.object({
  "@items": z.array(z.unknown()),
  "@links": links,
  total: z.number().int().nonnegative().optional().catch(undefined),
});
export const application = z.object({ mode: z.string().nullable().optional() });
export const urlOnly = z.object({ "@url": z.string() });
export const linksOnly = z.object({ "@links": links });
export const rolesAnswer = z.object({ roles: z.array(z.string()) });

/** What a value looks like, in words that hold no value: "a number", "an object with @url, email". */
export function shapeOf(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") {
    const keys = Object.keys(value).filter((k) => /^[@\w.-]{1,40}$/.test(k));
    if (keys.length === 0) return "an empty object";
    return `an object with ${keys.slice(0, 8).join(", ")}${keys.length > 8 ? ", …" : ""}`;
  }
  return typeof value === "string" ? "a string" : `a ${typeof value}`;
}

const at = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (current, key) =>
      current && typeof current === "object" ? (current as Record<PropertyKey, unknown>)[key] : undefined,
    value,
  );

/** What the schema wanted at the issue, in words. */
function wanted(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") return `${issue.expected}`;
  if (issue.code === "invalid_value") return `one of ${issue.values.map(String).join(", ")}`;
  return "another shape";
}

/**
 * Parses one answer (or a part of it) against its schema. A mismatch is a PlatformError naming
 * the request, the place in the answer, the fact it contradicts and the shape seen, never the
 * value itself, which may be personal data.
 */
export function parseAnswer<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: { request: string; path?: string; fact: Fact },
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path ?? [];
  const place = [where.path, ...path.map((p) => (typeof p === "number" ? `[${p}]` : String(p)))]
    .filter((p) => p !== undefined && p !== "")
    .join(".")
    .replace(/\.\[/g, "[");
  const fact = apiFacts[where.fact];
  const word = fact.basis === "known" ? "what is known of API 2" : "what mdimport assumes of API 2";
  const seen = shapeOf(at(value, path));
  throw new PlatformError(
    `The platform's answer to ${where.request} contradicts ${word} (${where.fact}: ${fact.what}): ${place ? `at ${place} it holds` : "it is"} ${seen}${issue ? `, where ${wanted(issue)} is expected` : ""}.`,
  );
}

/** The Minddistrict ID of an account: the last segment of its @url (known: apiFacts.accountId). */
export function mdIdOf(url: string, request: string): string {
  const segment = new URL(url, "http://x").pathname.replace(/\/+$/, "").split("/").pop() ?? "";
  if (!/^[0-9a-f]{32}$/.test(segment)) {
    throw new PlatformError(
      `The platform's answer to ${request} contradicts what is known of API 2 (accountId: ${apiFacts.accountId.what}): an account's @url ends in ${shapeOf(segment)} of ${segment.length} characters, not 32 hex digits.`,
    );
  }
  return segment;
}
