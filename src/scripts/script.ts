import type { FieldParser } from "./fields.js";

export type Lang = "nl" | "en" | "de";
export const langs: readonly Lang[] = ["nl", "en", "de"];
export type Texts = Record<Lang, string>;

export const scriptNames = [
  "new-clients",
  "new-professionals",
  "relations",
  "update-clients",
  "update-professionals",
] as const;
export type ScriptName = (typeof scriptNames)[number];

/** Whether a value must be filled in: always, never, or as the platform's client_fields say. */
export type ValueRule = "required" | "optional" | "platform";

/** One column of a script's sheet. */
export interface ColumnDef {
  /** Canonical field name, as in the local platform state. */
  field: string;
  /** The header the templates write, per language (Dutch is the organisations' default). */
  headers: Texts;
  /** More header names accepted, matched without regard to case, accents, spaces, hyphens. */
  aliases?: readonly string[];
  /** For ID columns: whether it holds a source-system ID or a Minddistrict ID. */
  idKind?: "source" | "md";
  /** The column must be present (`true`), or one column of the named group must be. */
  column: true | false | { oneOf: string };
  value: ValueRule;
  parse: FieldParser<unknown>;
  /** Personal data: kept out of logs, summaries and error messages. */
  personal: boolean;
  /** Format and allowed values, for the template's explanation sheet. */
  format: Texts;
  /** The values a template's dropdown offers, per language. */
  choices?: Record<Lang, readonly string[]>;
  /** Written as a text column in templates, so Excel keeps leading zeros and long digits. */
  text?: boolean;
}

/** What carrying out a row can mean on the platform (pipeline/plan.ts's `Operation` has exactly these kinds). */
export const operationKinds = [
  "create-client",
  "create-professional",
  "update-client",
  "update-professional",
  "link",
  "activate",
] as const;
export type OperationKind = (typeof operationKinds)[number];

/**
 * The planning rules pipeline/plan.ts registers (its `plannerRules` table): a script names the
 * one it plans by, so that scripts/ needs nothing of pipeline/.
 */
export const plannerKeys = [
  "new-client",
  "new-professional",
  "relation",
  "update-client",
  "update-professional",
] as const;
export type PlannerKey = (typeof plannerKeys)[number];

/** What a script's planner reads from the platform's snapshot. */
export interface PlatformNeeds {
  clients: boolean;
  professionals: boolean;
  relations: boolean;
}

/** A script type: its columns, what makes two rows the same, and what it does. */
export interface ScriptDef {
  name: ScriptName;
  title: Texts;
  action: "create" | "update" | "link";
  columns: readonly ColumnDef[];
  /** Each key is a list of fields; rows that share a key's values are the same account or pair. */
  keys: readonly (readonly string[])[];
  /** Names of column groups of which at least one column must be present, with what the group means. */
  groups?: Readonly<Record<string, Texts>>;
  /** Fields that an update row changes (the rest identify or cross-check); the update planner reads them. */
  changes?: readonly string[];
  /** Whether the script makes accounts whose activation may send a welcome e-mail: `run` then needs --welcome-mail. */
  welcomeMail: boolean;
  /** The planning rule of pipeline/plan.ts that plans its rows against the platform. */
  plan: PlannerKey;
  /** What the planner reads of the platform: the snapshot test-run and run take. */
  needs: PlatformNeeds;
  /** The operations carrying out its rows makes (a create's `activate` is how an interrupted run finishes it). */
  operations: readonly OperationKind[];
}

/**
 * Whether the script links accounts (relations): its rows name accounts other rows or sheets
 * may create, so a workbook plans it after the account sheets, and a platform that lists
 * relations per client is asked afterwards which of its links exist.
 */
export const linksAccounts = (script: Pick<ScriptDef, "operations">): boolean => script.operations.includes("link");

/** The kind of account a script creates, from the operations it makes; null for one that creates none. */
export const createsKind = (script: Pick<ScriptDef, "operations">): "client" | "professional" | null =>
  script.operations.includes("create-client")
    ? "client"
    : script.operations.includes("create-professional")
      ? "professional"
      : null;

/** The kind of account whose welcome e-mail a script's creates may send (as --welcome-mail names it), if any. */
export const welcomeKind = (
  script: Pick<ScriptDef, "operations" | "welcomeMail">,
): "clients" | "professionals" | null => {
  const kind = script.welcomeMail ? createsKind(script) : null;
  return kind === null ? null : kind === "client" ? "clients" : "professionals";
};
