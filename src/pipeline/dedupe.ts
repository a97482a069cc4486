import type { Reason } from "../scripts/reasons.js";

interface Group {
  first: number;
  fingerprint: string;
  rows: number[];
  conflict: boolean;
}

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
    this.keys.forEach((fields, index) => {
      const parts = fields.map((field) => values[field] ?? null);
      if (parts.every((part) => part === null)) return;
      const key = parts.length === 1 ? String(parts[0]) : JSON.stringify(parts);
      const groups = this.groups[index] as Map<string, Group>;
      const group = groups.get(key);
      if (!group) {
        groups.set(key, { first: row, fingerprint, rows: [row], conflict: false });
        return;
      }
      group.rows.push(row);
      if (group.fingerprint !== fingerprint) group.conflict = true;
    });
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
        if (group.conflict) for (const row of group.rows) push(row, field ? { code: "conflict_in_file", field } : { code: "conflict_in_file" });
      }
    });
    for (const groups of this.groups) {
      for (const group of groups.values()) {
        if (group.conflict || group.rows.length < 2) continue;
        for (const row of group.rows.slice(1)) {
          if (!verdicts.get(row)?.some((r) => r.code === "conflict_in_file")) push(row, { code: "duplicate_in_file", ref: group.first });
        }
      }
    }
    return verdicts;
  }
}
