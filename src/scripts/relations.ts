import { clientId, clientMdId, professionalId, professionalMdId, use } from "./columns.js";
import type { ScriptDef } from "./script.js";

/**
 * Leggen van behandelrelaties: each row links a professional to a client, named by their
 * source-system IDs or, where those are absent, by their Minddistrict IDs.
 */
export const relations: ScriptDef = {
  name: "relations",
  title: {
    nl: "Leggen van behandelrelaties",
    en: "Create treatment relations",
    de: "Einrichten von Behandlungsbeziehungen",
  },
  action: "link",
  welcomeMail: false,
  plan: "relation",
  needs: { clients: true, professionals: true, relations: true },
  operations: ["link"],
  columns: [
    { ...use(professionalId, { oneOf: "professional" }, "optional"), field: "professional_id" },
    { ...use(professionalMdId, { oneOf: "professional" }, "optional"), field: "professional_md_id" },
    { ...use(clientId, { oneOf: "client" }, "optional"), field: "client_id" },
    { ...use(clientMdId, { oneOf: "client" }, "optional"), field: "client_md_id" },
  ],
  groups: {
    professional: {
      nl: "een professional (ID of Minddistrict ID)",
      en: "a professional (ID or Minddistrict ID)",
      de: "ein Professional (ID oder Minddistrict-ID)",
    },
    client: {
      nl: "een cliënt (ID of Minddistrict ID)",
      en: "a client (ID or Minddistrict ID)",
      de: "ein Klient (ID oder Minddistrict-ID)",
    },
  },
  keys: [["professional_id", "professional_md_id", "client_id", "client_md_id"]],
};
