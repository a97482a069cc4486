import { describe, expect, it } from "vitest";
import { DuplicateFinder, fingerprint } from "./dedupe.js";

const find = (keys: string[][], rows: Record<string, unknown>[]) => {
  const finder = new DuplicateFinder(keys);
  rows.forEach((values, i) => finder.add(i + 2, values, fingerprint(values)));
  return Object.fromEntries(finder.verdicts());
};

describe("fingerprint", () => {
  it("is equal for equal values and differs when any value differs, also by position", () => {
    expect(fingerprint({ a: "x", b: null })).toBe(fingerprint({ a: "x", b: null }));
    expect(fingerprint({ a: "x", b: null })).not.toBe(fingerprint({ a: "x", b: "" + "y" }));
    expect(fingerprint({ a: "xy", b: "" })).not.toBe(fingerprint({ a: "x", b: "y" }));
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(fingerprint({ email: `client${i}@voorbeeld.nl`, id: `EXT-${i}` }));
    expect(seen.size).toBe(100_000);
  });
});

describe("DuplicateFinder", () => {
  const keys = [["id"], ["email"], ["bsn"]];

  it("finds nothing in distinct rows", () => {
    expect(
      find(keys, [
        { id: "1", email: "a@x.nl" },
        { id: "2", email: "b@x.nl" },
      ]),
    ).toEqual({});
  });

  it("points an exact repeat at the earlier row", () => {
    const a = { id: "1", email: "a@x.nl", bsn: null };
    expect(find(keys, [a, { id: "2", email: "b@x.nl", bsn: null }, a, a])).toEqual({
      4: [{ code: "duplicate_in_file", ref: 2 }],
      5: [{ code: "duplicate_in_file", ref: 2 }],
    });
  });

  it("marks every row of a key whose data differs as a conflict, on each key field", () => {
    expect(
      find(keys, [
        { id: "1", email: "a@x.nl" },
        { id: "1", email: "b@x.nl" },
        { id: "3", email: "b@x.nl" },
      ]),
    ).toEqual({
      2: [{ code: "conflict_in_file", field: "id", ref: 3 }],
      3: [
        { code: "conflict_in_file", field: "id", ref: 2 },
        { code: "conflict_in_file", field: "email", ref: 4 },
      ],
      4: [{ code: "conflict_in_file", field: "email", ref: 3 }],
    });
  });

  it("calls exact repeats conflicts too when a third row contradicts them", () => {
    const a = { id: "1", email: "a@x.nl" };
    expect(find(keys, [a, a, { id: "1", email: "c@x.nl" }])).toEqual({
      2: [{ code: "conflict_in_file", field: "id", ref: 3 }],
      3: [{ code: "conflict_in_file", field: "id", ref: 2 }],
      4: [{ code: "conflict_in_file", field: "id", ref: 2 }],
    });
  });

  it("ignores empty key values", () => {
    expect(
      find(keys, [
        { id: "1", email: "a@x.nl", bsn: null },
        { id: "2", email: "b@x.nl", bsn: null },
      ]),
    ).toEqual({});
  });

  it("uses the pair as the key of relations: one professional may treat many clients", () => {
    const pair = [["professional_id", "client_id"]];
    expect(
      find(pair, [
        { professional_id: "P", client_id: "1" },
        { professional_id: "P", client_id: "2" },
        { professional_id: "P", client_id: "1" },
      ]),
    ).toEqual({
      4: [{ code: "duplicate_in_file", ref: 2 }],
    });
  });
});
