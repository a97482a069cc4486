import { z } from "zod";
import { platformConfigSchema } from "./config.js";
import { clientAccountSchema, professionalAccountSchema } from "./accounts.js";

const mdId = clientAccountSchema.shape.md_id;

export const relationSchema = z.strictObject({ professional_md_id: mdId, client_md_id: mdId });

/** The local platform state (`platform load` / `platform dump`), as the contract gives it. */
export const stateSchema = z.strictObject({
  config: platformConfigSchema.optional(),
  clients: z.array(clientAccountSchema).default([]),
  professionals: z.array(professionalAccountSchema).default([]),
  relations: z.array(relationSchema).default([]),
});

export type PlatformState = z.infer<typeof stateSchema>;
