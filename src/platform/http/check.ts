import { randomBytes } from "node:crypto";
import { PlatformError } from "../../shared/errors.js";
import { clientFields, professionalFields } from "../accounts.js";
import { routeOf } from "./answer-body.js";
import { apiRoot, pageSize, routes, routeUrl, type AccountKind, type RouteName, type RouteTable } from "./api.js";
import { application, clientItem, links, listAnswer, parseAnswer, professionalItem, shapeOf } from "./answers.js";
import { names, notCheckable, type FactCheck } from "./check-facts.js";
import { HttpClient, type ApiAnswer } from "./client.js";
import { AccountProbes } from "./check-accounts.js";
import { listRoute, probe, type Item } from "./check-probe.js";
import { platformUrl } from "./http-platform.js";
import { RequestLog, type RequestSummary } from "./request-log.js";

export interface CheckOptions {
  url: string;
  token: string;
  rate: number;
  timeoutMs: number;
  attempts?: number;
  routes?: RouteTable;
  /** For tests: the retry jitter's random source and the wait (as HttpClientOptions). */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
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

/** An account's fields as an API item carries them: the model's, the ID as @url, a professional's role as its roles. */
const fieldsOf: Record<AccountKind, readonly string[]> = {
  client: clientFields.filter((field) => field !== "md_id"),
  professional: professionalFields
    .filter((field) => field !== "md_id")
    .map((field) => (field === "role" ? "roles" : field)),
};

/** Field by field, what one account holds: its type, null or absent; never a value. */
function describeFields(kind: AccountKind, item: Item): string {
  const known = fieldsOf[kind];
  const shown = known.map(
    (field) =>
      `${field} ${!(field in item) ? "absent" : item[field] === null ? "null" : shapeOf(item[field]).replace(/^an? /, "")}`,
  );
  const others = Object.keys(item).filter((k) => !known.includes(k) && k !== "@url" && k !== "@links");
  return `${shown.join(", ")}; other fields: ${names(others)}`;
}

/** The pace, the time-out and (for tests) the retry waits that both of the check's clients share. */
const clientTiming = (options: CheckOptions) => ({
  rate: options.rate,
  timeoutMs: options.timeoutMs,
  ...(options.random ? { random: options.random } : {}),
  ...(options.sleep ? { sleep: options.sleep } : {}),
});

/** `mdimport platform check` over HTTP: every entry of the route table that a read can check, and nothing written. */
export async function checkPlatform(options: CheckOptions): Promise<PlatformCheck> {
  const url = platformUrl(options.url);
  const log = new RequestLog();
  const client = new HttpClient({
    log,
    token: options.token,
    attempts: options.attempts ?? 3,
    ...clientTiming(options),
  });
  const prober = new Prober(client, log, url, options.routes ?? routes, options);
  const mode = await prober.run();
  const checks = [...prober.checks, ...(prober.stopped ? [] : notCheckable)];
  const needed = checks.some((c) => c.status === "contradicted" && c.needed_by.length > 0);
  return { platform: url.origin, mode, checks, requests: log.totals(), exitCode: needed ? 4 : 0 };
}
class Prober extends AccountProbes {
  stopped = false;

  constructor(
    client: HttpClient,
    private readonly log: RequestLog,
    url: URL,
    table: RouteTable,
    private readonly options: CheckOptions,
  ) {
    super(client, url, table);
  }

  /** Runs every probe; returns the mode the application reports. */
  async run(): Promise<string | null | undefined> {
    const app = await this.get(routeUrl(this.table, "application", this.base), "application", [...probe, 401]);
    if (app.status === 401) return this.refused("GET /api/2");
    const parsed = application.safeParse(app.body);
    if (app.status !== 200 || !parsed.success) {
      this.add(
        "application",
        "application",
        "contradicted",
        `GET ${apiRoot} answered ${app.status} with ${shapeOf(app.body)}`,
      );
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
    if (this.stopped) return mode;
    await this.wrongToken(given);
    const professionals = await this.list("professional", given);
    if (clients === null || professionals === null) {
      const list = clients === null ? "clients" : "professionals";
      this.add(
        "account routes",
        "readAccount",
        "not_checkable",
        `not tried: the ${list} list could not be read as mdimport reads it`,
        [],
      );
      return mode;
    }
    await this.roles(professionals[0]);
    for (const kind of ["client", "professional"] as const)
      await this.activation(kind, (kind === "client" ? clients : professionals)[0]);
    await this.relations(clients[0]);
    for (const kind of ["client", "professional"] as const)
      await this.lookups(kind, kind === "client" ? clients : professionals);
    return mode;
  }

  private refused(request: string): undefined {
    this.add(
      "token",
      "auth",
      "contradicted",
      `${request} answered 401: the platform refused the token (check MDIMPORT_TOKEN or --token-file)`,
    );
    this.stopped = true;
    return undefined;
  }

  /** A token that cannot be right must be refused with 401 (assumed: badToken), on the clients list. */
  private async wrongToken(given: Map<string, string>): Promise<void> {
    const wrong = new HttpClient({
      log: this.log,
      token: `mdimport-check-${randomBytes(8).toString("hex")}`,
      attempts: 3,
      ...clientTiming(this.options),
    });
    const target = new URL(this.listUrl("client", given));
    target.searchParams.set("start", "0");
    target.searchParams.set("limit", "1");
    const answer = await wrong
      .request("GET", target.href, undefined, { accept: [...probe, 401], route: "listClients" })
      .catch((e: unknown) => e);
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
    if (items[0]) this.add(`${kind}Fields`, fact, "confirmed", describeFields(kind, items[0]));
    else this.add(`${kind}Fields`, fact, "not_checkable", "the list is empty", []);
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
      if (answer.status !== 200)
        throw new PlatformError(`${request} answered ${answer.status} with ${shapeOf(answer.body)}`);
      const page = parseAnswer(listAnswer, answer.body, { request, fact });
      const schema = route === "listClients" ? clientItem : professionalItem;
      page["@items"].forEach((item, index) => parseAnswer(schema, item, { request, path: `@items[${index}]`, fact }));
      const extra = [
        page["@links"].some((l) => l.name === "next") ? "a next link" : "",
        page.total !== undefined ? "a total" : "",
      ].filter(Boolean);
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
      return this.add(
        fact,
        "paging",
        "contradicted",
        `${seen}; if this platform caps its pages, the accounts past the first cannot be reached`,
        [],
      );
    }
    this.add(fact, "paging", "confirmed", seen);
  }
}
