import { scriptNames, type ScriptName } from "../../scripts/script.js";
import { apiFacts } from "./api.js";

/** What `platform check` found of one fact. */
export type CheckStatus = "confirmed" | "contradicted" | "not_checkable";

/** One line of `platform check`'s table. */
export interface FactCheck {
  /** What was checked: a route of api.ts `routes` or a fact of `apiFacts`, with the kind where it differs per kind. */
  fact: string;
  basis: "known" | "assumed";
  status: CheckStatus;
  /** What was seen: statuses, field names and types, counts, link names; never a value. For not_checkable: why. */
  seen: string;
  /** For not_checkable: how `run` checks it. */
  run?: string;
  /** The scripts that rest on it: a contradiction of a fact some script needs makes the exit code 4. */
  needed_by: ScriptName[];
}

export const allScripts: ScriptName[] = [...scriptNames];

/** A name a platform gave (a field, a link) as the table may show it: only plain words, never anything else it sent. */
export const plainName = (name: string): string | null => (/^[@\w.-]{1,40}$/.test(name) ? name : null);

/** The names of a list of names, plain ones only, or "none". */
export const names = (list: readonly string[]): string => list.flatMap((n) => plainName(n) ?? []).join(", ") || "none";

/**
 * What only a write shows, and how `run` checks it: `platform check` writes nothing, so these
 * stay open until a test run and a `run --verify all` of a handful of rows on the test platform.
 */
export const notCheckable: FactCheck[] = [
  {
    fact: "createAnswer",
    basis: apiFacts.createAnswer.basis,
    status: "not_checkable",
    seen: "only a create shows what a create answers",
    run: "a create may answer 200, 201 or 204, with the object, only a Location, or nothing (then run looks the account up by source ID or in the list); --verify reads the account back",
    needed_by: ["new-clients", "new-professionals"],
  },
  {
    fact: "createInactive",
    basis: apiFacts.createInactive.basis,
    status: "not_checkable",
    seen: "only a create shows whether creating inactive sends no e-mail",
    run: "every account is created inactive, then activated with send_email as --welcome-mail says: look in the test platform's mail after a run --welcome-mail no",
    needed_by: ["new-clients", "new-professionals"],
  },
  {
    fact: "update",
    basis: apiFacts.update.basis,
    status: "not_checkable",
    seen: "only a write shows whether the platform stores every field it accepts (a setting may drop one, such as phone_number)",
    run: "--verify reads each written account back and fails the row stored_differently, naming the fields, when one was not stored",
    needed_by: ["new-clients", "new-professionals", "update-clients", "update-professionals"],
  },
  {
    fact: "setRoles",
    basis: apiFacts.setRoles.basis,
    status: "not_checkable",
    seen: "only a PATCH of the roles shows that it sets the group",
    run: "--verify reads the group back after it is set",
    needed_by: ["new-professionals", "update-professionals"],
  },
  {
    fact: "addRelation",
    basis: apiFacts.relations.basis,
    status: "not_checkable",
    seen: "only a POST to the client's professionals link shows that it links",
    run: "{professional: @url} is POSTed to the link; --verify lists the client's professionals again",
    needed_by: ["relations"],
  },
  {
    fact: "refusal",
    basis: apiFacts.refusal.basis,
    status: "not_checkable",
    seen: "only a refused write shows the platform's status and words",
    run: "a refusal's words are matched to email_in_use, external_id_in_use or bsn_in_use (api.ts ruleOfMessages); other words fail the row api_error, with the platform's words in report.xlsx",
    needed_by: [],
  },
  {
    fact: "protectedAccount",
    basis: apiFacts.protectedAccount.basis,
    status: "not_checkable",
    seen: "only a write to an externally managed account shows how it is refused",
    run: "a 403 fails the row externally_managed",
    needed_by: [],
  },
  {
    fact: "throttle",
    basis: apiFacts.throttle.basis,
    status: "not_checkable",
    seen: "only load shows how the platform throttles",
    run: "--verbose (and mdimport.log) count the 429s, the Retry-After pauses and the retries",
    needed_by: [],
  },
  {
    fact: "settings",
    basis: "assumed",
    status: "not_checkable",
    seen: "API 2 has no known route for client_fields or details_protection",
    run: "give them with --config; a refusal in run shows a setting that differs",
    needed_by: [],
  },
];
