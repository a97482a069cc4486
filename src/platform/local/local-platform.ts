import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type Database from "better-sqlite3";
import { defaultPlatformConfig, platformConfigSchema } from "../config.js";
import { PlatformError } from "../../shared/errors.js";
import { PlatformRuleError } from "../platform.js";
import type {
  AccountToActivate,
  ClientAccount,
  ClientChanges,
  NewClient,
  NewProfessional,
  Platform,
  PlatformConfig,
  PlatformSnapshot,
  ProfessionalAccount,
  ProfessionalChanges,
  Relation,
  SnapshotNeeds,
} from "../platform.js";
import type { PlatformState } from "../state.js";
import {
  clientChangeFields,
  clientFields,
  professionalChangeFields,
  professionalFields,
  storeColumns,
} from "../accounts.js";
import { migrateStore } from "./schema.js";

/** better-sqlite3, loaded when a local store is opened rather than whenever mdimport starts. */
const require = createRequire(import.meta.url);
let sqlite: typeof Database | undefined;
const loadSqlite = (): typeof Database => (sqlite ??= require("better-sqlite3") as typeof Database);

export { PlatformRuleError };

type Kind = "client" | "professional";
type AccountField = keyof typeof storeColumns;
/** The account columns, in the table's order (after md_id and kind). */
const accountColumns = Object.keys(storeColumns) as AccountField[];

/** An accounts row: every field of either kind, NULL where the row's kind has none; active as 0 or 1. */
type AccountRow = { md_id: string; kind: Kind; active: number } & {
  [F in Exclude<AccountField, "active">]: (ClientAccount & ProfessionalAccount)[F] | null;
};

const newMdId = () => randomUUID().replace(/-/g, "");

/** Whether a database holds the local platform's tables. */
function isStore(db: Database.Database): boolean {
  const tables = db
    .prepare(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('accounts', 'config', 'relations')",
    )
    .get() as {
    n: number;
  };
  return tables.n === 3;
}

/** The store works synchronously; callers of the Platform interface get its failures as rejections. */
function asPromise<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * The embedded local platform: a SQLite file whose constraints are the platform's rules.
 * Every write is one transaction.
 */
export class LocalPlatform implements Platform {
  readonly name: string;
  /** The store's own platform ID, written into it when it was made: what an approval names. */
  readonly id: string;
  private readonly db: Database.Database;

  /** How reports name a local platform: by its file, as the user gave it. */
  static nameFor(path: string): string {
    return `local:${path}`;
  }

  private constructor(path: string, db: Database.Database) {
    this.name = LocalPlatform.nameFor(path);
    this.db = db;
    this.id = `local:${this.platformId()}`;
  }

  /**
   * Opens the store in `path`, relative to `cwd`. Only `create` (for `platform load` and
   * `platform init`) makes a new one, mode 0600 in a 0700 folder: a typo in --db must never
   * plan against an empty platform.
   */
  static open(path: string, cwd: string, options: { create?: boolean } = {}): LocalPlatform {
    const file = resolve(cwd, path);
    const exists = existsSync(file);
    if (!exists && !options.create) {
      throw new PlatformError(
        `There is no local platform at ${path}: check --db, or make one with "mdimport platform load STATE.json --db ${path}".`,
      );
    }
    if (exists && !statSync(file).isFile())
      throw new PlatformError(`The local platform ${path} is not a file: check --db.`);
    if (!exists) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      closeSync(openSync(file, "a", 0o600));
    }
    const empty = !exists || statSync(file).size === 0;
    let db: Database.Database;
    try {
      db = new (loadSqlite())(file, { fileMustExist: true });
      // An empty file, or another program's database, is not a platform: only `platform load`
      // and `platform init` may make a store, and only where there is nothing yet.
      const store = isStore(db);
      if (!store && !(options.create && empty)) {
        db.close();
        throw new PlatformError(
          `${path} is not an mdimport local platform (${empty ? "an empty file" : "a database of something else"}): check --db${empty ? `, or make one with "mdimport platform init --db ${path}"` : ""}.`,
        );
      }
      db.pragma("journal_mode = WAL");
      db.pragma("foreign_keys = ON");
      migrateStore(db, path, store);
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      throw new PlatformError(
        `The local platform ${path} cannot be opened as a store (${(error as Error).message}): check --db.`,
        { cause: error },
      );
    }
    return new LocalPlatform(path, db);
  }

  /** The store's platform ID; a store made before IDs existed is given one now, once. */
  private platformId(): string {
    const read = () =>
      (this.db.prepare("SELECT value FROM config WHERE key = 'platform_id'").get() as { value: string } | undefined)
        ?.value;
    const id = read();
    if (id) return id;
    this.db.prepare("INSERT OR IGNORE INTO config (key, value) VALUES ('platform_id', ?)").run(newMdId());
    return read() as string;
  }

  snapshot(needs: SnapshotNeeds): Promise<PlatformSnapshot> {
    return asPromise(() => {
      const rows = this.db.prepare("SELECT * FROM accounts ORDER BY md_id").all() as AccountRow[];
      return {
        config: this.config(),
        clients: needs.clients ? rows.filter((r) => r.kind === "client").map(toClient) : [],
        professionals: needs.professionals ? rows.filter((r) => r.kind === "professional").map(toProfessional) : [],
        relations: needs.relations ? this.relations() : [],
      };
    });
  }

  createClient(client: NewClient): Promise<ClientAccount> {
    return asPromise(() => this.createClientNow(client));
  }

  createProfessional(professional: NewProfessional): Promise<ProfessionalAccount> {
    return asPromise(() => this.createProfessionalNow(professional));
  }

  updateClient(mdId: string, changes: ClientChanges): Promise<ClientAccount> {
    return asPromise(() => this.updateNow("client", mdId, changes) as ClientAccount);
  }

  updateProfessional(mdId: string, changes: ProfessionalChanges): Promise<ProfessionalAccount> {
    return asPromise(() => this.updateNow("professional", mdId, changes) as ProfessionalAccount);
  }

  /** The synchronous writes, for `platform serve`; they throw PlatformRuleError. */
  createClientNow(client: NewClient): ClientAccount {
    const account: ClientAccount = { ...client, md_id: newMdId(), external_source: null };
    this.write(() => this.insertClient(account));
    return account;
  }

  createProfessionalNow(professional: NewProfessional): ProfessionalAccount {
    const account: ProfessionalAccount = { ...professional, md_id: newMdId(), external_source: null };
    this.write(() => this.insertProfessional(account));
    return account;
  }

  updateNow(
    kind: Kind,
    mdId: string,
    changes: ClientChanges | ProfessionalChanges,
  ): ClientAccount | ProfessionalAccount {
    this.write(() => this.update(mdId, kind, changes));
    return toAccount(this.account(mdId, kind));
  }

  linkNow(relation: Relation): void {
    this.write(() => this.insertRelation(relation));
  }

  activate(account: AccountToActivate): Promise<void> {
    return asPromise(() => {
      this.account(account.md_id, account.kind);
      const role = account.kind === "professional" ? account.role : null;
      this.write(() =>
        this.db
          .prepare("UPDATE accounts SET active = 1, role = coalesce(?, role) WHERE md_id = ?")
          .run(role, account.md_id),
      );
    });
  }

  link(relation: Relation): Promise<void> {
    return asPromise(() => this.linkNow(relation));
  }

  readAccount(kind: Kind, mdId: string): Promise<ClientAccount | ProfessionalAccount | null> {
    return asPromise(() => {
      const row = this.rowOf(mdId, kind);
      return row ? toAccount(row) : null;
    });
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }

  /** One page of accounts of a kind, in Minddistrict ID order (for `platform serve`). */
  list(kind: "client", start: number, limit: number): ClientAccount[];
  list(kind: "professional", start: number, limit: number): ProfessionalAccount[];
  list(kind: Kind, start: number, limit: number): (ClientAccount | ProfessionalAccount)[] {
    const rows = this.db
      .prepare("SELECT * FROM accounts WHERE kind = ? ORDER BY md_id LIMIT ? OFFSET ?")
      .all(kind, limit, start) as AccountRow[];
    return rows.map(toAccount);
  }

  /** The account with this Minddistrict ID, or undefined. */
  find(kind: "client", mdId: string): ClientAccount | undefined;
  find(kind: "professional", mdId: string): ProfessionalAccount | undefined;
  find(kind: Kind, mdId: string): ClientAccount | ProfessionalAccount | undefined {
    const row = this.rowOf(mdId, kind);
    return row && toAccount(row);
  }

  /** The account with this source ID, or undefined. */
  findBySourceId(kind: Kind, id: string): ClientAccount | ProfessionalAccount | undefined {
    const row = this.db.prepare("SELECT * FROM accounts WHERE id = ? AND kind = ?").get(id, kind) as
      AccountRow | undefined;
    return row && toAccount(row);
  }

  /** Activates or deactivates an account. */
  setActive(kind: Kind, mdId: string, active: boolean): void {
    this.account(mdId, kind);
    this.db.prepare("UPDATE accounts SET active = ? WHERE md_id = ?").run(active ? 1 : 0, mdId);
  }

  /** The Minddistrict IDs of the professionals that treat this client. */
  professionalsOf(clientMdId: string): string[] {
    const rows = this.db
      .prepare("SELECT professional_md_id FROM relations WHERE client_md_id = ? ORDER BY professional_md_id")
      .all(clientMdId) as {
      professional_md_id: string;
    }[];
    return rows.map((r) => r.professional_md_id);
  }

  /** Adds a whole state in one transaction: all of it, or (on a broken rule) none of it. */
  load(state: PlatformState): void {
    const load = this.db.transaction(() => {
      if (state.config)
        this.db
          .prepare("INSERT OR REPLACE INTO config (key, value) VALUES ('config', ?)")
          .run(JSON.stringify(state.config));
      state.clients.forEach((client, index) => at(`clients[${index}]`, () => this.insertClient(client)));
      state.professionals.forEach((professional, index) =>
        at(`professionals[${index}]`, () => this.insertProfessional(professional)),
      );
      state.relations.forEach((relation, index) => at(`relations[${index}]`, () => this.insertRelation(relation)));
    });
    load();
  }

  /** The whole state, sorted, with keys in the contract's order. */
  dump(): PlatformState & { config: PlatformConfig } {
    const rows = this.db.prepare("SELECT * FROM accounts ORDER BY md_id").all() as AccountRow[];
    return {
      config: this.config(),
      clients: rows.filter((r) => r.kind === "client").map(toClient),
      professionals: rows.filter((r) => r.kind === "professional").map(toProfessional),
      relations: this.relations(),
    };
  }

  private config(): PlatformConfig {
    const row = this.db.prepare("SELECT value FROM config WHERE key = 'config'").get() as { value: string } | undefined;
    return row ? platformConfigSchema.parse(JSON.parse(row.value)) : defaultPlatformConfig;
  }

  private relations(): Relation[] {
    return this.db
      .prepare("SELECT professional_md_id, client_md_id FROM relations ORDER BY professional_md_id, client_md_id")
      .all() as Relation[];
  }

  private rowOf(mdId: string, kind: Kind): AccountRow | undefined {
    return this.db.prepare("SELECT * FROM accounts WHERE md_id = ? AND kind = ?").get(mdId, kind) as
      AccountRow | undefined;
  }

  private account(mdId: string, kind: Kind): AccountRow {
    const row = this.rowOf(mdId, kind);
    if (!row) throw new PlatformRuleError("not_found", `there is no ${kind} with this Minddistrict ID`);
    return row;
  }

  private insertClient(client: ClientAccount): void {
    this.insertAccount("client", client);
  }

  private insertProfessional(professional: ProfessionalAccount): void {
    this.insertAccount("professional", professional);
  }

  private insertRelation(relation: Relation): void {
    this.db
      .prepare("INSERT INTO relations (professional_md_id, client_md_id) VALUES (@professional_md_id, @client_md_id)")
      .run(relation);
  }

  /** One account as a row: the columns its kind lacks are NULL. */
  private insertAccount(kind: Kind, account: ClientAccount | ProfessionalAccount): void {
    const fields = account as Partial<Record<AccountField, unknown>>;
    const row: Record<string, unknown> = { md_id: account.md_id, kind };
    for (const column of accountColumns) row[column] = fields[column] ?? null;
    row.active = account.active ? 1 : 0;
    this.db.prepare(INSERT_ACCOUNT).run(row);
  }

  private update(mdId: string, kind: Kind, changes: ClientChanges | ProfessionalChanges): void {
    const row = this.account(mdId, kind);
    const fields = Object.keys(changes).filter((f) => UPDATABLE.has(f));
    if (fields.length === 0) return;
    // The rule the planner predicts (externally_managed): an account another system manages
    // keeps its details and groups unless the platform always allows changes.
    if (row.external_source !== null && this.config().details_protection !== "always_allow") {
      throw new PlatformRuleError(
        "protected",
        "the account is managed by another system and the platform protects it from changes",
      );
    }
    this.db
      .prepare(`UPDATE accounts SET ${fields.map((f) => `${f} = @${f}`).join(", ")} WHERE md_id = @md_id`)
      .run({ ...changes, md_id: mdId });
  }

  /** Runs one write in a transaction, turning a broken constraint into the rule it stands for. */
  private write(run: () => unknown): void {
    try {
      this.db.transaction(run)();
    } catch (error) {
      throw ruleError(error);
    }
  }
}

const INSERT_ACCOUNT = `INSERT INTO accounts (md_id, kind, ${accountColumns.join(", ")}) VALUES (@md_id, @kind, ${accountColumns.map((c) => `@${c}`).join(", ")})`;

/** What an update may change, of either kind (the model's change fields). */
const UPDATABLE = new Set<string>([...clientChangeFields, ...professionalChangeFields]);

function at(where: string, run: () => unknown): void {
  try {
    run();
  } catch (error) {
    const rule = ruleError(error);
    throw new PlatformRuleError(rule.rule, `${where}: ${rule.message}`);
  }
}

/** A SQLite constraint failure as the platform rule it stands for; the message names no value. */
export function ruleError(error: unknown): PlatformRuleError {
  if (error instanceof PlatformRuleError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/UNIQUE constraint failed: accounts\.email/.test(message))
    return new PlatformRuleError("email_in_use", "the e-mail address is already used by another account");
  if (/UNIQUE constraint failed: accounts\.kind, accounts\.id/.test(message))
    return new PlatformRuleError("external_id_in_use", "the source ID is already used by another account of this kind");
  if (/UNIQUE constraint failed: accounts\.bsn/.test(message))
    return new PlatformRuleError("bsn_in_use", "the BSN is already used by another client");
  if (/UNIQUE constraint failed: accounts\.md_id/.test(message))
    return new PlatformRuleError("md_id_in_use", "the Minddistrict ID is already used by another account");
  if (/UNIQUE constraint failed: relations/.test(message))
    return new PlatformRuleError("relation_exists", "the relation already exists");
  if (/FOREIGN KEY constraint failed/.test(message))
    return new PlatformRuleError("not_found", "a relation names an account that does not exist");
  if (/relation must link/.test(message))
    return new PlatformRuleError("invalid", "a relation must link a professional to a client");
  if (/CHECK constraint failed/.test(message))
    return new PlatformRuleError("invalid", "a value breaks a rule of the platform");
  throw error;
}

function toAccount(row: AccountRow): ClientAccount | ProfessionalAccount {
  return row.kind === "client" ? toClient(row) : toProfessional(row);
}

/** A row as an account of its kind: the kind's fields, in the model's order. */
function accountOf(row: AccountRow, fields: readonly string[]): Record<string, unknown> {
  const fromRow = row as unknown as Record<string, unknown>;
  const account: Record<string, unknown> = {};
  for (const field of fields) account[field] = fromRow[field];
  account.active = row.active === 1;
  return account;
}

function toClient(row: AccountRow): ClientAccount {
  const client = accountOf(row, clientFields) as ClientAccount;
  client.gender = row.gender ?? "unknown";
  return client;
}

function toProfessional(row: AccountRow): ProfessionalAccount {
  const professional = accountOf(row, professionalFields) as ProfessionalAccount;
  professional.role = row.role ?? "professional";
  return professional;
}
