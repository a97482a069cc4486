import { describe, expect, it } from "vitest";
import { clientAccount, mdId, professionalAccount } from "../../test/support/accounts.js";
import { PlatformIndex, type PlatformSnapshot } from "../platform/platform.js";
import { platformConfigSchema } from "../platform/config.js";
import { plannerOf, plannerRules, planners } from "./plan.js";
import { scriptNames, scripts, type ScriptName } from "../scripts/index.js";

const id = mdId;
const client = clientAccount;
const professional = professionalAccount;

const index = (snapshot: Partial<PlatformSnapshot> = {}) =>
  new PlatformIndex({
    config: platformConfigSchema.parse({}),
    clients: [],
    professionals: [],
    relations: [],
    ...snapshot,
  });

const platform = index({
  clients: [client(1, { bsn: "111222333" }), client(2, { active: false, external_source: "EPD" }), client(3)],
  professionals: [professional(1), professional(2, { role: "supervisor" })],
  relations: [{ professional_md_id: id(101), client_md_id: id(1) }],
});
const codes = (outcome: { status: string; reasons: { code: string; field?: string }[] }) => [
  outcome.status,
  ...outcome.reasons.map((r) => (r.field ? `${r.code}:${r.field}` : r.code)),
];

describe("planning new clients", () => {
  const row = {
    id: "C9",
    email: "nieuw@voorbeeld.nl",
    first_name: "Nel",
    infix: null,
    last_name: "Nieuw",
    gender: "f",
    date_of_birth: "1990-01-01",
    phone_number: null,
    bsn: "123456782",
  };
  it("plans a new account", () => {
    const outcome = planners["new-clients"](row, platform);
    expect(codes(outcome)).toEqual(["planned"]);
    expect(outcome.operation).toEqual({ kind: "create-client", client: { ...row, active: true } });
  });
  it.each([
    [{ id: "C1" }, ["dropout", "external_id_in_use:id"]],
    [{ id: "C2" }, ["dropout", "external_id_in_use:id"]],
    [{ email: "c2@voorbeeld.nl" }, ["dropout", "email_in_use:email"]],
    [{ email: "p1@voorbeeld.nl" }, ["dropout", "email_in_use:email"]],
    [{ bsn: "111222333" }, ["dropout", "bsn_in_use:bsn"]],
    [{ id: "C3", email: "p2@voorbeeld.nl" }, ["dropout", "external_id_in_use:id", "email_in_use:email"]],
  ])("drops out %j", (change, expected) =>
    expect(codes(planners["new-clients"]({ ...row, ...change }, platform))).toEqual(expected),
  );
  it("finds an account that is already there as the row describes it", () => {
    expect(
      codes(
        planners["new-clients"](
          { id: "C3", email: "c3@voorbeeld.nl", first_name: "An", infix: null, last_name: "Vries", gender: "unknown" },
          platform,
        ),
      ),
    ).toEqual(["unchanged", "already_exists"]);
  });
});

describe("planning new professionals", () => {
  const row = {
    id: "P9",
    email: "nieuw@voorbeeld.nl",
    first_name: "Nel",
    infix: null,
    last_name: "Nieuw",
    role: "secretary",
  };
  it("plans, drops out and finds what exists", () => {
    expect(codes(planners["new-professionals"](row, platform))).toEqual(["planned"]);
    expect(codes(planners["new-professionals"]({ ...row, id: "P1" }, platform))).toEqual([
      "dropout",
      "external_id_in_use:id",
    ]);
    expect(codes(planners["new-professionals"]({ ...row, email: "c1@voorbeeld.nl" }, platform))).toEqual([
      "dropout",
      "email_in_use:email",
    ]);
    expect(
      codes(
        planners["new-professionals"](
          { ...row, id: "P2", email: "p2@voorbeeld.nl", first_name: "Piet", last_name: "Jansen", role: "supervisor" },
          platform,
        ),
      ),
    ).toEqual(["unchanged", "already_exists"]);
  });
});

describe("planning relations", () => {
  it.each([
    [{ professional_id: "P2", client_id: "C1" }, ["planned"]],
    [{ professional_md_id: id(102), client_md_id: id(3) }, ["planned"]],
    [{ professional_id: "P1", client_id: "C1" }, ["unchanged", "already_exists"]],
    [{ professional_id: "P9", client_id: "C1" }, ["dropout", "professional_not_found:professional_id"]],
    [
      { professional_md_id: id(199), client_id: "C9" },
      ["dropout", "professional_not_found:professional_md_id", "client_not_found:client_id"],
    ],
    [
      { professional_id: "P1", professional_md_id: id(102), client_id: "C1" },
      ["dropout", "professional_not_found:professional_md_id"],
    ],
  ])("%j → %j", (row, expected) => expect(codes(planners.relations(row, platform))).toEqual(expected));
});

describe("planning updates", () => {
  it.each([
    [{ md_id: id(3), id: "C30" }, ["planned"]],
    [{ md_id: id(3), email: "c3@voorbeeld.nl", id: "C30" }, ["planned"]],
    [{ md_id: id(3), id: "C3", first_name: "An" }, ["unchanged"]],
    [{ md_id: id(9), id: "C30" }, ["dropout", "not_found:md_id"]],
    [{ md_id: id(3), email: "c1@voorbeeld.nl", id: "C30" }, ["dropout", "email_mismatch:email"]],
    [{ md_id: id(2), id: "C30" }, ["dropout", "externally_managed"]],
    [{ md_id: id(3), id: "C1" }, ["dropout", "external_id_in_use:id"]],
    [{ md_id: id(3), bsn: "111222333" }, ["dropout", "bsn_in_use:bsn"]],
  ])("client %j → %j", (row, expected) => expect(codes(planners["update-clients"](row, platform))).toEqual(expected));

  it("changes only what differs", () => {
    expect(
      planners["update-clients"]({ md_id: id(3), id: "C3", last_name: "Visser", gender: null }, platform).operation,
    ).toEqual({
      kind: "update-client",
      md_id: id(3),
      changes: { last_name: "Visser" },
    });
  });

  it("follows the protection setting", () => {
    const never = index({
      ...platform.snapshot,
      config: platformConfigSchema.parse({ details_protection: "never_allow" }),
    });
    const always = index({
      ...platform.snapshot,
      config: platformConfigSchema.parse({ details_protection: "always_allow" }),
    });
    expect(codes(planners["update-clients"]({ md_id: id(3), id: "C30" }, never))).toEqual([
      "dropout",
      "externally_managed",
    ]);
    expect(codes(planners["update-clients"]({ md_id: id(2), id: "C30" }, always))).toEqual(["planned"]);
  });

  it.each([
    [{ md_id: id(101), role: "supervisor" }, ["planned"]],
    [{ md_id: id(101), id: "P2" }, ["dropout", "external_id_in_use:id"]],
    [{ md_id: id(101), role: "professional" }, ["unchanged"]],
    [{ md_id: id(1), role: "supervisor" }, ["dropout", "not_found:md_id"]],
  ])("professional %j → %j", (row, expected) =>
    expect(codes(planners["update-professionals"](row, platform))).toEqual(expected),
  );
});

describe("what report.json may say of a row's accounts: IDs and field names, never values", () => {
  const row = {
    id: "C9",
    email: "nieuw@voorbeeld.nl",
    first_name: "Nel",
    infix: null,
    last_name: "Nieuw",
    gender: "f",
    date_of_birth: null,
    phone_number: null,
    bsn: null,
  };
  it.each([
    ["the source ID of an inactive client", { id: "C2" }, { kind: "client", active: false, md_id: id(2) }],
    [
      "the e-mail of a professional",
      { email: "p1@voorbeeld.nl" },
      { kind: "professional", active: true, md_id: id(101) },
    ],
    ["the BSN of a client", { bsn: "111222333" }, { kind: "client", active: true, md_id: id(1) }],
  ])("a create's dropout names the account it collides with: %s", (_, change, conflict) => {
    const outcome = planners["new-clients"]({ ...row, ...change }, platform);
    expect(outcome.status).toBe("dropout");
    expect(outcome.conflict).toEqual(conflict);
    expect(outcome.md_id).toBeUndefined();
  });

  it("an account already there gives its Minddistrict ID; an inactive one is a dropout that names itself", () => {
    const there = planners["new-clients"](
      { id: "C3", email: "c3@voorbeeld.nl", first_name: "An", infix: null, last_name: "Vries", gender: "unknown" },
      platform,
    );
    expect(there).toMatchObject({ status: "unchanged", md_id: id(3) });
    const inactive = planners["new-clients"](
      { id: "C2", email: "c2@voorbeeld.nl", first_name: "An", infix: null, last_name: "Vries", gender: "unknown" },
      platform,
    );
    expect(inactive).toMatchObject({
      status: "dropout",
      reasons: [{ code: "inactive_account" }],
      md_id: id(2),
      conflict: { kind: "client", active: false, md_id: id(2) },
    });
  });

  it("an update names its account and the fields it changes; a taken source ID names the other account", () => {
    const planned = planners["update-clients"]({ md_id: id(1), id: "NEW-1", first_name: "Anna" }, platform);
    expect(planned).toMatchObject({ status: "planned", md_id: id(1), changes: ["id", "first_name"] });
    const taken = planners["update-clients"]({ md_id: id(1), id: "C3" }, platform);
    expect(taken).toMatchObject({
      status: "dropout",
      md_id: id(1),
      conflict: { kind: "client", active: true, md_id: id(3) },
    });
    expect(planners["update-clients"]({ md_id: id(3), first_name: "An" }, platform)).toMatchObject({
      status: "unchanged",
      md_id: id(3),
    });
  });
});

describe("a script's rules as data", () => {
  const planned: Record<ScriptName, Record<string, unknown>> = {
    "new-clients": { id: "C9", email: "nieuw@voorbeeld.nl", first_name: "Nel", last_name: "Nieuw" },
    "new-professionals": { id: "P9", email: "nieuw@voorbeeld.nl", first_name: "Piet", last_name: "Nieuw" },
    relations: { professional_id: "P2", client_id: "C1" },
    "update-clients": { md_id: id(3), id: "C30" },
    "update-professionals": { md_id: id(101), role: "supervisor" },
  };
  it.each(scriptNames)("%s plans by the rule it names, into operations it declares", (name) => {
    const script = scripts[name];
    expect(plannerOf(script)).toBe(plannerRules[script.plan]);
    expect(planners[name]).toBe(plannerOf(script));
    const outcome = plannerOf(script)(planned[name], platform);
    expect(outcome.status).toBe("planned");
    expect(script.operations).toContain(outcome.operation?.kind);
  });

  it("every planner rule is named by some script, and each script's snapshot holds what its planner reads", () => {
    expect(new Set(Object.values(scripts).map((s) => s.plan))).toEqual(new Set(Object.keys(plannerRules)));
    for (const script of Object.values(scripts)) {
      if (script.operations.includes("link"))
        expect(script.needs).toEqual({ clients: true, professionals: true, relations: true });
      if (script.operations.includes("create-client"))
        expect(script.needs.clients && script.needs.professionals).toBe(true);
    }
  });
});
