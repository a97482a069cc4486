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
  readAccount: { basis: "known", what: "GET {@url} reads one account, with its @links" },
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
  setRoles: {
    basis: "known",
    what: "PATCH {@url}/roles {roles: [group id]} sets a professional's groups; the whole list wanted is sent",
  },
  update: {
    basis: "known",
    what: "PATCH {@url} with the fields to change; success is 200 (maybe with the object) or 204",
  },
  lookupById: {
    basis: "known",
    what: "GET /api/2/aux/client/id/{id} and /aux/professional/id/{id} find an account by source ID",
  },
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
  notProcessed: {
    basis: "assumed",
    what: "a request answered 429 was not carried out, so it can be sent again as it is",
  },
} as const;

/** The API root below the host. */
export const apiRoot = "/api/2";

export type AccountKind = "client" | "professional";

/** One route of API 2 as mdimport uses it: both the adapter's requests and `platform serve`'s answers come from it. */
export interface RouteEntry {
  method: "GET" | "POST" | "PATCH";
  /**
   * The path below the API root: `{id}` is one segment (a Minddistrict or source ID),
   * `{account}` the account's own URL (its @url; where none is known, the path of the
   * read route of its kind with its ID).
   */
  path: string;
  /** The kind of account `{account}` and `{id}` name. */
  account?: AccountKind;
  /** The link that replaces the path where the platform gives one: in the @links of the application or of the account. */
  link?: { on: "application" | AccountKind; name: string };
  /** false: only the link is used, never the path (a route no public reference names). */
  guess?: boolean;
  /** Statuses that mean it was done; that the account (or ID) does not exist; that the platform refused it. */
  success: readonly number[];
  notFound: readonly number[];
  refusal: readonly number[];
  /** The fact of apiFacts it rests on, and whether the route (path, link, statuses) is known or assumed. */
  fact: keyof typeof apiFacts;
  basis: "known" | "assumed";
}

const read = { success: [200], notFound: [404], refusal: [] } as const;
const write = { success: [200, 201, 204], notFound: [404], refusal: [400, 403] } as const;

/**
 * Every route mdimport uses, in one table. HttpPlatform builds its requests from it (a link
 * where the platform gives one, else the path), `platform serve` answers exactly these, and
 * `platform check` probes those it can read. Changing an assumption (a path, a link name, a
 * status) is one edit here. NOTE: assumed entries are marked `basis: "assumed"`.
 */
const routeEntries = {
  application: { method: "GET", path: "", ...read, fact: "application", basis: "known" },
  // NOTE: assumed: the link names `clients` and `professionals` on the application (the reference names only `authenticate`).
  listClients: {
    method: "GET",
    path: "/c/items",
    link: { on: "application", name: "clients" },
    ...read,
    fact: "listClients",
    basis: "known",
  },
  listProfessionals: {
    method: "GET",
    path: "/p/items",
    link: { on: "application", name: "professionals" },
    ...read,
    fact: "listProfessionals",
    basis: "known",
  },
  createClient: { method: "POST", path: "/c", ...write, fact: "createClient", basis: "known" },
  createProfessional: { method: "POST", path: "/p", ...write, fact: "createProfessional", basis: "known" },
  // NOTE: assumed: the not-found status 404 (apiFacts.lookupNotFound).
  lookupClient: {
    method: "GET",
    path: "/aux/client/id/{id}",
    account: "client",
    ...read,
    fact: "lookupById",
    basis: "known",
  },
  lookupProfessional: {
    method: "GET",
    path: "/aux/professional/id/{id}",
    account: "professional",
    ...read,
    fact: "lookupById",
    basis: "known",
  },
  readClient: { method: "GET", path: "/c/{id}", account: "client", ...read, fact: "readAccount", basis: "known" },
  readProfessional: {
    method: "GET",
    path: "/p/{id}",
    account: "professional",
    ...read,
    fact: "readAccount",
    basis: "known",
  },
  updateClient: { method: "PATCH", path: "/c/{id}", account: "client", ...write, fact: "update", basis: "known" },
  updateProfessional: {
    method: "PATCH",
    path: "/p/{id}",
    account: "professional",
    ...write,
    fact: "update",
    basis: "known",
  },
  activateClient: {
    method: "POST",
    path: "{account}/activation",
    account: "client",
    link: { on: "client", name: "activation" },
    ...write,
    fact: "activation",
    basis: "known",
  },
  activateProfessional: {
    method: "POST",
    path: "{account}/activation",
    account: "professional",
    link: { on: "professional", name: "activation" },
    ...write,
    fact: "activation",
    basis: "known",
  },
  // NOTE: assumed: that GET on the roles URL reads the groups back (apiFacts.professionalRoles).
  readRoles: {
    method: "GET",
    path: "{account}/roles",
    account: "professional",
    link: { on: "professional", name: "roles" },
    ...read,
    fact: "professionalRoles",
    basis: "assumed",
  },
  setRoles: {
    method: "PATCH",
    path: "{account}/roles",
    account: "professional",
    link: { on: "professional", name: "roles" },
    ...write,
    fact: "setRoles",
    basis: "known",
  },
  // NOTE: assumed: no public route is known for treatment relations; only the link is used.
  listRelations: {
    method: "GET",
    path: "{account}/professionals",
    account: "client",
    link: { on: "client", name: "professionals" },
    guess: false,
    ...read,
    fact: "relations",
    basis: "assumed",
  },
  addRelation: {
    method: "POST",
    path: "{account}/professionals",
    account: "client",
    link: { on: "client", name: "professionals" },
    guess: false,
    ...write,
    fact: "relations",
    basis: "assumed",
  },
} as const satisfies Record<string, RouteEntry>;

export type RouteName = keyof typeof routeEntries;
/** A route table: `routes`, or a copy with an assumption changed (tests, a future platform). */
export type RouteTable = Readonly<Record<RouteName, RouteEntry>>;
export const routes: RouteTable = routeEntries;

/** A copy of the table with some entries changed: what a test or a checked platform may want. */
export function routeTable(changes: Partial<Record<RouteName, Partial<RouteEntry>>> = {}): RouteTable {
  const table = structuredClone(routes) as Record<RouteName, RouteEntry>;
  for (const [name, change] of Object.entries(changes) as [RouteName, Partial<RouteEntry>][])
    table[name] = { ...table[name], ...change };
  return table;
}

/** The path pattern of a route with `{account}` spelled out as the read route of its kind (`/c/{id}/activation`). */
export function routePattern(table: RouteTable, name: RouteName): string {
  const entry = table[name];
  if (!entry.path.startsWith("{account}")) return entry.path;
  const reader = entry.account === "professional" ? table.readProfessional : table.readClient;
  return `${reader.path}${entry.path.slice("{account}".length)}`;
}

/**
 * The URL of a route: `{account}` replaced by the account's URL (no slash at its end), `{id}`
 * by the ID (URL-encoded), below `base` (the API root on the platform's origin).
 */
export function routeUrl(
  table: RouteTable,
  name: RouteName,
  base: string,
  values: { id?: string; account?: string } = {},
): string {
  const entry = table[name];
  const url =
    entry.path.startsWith("{account}") && values.account !== undefined
      ? `${values.account.replace(/\/+$/, "")}${entry.path.slice("{account}".length)}`
      : `${base}${routePattern(table, name)}`;
  return values.id === undefined ? url : url.replace("{id}", encodeURIComponent(values.id));
}

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

/** Words that say a value is taken, in English, Dutch and German (before or after the field's name). */
const taken = String.raw`(already|in use|exists|unique|taken|bestaat al|al bestaat|bestaan al|al in gebruik|in gebruik|al gebruikt|wordt al|reeds|uniek|bereits|vergeben|existiert)`;
const takenFor = (field: string) => new RegExp(`(${field}).*${taken}|${taken}.*(${field})`, "i");

/**
 * How the words of a 400 answer map to the rule it names (assumed: `refusal`). The local
 * server answers with exactly these sentences; the first is the platform's own UI message.
 * A message that names no field ("This value is already in use") names no rule: the row is
 * failed with api_error and the platform's words (api.test.ts holds the wordings tried).
 */
export const refusalMessages: { rule: RuleBroken; message: string; pattern: RegExp }[] = [
  {
    rule: "email_in_use",
    message: "A user with this email address already exists.",
    pattern: takenFor(String.raw`e-?mail`),
  },
  { rule: "external_id_in_use", message: "A user with this ID already exists.", pattern: takenFor(String.raw`\bID\b`) },
  {
    rule: "bsn_in_use",
    message: "A client with this BSN already exists.",
    pattern: takenFor(String.raw`\bBSN\b|burgerservicenummer`),
  },
  {
    rule: "relation_exists",
    message: "This professional is already linked to this client.",
    pattern: /already linked|al gekoppeld|reeds gekoppeld|bereits verknüpft/i,
  },
];

/** The rule a refusal's messages name, if any. */
export function ruleOfMessages(messages: readonly string[]): RuleBroken | undefined {
  for (const { rule, pattern } of refusalMessages) if (messages.some((m) => pattern.test(m))) return rule;
  return undefined;
}
