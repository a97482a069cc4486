import { randomBytes } from "node:crypto";
import { PlatformError } from "../../shared/errors.js";
import { routeOf } from "./answer-body.js";
import { apiFacts, apiRoot, pageSize, roleOfGroups, routes, routeUrl, type AccountKind, type RouteName, type RouteTable } from "./api.js";
import { application, clientItem, links, listAnswer, parseAnswer, professionalItem, rolesAnswer, shapeOf, type Fact } from "./answers.js";
import { allScripts, names, notCheckable, plainName, type FactCheck } from "./check-facts.js";
import { ApiUnavailable, HttpClient, type ApiAnswer } from "./client.js";
import { platformUrl } from "./http-platform.js";
import { RequestLog, type RequestSummary } from "./request-log.js";

export interface CheckOptions {
  url: string;
  token: string;
  rate: number;
  timeoutMs: number;
  attempts?: number;
  routes?: RouteTable;
}

/** What `platform check` found: one line per fact, the requests it made, and the exit code. */
export interface PlatformCheck {
  platform: string;
  mode: string | null | undefined;
  checks: FactCheck[];
  requests: RequestSummary;
  exitCode: 0 | 4;
}

/**
 * The most requests `platform check` makes (retries of a failed one aside): the application, a
 * wrong token, three per list, a professional's roles (its link and the path), activation per
 * kind, a client's read and its professionals, and a look-up of a listed source ID and of one
 * that cannot exist per kind.
 */
export const checkRequestLimit = 18;

/** Statuses a probe looks at itself rather than stopping on (401 only where the token is checked). */
const probe = [400, 403, 404, 405, 406, 409, 410, 422];

type Item = Record<string, unknown>;
const fieldsOf: Record<AccountKind, readonly string[]> = {
  client: ["email", "first_name", "infix", "last_name", "gender", "date_of_birth", "phone_number", "id", "bsn", "active", "external_source"],
  professional: ["email", "first_name", "infix", "last_name", "id", "active", "external_source", "roles"],
};
const listRoute: Record<AccountKind, RouteName> = { client: "listClients", professional: "listProfessionals" };
const lookupRoute: Record<AccountKind, RouteName> = { client: "lookupClient", professional: "lookupProfessional" };
const activateRoute: Record<AccountKind, RouteName> = { client: "activateClient", professional: "activateProfessional" };
const needs: Record<AccountKind, FactCheck["needed_by"]> = { client: ["new-clients"], professional: ["new-professionals"] };

/** Field by field, what one account holds: its type, null or absent; never a value. */
function describeFields(kind: AccountKind, item: Item): string {
  const known = fieldsOf[kind];
  const shown = known.map(
    (field) => `${field} ${!(field in item) ? "absent" : item[field] === null ? "null" : shapeOf(item[field]).replace(/^an? /, "")}`,
  );
  const others = Object.keys(item).filter((k) => !known.includes(k) && k !== "@url" && k !== "@links");
  return `${shown.join(", ")}; other fields: ${names(others)}`;
}

/** `mdimport platform check` over HTTP: every entry of the route table that a read can check, and nothing written. */
export async function checkPlatform(options: CheckOptions): Promise<PlatformCheck> {
  const url = platformUrl(options.url);
  const log = new RequestLog();
  const client = new HttpClient({ log, token: options.token, rate: options.rate, timeoutMs: options.timeoutMs, attempts: options.attempts ?? 3 });
  const prober = new Prober(client, log, url, options.routes ?? routes, options);
  const mode = await prober.run();
  const checks = [...prober.checks, ...(prober.stopped ? [] : notCheckable)];
  const needed = checks.some((c) => c.status === "contradicted" && c.needed_by.length > 0);
  return { platform: url.origin, mode, checks, requests: log.totals(), exitCode: needed ? 4 : 0 };
}

class Prober {
  readonly checks: FactCheck[] = [];
  stopped = false;
  private readonly base: string;

  constructor(
    private readonly client: HttpClient,
    private readonly log: RequestLog,
    private readonly url: URL,
    private readonly table: RouteTable,
    private readonly options: CheckOptions,
  ) {
    this.base = `${url.origin}${apiRoot}`;
  }

  private add(fact: string, basisOf: Fact, status: FactCheck["status"], seen: string, neededBy: FactCheck["needed_by"] = allScripts): void {
    this.checks.push({ fact, basis: apiFacts[basisOf].basis, status, seen, needed_by: neededBy });
  }

  /** A URL the platform gave, on the --platform origin (as the adapter uses it). */
  private own(given: string): string {
    const target = new URL(given, `${this.base}/`);
    return `${this.url.origin}${target.pathname}${target.search}`;
  }

  private async get(target: string, route: RouteName, accept: readonly number[] = probe): Promise<ApiAnswer> {
    try {
      return await this.client.request("GET", target, undefined, { route, accept, answer: route.startsWith("list") ? "page" : "object" });
    } catch (error) {
      if (error instanceof ApiUnavailable)
        throw new PlatformError(`Cannot reach the platform at ${this.url.host}: ${error.message}.`, { cause: error });
      throw error;
    }
  }

  /** Runs every probe; returns the mode the application reports. */
  async run(): Promise<string | null | undefined> {
    const app = await this.get(routeUrl(this.table, "application", this.base), "application", [...probe, 401]);
    if (app.status === 401) return this.refused("GET /api/2");
    const parsed = application.safeParse(app.body);
    if (app.status !== 200 || !parsed.success) {
      this.add("application", "application", "contradicted", `GET ${apiRoot} answered ${app.status} with ${shapeOf(app.body)}`);
      this.stopped = true;
      return undefined;
    }
    const appLinks = links.safeParse((app.body as Item)["@links"]);
    const given = new Map((appLinks.success ? appLinks.data : []).map((l) => [l.name, l.url]));
    const mode = parsed.data.mode ?? null;
    this.add(
      "application",
      "application",
      "confirmed",
      `GET ${apiRoot} answered 200: mode ${mode ?? "null (production)"}; @links: ${names([...given.keys()])}`,
    );
    const clients = await this.list("client", given);
    if (clients === null) return mode;
    await this.wrongToken(given);
    const professionals = await this.list("professional", given);
    if (professionals === null) return mode;
    await this.roles(professionals[0]);
    for (const kind of ["client", "professional"] as const) await this.activation(kind, (kind === "client" ? clients : professionals)[0]);
    await this.relations(clients[0]);
    for (const kind of ["client", "professional"] as const) await this.lookups(kind, kind === "client" ? clients : professionals);
    return mode;
  }

  private refused(request: string): undefined {
    this.add("token", "auth", "contradicted", `${request} answered 401: the platform refused the token (check MDIMPORT_TOKEN or --token-file)`);
    this.stopped = true;
    return undefined;
  }

  /** A token that cannot be right must be refused with 401 (assumed: badToken), on the clients list. */
  private async wrongToken(given: Map<string, string>): Promise<void> {
    const wrong = new HttpClient({
      log: this.log,
      token: `mdimport-check-${randomBytes(8).toString("hex")}`,
      rate: this.options.rate,
      timeoutMs: this.options.timeoutMs,
      attempts: 1,
    });
    const target = new URL(this.listUrl("client", given));
    target.searchParams.set("start", "0");
    target.searchParams.set("limit", "1");
    const answer = await wrong.request("GET", target.href, undefined, { accept: [...probe, 401], route: "listClients" }).catch((e: unknown) => e);
    const status = answer instanceof Error ? null : (answer as ApiAnswer).status;
    this.add(
      "badToken",
      "badToken",
      status === 401 ? "confirmed" : "contradicted",
      `a wrong token on GET ${routeOf(target.href)} was answered ${status ?? "with no answer"}`,
      [],
    );
  }

  private listUrl(kind: AccountKind, given: Map<string, string>): string {
    const link = this.table[listRoute[kind]].link;
    const found = link ? given.get(link.name) : undefined;
    return found !== undefined ? this.own(found) : routeUrl(this.table, listRoute[kind], this.base);
  }

  private page(path: string, start: number, limit: number): string {
    const target = new URL(path);
    target.searchParams.set("start", String(start));
    target.searchParams.set("limit", String(limit));
    return target.href;
  }

  /**
   * The first page of a list (as the adapter asks it: 1,000), every account on it read as the
   * adapter reads it, one account's fields, and the paging: the page after it, and a page of
   * one at start 1. Returns the accounts (null: the list could not be read).
   */
  private async list(kind: AccountKind, given: Map<string, string>): Promise<Item[] | null> {
    const route = listRoute[kind];
    const fact = this.table[route].fact;
    const path = this.listUrl(kind, given);
    const request = `GET ${routeOf(path)}`;
    const first = await this.get(this.page(path, 0, pageSize), route, [...probe, 401]);
    if (first.status === 401) {
      this.refused(request);
      return null;
    }
    if (kind === "client") this.add("token", "auth", "confirmed", `${request} answered 200 to the token`);
    const items = this.items(first, route, request);
    if (items === null) return null;
    this.add(`${kind}Fields`, fact, "confirmed", items[0] ? describeFields(kind, items[0]) : "not seen: the list is empty");
    if (kind === "professional") {
      const withRoles = items.filter((i) => Array.isArray(i.roles)).length;
      this.add(
        "rolesInList",
        "professionalRoles",
        "confirmed",
        withRoles > 0
          ? `${withRoles} of ${items.length} list items carry roles`
          : "the list items carry no roles: the group is read per professional a row names",
        [],
      );
    }
    await this.paging(kind, path, items);
    return items;
  }

  /** The accounts of a list page, each read as the adapter reads it; a contradiction is a line of the table. */
  private items(answer: ApiAnswer, route: RouteName, request: string): Item[] | null {
    const fact = this.table[route].fact;
    try {
      if (answer.status !== 200) throw new PlatformError(`${request} answered ${answer.status} with ${shapeOf(answer.body)}`);
      const page = parseAnswer(listAnswer, answer.body, { request, fact });
      const schema = route === "listClients" ? clientItem : professionalItem;
      page["@items"].forEach((item, index) => parseAnswer(schema, item, { request, path: `@items[${index}]`, fact }));
      const extra = [page["@links"].some((l) => l.name === "next") ? "a next link" : "", page.total !== undefined ? "a total" : ""].filter(Boolean);
      this.add(
        route,
        fact,
        "confirmed",
        `${request} answered 200: ${page["@items"].length} accounts on the first page (1,000 asked)${extra.length ? `, with ${extra.join(" and ")}` : ""}`,
      );
      return page["@items"] as Item[];
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      this.add(route, fact, "contradicted", error.message.replace(/\.$/, ""));
      return null;
    }
  }

  /**
   * Paging (assumed): the page after the first (start = its length), and a page of one at
   * start 1. A platform that pages and honours start is fine (mdimport pages on to an empty
   * page); one that ignores start is fine only while its first page holds the whole list.
   */
  private async paging(kind: AccountKind, path: string, items: Item[]): Promise<void> {
    const fact = `paging (${kind}s)`;
    if (items.length === 0) return this.add(fact, "paging", "not_checkable", "the list is empty", []);
    const urls = new Set(items.map((i) => String(i["@url"])));
    const pageOf = (answer: ApiAnswer) => (listAnswer.safeParse(answer.body).data?.["@items"] ?? []) as Item[];
    const next = pageOf(await this.get(this.page(path, items.length, pageSize), listRoute[kind]));
    const fresh = next.filter((i) => !urls.has(String(i["@url"]))).length;
    let seen =
      next.length === 0
        ? `start=${items.length} gave an empty page: one page holds the list`
        : fresh > 0
          ? `pages are shorter than asked: ${items.length} of 1,000, and start=${items.length} gave ${fresh} more (mdimport pages on to an empty page)`
          : `start=${items.length} gave the same accounts again: start is ignored`;
    if (items.length >= 2) {
      const small = pageOf(await this.get(this.page(path, 1, 1), listRoute[kind]));
      seen +=
        small.length === 1 && small[0]?.["@url"] === items[1]?.["@url"]
          ? "; start=1&limit=1 gave the second account alone: start and limit are honoured"
          : `; start=1&limit=1 gave ${small.length} accounts${small[0] !== undefined && small[0]["@url"] !== items[1]?.["@url"] ? ", not from the second on" : ""}`;
    } else seen += "; start and limit not tried further: fewer than 2 accounts";
    // Start ignored: harmless while the first page is the whole list, fatal once the platform caps it.
    if (next.length > 0 && fresh === 0) {
      return this.add(fact, "paging", "contradicted", `${seen}; if this platform caps its pages, the accounts past the first cannot be reached`, []);
    }
    this.add(fact, "paging", "confirmed", seen);
  }

  /** A professional's groups (assumed: professionalRoles): its roles link, else the table's path; and the path where a link differs. */
  private async roles(professional: Item | undefined): Promise<void> {
    if (!professional)
      return this.add("readRoles", "professionalRoles", "not_checkable", "the list holds no professional", [
        "new-professionals",
        "update-professionals",
      ]);
    const { target, via, guessed } = this.routeOn(professional, "readRoles");
    const answer = await this.get(target, "readRoles");
    const read = rolesAnswer.safeParse(answer.body);
    const other =
      guessed === target ? "" : `; the path ${routeOf(guessed)} answers ${(await this.get(guessed, "readRoles")).status} (mdimport follows the link)`;
    if (answer.status === 200 && read.success) {
      const known = read.data.roles.some((g) => roleOfGroups([g]) !== undefined);
      return this.add(
        "readRoles",
        "professionalRoles",
        "confirmed",
        `GET ${via} answered 200 with roles: a list of ${read.data.roles.length}${known ? "" : ", no group mdimport knows"}${other}`,
        ["new-professionals", "update-professionals"],
      );
    }
    this.add("readRoles", "professionalRoles", "contradicted", `GET ${via} answered ${answer.status} with ${shapeOf(answer.body)}${other}`, [
      "new-professionals",
      "update-professionals",
    ]);
  }

  /** Where a route on an account goes: its link (named), else the table's path on its @url; and that path. */
  private routeOn(item: Item, route: RouteName): { target: string; via: string; guessed: string; linked: boolean } {
    const accountUrl = this.own(String(item["@url"]));
    const guessed = routeUrl(this.table, route, this.base, { account: accountUrl });
    const name = this.table[route].link?.name;
    const given = links.safeParse(item["@links"]).data?.find((l) => l.name === name);
    return given
      ? {
          target: this.own(new URL(given.url, accountUrl).href),
          via: `its ${plainName(name ?? "") ?? "named"} link (${routeOf(this.own(new URL(given.url, accountUrl).href))})`,
          guessed,
          linked: true,
        }
      : { target: guessed, via: routeOf(guessed), guessed, linked: false };
  }

  /** Activation is a POST: its link is trusted (known); the path is tried with GET, which must not answer 404. */
  private async activation(kind: AccountKind, item: Item | undefined): Promise<void> {
    const route = activateRoute[kind];
    if (!item) return this.add(route, "activation", "not_checkable", `the list holds no ${kind}`, needs[kind]);
    const { linked, guessed } = this.routeOn(item, route);
    const status = (await this.get(guessed, route)).status;
    const path = `GET ${routeOf(guessed)} answered ${status}${status === 405 ? " (the route is there; POST is not tried)" : ""}`;
    if (linked) return this.add(route, "links", "confirmed", `the ${kind} gives an activation link, which mdimport follows; ${path}`, needs[kind]);
    this.add(route, "activation", status === 404 ? "contradicted" : "confirmed", `no activation link on the ${kind}; ${path}`, needs[kind]);
  }

  /** A client's professionals (assumed: relations): only a link, from the list item or else the client itself. */
  private async relations(client: Item | undefined): Promise<void> {
    if (!client) return this.add("listRelations", "relations", "not_checkable", "the list holds no client", ["relations"]);
    let item = client;
    if (!Array.isArray(client["@links"]) || client["@links"].length === 0) {
      const read = await this.get(this.own(String(client["@url"])), "readClient");
      this.add(
        "readClient",
        "readAccount",
        read.status === 200 ? "confirmed" : "contradicted",
        `GET ${routeOf(this.own(String(client["@url"])))} answered ${read.status}`,
        ["relations"],
      );
      item = (read.body && typeof read.body === "object" ? read.body : {}) as Item;
    }
    const { target, via, linked } = this.routeOn(item, "listRelations");
    if (!linked && this.table.listRelations.guess === false) {
      const given = links.safeParse(item["@links"]).data ?? [];
      return this.add(
        "listRelations",
        "relations",
        "contradicted",
        `the client's @links hold no ${this.table.listRelations.link?.name ?? ""} link (they hold: ${names(given.map((l) => l.name))})`,
        ["relations"],
      );
    }
    const answer = await this.get(target, "listRelations");
    const page = listAnswer.safeParse(answer.body);
    const ok = answer.status === 200 && page.success;
    this.add(
      "listRelations",
      "relations",
      ok ? "confirmed" : "contradicted",
      `GET ${via} answered ${answer.status}${ok ? ` with @items: ${page.data["@items"].length} professionals` : ` with ${shapeOf(answer.body)}`}`,
      ["relations"],
    );
  }

  /** The look-up by source ID: a listed account's ID finds that account; an ID that cannot exist answers 404 (assumed). */
  private async lookups(kind: AccountKind, items: Item[]): Promise<void> {
    const route = lookupRoute[kind];
    const withId = items.find((i) => typeof i.id === "string" && i.id.trim() !== "");
    if (withId) {
      const answer = await this.get(routeUrl(this.table, route, this.base, { id: String(withId.id) }), route);
      const same = (answer.body as Item | null)?.["@url"] === withId["@url"];
      this.add(
        route,
        "lookupById",
        answer.status === 200 && same ? "confirmed" : "contradicted",
        `GET ${routeOf(routeUrl(this.table, route, this.base, { id: "x" }))} with a listed ${kind}'s source ID answered ${answer.status}${answer.status === 200 ? (same ? " with that account" : " with another object") : ""}`,
        needs[kind],
      );
    } else this.add(route, "lookupById", "not_checkable", `no listed ${kind} has a source ID`, needs[kind]);
    const missing = routeUrl(this.table, route, this.base, { id: `mdimport-check-${randomBytes(12).toString("hex")}` });
    const answer = await this.get(missing, route);
    const notFound = this.table[route].notFound.includes(answer.status);
    this.add(
      `${route} not found`,
      "lookupNotFound",
      notFound ? "confirmed" : "contradicted",
      `GET ${routeOf(missing)} with an ID no account has answered ${answer.status}${notFound ? "" : ` with ${shapeOf(answer.body)}`}`,
      needs[kind],
    );
  }
}
