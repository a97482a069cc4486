import { newClientColumns } from "./columns.js";
import type { ScriptDef } from "./script.js";

/** Aanmaken nieuwe cliëntaccounts. Optional fields may be required by the platform's configuration. */
export const newClients: ScriptDef = {
  name: "new-clients",
  welcomeMail: true,
  title: {
    nl: "Aanmaken nieuwe cliëntaccounts",
    en: "Create new client accounts",
    de: "Erstellen neuer Klientenkonten",
  },
  action: "create",
  plan: "new-client",
  needs: { clients: true, professionals: true, relations: false },
  operations: ["create-client", "activate"],
  // The columns are the client details of columns.ts, shared with update-clients.
  columns: newClientColumns,
  keys: [["id"], ["email"], ["bsn"]],
};
