import { z } from "zod";

/**
 * The account model: the one place that says which fields a client and a professional have,
 * of what type, and with which default. The types (platform.ts), the state format
 * (state.ts), the local store's columns (local/schema.ts, local-platform.ts), the HTTP item
 * schemas (http/answers.ts, serve/server.ts) and the planner's field lists (pipeline/plan.ts)
 * are derived from it.
 *
 * NOTE: a new value in `genders` or `roles` also needs a store migration: the local store's
 * CHECK constraints name the values (storeColumns below), and SQLite cannot alter a CHECK.
 */
export const genders = ["m", "f", "other", "unknown"] as const;
export type Gender = (typeof genders)[number];

export const roles = [
  "professional",
  "application_manager",
  "data_analyst",
  "data_officer",
  "supervisor",
  "secretary",
] as const;
export type Role = (typeof roles)[number];

const mdId = z.string().regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex characters");
/** A platform e-mail address: the login name, lower case only. */
export const emailSchema = z
  .string()
  .min(3)
  .refine((e) => e === e.toLowerCase(), "must be lower case")
  .refine((e) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e), "is not an e-mail address");
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");
const bsn = z.string().regex(/^\d{9}$/, "must be 9 digits");

/** What every account starts with, in the contract's key order (the state format's). */
const head = {
  md_id: mdId,
  id: z.string().min(1).nullable().default(null),
  email: emailSchema,
  first_name: z.string().min(1),
  infix: z.string().nullable().default(null),
  last_name: z.string().min(1),
};
/** What every account ends with. */
const tail = {
  active: z.boolean().default(true),
  external_source: z.string().nullable().default(null),
};

/** A client account as the platform holds it. A default is what the field is when nothing gives it. */
export const clientAccountSchema = z.strictObject({
  ...head,
  gender: z.enum(genders).default("unknown"),
  date_of_birth: date.nullable().default(null),
  phone_number: z.string().nullable().default(null),
  bsn: bsn.nullable().default(null),
  ...tail,
});

/** A professional account as the platform holds it. */
export const professionalAccountSchema = z.strictObject({ ...head, role: z.enum(roles), ...tail });

export type ClientAccount = z.output<typeof clientAccountSchema>;
export type ProfessionalAccount = z.output<typeof professionalAccountSchema>;

/** What the platform sets, never a sheet: the Minddistrict ID, and the system that manages the account. */
export const platformSet = { md_id: true, external_source: true } as const;
/** What an update never changes: besides those, the login e-mail (it only cross-checks) and being active. */
export const neverChanged = { ...platformSet, email: true, active: true } as const;

/** A new account as a create sends it. */
export const newClientSchema = clientAccountSchema.omit(platformSet);
export const newProfessionalSchema = professionalAccountSchema.omit(platformSet);

export type NewClient = z.output<typeof newClientSchema>;
export type NewProfessional = z.output<typeof newProfessionalSchema>;
export type ClientChanges = Partial<Omit<ClientAccount, keyof typeof neverChanged>>;
export type ProfessionalChanges = Partial<Omit<ProfessionalAccount, keyof typeof neverChanged>>;

const keysOf = <S extends z.ZodRawShape>(schema: z.ZodObject<S>) => Object.keys(schema.shape) as (keyof S & string)[];

/** The fields of a new account, as a sheet row may give them (`active` is not a column). */
export const newClientFields = keysOf(newClientSchema);
export const newProfessionalFields = keysOf(newProfessionalSchema);
/** The fields an update may change. */
export const clientChangeFields = keysOf(clientAccountSchema.omit(neverChanged));
export const professionalChangeFields = keysOf(professionalAccountSchema.omit(neverChanged));
/** Every field of each kind, in the contract's order. */
export const clientFields = keysOf(clientAccountSchema);
export const professionalFields = keysOf(professionalAccountSchema);

type Undefaulted<S extends z.ZodRawShape> = {
  [K in keyof S]: S[K] extends z.ZodDefault<infer T extends z.ZodType> ? T : S[K];
};

/** The same fields without their defaults: for a PATCH, where an absent field stays as it is. */
export function withoutDefaults<S extends z.ZodRawShape>(
  schema: z.ZodObject<S>,
): z.ZodObject<Undefaulted<S>, z.core.$strict> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [key, field instanceof z.ZodDefault ? field.unwrap() : field]),
  );
  return z.strictObject(shape as Undefaulted<S>);
}

/** Each field's default, for the fields that have one. */
export function defaultsOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>): Partial<z.output<z.ZodObject<S>>> {
  return Object.fromEntries(
    Object.entries(schema.shape).flatMap(([key, field]) => {
      const parsed = (field as z.ZodType).safeParse(undefined);
      return parsed.success ? [[key, parsed.data]] : [];
    }),
  ) as Partial<z.output<z.ZodObject<S>>>;
}

/** A column of the local store: its SQL type and constraints, and the store version that added it. */
export interface StoreColumn {
  sql: string;
  since: number;
}

const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(", ");

/**
 * How the local store keeps each field (besides md_id, its primary key). The model cannot say
 * this in zod: SQLite's types, and the platform's rules as CHECK and UNIQUE constraints, so
 * that no code path can break them. Every field of either kind needs an entry (the compiler
 * checks). An entry is history once released: a new field gets `since` one more than the
 * highest, and opening an older store adds its column (local/schema.ts); SQLite cannot add a
 * UNIQUE or NOT NULL column without a default, so such a rule needs a hand-written migration.
 */
export const storeColumns: Record<Exclude<keyof ClientAccount | keyof ProfessionalAccount, "md_id">, StoreColumn> = {
  id: { sql: "TEXT CHECK (id IS NULL OR length(id) > 0)", since: 1 },
  email: { sql: "TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%')", since: 1 },
  first_name: { sql: "TEXT NOT NULL CHECK (length(first_name) > 0)", since: 1 },
  infix: { sql: "TEXT", since: 1 },
  last_name: { sql: "TEXT NOT NULL CHECK (length(last_name) > 0)", since: 1 },
  gender: { sql: `TEXT CHECK (gender IN (${sqlList(genders)}))`, since: 1 },
  date_of_birth: { sql: "TEXT CHECK (date_of_birth IS NULL OR date(date_of_birth) = date_of_birth)", since: 1 },
  phone_number: { sql: "TEXT", since: 1 },
  bsn: { sql: "TEXT UNIQUE CHECK (bsn IS NULL OR (length(bsn) = 9 AND bsn NOT GLOB '*[^0-9]*'))", since: 1 },
  role: { sql: `TEXT CHECK (role IN (${sqlList(roles)}))`, since: 1 },
  active: { sql: "INTEGER NOT NULL CHECK (active IN (0, 1))", since: 1 },
  external_source: { sql: "TEXT", since: 1 },
};
