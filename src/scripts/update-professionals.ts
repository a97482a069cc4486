import { email, firstName, infix, lastName, professionalId, professionalMdId, role, use } from "./columns.js";
import { professionalChangeFields } from "../platform/accounts.js";
import type { ScriptDef } from "./script.js";

const columns = [
  use(professionalMdId, true, "required"),
  use(email, false, "optional"),
  use(professionalId, { oneOf: "changes" }, "optional"),
  use(firstName, { oneOf: "changes" }, "optional"),
  use(infix, { oneOf: "changes" }, "optional"),
  use(lastName, { oneOf: "changes" }, "optional"),
  use(role, { oneOf: "changes" }, "optional"),
];

/**
 * Bijwerken bestaande professionalaccounts: the Minddistrict ID names the account, the
 * e-mail address only cross-checks it, every other filled-in cell is a new value.
 */
export const updateProfessionals: ScriptDef = {
  name: "update-professionals",
  title: {
    nl: "Bijwerken bestaande professionalaccounts",
    en: "Update existing professional accounts",
    de: "Aktualisieren bestehender Professionalkonten",
  },
  action: "update",
  welcomeMail: false,
  plan: "update-professional",
  needs: { clients: false, professionals: true, relations: false },
  operations: ["update-professional"],
  columns,
  groups: {
    changes: { nl: "een veld om bij te werken", en: "a field to update", de: "ein zu aktualisierendes Feld" },
  },
  // The fields of the sheet the model lets an update change, in the sheet's order.
  changes: columns
    .map((c) => c.field)
    .filter((field) => (professionalChangeFields as readonly string[]).includes(field)),
  keys: [["md_id"], ["id"], ["email"]],
};
