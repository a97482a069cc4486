import type { Reason } from "../scripts/reasons.js";

/**
 * Finds rows of one sheet that are the same account (or pair) twice. Rows that share a key
 * and agree in every value repeat the earliest one (`duplicate_in_file`, `ref`); rows that
 * share a key but differ are all in conflict (`conflict_in_file`), since no one can tell
 * which is right.
 * Memory: per row its fingerprint, per distinct key value one map entry holding a row index
 * (a small integer, so no object per entry); only keys seen twice get a list.
 */
export class DuplicateFinder {
  private readonly first: Map<string, number>[];
  private readonly later: Map<string, number[]>[];
  private readonly rows: number[] = [];
  private readonly fingerprints: number[] = [];

  constructor(private readonly keys: readonly (readonly string[])[]) {
    this.first = keys.map(() => new Map<string, number>());
    this.later = keys.map(() => new Map<string, number[]>());
  }

  /** Adds a row's normalised values; keys whose values are all empty are left out. */
  add(row: number, values: Readonly<Record<string, unknown>>, fingerprint: number): void {
    const index = this.rows.length;
    this.rows.push(row);
    this.fingerprints.push(fingerprint);
    for (let k = 0; k < this.keys.length; k++) {
      const key = keyOf(this.keys[k] as readonly string[], values);
      if (key === null) continue;
      const first = this.first[k] as Map<string, number>;
      if (first.get(key) === undefined) {
        first.set(key, index);
        continue;
      }
      const later = this.later[k] as Map<string, number[]>;
      const list = later.get(key);
      if (list) list.push(index);
      else later.set(key, [index]);
    }
  }

  /** The duplicate reasons of every row that has one, by row number. */
  verdicts(): Map<number, Reason[]> {
    const verdicts = new Map<number, Reason[]>();
    const push = (index: number, reason: Reason) => {
      const row = this.rows[index] as number;
      const list = verdicts.get(row);
      if (!list) verdicts.set(row, [reason]);
      else if (!list.some((r) => r.code === reason.code && r.field === reason.field)) list.push(reason);
    };
    const groups: { key: number; first: number; later: number[]; conflict: boolean }[] = [];
    this.later.forEach((later, k) => {
      for (const [value, rows] of later) {
        const first = (this.first[k] as Map<string, number>).get(value) as number;
        const fingerprint = this.fingerprints[first];
        groups.push({ key: k, first, later: rows, conflict: rows.some((i) => this.fingerprints[i] !== fingerprint) });
      }
    });
    for (const group of groups) {
      if (!group.conflict) continue;
      const fields = this.keys[group.key] ?? [];
      const reason: Reason =
        fields.length === 1 ? { code: "conflict_in_file", field: fields[0] as string } : { code: "conflict_in_file" };
      const members = [group.first, ...group.later];
      // Each row names another of its group (the first that is not itself), as a duplicate names the row it repeats.
      for (const index of members)
        push(index, {
          ...reason,
          ref: this.rows[index === group.first ? (group.later[0] as number) : group.first] as number,
        });
    }
    for (const group of groups) {
      if (group.conflict) continue;
      const ref = this.rows[group.first] as number;
      for (const index of group.later) {
        if (!verdicts.get(this.rows[index] as number)?.some((r) => r.code === "conflict_in_file"))
          push(index, { code: "duplicate_in_file", ref });
      }
    }
    return verdicts;
  }
}

/** The value of one key for a row, or null when all its fields are empty. */
function keyOf(fields: readonly string[], values: Readonly<Record<string, unknown>>): string | null {
  if (fields.length === 1) {
    const value = values[fields[0] as string];
    return typeof value === "string" ? value : value === null || value === undefined ? null : JSON.stringify(value);
  }
  const parts = fields.map((field) => values[field] ?? null);
  return parts.every((part) => part === null) ? null : JSON.stringify(parts);
}

/**
 * A 53-bit digest of a row's normalised values (two 32-bit FNV-1a hashes with different
 * offsets): equal digests mean the same data. NOTE: a digest rather than the values
 * themselves, so that 100,000 rows keep 100,000 numbers and not as many strings; two rows
 * that share a key and differ still collide only with a chance of about 1 in 2^53.
 */
export function fingerprint(values: Record<string, unknown>): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const key in values) {
    const text = valueText(values[key]);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x01000193) ^ (b >>> 13);
    }
    a = Math.imul(a ^ 0xff, 0x01000193);
    b = Math.imul(b ^ 0xff, 0x01000193);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

/** Normalised values are strings, or null where empty. */
const valueText = (value: unknown): string =>
  typeof value === "string" ? value : value === null || value === undefined ? "" : JSON.stringify(value);
