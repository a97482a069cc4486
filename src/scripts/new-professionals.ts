import { email, firstName, infix, lastName, professionalId, role, use } from "./columns.js";
import type { ScriptDef } from "./script.js";

/** Aanmaken nieuwe professionalaccounts, each in one platform group (role). */
export const newProfessionals: ScriptDef = {
  name: "new-professionals",
  welcomeMail: true,
  title: {
    nl: "Aanmaken nieuwe professionalaccounts",
    en: "Create new professional accounts",
    de: "Erstellen neuer Professionalkonten",
  },
  action: "create",
  plan: "new-professional",
  needs: { clients: true, professionals: true, relations: false },
  operations: ["create-professional", "activate"],
  columns: [
    use(email, true, "required"),
    use(firstName, true, "required"),
    use(infix, true, "optional"),
    use(lastName, true, "required"),
    use(professionalId, true, "required"),
    use(role, true, "required"),
  ],
  keys: [["id"], ["email"]],
};
