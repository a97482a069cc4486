import { z } from "zod";
import { platformConfigSchema } from "../pipeline/platform-config.js";

const mdId = z.string().regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex characters");
const email = z
  .string()
  .min(3)
  .refine((e) => e === e.toLowerCase(), "must be lower case")
  .refine((e) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e), "is not an e-mail address");
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");
const bsn = z.string().regex(/^\d{9}$/, "must be 9 digits");

export const clientSchema = z.strictObject({
  md_id: mdId,
  id: z.string().min(1).nullable().default(null),
  email,
  first_name: z.string().min(1),
  infix: z.string().nullable().default(null),
  last_name: z.string().min(1),
  gender: z.enum(["m", "f", "other", "unknown"]).default("unknown"),
  date_of_birth: date.nullable().default(null),
  phone_number: z.string().nullable().default(null),
  bsn: bsn.nullable().default(null),
  active: z.boolean().default(true),
  external_source: z.string().nullable().default(null),
});

export const professionalSchema = z.strictObject({
  md_id: mdId,
  id: z.string().min(1).nullable().default(null),
  email,
  first_name: z.string().min(1),
  infix: z.string().nullable().default(null),
  last_name: z.string().min(1),
  role: z.enum(["professional", "application_manager", "data_analyst", "data_officer", "supervisor", "secretary"]),
  active: z.boolean().default(true),
  external_source: z.string().nullable().default(null),
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
