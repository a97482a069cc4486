import type { Role } from "../../scripts/fields.js";
import type { RuleBroken } from "../platform.js";

/**
 * Everything the HTTP adapter (and `platform serve`, which answers it) takes for granted
 * about the Minddistrict API 2, in one place. `known` comes from the public API 2 reference
 * or Minddistrict's own example scripts; `assumed` is our best guess
 * (../shared/spec/api.md, "Assumed"): check each one on a Minddistrict test platform before
 * a first real run, and change it here.
 */
export const apiFacts = {
  application: { basis: "known", what: "GET /api/2 answers {name, mode, @links}; mode null means production" },
  auth: { basis: "known", what: "every request sends Authorization: md-token TOKEN and Accept: application/json" },
  badToken: { basis: "assumed", what: "a refused token answers 401" },
  listClients: { basis: "known", what: "GET /api/2/c/items answers {@items: [client]}" },
  listProfessionals: { basis: "known", what: "GET /api/2/p/items answers {@items: [professional]}" },
  paging: {
    basis: "assumed",
    what: "a list that pages gives a next link in @links, or a total, or takes start and limit (as the conversations list does) until an empty page; a page may be shorter than asked",
  },
  professionalRoles: {
    basis: "assumed",
    what: "a professional's groups are read with GET {roles link, else @url/roles} answering {roles: [group id]} (a list item may carry roles too); they are set with PATCH on the same URL",
  },
  accountId: { basis: "known", what: "an account's Minddistrict ID is the last segment of its @url" },
  createClient: { basis: "known", what: "POST /api/2/c with the client's fields creates it" },
  createProfessional: { basis: "known", what: "POST /api/2/p answers 201 with the new @url" },
  createAnswer: {
    basis: "assumed",
    what: "a create answers 200, 201 or 204 with the new object (@url), or only a Location, or nothing; then the account is looked up by source ID or in the list",
  },
  createInactive: { basis: "assumed", what: "creating with active: false sends no e-mail" },
  activation: {
    basis: "known",
    what: "POST {@url}/activation {active: true, send_email: yes|no} activates; send_email yes is assumed to send the welcome e-mail",
  },
  update: { basis: "known", what: "PATCH {@url} with the fields to change; success is 200 (maybe with the object) or 204" },
  lookupById: { basis: "known", what: "GET /api/2/aux/client/id/{id} and /aux/professional/id/{id} find an account by source ID" },
  lookupNotFound: { basis: "assumed", what: "an unknown source ID or account URL answers 404" },
  refusal: {
    basis: "assumed",
    what: "a write that breaks a rule answers 400 {code, extra: [{message}]}; the message says which rule (matched below)",
  },
  protectedAccount: { basis: "assumed", what: "an account protected from changes answers 403" },
  relations: {
    basis: "assumed",
    what: "a client's @links hold a link named professionals; GET lists {@items: [professional]}, POST {professional: @url} links one",
  },
  links: {
    basis: "known",
    what: "the URLs in @links can be trusted; mdimport follows an account's activation, roles and professionals links where given, else guesses {@url}/NAME; only their path is used, on the --platform origin",
  },
  throttle: { basis: "assumed", what: "a throttled request answers 429 (or 503), perhaps with Retry-After in seconds" },
  notProcessed: { basis: "assumed", what: "a request answered 429 was not carried out, so it can be sent again as it is" },
} as const;

/** The API root below the host. */
export const apiRoot = "/api/2";

/** Page size when a platform pages its lists (assumed: `paging`). */
export const pageSize = 1000;

/** The group identifiers of the roles (known, except data officer: `ith.DataOfficer` is a placeholder). */
export const groupOfRole: Record<Role, string> = {
  professional: "ith.Therapist",
  supervisor: "ith.Supervisor",
  secretary: "ith.Secretary",
  application_manager: "ith.ApplicationManager",
  data_analyst: "ith.Analyst",
  data_officer: "ith.DataOfficer",
};

const roleOfGroup = new Map<string, Role>(Object.entries(groupOfRole).map(([role, group]) => [group, role as Role]));

/** The role a list of groups stands for: the first group mdimport knows, in the platform's order. */
export function roleOfGroups(groups: readonly string[]): Role | undefined {
  for (const group of groups) {
    const role = roleOfGroup.get(group);
    if (role) return role;
  }
  return undefined;
}

/**
 * How the words of a 400 answer map to the rule it names (assumed: `refusal`). The local
 * server answers with exactly these sentences; the first is the platform's own UI message.
 */
export const refusalMessages: { rule: RuleBroken; message: string; pattern: RegExp }[] = [
  { rule: "email_in_use", message: "A user with this email address already exists.", pattern: /e-?mail.*(already|in use|exists|unique)/i },
  { rule: "external_id_in_use", message: "A user with this ID already exists.", pattern: /\bID\b.*(already|in use|exists|unique)/i },
  { rule: "bsn_in_use", message: "A client with this BSN already exists.", pattern: /\bBSN\b.*(already|in use|exists|unique)/i },
  { rule: "relation_exists", message: "This professional is already linked to this client.", pattern: /already linked/i },
];

/** The rule a refusal's messages name, if any. */
export function ruleOfMessages(messages: readonly string[]): RuleBroken | undefined {
  for (const { rule, pattern } of refusalMessages) if (messages.some((m) => pattern.test(m))) return rule;
  return undefined;
}
