import type { Reason } from "../scripts/reasons.js";

interface Group {
  first: number;
  fingerprint: string;
  /** The later rows with this key; most keys have none, so no array is made for them. */
  later: number[] | null;
  conflict: boolean;
}

const rowsOf = (group: Group) => (group.later ? [group.first, ...group.later] : [group.first]);

/**
 * Finds rows of one sheet that are the same account (or pair) twice. Rows that share a key
 * and agree in every value repeat the earliest one (`duplicate_in_file`, `ref`); rows that
 * share a key but differ are all in conflict (`conflict_in_file`), since no one can tell
 * which is right. Memory: one entry per distinct key value.
 */
export class DuplicateFinder {
  private readonly groups: Map<string, Group>[];

  constructor(private readonly keys: readonly (readonly string[])[]) {
    this.groups = keys.map(() => new Map());
  }

  /** Adds a row's normalised values; keys whose values are all empty are left out. */
  add(row: number, values: Readonly<Record<string, unknown>>, fingerprint: string): void {
    for (let index = 0; index < this.keys.length; index++) {
      const key = keyOf(this.keys[index] as readonly string[], values);
      if (key === null) continue;
      const groups = this.groups[index] as Map<string, Group>;
      const group = groups.get(key);
      if (!group) {
        groups.set(key, { first: row, fingerprint, later: null, conflict: false });
        continue;
      }
      (group.later ??= []).push(row);
      if (group.fingerprint !== fingerprint) group.conflict = true;
    }
  }

  /** The duplicate reasons of every row that has one, by row number. */
  verdicts(): Map<number, Reason[]> {
    const verdicts = new Map<number, Reason[]>();
    const push = (row: number, reason: Reason) => {
      const list = verdicts.get(row);
      if (!list) verdicts.set(row, [reason]);
      else if (!list.some((r) => r.code === reason.code && r.field === reason.field)) list.push(reason);
    };
    this.groups.forEach((groups, index) => {
      const fields = this.keys[index] ?? [];
      const field = fields.length === 1 ? fields[0] : undefined;
      for (const group of groups.values()) {
        if (group.conflict) for (const row of rowsOf(group)) push(row, field ? { code: "conflict_in_file", field } : { code: "conflict_in_file" });
      }
    });
    for (const groups of this.groups) {
      for (const group of groups.values()) {
        if (group.conflict || !group.later) continue;
        for (const row of group.later) {
          if (!verdicts.get(row)?.some((r) => r.code === "conflict_in_file")) push(row, { code: "duplicate_in_file", ref: group.first });
        }
      }
    }
    return verdicts;
  }
}

/** The value of one key for a row, or null when all its fields are empty. */
function keyOf(fields: readonly string[], values: Readonly<Record<string, unknown>>): string | null {
  if (fields.length === 1) {
    const value = values[fields[0] as string];
    return value === null || value === undefined ? null : String(value);
  }
  const parts = fields.map((field) => values[field] ?? null);
  return parts.every((part) => part === null) ? null : JSON.stringify(parts);
}
