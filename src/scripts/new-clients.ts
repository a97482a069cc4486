import { bsn, clientId, dateOfBirth, email, firstName, gender, infix, lastName, phone, use } from "./columns.js";
import type { ScriptDef } from "./script.js";

/** Aanmaken nieuwe cliëntaccounts. Optional fields may be required by the platform's configuration. */
export const newClients: ScriptDef = {
  name: "new-clients",
  welcomeMail: true,
  title: { nl: "Aanmaken nieuwe cliëntaccounts", en: "Create new client accounts", de: "Erstellen neuer Klientenkonten" },
  action: "create",
  plan: "new-client",
  needs: { clients: true, professionals: true, relations: false },
  operations: ["create-client", "activate"],
  columns: [
    use(email, true, "required"),
    use(firstName, true, "required"),
    use(infix, true, "optional"),
    use(lastName, true, "required"),
    use(clientId, true, "required"),
    use(dateOfBirth, false, "platform"),
    use(gender, false, "optional"),
    use(phone, false, "platform"),
    use(bsn, false, "platform"),
  ],
  keys: [["id"], ["email"], ["bsn"]],
};
