import { readFile } from "node:fs/promises";
import { z } from "zod";
import { InputError } from "../shared/errors.js";

const fieldRule = z.enum(["absent", "optional", "required"]);

/** The platform configuration, in the shape of the local platform state's `config`. */
export const platformConfigSchema = z.object({
  client_fields: z
    .object({ date_of_birth: fieldRule, phone_number: fieldRule, bsn: fieldRule })
    .partial()
    .strict()
    .default({}),
  details_protection: z.enum(["never_allow", "protect_external", "always_allow"]).default("protect_external"),
});

export type PlatformConfig = z.infer<typeof platformConfigSchema>;

/** With no configuration, every optional client field is optional. */
export const defaultPlatformConfig: PlatformConfig = platformConfigSchema.parse({});

/** Reads a configuration file: either the `config` object itself or a whole state file holding one. */
export async function readPlatformConfig(path: string): Promise<PlatformConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new InputError(`The configuration file ${path} cannot be read as JSON: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  const candidate = json && typeof json === "object" && "config" in json ? json.config : json;
  const parsed = platformConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `The configuration file ${path} is not valid: ${issue?.path.join(".") || "(top)"}: ${issue?.message ?? "unknown problem"}.`,
    );
  }
  return parsed.data;
}
