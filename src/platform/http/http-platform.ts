import { defaultPlatformConfig } from "../config.js";
import { PlatformError, UsageError } from "../../shared/errors.js";
import {
  PlatformRuleError,
  type AccountToActivate,
  type ActivateOptions,
  type ClientAccount,
  type ClientChanges,
  type NewClient,
  type NewProfessional,
  type Platform,
  type PlatformConfig,
  type PlatformSnapshot,
  type ProfessionalAccount,
  type ProfessionalChanges,
  type ListedProfessional,
  type Relation,
  type SnapshotNeeds,
} from "../platform.js";
import type { Role } from "../../scripts/fields.js";
import { routeOf } from "./answer-body.js";
import {
  apiRoot,
  groupOfRole,
  pageSize,
  roleOfGroups,
  routes,
  routeUrl,
  ruleOfMessages,
  type RouteName,
  type RouteTable,
} from "./api.js";
import {
  application,
  clientItem,
  links as linksSchema,
  linksOnly,
  listAnswer,
  mdIdOf,
  parseAnswer,
  professionalItem,
  rolesAnswer,
  urlOnly,
  type Fact,
} from "./answers.js";
import { ApiRefusal, ApiUnavailable, HttpClient, type ApiAnswer, type HttpClientOptions } from "./client.js";
import { RequestLog, type LogSink, type RequestSummary } from "./request-log.js";

/** The client's `random` and `sleep` come through for tests: `random: () => 0` retries without a backoff wait. */
export interface HttpPlatformOptions extends Pick<HttpClientOptions, "random" | "sleep"> {
  /** The platform as the user gave it: https://HOST (or http:// on a loopback address). */
  url: string;
  token: string;
  /** Requests per second. */
  rate: number;
  /** Requests in flight at once when reading relations. */
  concurrency: number;
  timeoutMs: number;
  attempts?: number;
  /** Accounts asked for per list page (assumed: apiFacts.paging). */
  pageSize?: number;
  /** The platform's settings (client_fields, details_protection): API 2 has no known route for them. */
  config?: PlatformConfig;
  onRequest?: (method: string, status: number) => void;
  /** The routes to use (api.ts `routes` by default): a copy with an assumption changed, for tests. */
  routes?: RouteTable;
  /** Hears the request summary when the platform is closed (`--verbose`). */
  onRequestSummary?: (summary: RequestSummary) => void;
}

type Kind = "client" | "professional";
const listRoute: Record<Kind, RouteName> = { client: "listClients", professional: "listProfessionals" };
const readRoute: Record<Kind, RouteName> = { client: "readClient", professional: "readProfessional" };
const createRoute: Record<Kind, RouteName> = { client: "createClient", professional: "createProfessional" };
const lookupRoute: Record<Kind, RouteName> = { client: "lookupClient", professional: "lookupProfessional" };
const activateRoute: Record<Kind, RouteName> = { client: "activateClient", professional: "activateProfessional" };
const listFact: Record<Kind, Fact> = { client: "listClients", professional: "listProfessionals" };

/** Where an answer came from, for a message that names a contradiction. */
interface Where {
  request: string;
  path?: string;
  fact: Fact;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/;

/** Checks the --platform URL: https, or plain http only on a loopback address (for `platform serve`). */
export function platformUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--platform must be "local" or https://HOST, not "${url}".`);
  }
  if (parsed.protocol === "http:" && !LOOPBACK.test(parsed.hostname)) {
    throw new UsageError(
      `--platform ${parsed.origin}: plain http:// is allowed only on a loopback address; use https://.`,
    );
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw new UsageError(`--platform must be "local" or https://HOST, not "${url}".`);
  if (parsed.username || parsed.password)
    throw new UsageError(
      "--platform must not hold a user name or password; the token comes from MDIMPORT_TOKEN or --token-file.",
    );
  return parsed;
}

/** An account's fields as the API takes them; empty optional fields are left out. */
function fieldsOf(fields: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined));
}

/**
 * The Minddistrict API 2 behind the Platform interface. Every route and answer it takes for
 * granted is listed in api.ts (`apiFacts`), marked known or assumed; answers are read as
 * tolerantly as answers.ts allows. Reading is a few list requests; writes are one account at a
 * time, paced by the client. A create whose outcome is unknown is looked up before it is ever
 * sent again. Where the platform names a link (@links), it is followed; else the path is guessed.
 */
export class HttpPlatform implements Platform {
  readonly name: string;
  /** The normalised origin (scheme, lower-case host, port only where not the default). */
  readonly id: string;
  private readonly base: string;
  private readonly client: HttpClient;
  /** What the snapshot and our own writes taught us: URLs, links, accounts, roles read. */
  private readonly urls = new Map<string, string>();
  /** Per `kind:md_id`: the account's @links by name. */
  private readonly links = new Map<string, Map<string, string>>();
  private readonly accounts = new Map<string, ClientAccount | ListedProfessional>();
  private readonly roles = new Map<string, Role | null>();
  private readonly routes: RouteTable;

  private constructor(
    private readonly url: URL,
    private readonly options: HttpPlatformOptions,
    readonly mode: string | null,
    client: HttpClient,
    private readonly log: RequestLog,
    /** The application's @links by name (the lists' links, where it gives them). */
    private readonly appLinks: ReadonlyMap<string, string>,
  ) {
    this.name = url.origin;
    this.id = url.origin;
    this.base = `${url.origin}${apiRoot}`;
    this.client = client;
    this.routes = options.routes ?? routes;
  }

  /** How reports name an HTTP platform: its origin, never a token. */
  static nameFor(url: string): string {
    return platformUrl(url).origin;
  }

  /** Reads GET /api/2 first: the host must answer and accept the token; its mode is shown. */
  static async connect(options: HttpPlatformOptions): Promise<HttpPlatform> {
    const url = platformUrl(options.url);
    // A create whose answer does not say what it made is looked up by source ID, or in the list by e-mail.
    const log = new RequestLog(
      new Set<RouteName>(["lookupClient", "lookupProfessional", "listClients", "listProfessionals"]),
    );
    const client = new HttpClient({
      log,
      token: options.token,
      rate: options.rate,
      timeoutMs: options.timeoutMs,
      attempts: options.attempts ?? 6,
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
    const table = options.routes ?? routes;
    let answer: ApiAnswer;
    try {
      answer = await client.request("GET", routeUrl(table, "application", `${url.origin}${apiRoot}`), undefined, {
        attempts: 3,
        route: "application",
      });
    } catch (error) {
      if (error instanceof ApiUnavailable)
        throw new PlatformError(`Cannot reach the platform at ${url.host}: ${error.message}.`, { cause: error });
      if (error instanceof ApiRefusal) {
        throw new PlatformError(
          `The platform at ${url.host} does not answer as Minddistrict API 2 (GET ${apiRoot}: ${error.status}).`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
    const app = parseAnswer(application, answer.body, { request: `GET ${apiRoot}`, fact: "application" });
    const given = linksSchema.safeParse((answer.body as { "@links"?: unknown } | null)?.["@links"]);
    const appLinks = new Map(
      (given.success ? given.data : []).map((l) => [l.name, new URL(l.url, `${url.origin}${apiRoot}/`).href]),
    );
    return new HttpPlatform(url, options, app.mode ?? null, client, log, appLinks);
  }

  async snapshot(needs: SnapshotNeeds): Promise<PlatformSnapshot> {
    const [clients, professionals] = await Promise.all([
      needs.clients ? this.list("client") : Promise.resolve([]),
      needs.professionals ? this.list("professional") : Promise.resolve([]),
    ]);
    const listed = professionals as ListedProfessional[];
    if (needs.roles) {
      const roles = await this.rolesOf(listed.filter((p) => p.role === null).map((p) => p.md_id));
      for (const professional of listed) professional.role ??= roles.get(professional.md_id) ?? null;
    }
    return {
      config: this.options.config ?? defaultPlatformConfig,
      clients: clients as ClientAccount[],
      professionals: listed,
      // Not listable at once (assumed: apiFacts.relations): read per client with relationsOf.
      relations: [],
    };
  }

  async relationsOf(clientMdIds: readonly string[]): Promise<Relation[]> {
    const relations: Relation[] = [];
    await this.each(clientMdIds, async (clientMdId) => {
      const url = await this.professionalsLink(clientMdId);
      const where = { request: `GET ${routeOf(url)}`, fact: "relations" as const };
      const answer = await this.client.request("GET", url, undefined, { answer: "page", route: "listRelations" });
      for (const [index, item] of parseAnswer(listAnswer, answer.body, where)["@items"].entries()) {
        const professional = parseAnswer(urlOnly, item, { ...where, path: `@items[${index}]` });
        relations.push({ professional_md_id: mdIdOf(professional["@url"], where.request), client_md_id: clientMdId });
      }
    });
    return relations;
  }

  /** Roles the snapshot did not give, read from each professional (assumed: apiFacts.professionalRoles). */
  async rolesOf(professionalMdIds: readonly string[]): Promise<Map<string, Role | null>> {
    await this.each(
      professionalMdIds.filter((mdId) => !this.roles.has(mdId)),
      async (mdId) => {
        const url = this.linkOf("professional", mdId, "readRoles");
        const answer = await this.read(url, "readRoles");
        const { roles } = parseAnswer(rolesAnswer, answer.body, {
          request: `GET ${routeOf(url)}`,
          fact: "professionalRoles",
        });
        this.learnRole(mdId, roleOfGroups(roles) ?? null);
      },
    );
    return new Map(professionalMdIds.map((mdId) => [mdId, this.roles.get(mdId) ?? null]));
  }

  async createClient(client: NewClient, options: ActivateOptions = { welcomeMail: "no" }): Promise<ClientAccount> {
    const mdId = await this.createOnce("client", { ...fieldsOf(client), active: false }, client);
    if (client.active) await this.activateAccount("client", mdId, options);
    const account: ClientAccount = { ...client, md_id: mdId, external_source: null };
    this.accounts.set(mdId, account);
    return account;
  }

  async createProfessional(
    professional: NewProfessional,
    options: ActivateOptions = { welcomeMail: "no" },
  ): Promise<ProfessionalAccount> {
    const { role, ...fields } = professional;
    const mdId = await this.createOnce("professional", { ...fieldsOf(fields), active: false }, professional);
    await this.setRole(mdId, role);
    if (professional.active) await this.activateAccount("professional", mdId, options);
    const account: ProfessionalAccount = { ...professional, md_id: mdId, external_source: null };
    this.accounts.set(mdId, account);
    return account;
  }

  async activate(account: AccountToActivate, options: ActivateOptions): Promise<void> {
    if (account.kind === "professional") await this.setRole(account.md_id, account.role);
    await this.activateAccount(account.kind, account.md_id, options);
  }

  async updateClient(mdId: string, changes: ClientChanges): Promise<ClientAccount> {
    const answer = await this.write("PATCH", this.urlOf("client", mdId), fieldsOf(changes), "updateClient");
    return (await this.accountAfter("client", mdId, answer, changes)) as ClientAccount;
  }

  async updateProfessional(mdId: string, changes: ProfessionalChanges): Promise<ProfessionalAccount> {
    const { role, ...fields } = changes;
    let answer: ApiAnswer | null = null;
    if (Object.keys(fields).length > 0)
      answer = await this.write("PATCH", this.urlOf("professional", mdId), fieldsOf(fields), "updateProfessional");
    if (role) await this.setRole(mdId, role);
    const account = (await this.accountAfter("professional", mdId, answer, changes)) as ListedProfessional;
    // The interface promises the role: read it where neither the answers nor the list gave it.
    if (account.role === null) account.role = (await this.rolesOf([mdId])).get(mdId) ?? null;
    return account as ProfessionalAccount;
  }

  async link(relation: Relation): Promise<void> {
    const target = await this.professionalsLink(relation.client_md_id);
    // The professional as the platform names it: its own @url, as it gave it.
    const body = {
      professional:
        this.urls.get(`professional:${relation.professional_md_id}`) ??
        this.urlOf("professional", relation.professional_md_id),
    };
    try {
      await this.client.request("POST", target, body, { once: true, route: "addRelation" });
    } catch (error) {
      if (!(error instanceof ApiUnavailable && error.sent)) throw this.refusal(error, "addRelation");
      // Unknown outcome: look before linking again.
      const existing = await this.relationsOf([relation.client_md_id]);
      if (existing.some((r) => r.professional_md_id === relation.professional_md_id)) return;
      try {
        await this.write("POST", target, body, "addRelation");
      } catch (again) {
        // It was not there a moment ago: a retry of ours made it.
        if (!(again instanceof PlatformRuleError && again.rule === "relation_exists")) throw again;
      }
    }
  }

  /**
   * One account as the platform holds it now, for `run`'s read-after-write check. It rests on
   * these facts of api.ts (`apiFacts`): `accountId` and `links` (GET the account's @url, as the
   * platform gave it, else /c/{id} or /p/{id}), `listClients`/`listProfessionals` (the account
   * reads as it does in a list, as tolerantly), `lookupNotFound` (an unknown account URL answers
   * 404: null), and `professionalRoles` (where the account carries no roles, GET its roles link).
   * What our own writes taught (a role set, an account composed from what was sent) is not used.
   */
  async readAccount(kind: Kind, mdId: string): Promise<ClientAccount | ListedProfessional | null> {
    const url = this.urlOf(kind, mdId);
    let answer: ApiAnswer;
    try {
      answer = await this.read(url, readRoute[kind]);
    } catch (error) {
      if (error instanceof PlatformRuleError && error.rule === "not_found") return null;
      throw error;
    }
    if (kind === "professional") this.roles.delete(mdId);
    const account = this.parseAccount(kind, answer.body, { request: `GET ${routeOf(url)}`, fact: listFact[kind] });
    if ("role" in account && !this.roles.has(mdId)) account.role = (await this.rolesOf([mdId])).get(mdId) ?? null;
    return account;
  }

  /** Every request goes into the command's log from now on (those made so far first); close() adds the summary. */
  attachLog(sink: LogSink): void {
    this.log.attach(sink);
  }

  unsureExchanges(): number {
    return this.log.unsure;
  }

  /** The requests so far by route and status, retries and 429 pauses. */
  requestTotals(): RequestSummary {
    return this.log.totals();
  }

  close(): Promise<void> {
    this.log.writeSummary();
    this.options.onRequestSummary?.(this.log.totals());
    return Promise.resolve();
  }

  /** Runs `work` for each distinct item, up to --concurrency at once. */
  private async each(items: readonly string[], work: (item: string) => Promise<void>): Promise<void> {
    const queue = [...new Set(items)];
    const worker = async () => {
      for (let item = queue.pop(); item !== undefined; item = queue.pop()) await work(item);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(queue.length, this.options.concurrency)) }, worker));
  }

  /**
   * Every account of a kind, following the platform's paging (assumed: apiFacts.paging): a
   * `next` link where the platform gives one, else start/limit until an empty page or the
   * total. A page shorter than asked does not end the list: a platform may cap its pages.
   */
  private async list(kind: Kind): Promise<(ClientAccount | ListedProfessional)[]> {
    const accounts: (ClientAccount | ListedProfessional)[] = [];
    const seen = new Set<string>();
    const size = this.options.pageSize ?? pageSize;
    const route = listRoute[kind];
    const linked = this.routes[route].link;
    const given = linked ? this.appLinks.get(linked.name) : undefined;
    const path = given !== undefined ? this.own(given) : routeUrl(this.routes, route, this.base);
    const request = `GET ${routeOf(path)}`;
    const at = (start: number) => {
      const url = new URL(path);
      url.searchParams.set("start", String(start));
      url.searchParams.set("limit", String(size));
      return url.href;
    };
    let followsNext = false;
    for (let url: string | undefined = at(0); url !== undefined;) {
      const answer = await this.client.request("GET", url, undefined, { answer: "page", route });
      const page = parseAnswer(listAnswer, answer.body, { request, fact: listFact[kind] });
      let fresh = 0;
      for (const [index, item] of page["@items"].entries()) {
        const account = this.parseAccount(kind, item, { request, path: `@items[${index}]`, fact: listFact[kind] });
        if (seen.has(account.md_id)) continue;
        seen.add(account.md_id);
        accounts.push(account);
        fresh++;
      }
      // An empty page ends the list; so does a page of accounts seen already (a platform that ignores start).
      if (fresh === 0 || (page.total !== undefined && seen.size >= page.total)) break;
      const next = page["@links"].find((l) => l.name === "next")?.url;
      followsNext ||= next !== undefined;
      url = next !== undefined ? this.own(new URL(next, url).href) : followsNext ? undefined : at(seen.size);
    }
    return accounts;
  }

  private parseAccount(kind: Kind, item: unknown, where: Where): ClientAccount | ListedProfessional {
    if (kind === "client") {
      const { "@url": given, "@links": links, ...fields } = parseAnswer(clientItem, item, where);
      const url = new URL(given, this.base).href;
      const account: ClientAccount = { md_id: mdIdOf(url, where.request), ...fields };
      this.remember("client", account, url, links);
      return account;
    }
    const { "@url": given, "@links": links, roles, ...fields } = parseAnswer(professionalItem, item, where);
    const url = new URL(given, this.base).href;
    const mdId = mdIdOf(url, where.request);
    // Roles where the answer carries them (a group mdimport does not know: null), else what was read before.
    if (roles) this.learnRole(mdId, roleOfGroups(roles) ?? null);
    const account: ListedProfessional = { md_id: mdId, ...fields, role: this.roles.get(mdId) ?? null };
    this.remember("professional", account, url, links);
    return account;
  }

  private remember(
    kind: Kind,
    account: ClientAccount | ListedProfessional,
    url: string,
    links: readonly { name: string; url: string }[],
  ): void {
    this.urls.set(`${kind}:${account.md_id}`, url);
    this.accounts.set(account.md_id, account);
    if (links.length > 0)
      this.links.set(`${kind}:${account.md_id}`, new Map(links.map((l) => [l.name, new URL(l.url, url).href])));
  }

  private learnRole(mdId: string, role: Role | null): void {
    this.roles.set(mdId, role);
    const known = this.accounts.get(mdId);
    if (known && "role" in known) known.role = role;
  }

  accountUrl(mdId: string): string | undefined {
    // The API 2 URL (/api/2/c/{id}, /p/{id} or whatever @url the platform named), not a page of the
    // web application: api.md knows no route from an account to its page for professionals.
    const given = this.urls.get(`client:${mdId}`) ?? this.urls.get(`professional:${mdId}`);
    return given === undefined ? undefined : this.own(given);
  }

  /** Where to send a request about an account: the @url the platform gave (on our origin), else the table's read route (/c/{id}, /p/{id}). */
  private urlOf(kind: Kind, mdId: string): string {
    const given = this.urls.get(`${kind}:${mdId}`);
    return given !== undefined ? this.own(given) : routeUrl(this.routes, readRoute[kind], this.base, { id: mdId });
  }

  /** The URL of a route on an account: its link where the platform named one, else the table's path on the account's URL. */
  private linkOf(kind: Kind, mdId: string, route: RouteName): string {
    const name = this.routes[route].link?.name;
    const link = name === undefined ? undefined : this.links.get(`${kind}:${mdId}`)?.get(name);
    return link !== undefined
      ? this.own(link)
      : routeUrl(this.routes, route, this.base, { account: this.urlOf(kind, mdId) });
  }

  /**
   * A URL the platform gave (@url, @links, next), on the --platform origin: its path and query
   * only. The token never goes to another host, and a platform behind a proxy that names its
   * internal address in @url is still reached through the address the user gave.
   */
  private own(url: string): string {
    const target = new URL(url, this.base);
    return `${this.url.origin}${target.pathname}${target.search}`;
  }

  /** A GET. */
  private read(url: string, route: RouteName): Promise<ApiAnswer> {
    return this.exchange("GET", url, undefined, route);
  }

  /** A change that may be sent again as it is (PATCH, activation, roles); a create is createOnce. */
  private write(method: "PATCH" | "POST", url: string, body: unknown, route: RouteName): Promise<ApiAnswer> {
    return this.exchange(method, url, body, route);
  }

  /** One request the client may retry, with a refusal as the Platform interface speaks of it. */
  private async exchange(method: string, url: string, body: unknown, route: RouteName): Promise<ApiAnswer> {
    try {
      return await this.client.request(method, url, body, { route });
    } catch (error) {
      throw this.refusal(error, route);
    }
  }

  private async setRole(mdId: string, role: Role): Promise<void> {
    // Known: the whole list of groups wanted is sent.
    await this.write(
      "PATCH",
      this.linkOf("professional", mdId, "setRoles"),
      { roles: [groupOfRole[role]] },
      "setRoles",
    );
    this.learnRole(mdId, role);
  }

  private activateAccount(kind: Kind, mdId: string, options: ActivateOptions): Promise<ApiAnswer> {
    const route = activateRoute[kind];
    return this.write("POST", this.linkOf(kind, mdId, route), { active: true, send_email: options.welcomeMail }, route);
  }

  /**
   * POSTs a new account once and returns its Minddistrict ID. The answer may be 200, 201 or
   * 204, with the object, only a Location, or nothing: then the account is looked up. When the
   * answer is lost (timeout, dropped connection, 5xx), the account is looked up (by source ID,
   * else in the list by e-mail) before anything is sent again.
   */
  private async createOnce(
    kind: Kind,
    body: Record<string, unknown>,
    wanted: { id: string | null; email: string },
  ): Promise<string> {
    const url = routeUrl(this.routes, createRoute[kind], this.base);
    const request = `POST ${routeOf(url)}`;
    for (let tries = 1; ; tries++) {
      try {
        const answer = await this.client.request("POST", url, body, { once: true, route: createRoute[kind] });
        const created = this.createdAccount(kind, answer, request) ?? (await this.lookUp(kind, wanted));
        if (created) return created;
        throw new PlatformError(
          `The platform created an account but did not say where (${request} answered ${answer.status} without an @url or Location, and the account cannot be found by source ID or e-mail).`,
        );
      } catch (error) {
        if (!(error instanceof ApiUnavailable && error.sent) || tries >= this.client.attempts)
          throw this.refusal(error, createRoute[kind]);
        const found = await this.lookUp(kind, wanted);
        if (found) return found;
        await this.client.waitBackoff(tries);
      }
    }
  }

  /** The new account's Minddistrict ID from a create's answer: its object's @url (and links), or a Location header. */
  private createdAccount(kind: Kind, answer: ApiAnswer, request: string): string | null {
    const body = answer.body;
    if (body && typeof body === "object" && typeof (body as { "@url"?: unknown })["@url"] === "string") {
      const url = new URL((body as { "@url": string })["@url"], this.base).href;
      const mdId = mdIdOf(url, request);
      this.urls.set(`${kind}:${mdId}`, url);
      const { "@links": links } = parseAnswer(linksOnly, body, {
        request,
        fact: kind === "client" ? "createClient" : "createProfessional",
      });
      if (links.length > 0)
        this.links.set(`${kind}:${mdId}`, new Map(links.map((l) => [l.name, new URL(l.url, url).href])));
      return mdId;
    }
    if (answer.location) {
      const location = new URL(answer.location, this.base).href;
      return /\/[0-9a-f]{32}\/?$/.test(location) ? mdIdOf(location, request) : null;
    }
    return null;
  }

  /** The Minddistrict ID of the account with this source ID or e-mail, if the platform holds it; another's is a refusal. */
  private async lookUp(kind: Kind, wanted: { id: string | null; email: string }): Promise<string | null> {
    let account: ClientAccount | ListedProfessional | undefined;
    if (wanted.id !== null) {
      const route = lookupRoute[kind];
      const url = routeUrl(this.routes, route, this.base, { id: wanted.id });
      try {
        const answer = await this.client.request("GET", url, undefined, { route });
        account = this.parseAccount(kind, answer.body, { request: `GET ${routeOf(url)}`, fact: "lookupById" });
      } catch (error) {
        if (!(error instanceof ApiRefusal && this.routes[route].notFound.includes(error.status)))
          throw this.refusal(error, route);
      }
    } else {
      // No look-up by e-mail exists (known): read the list again.
      account = (await this.list(kind)).find((a) => a.email === wanted.email);
    }
    if (!account) return null;
    if (account.email !== wanted.email)
      throw new PlatformRuleError("external_id_in_use", "the source ID is already used by another account");
    return account.md_id;
  }

  /** The link to a client's professionals (assumed: apiFacts.relations), from the list or the client itself. */
  private async professionalsLink(clientMdId: string): Promise<string> {
    const key = `client:${clientMdId}`;
    if (!this.links.has(key)) {
      const url = this.urlOf("client", clientMdId);
      const { "@links": links } = parseAnswer(linksOnly, (await this.read(url, "readClient")).body, {
        request: `GET ${routeOf(url)}`,
        fact: "relations",
      });
      this.links.set(key, new Map(links.map((l) => [l.name, new URL(l.url, url).href])));
    }
    const entry = this.routes.listRelations;
    const name = entry.link?.name ?? "professionals";
    const found = this.links.get(key)?.get(name);
    if (found) return this.own(found);
    if (entry.guess !== false)
      return routeUrl(this.routes, "listRelations", this.base, { account: this.urlOf("client", clientMdId) });
    throw new PlatformError(
      `This platform offers no link named ${name} on its clients, so mdimport cannot read or make treatment relations over its API.`,
    );
  }

  /** The account after an update: from the answer where it holds one, else what we knew plus the changes. */
  private async accountAfter(
    kind: Kind,
    mdId: string,
    answer: ApiAnswer | null,
    changes: ClientChanges | ProfessionalChanges,
  ): Promise<ClientAccount | ListedProfessional> {
    const url = this.urlOf(kind, mdId);
    const where: Where = { request: `PATCH ${routeOf(url)}`, fact: "update" };
    const known = this.accounts.get(mdId);
    if (answer?.body && typeof answer.body === "object" && "@url" in answer.body) {
      // What the platform says it now holds, not what was sent.
      return this.parseAccount(kind, answer.body, where);
    }
    if (known) {
      const account = { ...known, ...changes };
      this.accounts.set(mdId, account);
      return account;
    }
    return this.parseAccount(kind, (await this.read(url, readRoute[kind])).body, {
      ...where,
      request: `GET ${routeOf(url)}`,
    });
  }

  /** A failure as the Platform interface speaks of it: a broken rule, a protected account, or as it is. */
  private refusal(error: unknown, route: RouteName): Error {
    if (error instanceof ApiRefusal) {
      // The platform's words stay out of the message (see ApiRefusal): status and rule do not.
      const answer = {
        status: error.status,
        ...(error.messages.length > 0 ? { platformText: error.messages.join(" ") } : {}),
      };
      if (this.routes[route].notFound.includes(error.status))
        return new PlatformRuleError("not_found", "the platform has no such account", answer);
      if (error.status === 403)
        return new PlatformRuleError("protected", "the platform protects this account from changes", answer);
      const rule = ruleOfMessages(error.messages) ?? "invalid";
      return new PlatformRuleError(rule, `the platform refused the request (${error.status}, ${rule})`, answer);
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
