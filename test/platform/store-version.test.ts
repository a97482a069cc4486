import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { LocalPlatform } from "../../src/platform/local/local-platform.js";
import { migrateStore, storeModel, storeVersion, type StoreModel } from "../../src/platform/local/schema.js";
import { PlatformError } from "../../src/shared/errors.js";
import { tempDir } from "../support/cli.js";

/** The tables exactly as mdimport made them before stores had a version (version 1, user_version 0). */
const version1Sql = `
CREATE TABLE IF NOT EXISTS config (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS accounts (
  md_id TEXT PRIMARY KEY CHECK (length(md_id) = 32 AND md_id NOT GLOB '*[^0-9a-f]*'),
  kind TEXT NOT NULL CHECK (kind IN ('client', 'professional')),
  id TEXT CHECK (id IS NULL OR length(id) > 0),
  email TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
  first_name TEXT NOT NULL CHECK (length(first_name) > 0),
  infix TEXT,
  last_name TEXT NOT NULL CHECK (length(last_name) > 0),
  gender TEXT CHECK (gender IN ('m', 'f', 'other', 'unknown')),
  date_of_birth TEXT CHECK (date_of_birth IS NULL OR date(date_of_birth) = date_of_birth),
  phone_number TEXT,
  bsn TEXT UNIQUE CHECK (bsn IS NULL OR (length(bsn) = 9 AND bsn NOT GLOB '*[^0-9]*')),
  role TEXT CHECK (role IN ('professional', 'application_manager', 'data_analyst', 'data_officer', 'supervisor', 'secretary')),
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  external_source TEXT,
  UNIQUE (kind, id),
  CHECK ((kind = 'client' AND role IS NULL AND gender IS NOT NULL) OR (kind = 'professional' AND role IS NOT NULL AND gender IS NULL AND bsn IS NULL AND date_of_birth IS NULL AND phone_number IS NULL))
) STRICT;

CREATE TABLE IF NOT EXISTS relations (
  professional_md_id TEXT NOT NULL REFERENCES accounts (md_id),
  client_md_id TEXT NOT NULL REFERENCES accounts (md_id),
  PRIMARY KEY (professional_md_id, client_md_id)
) STRICT;

CREATE TRIGGER IF NOT EXISTS relations_kinds BEFORE INSERT ON relations
WHEN (SELECT kind FROM accounts WHERE md_id = NEW.professional_md_id) = 'client'
  OR (SELECT kind FROM accounts WHERE md_id = NEW.client_md_id) = 'professional'
BEGIN
  SELECT RAISE(ABORT, 'a relation must link a professional to a client');
END;
`;

const md = (n: number) => n.toString(16).padStart(32, "0");
const platformId = "0123456789abcdef0123456789abcdef";

/** A store as mdimport made it before versions: the tables above, a platform ID, two accounts and a relation. */
function version1Store(): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, "old.sqlite");
  const db = new Database(file);
  db.exec(version1Sql);
  db.prepare("INSERT INTO config (key, value) VALUES ('platform_id', ?)").run(platformId);
  db.prepare("INSERT INTO config (key, value) VALUES ('config', ?)").run(
    JSON.stringify({ details_protection: "never_allow" }),
  );
  db.prepare(
    `INSERT INTO accounts (md_id, kind, id, email, first_name, infix, last_name, gender, date_of_birth, phone_number, bsn, role, active, external_source)
     VALUES (?, 'client', 'C1', 'a@voorbeeld.nl', 'Anna', 'de', 'Vries', 'f', '1980-02-03', '+31612345678', '111222333', NULL, 1, NULL)`,
  ).run(md(1));
  db.prepare(
    `INSERT INTO accounts (md_id, kind, id, email, first_name, infix, last_name, gender, date_of_birth, phone_number, bsn, role, active, external_source)
     VALUES (?, 'professional', 'P1', 'p@voorbeeld.nl', 'Piet', NULL, 'Jansen', NULL, NULL, NULL, NULL, 'supervisor', 0, 'HIX')`,
  ).run(md(9));
  db.prepare("INSERT INTO relations (professional_md_id, client_md_id) VALUES (?, ?)").run(md(9), md(1));
  db.close();
  return { dir, file };
}

const columnsOf = (db: Database.Database) =>
  (db.pragma("table_info(accounts)") as { name: string }[]).map((c) => c.name);
const withColumns = (extra: StoreModel["columns"]): StoreModel => ({
  ...storeModel,
  columns: { ...storeModel.columns, ...extra },
});

describe("the local store's version", () => {
  it("opens a store made before versions (version 1), keeps its accounts, relations, configuration and platform ID, and records the version", async () => {
    const { dir } = version1Store();
    const platform = LocalPlatform.open("old.sqlite", dir);
    expect(platform.id).toBe(`local:${platformId}`);
    const dump = platform.dump();
    expect(dump.config.details_protection).toBe("never_allow");
    expect(dump.clients).toEqual([
      {
        md_id: md(1),
        id: "C1",
        email: "a@voorbeeld.nl",
        first_name: "Anna",
        infix: "de",
        last_name: "Vries",
        gender: "f",
        date_of_birth: "1980-02-03",
        phone_number: "+31612345678",
        bsn: "111222333",
        active: true,
        external_source: null,
      },
    ]);
    expect(dump.professionals).toEqual([
      {
        md_id: md(9),
        id: "P1",
        email: "p@voorbeeld.nl",
        first_name: "Piet",
        infix: null,
        last_name: "Jansen",
        role: "supervisor",
        active: false,
        external_source: "HIX",
      },
    ]);
    expect(dump.relations).toEqual([{ professional_md_id: md(9), client_md_id: md(1) }]);
    await platform.close();
    const db = new Database(join(dir, "old.sqlite"));
    expect(db.pragma("user_version", { simple: true })).toBe(storeVersion);
    db.close();
  });

  it("migrates a version 1 store to a model with a new column: the column is added, the rows keep their values", () => {
    const { file } = version1Store();
    const db = new Database(file);
    migrateStore(db, "old.sqlite", true, withColumns({ preferred_language: { sql: "TEXT", since: 2 } }));
    expect(db.pragma("user_version", { simple: true })).toBe(2);
    expect(columnsOf(db)).toContain("preferred_language");
    expect(db.prepare("SELECT first_name, bsn, preferred_language FROM accounts WHERE md_id = ?").get(md(1))).toEqual({
      first_name: "Anna",
      bsn: "111222333",
      preferred_language: null,
    });
    expect((db.prepare("SELECT value FROM config WHERE key = 'platform_id'").get() as { value: string }).value).toBe(
      platformId,
    );
    db.close();
  });

  it("makes a new store as version 1 and migrates it, so that it has the columns a migrated one has", () => {
    const db = new Database(join(tempDir(), "new.sqlite"));
    migrateStore(db, "new.sqlite", false, withColumns({ preferred_language: { sql: "TEXT", since: 2 } }));
    expect(db.pragma("user_version", { simple: true })).toBe(2);
    const old = new Database(version1Store().file);
    migrateStore(old, "old.sqlite", true, withColumns({ preferred_language: { sql: "TEXT", since: 2 } }));
    expect(columnsOf(db)).toEqual(columnsOf(old));
    db.close();
    old.close();
  });

  it("refuses a store of a newer version than it knows (exit 4), naming both versions", async () => {
    const dir = tempDir();
    await LocalPlatform.open("new.sqlite", dir, { create: true }).close();
    const db = new Database(join(dir, "new.sqlite"));
    db.pragma(`user_version = ${storeVersion + 1}`);
    db.close();
    let error: unknown;
    try {
      LocalPlatform.open("new.sqlite", dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).exitCode).toBe(4);
    expect((error as Error).message).toBe(
      `The local platform new.sqlite was made by a newer mdimport (store version ${storeVersion + 1}; this mdimport knows versions up to ${storeVersion}): use that mdimport or a newer one.`,
    );
  });

  it("leaves the store as it was when a migration fails: all of its steps or none", () => {
    const { file } = version1Store();
    const db = new Database(file);
    const before = columnsOf(db);
    // SQLite cannot add a UNIQUE column: the second step fails after the first has run.
    const failing = withColumns({
      preferred_language: { sql: "TEXT", since: 2 },
      portal_id: { sql: "TEXT UNIQUE", since: 3 },
    });
    expect(() => migrateStore(db, "old.sqlite", true, failing)).toThrow(/UNIQUE/);
    expect(columnsOf(db)).toEqual(before);
    expect(db.pragma("user_version", { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM accounts").get()).toEqual({ n: 2 });
    db.close();
  });
});
