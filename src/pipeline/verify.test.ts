import { describe, expect, it } from "vitest";
import { clientAccount, mdId, newClient, professionalAccount } from "../../test/support/accounts.js";
import type { Platform, Relation } from "../platform/platform.js";
import { UsageError } from "../shared/errors.js";
import type { Operation } from "./plan.js";
import { checkStored, differingFields, parseVerify, shouldVerify } from "./verify.js";

const context = { today: "9999-12-31" };

describe("differingFields: what was sent against what the platform holds, each normalised by its field's parser", () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    ["the same e-mail address", { email: "an@voorbeeld.nl" }, { email: "an@voorbeeld.nl" }, []],
    ["e-mail in another case", { email: "an@voorbeeld.nl" }, { email: "An@Voorbeeld.NL" }, []],
    ["another e-mail address", { email: "an@voorbeeld.nl" }, { email: "bo@voorbeeld.nl" }, ["email"]],
    ["a phone number in national form", { phone_number: "+31612345678" }, { phone_number: "06 12345678" }, []],
    [
      "a phone number with spaces and a country code",
      { phone_number: "+31612345678" },
      { phone_number: "+31 6 1234 5678" },
      [],
    ],
    ["another phone number", { phone_number: "+31612345678" }, { phone_number: "+31612345679" }, ["phone_number"]],
    ["a phone number not stored (null)", { phone_number: "+31612345678" }, { phone_number: null }, ["phone_number"]],
    ["a phone number not stored (absent)", { phone_number: "+31612345678" }, {}, ["phone_number"]],
    ["a phone number not stored (empty)", { phone_number: "+31612345678" }, { phone_number: "" }, ["phone_number"]],
    ["a date as dd-mm-yyyy", { date_of_birth: "1990-04-01" }, { date_of_birth: "01-04-1990" }, []],
    ["another date", { date_of_birth: "1990-04-01" }, { date_of_birth: "1990-04-02" }, ["date_of_birth"]],
    ["a name with doubled spaces", { last_name: "de Vries" }, { last_name: "de  Vries " }, []],
    ["a name in another case", { last_name: "de Vries" }, { last_name: "De Vries" }, ["last_name"]],
    ["a field sent empty is not compared (null)", { infix: null }, { infix: "van" }, []],
    ["a field not sent is not compared", {}, { infix: "van" }, []],
    ["gender unknown, held as null", { gender: "unknown" }, { gender: null }, []],
    ["gender f, held as unknown", { gender: "f" }, { gender: "unknown" }, ["gender"]],
    ["a BSN with dots", { bsn: "111222333" }, { bsn: "111.222.333" }, []],
    ["another BSN", { bsn: "111222333" }, { bsn: "123456782" }, ["bsn"]],
    ["a role, and its name", { role: "secretary" }, { role: "secretary" }, []],
    ["another role", { role: "secretary" }, { role: "supervisor" }, ["role"]],
    ["a role the platform names no known group for", { role: "secretary" }, { role: null }, ["role"]],
    ["active as sent", { active: true }, { active: true }, []],
    ["left inactive", { active: true }, { active: false }, ["active"]],
    ["a value mdimport would not write is compared as it is", { id: "C1" }, { id: "=C1" }, ["id"]],
    [
      "every field that differs, in the order sent",
      { email: "an@voorbeeld.nl", phone_number: "+31612345678", last_name: "Vries", active: true },
      { email: "an@voorbeeld.nl", phone_number: null, last_name: "Visser", active: true },
      ["phone_number", "last_name"],
    ],
  ])("%s", (_, sent, held, fields) => {
    expect(differingFields(sent, held, context)).toEqual(fields);
  });
});

describe("--verify", () => {
  it.each<[string, ReturnType<typeof parseVerify>]>([
    ["10", 10],
    ["0", 0],
    ["all", "all"],
    ["NONE", "none"],
  ])("takes %s", (text, mode) => {
    expect(parseVerify(text)).toEqual(mode);
  });

  it.each(["-1", "1.5", "some", ""])("refuses %j", (text) => {
    expect(() => parseVerify(text)).toThrow(UsageError);
    expect(() => parseVerify(text)).toThrow(/is not a number of rows \(0 or more\), all or none/);
  });

  it.each<[ReturnType<typeof parseVerify>, number, boolean, boolean]>([
    [10, 1, false, true],
    [10, 10, false, true],
    [10, 11, false, false],
    [10, 11, true, true],
    [0, 1, false, false],
    [0, 1, true, true],
    ["all", 500, false, true],
    ["none", 1, true, false],
  ])("%j reads back row %i (troubled: %s): %s", (mode, ordinal, troubled, verified) => {
    expect(shouldVerify(mode, ordinal, troubled)).toBe(verified);
  });
});

describe("checkStored: reads back what a write left", () => {
  const held = clientAccount(1, { phone_number: null });
  const platform = (relations: Relation[] = []) =>
    ({
      readAccount: (kind: string, id: string) =>
        Promise.resolve(
          kind === "client" && id === held.md_id
            ? held
            : kind === "professional" && id === mdId(101)
              ? professionalAccount(1)
              : null,
        ),
      relationsOf: () => Promise.resolve(relations),
    }) as unknown as Platform;
  const sent = newClient(1);

  it.each<[string, Operation, string | null, ReturnType<typeof checkStored> extends Promise<infer T> ? T : never]>([
    ["a create stored as sent", { kind: "create-client", client: sent }, held.md_id, null],
    [
      "a create that lost its phone number",
      { kind: "create-client", client: { ...sent, phone_number: "+31612345678" } },
      held.md_id,
      { fields: ["phone_number"] },
    ],
    ["a create not found afterwards", { kind: "create-client", client: sent }, mdId(9), { missing: true }],
    [
      "an update stored",
      { kind: "update-client", md_id: held.md_id, changes: { last_name: "Vries" } },
      held.md_id,
      null,
    ],
    [
      "an update not stored",
      { kind: "update-client", md_id: held.md_id, changes: { last_name: "Visser" } },
      held.md_id,
      { fields: ["last_name"] },
    ],
    [
      "a group not stored",
      { kind: "update-professional", md_id: mdId(101), changes: { role: "secretary" } },
      mdId(101),
      { fields: ["role"] },
    ],
    ["an activation", { kind: "activate", account: { kind: "client", md_id: held.md_id } }, held.md_id, null],
    [
      "a relation not there",
      { kind: "link", relation: { professional_md_id: mdId(101), client_md_id: held.md_id } },
      null,
      { missing: true },
    ],
  ])("%s", async (_, operation, id, mismatch) => {
    expect(await checkStored(platform(), operation, id, context)).toEqual(mismatch);
  });

  it("finds a relation among the client's professionals", async () => {
    const relation = { professional_md_id: mdId(101), client_md_id: held.md_id };
    expect(await checkStored(platform([relation]), { kind: "link", relation }, null, context)).toBeNull();
  });
});
