import { z } from "zod";
import { defaultPlatformConfig } from "../../pipeline/platform-config.js";
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
  type Relation,
  type SnapshotNeeds,
} from "../platform.js";
import { apiRoot, groupOfRole, pageSize, roleOfGroups, ruleOfMessages } from "./api.js";
import { ApiRefusal, ApiUnavailable, HttpClient, type ApiAnswer } from "./client.js";

export interface HttpPlatformOptions {
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
}

type Kind = "client" | "professional";
const collection: Record<Kind, "c" | "p"> = { client: "c", professional: "p" };

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
    throw new UsageError(`--platform ${parsed.origin}: plain http:// is allowed only on a loopback address; use https://.`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new UsageError(`--platform must be "local" or https://HOST, not "${url}".`);
  if (parsed.username || parsed.password)
    throw new UsageError("--platform must not hold a user name or password; the token comes from MDIMPORT_TOKEN or --token-file.");
  return parsed;
}

const link = z.object({ name: z.string(), url: z.string() });
const meta = { "@url": z.string(), "@links": z.array(link).optional() };
const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v === undefined || v === null || v.trim() === "" ? null : v));

const clientItem = z.object({
  ...meta,
  email: z.string(),
  first_name: z.string(),
  infix: optionalText,
  last_name: z.string(),
  gender: z
    .enum(["m", "f", "other", "unknown"])
    .nullish()
    .transform((g) => g ?? "unknown"),
  date_of_birth: optionalText.transform((d) => (d === null ? null : d.slice(0, 10))),
  phone_number: optionalText,
  id: optionalText,
  bsn: optionalText,
  active: z.boolean(),
  external_source: optionalText,
});

const professionalItem = z.object({
  ...meta,
  email: z.string(),
  first_name: z.string(),
  infix: optionalText,
  last_name: z.string(),
  // Assumed (apiFacts.professionalRoles): the groups come with the professional.
  roles: z.array(z.string()),
  id: optionalText,
  active: z.boolean(),
  external_source: optionalText,
});

const listAnswer = z.object({ "@items": z.array(z.unknown()) });
const application = z.object({ mode: z.string().nullable().optional() });

/** The Minddistrict ID of an account: the last segment of its @url. */
function mdIdOf(url: string): string {
  const segment = new URL(url, "http://x").pathname.replace(/\/+$/, "").split("/").pop() ?? "";
  if (!/^[0-9a-f]{32}$/.test(segment)) throw new PlatformError(`The platform gave an account URL whose last segment is not a Minddistrict ID.`);
  return segment;
}

function parseItem<T extends z.ZodType>(schema: T, item: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlatformError(
      `The platform's answer has an unexpected shape at ${where}${issue?.path.length ? `.${issue.path.join(".")}` : ""}: ${issue?.message ?? "unknown"}.`,
    );
  }
  return parsed.data;
}

/** An account's fields as the API takes them; empty optional fields are left out. */
function fieldsOf(fields: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined));
}

/**
 * The Minddistrict API 2 behind the Platform interface. Every route and answer it takes for
 * granted is listed in api.ts (`apiFacts`), marked known or assumed. Reading is a few list
 * requests; writes are one account at a time, paced by the client. A create whose outcome is
 * unknown is looked up before it is ever sent again.
 */
export class HttpPlatform implements Platform {
  readonly name: string;
  /** The normalised origin (scheme, lower-case host, port only where not the default). */
  readonly id: string;
  private readonly base: string;
  private readonly client: HttpClient;
  /** What the snapshot and our own writes taught us: URLs, relation links, accounts. */
  private readonly urls = new Map<string, string>();
  private readonly professionalLinks = new Map<string, string>();
  private readonly accounts = new Map<string, ClientAccount | ProfessionalAccount>();

  private constructor(
    url: URL,
    private readonly options: HttpPlatformOptions,
    readonly mode: string | null,
    client: HttpClient,
  ) {
    this.name = url.origin;
    this.id = url.origin;
    this.base = `${url.origin}${apiRoot}`;
    this.client = client;
  }

  /** How reports name an HTTP platform: its origin, never a token. */
  static nameFor(url: string): string {
    return platformUrl(url).origin;
  }

  /** Reads GET /api/2 first: the host must answer and accept the token; its mode is shown. */
  static async connect(options: HttpPlatformOptions): Promise<HttpPlatform> {
    const url = platformUrl(options.url);
    const client = new HttpClient({
      token: options.token,
      rate: options.rate,
      timeoutMs: options.timeoutMs,
      attempts: options.attempts ?? 6,
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    });
    let answer: ApiAnswer;
    try {
      answer = await client.request("GET", `${url.origin}${apiRoot}`, undefined, { attempts: 3 });
    } catch (error) {
      if (error instanceof ApiUnavailable) throw new PlatformError(`Cannot reach the platform at ${url.host}: ${error.message}.`, { cause: error });
      if (error instanceof ApiRefusal) {
        throw new PlatformError(`The platform at ${url.host} does not answer as Minddistrict API 2 (GET ${apiRoot}: ${error.status}).`, {
          cause: error,
        });
      }
      throw error;
    }
    const app = parseItem(application, answer.body, "GET /api/2");
    return new HttpPlatform(url, options, app.mode ?? null, client);
  }

  async snapshot(needs: SnapshotNeeds): Promise<PlatformSnapshot> {
    const [clients, professionals] = await Promise.all([
      needs.clients ? this.list("client") : Promise.resolve([]),
      needs.professionals ? this.list("professional") : Promise.resolve([]),
    ]);
    return {
      config: this.options.config ?? defaultPlatformConfig,
      clients: clients as ClientAccount[],
      professionals: professionals as ProfessionalAccount[],
      // Not listable at once (assumed: apiFacts.relations): read per client with relationsOf.
      relations: [],
    };
  }

  async relationsOf(clientMdIds: readonly string[]): Promise<Relation[]> {
    const relations: Relation[] = [];
    const queue = [...new Set(clientMdIds)];
    const worker = async () => {
      for (let clientMdId = queue.pop(); clientMdId !== undefined; clientMdId = queue.pop()) {
        const answer = await this.client.request("GET", await this.professionalsLink(clientMdId), undefined, { answer: "page" });
        for (const [index, item] of this.items(answer, "professionals").entries()) {
          const professional = parseItem(z.object({ "@url": z.string() }), item, `professionals[${index}]`);
          relations.push({ professional_md_id: mdIdOf(professional["@url"]), client_md_id: clientMdId });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency) }, worker));
    return relations;
  }

  async createClient(client: NewClient, options: ActivateOptions = { welcomeMail: "no" }): Promise<ClientAccount> {
    const url = await this.createOnce("client", { ...fieldsOf(client), active: false }, client);
    if (client.active) await this.activateUrl(url, options);
    const account: ClientAccount = { ...client, md_id: mdIdOf(url), external_source: null };
    this.remember(account, url);
    return account;
  }

  async createProfessional(professional: NewProfessional, options: ActivateOptions = { welcomeMail: "no" }): Promise<ProfessionalAccount> {
    const { role, ...fields } = professional;
    const url = await this.createOnce("professional", { ...fieldsOf(fields), active: false }, professional);
    await this.setRole(url, role);
    if (professional.active) await this.activateUrl(url, options);
    const account: ProfessionalAccount = { ...professional, md_id: mdIdOf(url), external_source: null };
    this.remember(account, url);
    return account;
  }

  async activate(account: AccountToActivate, options: ActivateOptions): Promise<void> {
    const url = this.urlOf(account.kind, account.md_id);
    if (account.kind === "professional") await this.setRole(url, account.role);
    await this.activateUrl(url, options);
  }

  async updateClient(mdId: string, changes: ClientChanges): Promise<ClientAccount> {
    const url = this.urlOf("client", mdId);
    const answer = await this.write("PATCH", url, fieldsOf(changes));
    const account = await this.accountAfter("client", url, answer, changes);
    return account as ClientAccount;
  }

  async updateProfessional(mdId: string, changes: ProfessionalChanges): Promise<ProfessionalAccount> {
    const url = this.urlOf("professional", mdId);
    const { role, ...fields } = changes;
    let answer: ApiAnswer | null = null;
    if (Object.keys(fields).length > 0) answer = await this.write("PATCH", url, fieldsOf(fields));
    if (role) await this.setRole(url, role);
    const account = await this.accountAfter("professional", url, answer, changes);
    return account as ProfessionalAccount;
  }

  async link(relation: Relation): Promise<void> {
    const target = await this.professionalsLink(relation.client_md_id);
    const body = { professional: this.urlOf("professional", relation.professional_md_id) };
    try {
      await this.client.request("POST", target, body, { once: true });
    } catch (error) {
      if (!(error instanceof ApiUnavailable && error.sent)) throw this.refusal(error);
      // Unknown outcome: look before linking again.
      const existing = await this.relationsOf([relation.client_md_id]);
      if (existing.some((r) => r.professional_md_id === relation.professional_md_id)) return;
      try {
        await this.write("POST", target, body);
      } catch (again) {
        // It was not there a moment ago: a retry of ours made it.
        if (!(again instanceof PlatformRuleError && again.rule === "relation_exists")) throw again;
      }
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Every account of a kind, page by page where the platform pages (assumed: apiFacts.paging). */
  private async list(kind: Kind): Promise<(ClientAccount | ProfessionalAccount)[]> {
    const accounts: (ClientAccount | ProfessionalAccount)[] = [];
    const seen = new Set<string>();
    const size = this.options.pageSize ?? pageSize;
    for (let start = 0; ; start += size) {
      const answer = await this.client.request("GET", `${this.base}/${collection[kind]}/items?start=${start}&limit=${size}`, undefined, {
        answer: "page",
      });
      const items = this.items(answer, `${collection[kind]}/items`);
      let fresh = 0;
      for (const [index, item] of items.entries()) {
        const account = this.parseAccount(kind, item, `${collection[kind]}/items[${start + index}]`);
        if (seen.has(account.md_id)) continue;
        seen.add(account.md_id);
        accounts.push(account);
        fresh++;
      }
      // A platform that ignores start/limit answers everything at once, or the same page again.
      if (items.length !== size || fresh === 0) break;
    }
    return accounts;
  }

  private items(answer: ApiAnswer, where: string): unknown[] {
    return parseItem(listAnswer, answer.body, where)["@items"];
  }

  private parseAccount(kind: Kind, item: unknown, where: string): ClientAccount | ProfessionalAccount {
    if (kind === "client") {
      const { "@url": url, "@links": links, ...fields } = parseItem(clientItem, item, where);
      const account: ClientAccount = { md_id: mdIdOf(url), ...fields };
      const professionals = links?.find((l) => l.name === "professionals");
      if (professionals) this.professionalLinks.set(account.md_id, professionals.url);
      this.remember(account, url);
      return account;
    }
    const { "@url": url, "@links": links, roles, ...fields } = parseItem(professionalItem, item, where);
    void links;
    const role = roleOfGroups(roles);
    if (!role) throw new PlatformError(`The platform's answer at ${where} names no group that mdimport knows (${roles.join(", ") || "none"}).`);
    const account: ProfessionalAccount = { md_id: mdIdOf(url), ...fields, role };
    this.remember(account, url);
    return account;
  }

  private remember(account: ClientAccount | ProfessionalAccount, url: string): void {
    this.urls.set(`${"gender" in account ? "client" : "professional"}:${account.md_id}`, url);
    this.accounts.set(account.md_id, account);
  }

  /** An account's URL: the @url the platform gave, else the documented layout /c/{id}, /p/{id}. */
  private urlOf(kind: Kind, mdId: string): string {
    return this.urls.get(`${kind}:${mdId}`) ?? `${this.base}/${collection[kind]}/${mdId}`;
  }

  /** A read; a refusal as the Platform interface speaks of it. */
  private read(url: string): Promise<ApiAnswer> {
    return this.write("GET", url, undefined);
  }

  /** A request that may be repeated as it is (GET, PATCH, activation, roles). */
  private async write(method: string, url: string, body: unknown): Promise<ApiAnswer> {
    try {
      return await this.client.request(method, url, body);
    } catch (error) {
      throw this.refusal(error);
    }
  }

  private setRole(url: string, role: ProfessionalAccount["role"]): Promise<ApiAnswer> {
    // Known: the whole list of groups wanted is sent.
    return this.write("PATCH", `${url}/roles`, { roles: [groupOfRole[role]] });
  }

  private activateUrl(url: string, options: ActivateOptions): Promise<ApiAnswer> {
    return this.write("POST", `${url}/activation`, { active: true, send_email: options.welcomeMail });
  }

  /**
   * POSTs a new account once. When the answer is lost (timeout, dropped connection, 5xx), the
   * account is looked up (by source ID, else in the list by e-mail) before anything is sent again.
   */
  private async createOnce(kind: Kind, body: Record<string, unknown>, wanted: { id: string | null; email: string }): Promise<string> {
    for (let tries = 1; ; tries++) {
      try {
        const answer = await this.client.request("POST", `${this.base}/${collection[kind]}`, body, { once: true });
        const url = (answer.body as { "@url"?: unknown } | null)?.["@url"];
        if (typeof url === "string") return url;
        // No @url in the answer (assumed otherwise: apiFacts.createAnswer): find the new account.
        const found = await this.lookUp(kind, wanted);
        if (found) return found;
        throw new PlatformError(`The platform created an account but did not say where (POST ${collection[kind]} answered ${answer.status}).`);
      } catch (error) {
        if (!(error instanceof ApiUnavailable && error.sent) || tries >= this.client.attempts) throw this.refusal(error);
        const found = await this.lookUp(kind, wanted);
        if (found) return found;
        await this.client.backOff(tries);
      }
    }
  }

  /** The URL of the account with this source ID or e-mail, if the platform holds it; another's is a refusal. */
  private async lookUp(kind: Kind, wanted: { id: string | null; email: string }): Promise<string | null> {
    let account: ClientAccount | ProfessionalAccount | undefined;
    if (wanted.id !== null) {
      try {
        const answer = await this.client.request("GET", `${this.base}/aux/${kind}/id/${encodeURIComponent(wanted.id)}`);
        account = this.parseAccount(kind, answer.body, `aux/${kind}/id`);
      } catch (error) {
        if (!(error instanceof ApiRefusal && error.status === 404)) throw this.refusal(error);
      }
    } else {
      // No look-up by e-mail exists (known): read the list again.
      account = (await this.list(kind)).find((a) => a.email === wanted.email);
    }
    if (!account) return null;
    if (account.email !== wanted.email) throw new PlatformRuleError("external_id_in_use", "the source ID is already used by another account");
    return this.urlOf(kind, account.md_id);
  }

  /** The link to a client's professionals (assumed: apiFacts.relations), from the list or the client itself. */
  private async professionalsLink(clientMdId: string): Promise<string> {
    const known = this.professionalLinks.get(clientMdId);
    if (known) return known;
    const answer = await this.read(this.urlOf("client", clientMdId));
    const client = parseItem(z.object({ "@links": z.array(link).optional() }), answer.body, "client");
    const found = client["@links"]?.find((l) => l.name === "professionals");
    if (!found) {
      throw new PlatformError(
        "This platform offers no link named professionals on its clients, so mdimport cannot read or make treatment relations over its API.",
      );
    }
    this.professionalLinks.set(clientMdId, found.url);
    return found.url;
  }

  /** The account after an update: from the answer where it holds one, else what we knew plus the changes. */
  private async accountAfter(
    kind: Kind,
    url: string,
    answer: ApiAnswer | null,
    changes: ClientChanges | ProfessionalChanges,
  ): Promise<ClientAccount | ProfessionalAccount> {
    const mdId = mdIdOf(url);
    const known = this.accounts.get(mdId);
    if (answer?.body && typeof answer.body === "object" && "@url" in answer.body && (kind === "client" || "roles" in answer.body)) {
      return this.parseAccount(kind, answer.body, kind);
    }
    if (known) {
      const account: ClientAccount | ProfessionalAccount = { ...known, ...changes };
      this.accounts.set(mdId, account);
      return account;
    }
    return this.parseAccount(kind, (await this.read(url)).body, kind);
  }

  /** A failure as the Platform interface speaks of it: a broken rule, a protected account, or as it is. */
  private refusal(error: unknown): Error {
    if (error instanceof ApiRefusal) {
      // The platform's words stay out of the message (see ApiRefusal): status and rule do not.
      const answer = { status: error.status, ...(error.messages.length > 0 ? { platformText: error.messages.join(" ") } : {}) };
      if (error.status === 404) return new PlatformRuleError("not_found", "the platform has no such account", answer);
      if (error.status === 403) return new PlatformRuleError("protected", "the platform protects this account from changes", answer);
      const rule = ruleOfMessages(error.messages) ?? "invalid";
      return new PlatformRuleError(rule, `the platform refused the request (${error.status}, ${rule})`, answer);
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
