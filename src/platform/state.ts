import { z } from "zod";
import { platformConfigSchema } from "../pipeline/platform-config.js";

const mdId = z.string().regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex characters");
/** A platform e-mail address: the login name, lower case only. */
export const emailSchema = z
  .string()
  .min(3)
  .refine((e) => e === e.toLowerCase(), "must be lower case")
  .refine((e) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e), "is not an e-mail address");
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");
const bsn = z.string().regex(/^\d{9}$/, "must be 9 digits");

/** What clients and professionals share. */
const accountFields = {
  md_id: mdId,
  id: z.string().min(1).nullable().default(null),
  email: emailSchema,
  first_name: z.string().min(1),
  infix: z.string().nullable().default(null),
  last_name: z.string().min(1),
  active: z.boolean().default(true),
  external_source: z.string().nullable().default(null),
};

export const clientSchema = z.strictObject({
  ...accountFields,
  gender: z.enum(["m", "f", "other", "unknown"]).default("unknown"),
  date_of_birth: date.nullable().default(null),
  phone_number: z.string().nullable().default(null),
  bsn: bsn.nullable().default(null),
});

export const professionalSchema = z.strictObject({
  ...accountFields,
  role: z.enum(["professional", "application_manager", "data_analyst", "data_officer", "supervisor", "secretary"]),
});

export const relationSchema = z.strictObject({ professional_md_id: mdId, client_md_id: mdId });

/** The local platform state (`platform load` / `platform dump`), as the contract gives it. */
export const stateSchema = z.strictObject({
  config: platformConfigSchema.optional(),
  clients: z.array(clientSchema).default([]),
  professionals: z.array(professionalSchema).default([]),
  relations: z.array(relationSchema).default([]),
});

export type PlatformState = z.infer<typeof stateSchema>;
