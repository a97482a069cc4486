import { join } from "node:path";
import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LocalPlatform } from "../../src/platform/local/local-platform.js";
import { stateSchema } from "../../src/platform/state.js";
import { tempDir } from "../support/cli.js";
import { activationContract, platformContract } from "../platform-contract.js";

platformContract("local SQLite store", () =>
  Promise.resolve(LocalPlatform.open("platform.sqlite", tempDir(), { create: true })),
);
activationContract("local SQLite store", () =>
  Promise.resolve(LocalPlatform.open("platform.sqlite", tempDir(), { create: true })),
);

describe("the local store", () => {
  const md = (n: number) => n.toString(16).padStart(32, "0");
  const state = stateSchema.parse({
    config: { client_fields: { bsn: "required" }, details_protection: "never_allow" },
    clients: [
      { md_id: md(2), id: "C2", email: "b@voorbeeld.nl", first_name: "B", last_name: "B" },
      { md_id: md(1), id: "C1", email: "a@voorbeeld.nl", first_name: "A", last_name: "A", bsn: "111222333" },
    ],
    professionals: [
      { md_id: md(9), id: "P1", email: "p@voorbeeld.nl", first_name: "P", last_name: "P", role: "supervisor" },
    ],
    relations: [{ professional_md_id: md(9), client_md_id: md(1) }],
  });

  it("loads a state and dumps it sorted, with its configuration", () => {
    const platform = LocalPlatform.open("p.sqlite", tempDir(), { create: true });
    platform.load(state);
    const dump = platform.dump();
    expect(dump.clients.map((c) => c.md_id)).toEqual([md(1), md(2)]);
    expect(dump.config).toEqual({ client_fields: { bsn: "required" }, details_protection: "never_allow" });
    expect(Object.keys(dump.clients[0]!)).toEqual([
      "md_id",
      "id",
      "email",
      "first_name",
      "infix",
      "last_name",
      "gender",
      "date_of_birth",
      "phone_number",
      "bsn",
      "active",
      "external_source",
    ]);
    expect(dump.relations).toEqual(state.relations);
  });

  it("loads all of a state or, when it breaks a rule, none of it", () => {
    const platform = LocalPlatform.open("p.sqlite", tempDir(), { create: true });
    const broken = { ...state, clients: [...state.clients, { ...state.clients[0]!, md_id: md(3), id: "C3" }] };
    expect(() => platform.load(broken)).toThrow(/clients\[2\]: the e-mail address is already used by another account/);
    expect(platform.dump().clients).toEqual([]);
  });

  it("keeps its file private (0600, in a 0700 folder)", () => {
    const dir = tempDir();
    LocalPlatform.open(".mdimport/platform.sqlite", dir, { create: true });
    expect(statSync(join(dir, ".mdimport")).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, ".mdimport", "platform.sqlite")).mode & 0o777).toBe(0o600);
  });
});
