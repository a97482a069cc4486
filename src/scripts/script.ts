import type { FieldParser } from "./fields.js";

export type Lang = "nl" | "en" | "de";
export const langs: readonly Lang[] = ["nl", "en", "de"];
export type Texts = Record<Lang, string>;

export const scriptNames = ["new-clients", "new-professionals", "relations", "update-clients", "update-professionals"] as const;
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
  welcomeMail?: boolean;
}
