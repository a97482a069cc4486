import type { PlatformConfig } from "./config.js";
import type {
  ClientAccount,
  ClientChanges,
  NewClient,
  NewProfessional,
  ProfessionalAccount,
  ProfessionalChanges,
  Role,
} from "./accounts.js";

export type { PlatformConfig };
export type {
  ClientAccount,
  ClientChanges,
  Gender,
  NewClient,
  NewProfessional,
  ProfessionalAccount,
  ProfessionalChanges,
  Role,
} from "./accounts.js";

/** Which platform rule a write broke. */
export type RuleBroken =
  | "email_in_use"
  | "external_id_in_use"
  | "bsn_in_use"
  | "md_id_in_use"
  | "relation_exists"
  | "not_found"
  | "protected"
  | "invalid";

/** What a refusal over HTTP brought besides the rule. */
export interface RefusalAnswer {
  /** The HTTP status of the answer. */
  status?: number;
  /** The platform's own words, which may repeat the row's personal data: for report.xlsx only. */
  platformText?: string;
}

/**
 * A write the platform refuses because it breaks one of its rules. The message is ours and
 * names no value; the platform's own words, if any, are kept apart in `platformText`.
 */
export class PlatformRuleError extends Error {
  readonly status: number | undefined;
  readonly platformText: string | undefined;
  constructor(
    readonly rule: RuleBroken,
    message: string,
    answer: RefusalAnswer = {},
  ) {
    super(message);
    this.name = "PlatformRuleError";
    this.status = answer.status;
    this.platformText = answer.platformText;
  }
}

/**
 * The platform could not be asked: no answer worth having came back (a dropped connection, a
 * timeout, or a platform throttling or briefly down until the retries ran out). Any adapter
 * may throw it (the HTTP client's `ApiUnavailable` is one); `sent` tells whether the platform
 * may have carried the request out. Its message names no value of a row.
 */
export class PlatformUnavailable extends Error {
  constructor(
    message: string,
    readonly sent: boolean,
  ) {
    super(message);
    this.name = "PlatformUnavailable";
  }
}

/**
 * A professional as a snapshot lists it. `role` is null where the platform's list does not say
 * (API 2's public Professional object has no roles: see `Platform.rolesOf`) or names no group
 * mdimport knows; a planner then treats it as differing from any role a row gives.
 */
export type ListedProfessional = Omit<ProfessionalAccount, "role"> & { role: Role | null };

/** A treatment relation: this professional treats this client. */
export interface Relation {
  professional_md_id: string;
  client_md_id: string;
}

/** Everything a plan needs from the platform, fetched in as few requests as an adapter can. */
export interface PlatformSnapshot {
  config: PlatformConfig;
  clients: ClientAccount[];
  professionals: ListedProfessional[];
  relations: Relation[];
}

/** What a plan needs to read; an adapter may skip what is not needed. */
export interface SnapshotNeeds {
  clients: boolean;
  professionals: boolean;
  relations: boolean;
  /**
   * Every professional's role, also where the platform's list does not carry it (then one
   * request per professional). Scripts leave it out and read the few they need with `rolesOf`.
   */
  roles?: boolean;
}

/** How a new account is made active: whether the platform sends its welcome e-mail. */
export interface ActivateOptions {
  welcomeMail: "yes" | "no";
}

/** An account to make active, with the role a professional must have first. */
export type AccountToActivate = { kind: "client"; md_id: string } | { kind: "professional"; md_id: string; role: Role };

/**
 * A Minddistrict platform: the embedded local store, or the API 2 over HTTP. Reading is one
 * snapshot (lists, not one request per row); writing is one account or relation at a time,
 * as the API allows.
 */
export interface Platform {
  /** How reports name this platform, e.g. `local:.mdimport/platform.sqlite`. */
  readonly name: string;
  /**
   * What an approval names: a local store's own platform ID (`local:<random hex>`, written into
   * the store when it was made), or an API's normalised origin (`https://host`).
   */
  readonly id: string;
  /** The mode the platform's API reports (null: production); undefined where there is none. */
  readonly mode?: string | null;
  /** Over HTTP, relations are read in the snapshot only where `relationsOf` is absent. */
  snapshot(needs: SnapshotNeeds): Promise<PlatformSnapshot>;
  /** The relations of these clients, for a platform that cannot list them all at once. */
  relationsOf?(clientMdIds: readonly string[]): Promise<Relation[]>;
  /**
   * The roles of these professionals, for a platform whose list may not carry them: one request
   * per professional whose role the snapshot did not give; null where no group mdimport knows.
   */
  rolesOf?(professionalMdIds: readonly string[]): Promise<Map<string, Role | null>>;
  /** Creates the account; an active one is activated with or without the welcome e-mail (default: without). */
  createClient(client: NewClient, options?: ActivateOptions): Promise<ClientAccount>;
  createProfessional(professional: NewProfessional, options?: ActivateOptions): Promise<ProfessionalAccount>;
  /** Finishes a create that an interrupted run left inactive: the role, then activation. */
  activate(account: AccountToActivate, options: ActivateOptions): Promise<void>;
  updateClient(mdId: string, changes: ClientChanges): Promise<ClientAccount>;
  updateProfessional(mdId: string, changes: ProfessionalChanges): Promise<ProfessionalAccount>;
  link(relation: Relation): Promise<void>;
  /**
   * One account as the platform holds it now, read afresh (nothing our own writes taught is
   * taken for it), for `run`'s read-after-write check; null where the platform has none. A
   * professional's role is null where the platform names no group mdimport knows.
   */
  readAccount(kind: "client" | "professional", mdId: string): Promise<ClientAccount | ListedProfessional | null>;
  /**
   * Over HTTP: how many exchanges so far were retries, failed, or looked up what a create made.
   * A write during which this grows is one whose outcome the adapter had to find out: `run`
   * reads it back whatever --verify N says (pipeline/verify.ts).
   */
  unsureExchanges?(): number;
  /**
   * Over HTTP: the API URL of an account (its `@url` as the platform gave it, on the --platform
   * origin) where this start has seen it, else undefined. Only for report.xlsx's IDs sheet, never
   * report.json. The local platform has no URLs.
   */
  accountUrl?(mdId: string): string | undefined;
  /**
   * Over HTTP: every request is logged to `sink` from now on (with those made before), and
   * close() adds a summary line (requests by route and status, retries, 429 pauses).
   */
  attachLog?(sink: { info(object: object, message: string): void }): void;
  close(): Promise<void>;
}

/**
 * Look-ups over a snapshot: by source ID, Minddistrict ID, e-mail (over clients and
 * professionals, active and inactive) and BSN.
 */
export class PlatformIndex {
  readonly clientsByMdId = new Map<string, ClientAccount>();
  readonly clientsById = new Map<string, ClientAccount>();
  readonly clientsByBsn = new Map<string, ClientAccount>();
  readonly professionalsByMdId = new Map<string, ListedProfessional>();
  readonly professionalsById = new Map<string, ListedProfessional>();
  readonly accountsByEmail = new Map<string, ClientAccount | ListedProfessional>();
  private readonly relations = new Set<string>();

  constructor(readonly snapshot: PlatformSnapshot) {
    for (const client of snapshot.clients) this.addClient(client);
    for (const professional of snapshot.professionals) this.addProfessional(professional);
    for (const relation of snapshot.relations) this.addRelation(relation);
  }

  get config(): PlatformConfig {
    return this.snapshot.config;
  }

  addClient(client: ClientAccount): void {
    this.clientsByMdId.set(client.md_id, client);
    if (client.id !== null) this.clientsById.set(client.id, client);
    if (client.bsn !== null) this.clientsByBsn.set(client.bsn, client);
    this.accountsByEmail.set(client.email, client);
  }

  addProfessional(professional: ListedProfessional): void {
    this.professionalsByMdId.set(professional.md_id, professional);
    if (professional.id !== null) this.professionalsById.set(professional.id, professional);
    this.accountsByEmail.set(professional.email, professional);
  }

  addRelation(relation: Relation): void {
    this.relations.add(`${relation.professional_md_id}:${relation.client_md_id}`);
  }

  hasRelation(relation: Relation): boolean {
    return this.relations.has(`${relation.professional_md_id}:${relation.client_md_id}`);
  }
}
