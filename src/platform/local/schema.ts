/**
 * The local platform's tables. The platform's rules are constraints here, so that no code
 * path can break them: e-mail unique and lower case across clients and professionals
 * (active and inactive), source IDs unique per kind, BSN unique, Minddistrict IDs of 32
 * lowercase hex characters, relation pairs unique and between a professional and a client.
 */
export const schemaSql = `
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

-- A missing account is the foreign key's to report; this trigger only checks the kinds.
CREATE TRIGGER IF NOT EXISTS relations_kinds BEFORE INSERT ON relations
WHEN (SELECT kind FROM accounts WHERE md_id = NEW.professional_md_id) = 'client'
  OR (SELECT kind FROM accounts WHERE md_id = NEW.client_md_id) = 'professional'
BEGIN
  SELECT RAISE(ABORT, 'a relation must link a professional to a client');
END;
`;
