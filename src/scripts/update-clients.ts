import { updateClientColumns } from "./columns.js";
import { clientChangeFields } from "../platform/accounts.js";
import type { ScriptDef } from "./script.js";

// The client details of columns.ts, shared with new-clients.
const columns = updateClientColumns;

/**
 * Bijwerken bestaande cliëntaccounts: the Minddistrict ID names the account, the e-mail
 * address only cross-checks it, every other filled-in cell is a new value.
 */
export const updateClients: ScriptDef = {
  name: "update-clients",
  title: {
    nl: "Bijwerken bestaande cliëntaccounts",
    en: "Update existing client accounts",
    de: "Aktualisieren bestehender Klientenkonten",
  },
  action: "update",
  welcomeMail: false,
  plan: "update-client",
  needs: { clients: true, professionals: false, relations: false },
  operations: ["update-client"],
  columns,
  groups: {
    changes: { nl: "een veld om bij te werken", en: "a field to update", de: "ein zu aktualisierendes Feld" },
  },
  // The fields of the sheet the model lets an update change, in the sheet's order.
  changes: columns.map((c) => c.field).filter((field) => (clientChangeFields as readonly string[]).includes(field)),
  keys: [["md_id"], ["id"], ["email"], ["bsn"]],
};
