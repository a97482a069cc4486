import { describe, expect, it } from "vitest";
import { HttpPlatform } from "../../src/platform/http/http-platform.js";
import { LocalPlatform } from "../../src/platform/local/local-platform.js";
import { PlatformRuleError, type Platform } from "../../src/platform/platform.js";
import { PlatformServer } from "../../src/platform/serve/server.js";
import { parseVariants, type ServeVariants } from "../../src/platform/serve/variants.js";
import { UsageError } from "../../src/shared/errors.js";
import { newClient, newProfessional } from "../support/accounts.js";
import { tempDir } from "../support/cli.js";
import { activationContract, platformContract } from "../platform-contract.js";

const token = "variant-token-51c2";
const auth = { Authorization: `md-token ${token}`, Accept: "application/json", "Content-Type": "application/json" };

/** `platform serve` over a fresh store, playing the variants given as on the command line. */
async function start(variant: string, pageSize?: number) {
  const store = LocalPlatform.open("platform.sqlite", tempDir(), { create: true });
  const variants: ServeVariants = parseVariants(variant, pageSize);
  const server = new PlatformServer({
    store,
    port: 0,
    token,
    latency: 0,
    failRate: 0,
    rateLimit: 0,
    seed: 3,
    variants,
  });
  const url = await server.listen();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(path.startsWith("http") ? path : `${url}/api/2${path}`, {
      method,
      headers: auth,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  };
  return {
    url,
    store,
    server,
    call,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}

/** The HTTP adapter against a fresh `platform serve` playing `variant`; close() stops both. */
async function adapterOver(variant: string, pageSize?: number): Promise<Platform> {
  const served = await start(variant, pageSize);
  const platform = await HttpPlatform.connect({
    url: served.url,
    token,
    rate: 1000,
    concurrency: 4,
    timeoutMs: 10_000,
  });
  return new Proxy(platform, {
    get: (target, property) =>
      property === "close"
        ? async () => {
            await target.close();
            await served.close();
          }
        : (Reflect.get(target, property, target) as unknown),
  });
}

// The contract every adapter keeps holds over each variant a real platform may plausibly be.
for (const variant of [
  "no-roles-in-list",
  "paged",
  "create-empty",
  "links-only",
  "no-roles-in-list,paged,create-empty,links-only",
]) {
  platformContract(`HTTP adapter against platform serve --variant ${variant} (pages of 1)`, () =>
    adapterOver(variant, 1),
  );
  activationContract(`HTTP adapter against platform serve --variant ${variant}`, () => adapterOver(variant, 1));
}

describe("platform serve --variant", () => {
  it("refuses a variant it does not play, in one sentence", () => {
    expect(() => parseVariants("paged,slow")).toThrow(UsageError);
    expect(() => parseVariants("paged,slow")).toThrow(/--variant slow is not a variant/);
    expect(parseVariants("paged").pageSize).toBe(100);
    expect(parseVariants("drops-field=phone_number,drops-field=bsn").dropsFields).toEqual(["phone_number", "bsn"]);
  });

  it("paged: lists answer pages of --page-size whatever limit asks, and start reaches the rest", async () => {
    const s = await start("paged", 2);
    try {
      for (let n = 1; n <= 5; n++) s.store.createClientNow(newClient(n));
      const first = await s.call("GET", "/c/items?start=0&limit=1000");
      expect(first.body?.["@items"]).toHaveLength(2);
      expect((await s.call("GET", "/c/items?start=4&limit=1000")).body?.["@items"]).toHaveLength(1);
      expect((await s.call("GET", "/c/items?start=5&limit=1000")).body?.["@items"]).toHaveLength(0);
    } finally {
      await s.close();
    }
  });

  it("no-roles-in-list: professionals carry no roles; GET {roles link} answers them", async () => {
    const s = await start("no-roles-in-list");
    try {
      const p = s.store.createProfessionalNow(newProfessional(1, { role: "supervisor" }));
      const items = (await s.call("GET", "/p/items")).body?.["@items"] as Record<string, unknown>[];
      expect(items[0]).not.toHaveProperty("roles");
      const link = (items[0]?.["@links"] as { name: string; url: string }[]).find((l) => l.name === "roles");
      expect((await s.call("GET", link!.url)).body).toEqual({ roles: ["ith.Supervisor"] });
      expect((await s.call("GET", `/p/${p.md_id}`)).body).not.toHaveProperty("roles");
    } finally {
      await s.close();
    }
  });

  it("create-empty: creates answer 204 without a body", async () => {
    const s = await start("create-empty");
    try {
      const created = await s.call("POST", "/c", {
        first_name: "An",
        last_name: "Vries",
        email: "an@voorbeeld.nl",
        active: false,
      });
      expect(created).toEqual({ status: 204, body: null });
      expect(s.store.dump().clients).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it("links-only: the per-account routes answer only where @links say; the guessed paths answer 404", async () => {
    const s = await start("links-only");
    try {
      const c = s.store.createClientNow(newClient(1, { active: false }));
      const client = (await s.call("GET", `/c/${c.md_id}`)).body!;
      const links = client["@links"] as { name: string; url: string }[];
      expect((await s.call("POST", `/c/${c.md_id}/activation`, { active: true, send_email: "no" })).status).toBe(404);
      expect((await s.call("GET", `/c/${c.md_id}/professionals`)).status).toBe(404);
      const activation = links.find((l) => l.name === "activation")!.url;
      expect(activation).not.toBe(`${s.url}/api/2/c/${c.md_id}/activation`);
      expect((await s.call("POST", activation, { active: true, send_email: "no" })).status).toBe(204);
      expect(s.store.find("client", c.md_id)?.active).toBe(true);
    } finally {
      await s.close();
    }
  });

  it("drops-field=NAME: accepts the field on create and PATCH and does not store it", async () => {
    const s = await start("drops-field=phone_number");
    try {
      const created = await s.call("POST", "/c", {
        first_name: "An",
        last_name: "Vries",
        email: "an@voorbeeld.nl",
        phone_number: "+31612345678",
        active: false,
      });
      expect(created.status).toBe(201);
      const mdId = String(created.body?.["@url"]).split("/").pop()!;
      expect(s.store.find("client", mdId)?.phone_number).toBeNull();
      expect((await s.call("PATCH", `/c/${mdId}`, { phone_number: "+31612345679", last_name: "Visser" })).status).toBe(
        200,
      );
      expect(s.store.find("client", mdId)).toMatchObject({ phone_number: null, last_name: "Visser" });
    } finally {
      await s.close();
    }
  });
});

describe("details protection (protect_external), as the planner predicts", () => {
  const external = { external_source: "HIS" };
  const state = (protection: "protect_external" | "always_allow") => ({
    config: { client_fields: {}, details_protection: protection },
    clients: [{ ...newClient(1), md_id: "a".repeat(32), ...external }],
    professionals: [{ ...newProfessional(1), md_id: "b".repeat(32), ...external }],
    relations: [],
  });

  it("platform serve refuses a PATCH of an externally managed account with 403, and changes nothing", async () => {
    const s = await start("");
    try {
      s.store.load(state("protect_external"));
      expect((await s.call("PATCH", `/c/${"a".repeat(32)}`, { last_name: "Visser" })).status).toBe(403);
      expect((await s.call("PATCH", `/p/${"b".repeat(32)}`, { last_name: "Visser" })).status).toBe(403);
      expect((await s.call("PATCH", `/p/${"b".repeat(32)}/roles`, { roles: ["ith.Secretary"] })).status).toBe(403);
      expect(s.store.find("client", "a".repeat(32))?.last_name).toBe("Vries");
      expect(s.store.find("professional", "b".repeat(32))?.role).toBe("professional");
    } finally {
      await s.close();
    }
  });

  it("the store refuses it too (rule protected), and allows it under always_allow", async () => {
    const store = LocalPlatform.open("platform.sqlite", tempDir(), { create: true });
    try {
      store.load(state("protect_external"));
      const error = await store.updateClient("a".repeat(32), { last_name: "Visser" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PlatformRuleError);
      expect((error as PlatformRuleError).rule).toBe("protected");
      store.load({ ...state("always_allow"), clients: [], professionals: [] });
      expect(await store.updateClient("a".repeat(32), { last_name: "Visser" })).toMatchObject({ last_name: "Visser" });
    } finally {
      await store.close();
    }
  });
});
