import { describe, expect, it } from "vitest";
import { routePattern, routes, routeTable, type RouteName, type RouteTable } from "../../src/platform/http/api.js";
import { HttpPlatform } from "../../src/platform/http/http-platform.js";
import { LocalPlatform } from "../../src/platform/local/local-platform.js";
import { PlatformServer } from "../../src/platform/serve/server.js";
import { parseVariants } from "../../src/platform/serve/variants.js";
import { PlatformError } from "../../src/shared/errors.js";
import { newClient, newProfessional } from "../support/accounts.js";
import { tempDir } from "../support/cli.js";

const token = "routes-token-3d9";
const headers = { Authorization: `md-token ${token}`, Accept: "application/json", "Content-Type": "application/json" };

/** `platform serve` over a fresh store with this route table (and variants), and a raw fetch on it. */
async function start(table: RouteTable = routes, variant = "") {
  const store = LocalPlatform.open("platform.sqlite", tempDir(), { create: true });
  const server = new PlatformServer({
    store,
    port: 0,
    token,
    latency: 0,
    failRate: 0,
    rateLimit: 0,
    seed: 5,
    routes: table,
    variants: parseVariants(variant),
  });
  const url = await server.listen();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/api/2${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    await response.arrayBuffer();
    return response.status;
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

/** A body each route takes, for a request that the route's handler can carry out. */
const bodies: Partial<Record<RouteName, (ids: { professionalUrl: string }) => unknown>> = {
  createClient: () => ({ email: "new.c@voorbeeld.nl", first_name: "A", last_name: "B" }),
  createProfessional: () => ({ email: "new.p@voorbeeld.nl", first_name: "A", last_name: "B" }),
  updateClient: () => ({ last_name: "C" }),
  updateProfessional: () => ({ last_name: "C" }),
  activateClient: () => ({ active: true, send_email: "no" }),
  activateProfessional: () => ({ active: true, send_email: "no" }),
  setRoles: () => ({ roles: ["ith.Supervisor"] }),
  addRelation: ({ professionalUrl }) => ({ professional: professionalUrl }),
};

describe("the route table drives platform serve", () => {
  it("answers every route of the table with a status the table names, and nothing else (404 off the table, 405 for another method)", async () => {
    const s = await start();
    try {
      const client = s.store.createClientNow({ ...newClient(1), active: false });
      const professional = s.store.createProfessionalNow({ ...newProfessional(1), active: false });
      for (const name of Object.keys(routes) as RouteName[]) {
        const entry = routes[name];
        const id = entry.path.includes("/aux/")
          ? entry.account === "client"
            ? "C1"
            : "P1"
          : entry.account === "professional"
            ? professional.md_id
            : client.md_id;
        const path = routePattern(routes, name).replace("{id}", id);
        const status = await s.call(
          entry.method,
          path,
          bodies[name]?.({ professionalUrl: `${s.url}/api/2/p/${professional.md_id}` }),
        );
        expect({ name, status, success: entry.success.includes(status) }).toEqual({ name, status, success: true });
      }
      // Every route the server answered is a route of the table, and every route of the table was answered.
      expect(Object.keys(s.server.stats.byRoute).sort()).toEqual(Object.keys(routes).sort());
      expect(await s.call("GET", "/c/items/extra")).toBe(404);
      expect(await s.call("GET", "/nothing")).toBe(404);
      expect(await s.call("DELETE", `/c/${client.md_id}`)).toBe(405);
      expect(await s.call("GET", `/c/${client.md_id}/activation`)).toBe(405);
      expect(await s.call("GET", `/c/${client.md_id}/unknown`)).toBe(404);
      expect(await s.call("GET", "/aux/client/id/NOPE")).toBe(404);
    } finally {
      await s.close();
    }
  });

  it("links-only: the routes on an account answer only at the links the account gives", async () => {
    const s = await start(routes, "links-only");
    try {
      const professional = s.store.createProfessionalNow(newProfessional(1));
      expect(await s.call("GET", `/p/${professional.md_id}/roles`)).toBe(404);
      expect(await s.call("GET", `/links/${professional.md_id}/roles`)).toBe(200);
      expect(await s.call("PATCH", `/links/${professional.md_id}/roles`, { roles: ["ith.Supervisor"] })).toBe(200);
      expect(await s.call("DELETE", `/links/${professional.md_id}/roles`)).toBe(405);
      expect(await s.call("GET", `/links/${professional.md_id}/nothing`)).toBe(404);
    } finally {
      await s.close();
    }
  });
});

describe("one edit in the route table moves both sides", () => {
  it("a look-up route moved: serve answers the new path only, the adapter with the same table finds the account there, the old table does not", async () => {
    const moved = routeTable({ lookupClient: { path: "/aux/clients/by-source-id/{id}" } });
    // create-empty: a create answers 204 with nothing, so the adapter must look the account up by its source ID.
    const s = await start(moved, "create-empty");
    try {
      const adapter = await HttpPlatform.connect({
        url: s.url,
        token,
        rate: 1000,
        concurrency: 2,
        timeoutMs: 5000,
        routes: moved,
      });
      const created = await adapter.createClient(newClient(1));
      expect(s.store.find("client", created.md_id)?.email).toBe("c1@voorbeeld.nl");
      expect(adapter.requestTotals().by_route.lookupClient).toEqual({ 200: 1 });
      await adapter.close();
      expect(await s.call("GET", "/aux/clients/by-source-id/C1")).toBe(200);
      expect(await s.call("GET", "/aux/client/id/C1")).toBe(404);

      const old = await HttpPlatform.connect({ url: s.url, token, rate: 1000, concurrency: 2, timeoutMs: 5000 });
      await expect(old.createClient(newClient(2))).rejects.toThrow(PlatformError);
      expect(old.requestTotals().by_route.lookupClient).toEqual({ 404: 1 });
      await old.close();
    } finally {
      await s.close();
    }
  });

  it("an account's read route moved: @url, and every {account} route under it, follow on both sides", async () => {
    const moved = routeTable({ readProfessional: { path: "/professionals/{id}" } });
    const s = await start(moved, "no-roles-in-list");
    try {
      const professional = s.store.createProfessionalNow(newProfessional(1, { role: "supervisor" }));
      expect(await s.call("GET", `/professionals/${professional.md_id}/roles`)).toBe(200);
      expect(await s.call("GET", `/p/${professional.md_id}/roles`)).toBe(404);
      const adapter = await HttpPlatform.connect({
        url: s.url,
        token,
        rate: 1000,
        concurrency: 2,
        timeoutMs: 5000,
        routes: moved,
      });
      const snapshot = await adapter.snapshot({ clients: false, professionals: true, relations: false, roles: true });
      expect(snapshot.professionals.map((p) => p.role)).toEqual(["supervisor"]);
      await adapter.updateProfessional(professional.md_id, { role: "secretary" });
      expect(s.store.find("professional", professional.md_id)?.role).toBe("secretary");
      await adapter.close();
    } finally {
      await s.close();
    }
  });
});
