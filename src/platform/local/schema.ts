import type Database from "better-sqlite3";
import { PlatformError } from "../../shared/errors.js";
import type { z } from "zod";
import { clientAccountSchema, professionalAccountSchema, storeColumns, type StoreColumn } from "../accounts.js";

/**
 * The local platform's tables, from the account model's columns (accounts.ts: storeColumns).
 * The platform's rules are constraints here, so that no code path can break them: e-mail
 * unique and lower case across clients and professionals (active and inactive), source IDs
 * unique per kind, BSN unique, Minddistrict IDs of 32 lowercase hex characters, relation
 * pairs unique and between a professional and a client.
 *
 * The store records its version in `PRAGMA user_version`. A store mdimport made before it did
 * (user_version 0, with the tables) is version 1. Every store, a new one too, is made as
 * version 1 and then migrated, so a new store and a migrated one are the same by construction.
 */
export interface StoreModel {
  /** The account columns, besides md_id and kind. */
  columns: Readonly<Record<string, StoreColumn>>;
  /** Per kind, the columns only it has, and of those the ones it never leaves NULL. */
  kinds: Readonly<Record<"client" | "professional", { own: readonly string[]; required: readonly string[] }>>;
}

const ownFields = (schema: z.ZodObject, other: z.ZodObject) =>
  Object.keys(schema.shape).filter((f) => !(f in other.shape));
const kindOf = (schema: z.ZodObject, other: z.ZodObject) => ({
  own: ownFields(schema, other),
  required: ownFields(schema, other).filter((f) => !(schema.shape[f] as z.ZodType).safeParse(null).success),
});

export const storeModel: StoreModel = {
  columns: storeColumns,
  kinds: {
    client: kindOf(clientAccountSchema, professionalAccountSchema),
    professional: kindOf(professionalAccountSchema, clientAccountSchema),
  },
};

/** The version a store of this model has: the newest of its columns. */
export const versionOf = (model: StoreModel): number =>
  Math.max(1, ...Object.values(model.columns).map((c) => c.since));

/** The store version this mdimport makes and knows. */
export const storeVersion = versionOf(storeModel);

/** The tables as version 1 has them (as mdimport made them before stores had a version). */
function version1Sql(model: StoreModel): string {
  const v1 = (name: string) => model.columns[name]?.since === 1;
  const columns = Object.entries(model.columns).filter(([, c]) => c.since === 1);
  const isNull = (names: readonly string[], not: boolean) =>
    names.filter(v1).map((n) => `${n} IS ${not ? "NOT " : ""}NULL`);
  // A row of each kind has the columns its kind requires, and none of the other kind's. The
  // CHECK names the columns of version 1 only: SQLite cannot alter a CHECK, and a new store
  // must be the same as a migrated one (a later kind's own column is left NULL by local-platform.ts).
  const kindCheck = (kind: "client" | "professional", other: "client" | "professional") =>
    [`kind = '${kind}'`, ...isNull(model.kinds[other].own, false), ...isNull(model.kinds[kind].required, true)].join(
      " AND ",
    );
  return `
CREATE TABLE config (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
  md_id TEXT PRIMARY KEY CHECK (length(md_id) = 32 AND md_id NOT GLOB '*[^0-9a-f]*'),
  kind TEXT NOT NULL CHECK (kind IN ('client', 'professional')),
${columns.map(([name, c]) => `  ${name} ${c.sql},`).join("\n")}
  UNIQUE (kind, id),
  CHECK ((${kindCheck("client", "professional")}) OR (${kindCheck("professional", "client")}))
) STRICT;

CREATE TABLE relations (
  professional_md_id TEXT NOT NULL REFERENCES accounts (md_id),
  client_md_id TEXT NOT NULL REFERENCES accounts (md_id),
  PRIMARY KEY (professional_md_id, client_md_id)
) STRICT;

-- A missing account is the foreign key's to report; this trigger only checks the kinds.
CREATE TRIGGER relations_kinds BEFORE INSERT ON relations
WHEN (SELECT kind FROM accounts WHERE md_id = NEW.professional_md_id) = 'client'
  OR (SELECT kind FROM accounts WHERE md_id = NEW.client_md_id) = 'professional'
BEGIN
  SELECT RAISE(ABORT, 'a relation must link a professional to a client');
END;
`;
}

/** The version a store says it has: 0 for none yet (no tables), 1 for one made before versions. */
function versionIn(db: Database.Database, isStore: boolean): number {
  const recorded = db.pragma("user_version", { simple: true }) as number;
  return recorded === 0 ? (isStore ? 1 : 0) : recorded;
}

/**
 * Brings the store to the model's version in one transaction: all the steps, or (when one
 * fails) none, and the store is as it was. A store of a newer version is refused (exit 4).
 */
export function migrateStore(
  db: Database.Database,
  path: string,
  isStore: boolean,
  model: StoreModel = storeModel,
): void {
  const target = versionOf(model);
  const newer = (version: number) =>
    new PlatformError(
      `The local platform ${path} was made by a newer mdimport (store version ${version}; this mdimport knows versions up to ${target}): use that mdimport or a newer one.`,
    );
  const before = versionIn(db, isStore);
  if (before > target) throw newer(before);
  // Up to date, and recorded (a version 1 store made before versions is given its number once).
  if (db.pragma("user_version", { simple: true }) === target) return;
  db.transaction(() => {
    // Read again inside the transaction: another command may have migrated it meanwhile.
    const from = versionIn(db, isStore);
    if (from > target) throw newer(from);
    if (from === 0) db.exec(version1Sql(model));
    for (let version = Math.max(from, 1) + 1; version <= target; version++) {
      for (const [name, column] of Object.entries(model.columns)) {
        if (column.since === version) db.exec(`ALTER TABLE accounts ADD COLUMN ${name} ${column.sql}`);
      }
    }
    db.pragma(`user_version = ${target}`);
  }).immediate();
}
