import type { Role } from "../scripts/fields.js";
import type { Reason, SheetRef } from "../scripts/reasons.js";
import { scripts, type OperationKind, type PlannerKey, type ScriptDef, type ScriptName } from "../scripts/index.js";
import type {
  AccountToActivate,
  ClientAccount,
  ClientChanges,
  NewClient,
  NewProfessional,
  PlatformIndex,
  ListedProfessional,
  ProfessionalChanges,
  Relation,
} from "../platform/platform.js";
import {
  defaultsOf,
  newClientFields,
  newClientSchema,
  newProfessionalFields,
  newProfessionalSchema,
} from "../platform/accounts.js";
import type { Action, Conflict } from "./analyse.js";

/** What carrying out a row means on the platform. */
export type Operation =
  | { kind: "create-client"; client: NewClient }
  | { kind: "create-professional"; professional: NewProfessional }
  | { kind: "update-client"; md_id: string; changes: ClientChanges }
  | { kind: "update-professional"; md_id: string; changes: ProfessionalChanges }
  | { kind: "link"; relation: Relation }
  /** Finishes a create that an interrupted run left inactive (carried out only on resume). */
  | { kind: "activate"; account: AccountToActivate };

/** The outcome of planning one valid row against the platform. */
export interface PlannedRow {
  status: "planned" | "unchanged" | "dropout";
  action: Action;
  reasons: Reason[];
  operation?: Operation;
  /** For a create the platform holds inactive (`inactive_account`): what finishes an interrupted create. */
  resume?: Operation;
  /** The account the row is about, where it exists: updated, or already there. */
  md_id?: string;
  /** For an update: the names of the fields it changes. */
  changes?: string[];
  /** For a dropout: the account it collides with. */
  conflict?: Conflict;
  /** For report.xlsx only (never report.json or the log): what the platform holds now. */
  review?: PlanReview;
  /** In a workbook: the create rows of other sheets this row needs (a relation to an account planned there). */
  depends_on?: SheetRef[];
}

/** Personal data from the platform snapshot, carried in memory to report.xlsx alone. */
export interface PlanReview {
  /** For an update: the account's current value of each field that changes (null: empty). */
  was?: Record<string, string | null>;
  /** For a relation: the professional and the client as the platform knows them ("name <e-mail>"). */
  professional?: string;
  client?: string;
}

/** A person as a requester recognises them: the name and the e-mail address. */
const personText = (account: { first_name: string; infix: string | null; last_name: string; email: string }): string =>
  `${[account.first_name, account.infix, account.last_name].filter((part) => part).join(" ")} <${account.email}>`;

/** The account a row collides with, as report.json may name it. */
const conflictWith = (account: ClientAccount | ListedProfessional | undefined): { conflict?: Conflict } =>
  account
    ? {
        conflict: {
          kind: "gender" in account ? "client" : "professional",
          active: account.active,
          md_id: account.md_id,
        },
      }
    : {};

type Values = Readonly<Record<string, unknown>>;
type Planner = (values: Values, index: PlatformIndex) => PlannedRow;

const text = (values: Values, field: string): string | null => {
  const value = values[field];
  return typeof value === "string" ? value : null;
};

const dropout = (action: Action, reasons: Reason[]): PlannedRow => ({ status: "dropout", action, reasons });
const unchanged = (reasons: Reason[] = []): PlannedRow => ({ status: "unchanged", action: "none", reasons });

/** Whether every value the row gives equals the account's; empty cells are not compared. */
function sameAs(account: Record<string, unknown>, values: Values, fields: readonly string[]): boolean {
  return fields.every((field) => {
    const value = values[field];
    return value === undefined || value === null || account[field] === value;
  });
}

/** The fields a create row compares with an account: the model's new account (a row never gives `active`). */
const CLIENT_FIELDS = newClientFields;
const PROFESSIONAL_FIELDS = newProfessionalFields;
const clientDefaults: Readonly<Record<string, unknown>> = defaultsOf(newClientSchema);
const professionalDefaults: Readonly<Record<string, unknown>> = defaultsOf(newProfessionalSchema);

/** A new account from a row: each field the row gives, else the model's default, else empty text. */
function newAccount(
  values: Values,
  fields: readonly string[],
  defaults: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const account: Record<string, unknown> = {};
  for (const field of fields) account[field] = text(values, field) ?? (field in defaults ? defaults[field] : "");
  return account;
}

/**
 * The account a create row is already carried out as: the one with the row's source ID (or,
 * without one, its e-mail) holding everything the row gives. An inactive one is what an
 * interrupted run leaves between creating and activating.
 */
function existing(
  account: ClientAccount | ListedProfessional,
  values: Values,
  fields: readonly string[],
  resume: AccountToActivate,
): PlannedRow | null {
  if (account.email !== text(values, "email") || !sameAs(account, values, fields)) return null;
  if (account.active) return { ...unchanged([{ code: "already_exists" }]), md_id: account.md_id };
  // Being active is part of what a create row asks for: an inactive account is not the row
  // carried out. A run that created it and was interrupted before activating it finishes it on
  // resume (the journal shows it started); anyone else sees a dropout that says so.
  return {
    ...dropout("create", [{ code: "inactive_account" }]),
    resume: { kind: "activate", account: resume },
    md_id: account.md_id,
    ...conflictWith(account),
  };
}

/** Why a new account cannot be created: its source ID or e-mail address is taken. */
function taken(byId: unknown, email: string, index: PlatformIndex): Reason[] {
  const reasons: Reason[] = [];
  if (byId) reasons.push({ code: "external_id_in_use", field: "id" });
  if (index.accountsByEmail.has(email)) reasons.push({ code: "email_in_use", field: "email" });
  return reasons;
}

const planNewClient: Planner = (values, index) => {
  const id = text(values, "id");
  const email = text(values, "email") ?? "";
  const bsn = text(values, "bsn");
  const byId = id === null ? undefined : index.clientsById.get(id);
  const match = byId ?? (id === null ? index.accountsByEmail.get(email) : undefined);
  const done =
    match && "gender" in match ? existing(match, values, CLIENT_FIELDS, { kind: "client", md_id: match.md_id }) : null;
  if (done) return done;
  const reasons = taken(byId, email, index);
  if (bsn !== null && index.clientsByBsn.has(bsn)) reasons.push({ code: "bsn_in_use", field: "bsn" });
  if (reasons.length > 0) {
    return {
      ...dropout("create", reasons),
      ...conflictWith(
        byId ?? index.accountsByEmail.get(email) ?? (bsn === null ? undefined : index.clientsByBsn.get(bsn)),
      ),
    };
  }
  const client = { ...newAccount(values, newClientFields, clientDefaults), active: true } as NewClient;
  return { status: "planned", action: "create", reasons: [], operation: { kind: "create-client", client } };
};

const planNewProfessional: Planner = (values, index) => {
  const id = text(values, "id");
  const email = text(values, "email") ?? "";
  const byId = id === null ? undefined : index.professionalsById.get(id);
  const match = byId ?? (id === null ? index.accountsByEmail.get(email) : undefined);
  const role = (text(values, "role") as Role | null) ?? "professional";
  const done =
    match && "role" in match
      ? existing(match, values, PROFESSIONAL_FIELDS, { kind: "professional", md_id: match.md_id, role })
      : null;
  if (done) return done;
  const reasons = taken(byId, email, index);
  if (reasons.length > 0)
    return { ...dropout("create", reasons), ...conflictWith(byId ?? index.accountsByEmail.get(email)) };
  const professional = {
    ...newAccount(values, newProfessionalFields, professionalDefaults),
    role,
    active: true,
  } as NewProfessional;
  return { status: "planned", action: "create", reasons: [], operation: { kind: "create-professional", professional } };
};

/** Finds an account by its source ID where the row gives one, else by its Minddistrict ID. */
function resolve<T extends { md_id: string }>(
  values: Values,
  field: { id: string; md: string },
  byId: Map<string, T>,
  byMdId: Map<string, T>,
): { account?: T; reason?: Reason } {
  const id = text(values, field.id);
  const md = text(values, field.md);
  const account = id !== null ? byId.get(id) : md !== null ? byMdId.get(md) : undefined;
  // A row that gives both must name one account by both.
  if (account && id !== null && md !== null && account.md_id !== md)
    return { reason: { code: "not_found", field: field.md } };
  return account ? { account } : { reason: { code: "not_found", field: id !== null ? field.id : field.md } };
}

const planRelation: Planner = (values, index) => {
  const professional = resolve(
    values,
    { id: "professional_id", md: "professional_md_id" },
    index.professionalsById,
    index.professionalsByMdId,
  );
  const client = resolve(values, { id: "client_id", md: "client_md_id" }, index.clientsById, index.clientsByMdId);
  const reasons: Reason[] = [];
  if (professional.reason) reasons.push({ ...professional.reason, code: "professional_not_found" });
  if (client.reason) reasons.push({ ...client.reason, code: "client_not_found" });
  const review: PlanReview = {
    ...(professional.account ? { professional: personText(professional.account) } : {}),
    ...(client.account ? { client: personText(client.account) } : {}),
  };
  if (!professional.account || !client.account) return { ...dropout("link", reasons), review };
  const relation: Relation = { professional_md_id: professional.account.md_id, client_md_id: client.account.md_id };
  if (index.hasRelation(relation)) return { ...unchanged([{ code: "already_exists" }]), review };
  return { status: "planned", action: "link", reasons: [], operation: { kind: "link", relation }, review };
};

/** The checks every update shares: the account, the cross-check e-mail, the protection setting. */
function checkUpdate(
  account: ClientAccount | ListedProfessional | undefined,
  values: Values,
  index: PlatformIndex,
): Reason[] {
  if (!account) return [{ code: "not_found", field: "md_id" }];
  const reasons: Reason[] = [];
  const email = text(values, "email");
  if (email !== null && email !== account.email) reasons.push({ code: "email_mismatch", field: "email" });
  const protection = index.config.details_protection;
  if (protection === "never_allow" || (protection === "protect_external" && account.external_source !== null)) {
    reasons.push({ code: "externally_managed" });
  }
  return reasons;
}

/** The fields whose new value differs from the account's. */
function changesOf(
  account: Record<string, unknown>,
  values: Values,
  fields: readonly string[],
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field];
    if (value !== undefined && value !== null && account[field] !== value) changes[field] = value;
  }
  return changes;
}

/** What tells the two kinds of update apart: where the account is, and which values are unique. */
interface UpdateKind {
  accounts: (index: PlatformIndex) => Map<string, ClientAccount | ListedProfessional>;
  fields: readonly string[];
  unique: readonly {
    field: "id" | "bsn";
    code: "external_id_in_use" | "bsn_in_use";
    taken: (index: PlatformIndex) => Map<string, ClientAccount | ListedProfessional>;
  }[];
  operation: (mdId: string, changes: Record<string, unknown>) => Operation;
}

function updatePlanner(kind: UpdateKind): Planner {
  return (values, index) => {
    const mdId = text(values, "md_id") ?? "";
    const account = kind.accounts(index).get(mdId);
    const reasons = checkUpdate(account, values, index);
    if (!account) return dropout("update", reasons);
    if (reasons.length > 0) return { ...dropout("update", reasons), md_id: mdId };
    const changes = changesOf(account, values, kind.fields);
    if (Object.keys(changes).length === 0) return { ...unchanged(), md_id: mdId };
    let conflict: ClientAccount | ListedProfessional | undefined;
    for (const { field, code, taken } of kind.unique) {
      const value = changes[field];
      const other = typeof value === "string" ? taken(index).get(value) : undefined;
      if (other) {
        reasons.push({ code, field });
        conflict ??= other;
      }
    }
    if (reasons.length > 0) return { ...dropout("update", reasons), md_id: mdId, ...conflictWith(conflict) };
    const record = account as unknown as Record<string, unknown>;
    const was = Object.fromEntries(
      Object.keys(changes).map((field) => [field, typeof record[field] === "string" ? record[field] : null]),
    );
    return {
      status: "planned",
      action: "update",
      reasons: [],
      operation: kind.operation(mdId, changes),
      md_id: mdId,
      changes: Object.keys(changes),
      review: { was },
    };
  };
}

const planUpdateClient = updatePlanner({
  accounts: (index) => index.clientsByMdId,
  fields: scripts["update-clients"].changes ?? [],
  unique: [
    { field: "id", code: "external_id_in_use", taken: (index) => index.clientsById },
    { field: "bsn", code: "bsn_in_use", taken: (index) => index.clientsByBsn },
  ],
  operation: (mdId, changes) => ({ kind: "update-client", md_id: mdId, changes }),
});

const planUpdateProfessional = updatePlanner({
  accounts: (index) => index.professionalsByMdId,
  fields: scripts["update-professionals"].changes ?? [],
  unique: [{ field: "id", code: "external_id_in_use", taken: (index) => index.professionalsById }],
  operation: (mdId, changes) => ({ kind: "update-professional", md_id: mdId, changes }),
});

/** The planning rules a script names by its `plan` key (scripts/script.ts): the one table of them. */
export const plannerRules: Record<PlannerKey, Planner> = {
  "new-client": planNewClient,
  "new-professional": planNewProfessional,
  relation: planRelation,
  "update-client": planUpdateClient,
  "update-professional": planUpdateProfessional,
};

/** The planner of a script: the rule its definition names. */
export const plannerOf = (script: Pick<ScriptDef, "plan">): Planner => plannerRules[script.plan];

/** The planner of each script by name (for tests and callers that hold a name). */
export const planners: Record<ScriptName, Planner> = Object.fromEntries(
  Object.values(scripts).map((script) => [script.name, plannerOf(script)]),
) as Record<ScriptName, Planner>;

// The operations a script says it makes are the kinds an Operation can have, no more and no fewer.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const operationKindsAgree: Same<Operation["kind"], OperationKind> = true;
void operationKindsAgree;
