import { UsageError } from "../shared/errors.js";
import { newClients } from "./new-clients.js";
import { newProfessionals } from "./new-professionals.js";
import { relations } from "./relations.js";
import { type ScriptDef, type ScriptName, scriptNames } from "./script.js";
import { updateClients } from "./update-clients.js";
import { updateProfessionals } from "./update-professionals.js";

export * from "./script.js";

/** The registry of script types: a new script is a new file and one line here. */
export const scripts: Record<ScriptName, ScriptDef> = {
  "new-clients": newClients,
  "new-professionals": newProfessionals,
  relations,
  "update-clients": updateClients,
  "update-professionals": updateProfessionals,
};

export function getScript(name: string): ScriptDef {
  if ((scriptNames as readonly string[]).includes(name)) return scripts[name as ScriptName];
  throw new UsageError(`Unknown script "${name}"; use one of: ${scriptNames.join(", ")}.`);
}

/** Every field that holds personal data in any script: the logger's redaction list. */
export const personalFields: readonly string[] = [
  ...new Set(Object.values(scripts).flatMap((s) => s.columns.filter((c) => c.personal).map((c) => c.field))),
];
