import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { z } from "zod";
import type { LocalPlatform } from "../local/local-platform.js";
import { emailSchema } from "../state.js";
import { apiRoot, groupOfRole, pageSize, refusalMessages, roleOfGroups } from "../http/api.js";
import { PlatformRuleError, type ClientAccount, type ProfessionalAccount, type RuleBroken } from "../platform.js";
import { plainServe, type ServeVariants } from "./variants.js";

export interface ServeOptions {
  store: LocalPlatform;
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
}

/** What the server did, for tests and benchmarks (GET /_mdimport/stats). */
export interface ServeStats {
  requests: number;
  byStatus: Record<string, number>;
  dropped: number;
  /** Writes carried out before the connection was dropped: the client cannot know they happened. */
  droppedAfterWrite: number;
  welcomeMails: number;
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

const messageOf: Partial<Record<RuleBroken, string>> = Object.fromEntries(refusalMessages.map((r) => [r.rule, r.message]));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What clients and professionals share; each kind adds its own fields. */
const accountFields = {
  first_name: z.string().min(1),
  infix: z.string().nullish(),
  last_name: z.string().min(1),
  active: z.boolean().optional(),
  email: emailSchema,
  id: z.string().min(1).nullish(),
};
const clientFields = z.strictObject({
  ...accountFields,
  gender: z.enum(["m", "f", "other", "unknown"]).optional(),
  date_of_birth: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullish(),
  phone_number: z.string().nullish(),
  bsn: z
    .string()
    .regex(/^\d{9}$/)
    .nullish(),
});
const professionalFields = z.strictObject({ ...accountFields, description: z.string().nullish() });
const activation = z.strictObject({ active: z.boolean(), send_email: z.enum(["yes", "no"]).optional() });
const roles = z.strictObject({ roles: z.array(z.string()).min(1) });
const linkBody = z.strictObject({ professional: z.string() });

/**
 * `mdimport platform serve`: the API 2 routes mdimport uses, answered over the local store,
 * with the faults a real platform shows (latency, 503s, dropped connections, 429s). It answers
 * exactly as `http/api.ts` assumes the real platform does.
 */
export class PlatformServer {
  readonly stats: ServeStats = { requests: 0, byStatus: {}, dropped: 0, droppedAfterWrite: 0, welcomeMails: 0 };
  private readonly server: Server;
  private readonly random: () => number;
  private readonly arrivals: number[] = [];
  private readonly sockets = new Set<Socket>();
  private origin = "";
  private readonly variants: ServeVariants;

  constructor(private readonly options: ServeOptions) {
    this.variants = options.variants ?? plainServe;
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

  /** The routes of api.ts; returns status and body. */
  private route(method: string, url: URL, body: unknown): [number, unknown] {
    const store = this.options.store;
    const path = url.pathname.replace(/\/+$/, "");
    if (!path.startsWith(apiRoot)) throw new HttpProblem(404, "Not found.");
    const parts = path.slice(apiRoot.length).split("/").filter(Boolean).map(decodeURIComponent);
    if (parts.length === 0 && method === "GET") {
      return [
        200,
        {
          "@type": "http://ns.minddistrict.com/application",
          "@url": `${this.origin}${apiRoot}`,
          name: "mdimport local platform",
          mode: this.options.mode === undefined ? "training" : this.options.mode,
          warning: "for_testing_only",
          "@links": [
            { name: "clients", url: `${this.origin}${apiRoot}/c/items` },
            { name: "professionals", url: `${this.origin}${apiRoot}/p/items` },
          ],
        },
      ];
    }
    const [first, second, third, fourth] = parts;
    if (first === "aux" && (second === "client" || second === "professional") && third === "id" && fourth !== undefined && method === "GET") {
      const account = store.findBySourceId(second, fourth);
      if (!account) throw new HttpProblem(404, "Not found.");
      return [200, second === "client" ? this.clientJson(account as ClientAccount) : this.professionalJson(account as ProfessionalAccount)];
    }
    if ((first === "c" || first === "p") && second === undefined && method === "POST") {
      const created = this.create(first === "c" ? "client" : "professional", body);
      // Variant create-empty: success without the object (and without a Location header).
      return this.variants.createEmpty ? [204, null] : [201, created];
    }
    if ((first === "c" || first === "p") && second === "items" && third === undefined && method === "GET") {
      return [200, { "@items": this.page(first === "c" ? "client" : "professional", url) }];
    }
    const target = this.accountRoute(parts);
    if (!target) throw new HttpProblem(404, "Not found.");
    return this.accountRoutes(method, target, body);
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

  /**
   * The account and sub-resource a path names: /c/{id}, /p/{id} and, where the platform lets
   * them be guessed, /c/{id}/activation and the like; under links-only the sub-resources live
   * only at the URLs @links give (/links/{id}/{name}), and the guessed paths are not found.
   */
  private accountRoute(parts: string[]): { kind: "client" | "professional"; mdId: string; sub: string | undefined } | null {
    const [first, second, third, fourth] = parts;
    if (second === undefined || !/^[0-9a-f]{32}$/.test(second) || fourth !== undefined) return null;
    if (first === "c" || first === "p") {
      if (third !== undefined && this.variants.linksOnly) return null;
      return { kind: first === "c" ? "client" : "professional", mdId: second, sub: third };
    }
    if (first === "links" && this.variants.linksOnly && third !== undefined) {
      const kind = this.options.store.find("client", second) ? "client" : "professional";
      return { kind, mdId: second, sub: third };
    }
    return null;
  }

  /** The routes on one account: read, PATCH, activation, roles, and a client's professionals. */
  private accountRoutes(
    method: string,
    target: { kind: "client" | "professional"; mdId: string; sub: string | undefined },
    body: unknown,
  ): [number, unknown] {
    const store = this.options.store;
    const { kind, mdId, sub } = target;
    const account = kind === "client" ? store.find("client", mdId) : store.find("professional", mdId);
    if (!account) throw new HttpProblem(404, "Not found.");
    const json = () => (kind === "client" ? this.clientJson(store.find("client", mdId)!) : this.professionalJson(store.find("professional", mdId)!));
    if (sub === undefined && method === "GET") return [200, json()];
    if (sub === undefined && method === "PATCH") {
      const changes = this.dropped(parseBody(kind === "client" ? clientFields.partial() : professionalFields.partial(), body));
      if (changes.email !== undefined && changes.email !== account.email) throw new HttpProblem(400, "The e-mail address cannot be changed here.");
      const { active, ...fields } = changes;
      this.update(kind, mdId, fields);
      if (active !== undefined) store.setActive(kind, mdId, active);
      return [200, json()];
    }
    if (sub === "activation" && method === "POST") {
      const { active, send_email } = parseBody(activation, body);
      if (active && !account.active && send_email === "yes") this.stats.welcomeMails++;
      store.setActive(kind, mdId, active);
      return [204, null];
    }
    if (sub === "roles" && kind === "professional" && method === "GET") {
      // Assumed (apiFacts.professionalRoles): the groups are read back where they are set.
      return [200, { roles: [groupOfRole[(account as ProfessionalAccount).role]] }];
    }
    if (sub === "roles" && kind === "professional" && method === "PATCH") {
      const role = roleOfGroups(parseBody(roles, body).roles);
      if (!role) throw new HttpProblem(400, "Unknown group.");
      this.update("professional", mdId, { role });
      return [200, { roles: [groupOfRole[role]] }];
    }
    if (sub === "professionals" && kind === "client" && method === "GET") {
      return [200, { "@items": store.professionalsOf(mdId).map((p) => this.professionalJson(store.find("professional", p)!)) }];
    }
    if (sub === "professionals" && kind === "client" && method === "POST") {
      const professional = parseBody(linkBody, body).professional.replace(/\/+$/, "").split("/").pop() ?? "";
      if (!store.find("professional", professional)) throw new HttpProblem(400, "There is no such professional.");
      store.linkNow({ professional_md_id: professional, client_md_id: mdId });
      return [201, { "@url": this.linkUrl("client", mdId, "professionals") }];
    }
    if (sub !== undefined && !["activation", "roles", "professionals"].includes(sub)) throw new HttpProblem(404, "Not found.");
    throw new HttpProblem(405, "Method not allowed.");
  }

  /** A write's fields without those the variant drops-field accepts and does not store. */
  private dropped<T extends object>(fields: T): T {
    if (this.variants.dropsFields.length === 0) return fields;
    return Object.fromEntries(Object.entries(fields).filter(([field]) => !this.variants.dropsFields.includes(field))) as T;
  }

  /** An account's URL (@url: /c/{id}, /p/{id}, as known) and the URL of one of its sub-resources. */
  private accountUrl(kind: "client" | "professional", mdId: string): string {
    return `${this.origin}${apiRoot}/${kind === "client" ? "c" : "p"}/${mdId}`;
  }

  private linkUrl(kind: "client" | "professional", mdId: string, name: string): string {
    return this.variants.linksOnly ? `${this.origin}${apiRoot}/links/${mdId}/${name}` : `${this.accountUrl(kind, mdId)}/${name}`;
  }

  private create(kind: "client" | "professional", body: unknown): unknown {
    if (kind === "client") {
      const fields = this.dropped(parseBody(clientFields, body));
      const client = this.options.store.createClientNow({
        id: fields.id ?? null,
        email: fields.email,
        first_name: fields.first_name,
        infix: fields.infix ?? null,
        last_name: fields.last_name,
        gender: fields.gender ?? "unknown",
        date_of_birth: fields.date_of_birth ?? null,
        phone_number: fields.phone_number ?? null,
        bsn: fields.bsn ?? null,
        active: fields.active ?? false,
      });
      return this.clientJson(client);
    }
    const fields = this.dropped(parseBody(professionalFields, body));
    const professional = this.options.store.createProfessionalNow({
      id: fields.id ?? null,
      email: fields.email,
      first_name: fields.first_name,
      infix: fields.infix ?? null,
      last_name: fields.last_name,
      // Groups are set apart (PATCH roles); until then the account is a Hulpverlener.
      role: "professional",
      active: fields.active ?? false,
    });
    return this.professionalJson(professional);
  }

  private update(kind: "client" | "professional", mdId: string, changes: Record<string, unknown>): void {
    this.options.store.updateNow(kind, mdId, changes);
  }

  private clientJson(client: ClientAccount): Record<string, unknown> {
    const { md_id: mdId, ...fields } = client;
    return {
      "@type": "http://ns.minddistrict.com/client",
      "@url": this.accountUrl("client", mdId),
      "@links": [
        { name: "professionals", url: this.linkUrl("client", mdId, "professionals") },
        { name: "activation", url: this.linkUrl("client", mdId, "activation") },
      ],
      ...fields,
      name: [client.first_name, client.infix, client.last_name].filter(Boolean).join(" "),
    };
  }

  private professionalJson(professional: ProfessionalAccount): Record<string, unknown> {
    const { md_id: mdId, role, ...fields } = professional;
    return {
      "@type": "http://ns.minddistrict.com/professional",
      "@url": this.accountUrl("professional", mdId),
      "@links": [
        { name: "activation", url: this.linkUrl("professional", mdId, "activation") },
        { name: "roles", url: this.linkUrl("professional", mdId, "roles") },
      ],
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
  if (error.rule === "protected") return [403, problem(403, "This account is managed by another system and cannot be changed here.")];
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
