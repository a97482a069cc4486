import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { z } from "zod";
import { newClientSchema, newProfessionalSchema, withoutDefaults } from "../accounts.js";
import {
  apiRoot,
  groupOfRole,
  pageSize,
  refusalMessages,
  roleOfGroups,
  routes as defaultRoutes,
  routeUrl,
  type RouteName,
  type RouteTable,
} from "../http/api.js";
import { PlatformRuleError, type ClientAccount, type ProfessionalAccount, type RuleBroken } from "../platform.js";
import { compileRoutes, matchRoute, routesOfLink, type RouteMatch } from "./routing.js";
import type { ServerStore } from "./store.js";
import { plainServe, type ServeVariants } from "./variants.js";

export interface ServeOptions {
  /** The accounts and relations it answers from (the local store, in `platform serve`). */
  store: ServerStore;
  port: number;
  token: string;
  /** Milliseconds every answer waits. */
  latency: number;
  /** Share of requests (0 to 1) answered 503 or with a dropped connection. */
  failRate: number;
  /** Requests per second beyond which the answer is 429 with Retry-After; 0 for none. */
  rateLimit: number;
  /** Seed of the fault dice, so that a run of faults can be repeated. */
  seed: number;
  /** The mode GET /api/2 reports; null plays a production platform. */
  mode?: string | null;
  /** Which plausible other platform to play (variants.ts); plain by default. */
  variants?: ServeVariants;
  /** The routes it answers (api.ts `routes` by default): a copy with an assumption changed, for tests. */
  routes?: RouteTable;
}

/** What the server did, for tests and benchmarks (GET /_mdimport/stats). */
export interface ServeStats {
  requests: number;
  byStatus: Record<string, number>;
  dropped: number;
  /** Writes carried out before the connection was dropped: the client cannot know they happened. */
  droppedAfterWrite: number;
  welcomeMails: number;
  /** Requests per route of the table that reached it (not those answered 401, 429 or a fault). */
  byRoute: Record<string, number>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A small seeded random source (mulberry32), so that faults can be repeated. */
function dice(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const messageOf: Partial<Record<RuleBroken, string>> = Object.fromEntries(
  refusalMessages.map((r) => [r.rule, r.message]),
);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The bodies a create takes: the model's new account (accounts.ts), made inactive unless it
 * says otherwise; a professional's groups are set apart (PATCH roles) and its description is
 * accepted and not kept. A PATCH takes the same fields, each optional and without defaults.
 */
const clientFields = newClientSchema.extend({ active: z.boolean().default(false) });
const professionalFields = newProfessionalSchema
  .omit({ role: true })
  .extend({ active: z.boolean().default(false), description: z.string().nullish() });
const clientChanges = withoutDefaults(clientFields).partial();
const professionalChanges = withoutDefaults(professionalFields).partial();
const activation = z.strictObject({ active: z.boolean(), send_email: z.enum(["yes", "no"]).optional() });
const roles = z.strictObject({ roles: z.array(z.string()).min(1) });
const linkBody = z.strictObject({ professional: z.string() });

/**
 * `mdimport platform serve`: the API 2 routes mdimport uses, answered over the local store,
 * with the faults a real platform shows (latency, 503s, dropped connections, 429s). It answers
 * exactly as `http/api.ts` assumes the real platform does.
 */
export class PlatformServer {
  readonly stats: ServeStats = {
    requests: 0,
    byStatus: {},
    dropped: 0,
    droppedAfterWrite: 0,
    welcomeMails: 0,
    byRoute: {},
  };
  private readonly server: Server;
  private readonly random: () => number;
  private readonly arrivals: number[] = [];
  private readonly sockets = new Set<Socket>();
  private origin = "";
  private readonly variants: ServeVariants;
  private readonly routes: RouteTable;
  private readonly compiled: ReturnType<typeof compileRoutes>;

  constructor(private readonly options: ServeOptions) {
    this.variants = options.variants ?? plainServe;
    this.routes = options.routes ?? defaultRoutes;
    this.compiled = compileRoutes(this.routes);
    this.random = dice(options.seed);
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.keepAliveTimeout = 5000;
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  /** Starts listening on 127.0.0.1 and returns the URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port, "127.0.0.1", () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    return this.origin;
  }

  /** Stops taking connections and ends the open ones. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private count(status: number): void {
    this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", this.origin);
    if (url.pathname === "/_mdimport/stats") {
      response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(this.stats));
      return;
    }
    this.stats.requests++;
    if (this.options.rateLimit > 0) {
      const now = performance.now();
      while (this.arrivals.length > 0 && this.arrivals[0]! <= now - 1000) this.arrivals.shift();
      if (this.arrivals.length >= this.options.rateLimit) {
        const wait = Math.max(1, Math.ceil((this.arrivals[0]! + 1000 - now) / 1000));
        return this.answer(response, 429, problem(429, "Too many requests."), { "Retry-After": String(wait) });
      }
      this.arrivals.push(now);
    }
    if (this.options.latency > 0) await sleep(this.options.latency);
    const fault = this.options.failRate > 0 && this.random() < this.options.failRate ? this.random() : null;
    // A third of the faults are 503s, a third drop the connection before, a third after the work.
    if (fault !== null && fault < 1 / 3) return this.answer(response, 503, problem(503, "Service unavailable."));
    if (fault !== null && fault < 2 / 3) return this.drop(response);
    if ((request.headers.authorization ?? "") !== `md-token ${this.options.token}`) {
      return this.answer(response, 401, { message: "Authentication required." });
    }
    let status = 200;
    let result: unknown;
    try {
      [status, result] = this.route(request.method ?? "GET", url, body);
    } catch (error) {
      if (error instanceof HttpProblem) [status, result] = [error.status, problem(error.status, error.message)];
      else if (error instanceof PlatformRuleError) [status, result] = ruleAnswer(error);
      else [status, result] = [500, problem(500, "Internal error.")];
    }
    if (fault !== null) {
      if (request.method !== "GET" && status < 300) this.stats.droppedAfterWrite++;
      return this.drop(response);
    }
    this.answer(response, status, result);
  }

  private drop(response: ServerResponse): void {
    this.stats.dropped++;
    response.socket?.destroy();
  }

  private answer(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.count(status);
    if (status === 204) {
      response.writeHead(204, headers).end();
      return;
    }
    const text = JSON.stringify(body);
    response
      .writeHead(status, {
        "Content-Type": "application/json;charset=UTF-8",
        "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate",
        ...headers,
      })
      .end(text);
  }

  /** The request matched against the route table (api.ts `routes`), then answered by that route's handler. */
  private route(method: string, url: URL, body: unknown): [number, unknown] {
    const path = url.pathname.replace(/\/+$/, "");
    if (!path.startsWith(apiRoot)) throw new HttpProblem(404, "Not found.");
    const below = path.slice(apiRoot.length);
    const viaLink = this.variants.linksOnly ? this.linkTarget(method, below) : null;
    const match = viaLink ?? matchRoute(this.compiled, method, below, { guessed: !this.variants.linksOnly });
    if (match.kind === "not_found") throw new HttpProblem(404, "Not found.");
    if (match.kind === "method_not_allowed") throw new HttpProblem(405, "Method not allowed.");
    this.stats.byRoute[match.name] = (this.stats.byRoute[match.name] ?? 0) + 1;
    return this.handlers[match.name]({ id: match.id, url, body });
  }

  /** Under links-only, the routes on an account live at /links/{id}/{link name}, where @links point. */
  private linkTarget(method: string, below: string): RouteMatch | null {
    const found = /^\/links\/([0-9a-f]{32})\/([^/]+)$/.exec(below);
    if (!found) return null;
    const [, mdId, name] = found as unknown as [string, string, string];
    const kind = this.options.store.find("client", mdId) ? "client" : "professional";
    const names = routesOfLink(this.routes, kind, decodeURIComponent(name));
    if (names.length === 0) return { kind: "not_found" };
    const route = names.find((n) => this.routes[n].method === method);
    return route ? { kind: "route", name: route, id: mdId } : { kind: "method_not_allowed" };
  }

  /** What each route of the table answers; the table decides which request reaches which. */
  private readonly handlers: Record<
    RouteName,
    (request: { id: string | undefined; url: URL; body: unknown }) => [number, unknown]
  > = {
    application: () => [200, this.applicationJson()],
    listClients: ({ url }) => [200, { "@items": this.page("client", url) }],
    listProfessionals: ({ url }) => [200, { "@items": this.page("professional", url) }],
    createClient: ({ body }) => this.created(this.create("client", body)),
    createProfessional: ({ body }) => this.created(this.create("professional", body)),
    lookupClient: ({ id }) => [
      200,
      this.clientJson(this.found(this.options.store.findBySourceId("client", id!)) as ClientAccount),
    ],
    lookupProfessional: ({ id }) => [
      200,
      this.professionalJson(this.found(this.options.store.findBySourceId("professional", id!)) as ProfessionalAccount),
    ],
    readClient: ({ id }) => [200, this.clientJson(this.account("client", id))],
    readProfessional: ({ id }) => [200, this.professionalJson(this.account("professional", id))],
    updateClient: ({ id, body }) => this.patch("client", this.account("client", id).md_id, body),
    updateProfessional: ({ id, body }) => this.patch("professional", this.account("professional", id).md_id, body),
    activateClient: ({ id, body }) => this.activation(this.account("client", id), "client", body),
    activateProfessional: ({ id, body }) => this.activation(this.account("professional", id), "professional", body),
    // Assumed (apiFacts.professionalRoles): the groups are read back where they are set.
    readRoles: ({ id }) => [200, { roles: [groupOfRole[this.account("professional", id).role]] }],
    setRoles: ({ id, body }) => {
      const mdId = this.account("professional", id).md_id;
      const role = roleOfGroups(parseBody(roles, body).roles);
      if (!role) throw new HttpProblem(400, "Unknown group.");
      this.update("professional", mdId, { role });
      return [200, { roles: [groupOfRole[role]] }];
    },
    listRelations: ({ id }) => {
      const store = this.options.store;
      const mdId = this.account("client", id).md_id;
      return [
        200,
        { "@items": store.professionalsOf(mdId).map((p) => this.professionalJson(store.find("professional", p)!)) },
      ];
    },
    addRelation: ({ id, body }) => {
      const store = this.options.store;
      const mdId = this.account("client", id).md_id;
      const professional = parseBody(linkBody, body).professional.replace(/\/+$/, "").split("/").pop() ?? "";
      if (!store.find("professional", professional)) throw new HttpProblem(400, "There is no such professional.");
      store.linkNow({ professional_md_id: professional, client_md_id: mdId });
      return [201, { "@url": this.linkUrl("client", mdId, "addRelation") }];
    },
  };

  private applicationJson(): Record<string, unknown> {
    const base = `${this.origin}${apiRoot}`;
    const lists = (["listClients", "listProfessionals"] as const).flatMap((name) => {
      const link = this.routes[name].link;
      return link ? [{ name: link.name, url: routeUrl(this.routes, name, base) }] : [];
    });
    return {
      "@type": "http://ns.minddistrict.com/application",
      "@url": routeUrl(this.routes, "application", base),
      name: "mdimport local platform",
      mode: this.options.mode === undefined ? "training" : this.options.mode,
      warning: "for_testing_only",
      "@links": lists,
    };
  }

  /** A create's answer: 201 with the object; 204 without a body (or a Location) under the variant create-empty. */
  private created(account: unknown): [number, unknown] {
    return this.variants.createEmpty ? [204, null] : [201, account];
  }

  private found<T>(account: T | null | undefined): T {
    if (!account) throw new HttpProblem(404, "Not found.");
    return account;
  }

  /** The account a route's {id} names (a Minddistrict ID), or 404. */
  private account(kind: "client", id: string | undefined): ClientAccount;
  private account(kind: "professional", id: string | undefined): ProfessionalAccount;
  private account(kind: "client" | "professional", id: string | undefined): ClientAccount | ProfessionalAccount {
    if (id === undefined || !/^[0-9a-f]{32}$/.test(id)) throw new HttpProblem(404, "Not found.");
    return this.found(
      kind === "client" ? this.options.store.find("client", id) : this.options.store.find("professional", id),
    );
  }

  /** One page of a list: start and limit as asked, at most --page-size under the variant paged. */
  private page(kind: "client" | "professional", url: URL): unknown[] {
    const start = Number(url.searchParams.get("start") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? Number.MAX_SAFE_INTEGER);
    if (!Number.isInteger(start) || start < 0 || !Number.isInteger(limit) || limit < 1)
      throw new HttpProblem(400, "start and limit must be whole numbers.");
    const size = Math.min(limit, this.variants.pageSize ?? 100 * pageSize);
    const store = this.options.store;
    return kind === "client"
      ? store.list("client", start, size).map((c) => this.clientJson(c))
      : store.list("professional", start, size).map((p) => this.professionalJson(p));
  }

  private patch(kind: "client" | "professional", mdId: string, body: unknown): [number, unknown] {
    const store = this.options.store;
    const account = kind === "client" ? store.find("client", mdId)! : store.find("professional", mdId)!;
    const changes = this.dropped(parseBody(kind === "client" ? clientChanges : professionalChanges, body));
    if (changes.email !== undefined && changes.email !== account.email)
      throw new HttpProblem(400, "The e-mail address cannot be changed here.");
    const { active, ...fields } = changes;
    this.update(kind, mdId, fields);
    if (active !== undefined) store.setActive(kind, mdId, active);
    return [
      200,
      kind === "client"
        ? this.clientJson(store.find("client", mdId)!)
        : this.professionalJson(store.find("professional", mdId)!),
    ];
  }

  private activation(
    account: ClientAccount | ProfessionalAccount,
    kind: "client" | "professional",
    body: unknown,
  ): [number, unknown] {
    const { active, send_email } = parseBody(activation, body);
    if (active && !account.active && send_email === "yes") this.stats.welcomeMails++;
    this.options.store.setActive(kind, account.md_id, active);
    return [204, null];
  }

  /** A write's fields without those the variant drops-field accepts and does not store. */
  private dropped<T extends object>(fields: T): T {
    if (this.variants.dropsFields.length === 0) return fields;
    return Object.fromEntries(
      Object.entries(fields).filter(([field]) => !this.variants.dropsFields.includes(field)),
    ) as T;
  }

  /** An account's URL (@url: the table's read route, /c/{id} or /p/{id}, as known). */
  private accountUrl(kind: "client" | "professional", mdId: string): string {
    return routeUrl(this.routes, kind === "client" ? "readClient" : "readProfessional", `${this.origin}${apiRoot}`, {
      id: mdId,
    });
  }

  /** The URL @links give for a route on an account: its path on the account (under links-only: /links/{id}/{name}). */
  private linkUrl(kind: "client" | "professional", mdId: string, route: RouteName): string {
    const name = this.routes[route].link?.name ?? route;
    return this.variants.linksOnly
      ? `${this.origin}${apiRoot}/links/${mdId}/${encodeURIComponent(name)}`
      : routeUrl(this.routes, route, `${this.origin}${apiRoot}`, { account: this.accountUrl(kind, mdId) });
  }

  /** The @links of an account: one per link name the table gives routes on this kind of account. */
  private linksOf(kind: "client" | "professional", mdId: string): { name: string; url: string }[] {
    const seen = new Map<string, string>();
    for (const name of Object.keys(this.routes) as RouteName[]) {
      const link = this.routes[name].link;
      if (link?.on === kind && !seen.has(link.name)) seen.set(link.name, this.linkUrl(kind, mdId, name));
    }
    return [...seen].map(([name, url]) => ({ name, url }));
  }

  private create(kind: "client" | "professional", body: unknown): unknown {
    if (kind === "client") {
      const client = this.options.store.createClientNow(this.dropped(parseBody(clientFields, body)));
      // As the store holds it: a field the variant drops-field did not keep is null.
      return this.clientJson(this.options.store.find("client", client.md_id)!);
    }
    const fields = this.dropped(parseBody(professionalFields, body));
    delete fields.description;
    // Groups are set apart (PATCH roles); until then the account is a Hulpverlener.
    const professional = this.options.store.createProfessionalNow({ ...fields, role: "professional" });
    return this.professionalJson(this.options.store.find("professional", professional.md_id)!);
  }

  private update(kind: "client" | "professional", mdId: string, changes: Record<string, unknown>): void {
    this.options.store.updateNow(kind, mdId, changes);
  }

  private clientJson(client: ClientAccount): Record<string, unknown> {
    const { md_id: mdId, ...fields } = client;
    return {
      "@type": "http://ns.minddistrict.com/client",
      "@url": this.accountUrl("client", mdId),
      "@links": this.linksOf("client", mdId),
      ...fields,
      name: [client.first_name, client.infix, client.last_name].filter(Boolean).join(" "),
    };
  }

  private professionalJson(professional: ProfessionalAccount): Record<string, unknown> {
    const { md_id: mdId, role, ...fields } = professional;
    return {
      "@type": "http://ns.minddistrict.com/professional",
      "@url": this.accountUrl("professional", mdId),
      "@links": this.linksOf("professional", mdId),
      ...fields,
      // Variant no-roles-in-list: as the public Professional object, no roles field at all.
      ...(this.variants.noRolesInList ? {} : { roles: [groupOfRole[role]] }),
      name: [professional.first_name, professional.infix, professional.last_name].filter(Boolean).join(" "),
    };
  }
}

function problem(code: number, message: string): { code: number; extra: { message: string }[] } {
  return { code, extra: [{ message }] };
}

/** A broken platform rule answered as the real platform does (assumed: apiFacts.refusal). */
function ruleAnswer(error: PlatformRuleError): [number, unknown] {
  if (error.rule === "not_found") return [404, problem(404, "Not found.")];
  // Assumed (apiFacts.protectedAccount): an account protected from changes answers 403.
  if (error.rule === "protected")
    return [403, problem(403, "This account is managed by another system and cannot be changed here.")];
  return [400, problem(400, messageOf[error.rule] ?? "The request breaks a rule of the platform.")];
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpProblem(400, `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) return null;
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    return null;
  }
}
