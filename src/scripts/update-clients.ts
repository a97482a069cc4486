import { bsn, clientId, clientMdId, dateOfBirth, email, firstName, gender, infix, lastName, phone, use } from "./columns.js";
import type { ScriptDef } from "./script.js";

/**
 * Bijwerken bestaande cliëntaccounts: the Minddistrict ID names the account, the e-mail
 * address only cross-checks it, every other filled-in cell is a new value.
 */
export const updateClients: ScriptDef = {
  name: "update-clients",
  title: { nl: "Bijwerken bestaande cliëntaccounts", en: "Update existing client accounts", de: "Aktualisieren bestehender Klientenkonten" },
  action: "update",
  columns: [
    use(clientMdId, true, "required"),
    use(email, false, "optional"),
    use(clientId, { oneOf: "changes" }, "optional"),
    use(firstName, { oneOf: "changes" }, "optional"),
    use(infix, { oneOf: "changes" }, "optional"),
    use(lastName, { oneOf: "changes" }, "optional"),
    use(dateOfBirth, { oneOf: "changes" }, "optional"),
    use(gender, { oneOf: "changes" }, "optional"),
    use(phone, { oneOf: "changes" }, "optional"),
    use(bsn, { oneOf: "changes" }, "optional"),
  ],
  groups: {
    changes: { nl: "een veld om bij te werken", en: "a field to update", de: "ein zu aktualisierendes Feld" },
  },
  changes: ["id", "first_name", "infix", "last_name", "date_of_birth", "gender", "phone_number", "bsn"],
  keys: [["md_id"], ["id"], ["email"], ["bsn"]],
};
