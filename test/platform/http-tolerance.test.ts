import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HttpPlatform } from "../../src/platform/http/http-platform.js";
import { PlatformError } from "../../src/shared/errors.js";
import { newClient } from "../support/accounts.js";

const token = "tolerance-token-1";
type Handler = (
  method: string,
  path: string,
  url: URL,
) => { status: number; body?: unknown; headers?: Record<string, string> };

const stop: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of stop.splice(0)) await close();
});

/** A hand-written platform on loopback: answers as `handle` says; GET /api/2 answers the application. */
async function platformAnswering(handle: Handler): Promise<{ platform: HttpPlatform; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      seen.push(`${request.method} ${url.pathname}${url.search}`);
      const answer =
        url.pathname === "/api/2"
          ? { status: 200, body: { name: "test", mode: "training", "@links": [] } }
          : handle(request.method ?? "GET", url.pathname, url);
      response.writeHead(answer.status, { "Content-Type": "application/json", ...answer.headers });
      response.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stop.push(() => new Promise((resolve) => server.close(() => resolve())));
  const platform = await HttpPlatform.connect({
    url: origin,
    token,
    rate: 1000,
    concurrency: 2,
    timeoutMs: 5000,
    attempts: 1,
  });
  return { platform, seen };
}

const hex = (n: number) => n.toString(16).padStart(32, "0");
const professional = (n: number, extra: Record<string, unknown> = {}) => ({
  "@type": "http://ns.minddistrict.com/professional",
  "@url": `/api/2/p/${hex(n)}`,
  email: `p${n}@voorbeeld.nl`,
  first_name: "Piet",
  last_name: "Jansen",
  active: true,
  ...extra,
});

describe("the HTTP adapter reads tolerantly", () => {
  it("professionals without roles, setting-dependent fields absent or null, unknown fields, an unpaged list", async () => {
    const { platform, seen } = await platformAnswering((_method, path) => {
      if (path === "/api/2/p/items")
        return {
          status: 200,
          body: { "@items": [professional(1, { picture: null, labels: ["x"] }), professional(2)] },
        };
      if (path === "/api/2/c/items") {
        return {
          status: 200,
          body: {
            "@items": [
              // No gender, date_of_birth, phone_number, id, bsn, infix or @links at all; an extra field.
              {
                "@url": `/api/2/c/${hex(3)}`,
                email: "c3@voorbeeld.nl",
                first_name: "An",
                last_name: "Vries",
                active: false,
                age: 40,
              },
              {
                "@url": `/api/2/c/${hex(4)}`,
                email: "c4@voorbeeld.nl",
                first_name: "Bo",
                last_name: "Berg",
                active: true,
                bsn: null,
                gender: null,
              },
            ],
          },
        };
      }
      if (path === `/api/2/p/${hex(1)}/roles`) return { status: 200, body: { roles: ["ith.Supervisor"] } };
      return { status: 404, body: { code: 404 } };
    });
    const snapshot = await platform.snapshot({ clients: true, professionals: true, relations: false });
    expect(snapshot.professionals.map((p) => p.role)).toEqual([null, null]);
    expect(snapshot.clients[0]).toMatchObject({
      md_id: hex(3),
      gender: "unknown",
      date_of_birth: null,
      bsn: null,
      id: null,
      active: false,
    });
    expect(snapshot.clients).toHaveLength(2);
    // Unpaged: everything at once, then one more page (start=2) to see that it is the end.
    expect(seen.filter((r) => r.startsWith("GET /api/2/c/items"))).toEqual([
      "GET /api/2/c/items?start=0&limit=1000",
      "GET /api/2/c/items?start=2&limit=1000",
    ]);
    // The roles are read only where asked, one request per professional, from its roles route.
    expect(await platform.rolesOf([hex(1)])).toEqual(new Map([[hex(1), "supervisor"]]));
    expect(seen.filter((r) => r.includes("/roles"))).toEqual([`GET /api/2/p/${hex(1)}/roles`]);
  });

  it("follows next links where the platform gives them", async () => {
    const { platform, seen } = await platformAnswering((_method, path, url) => {
      if (path === "/api/2/p/items") return { status: 200, body: { "@items": [] } };
      const page = url.searchParams.get("page") ?? "1";
      const items = page === "1" ? [1, 2] : [3];
      const next = page === "1" ? [{ name: "next", url: "/api/2/c/items?page=2" }] : [];
      return {
        status: 200,
        body: {
          "@items": items.map((n) => ({
            "@url": `/api/2/c/${hex(n)}`,
            email: `c${n}@voorbeeld.nl`,
            first_name: "A",
            last_name: "B",
            active: true,
          })),
          "@links": next,
        },
      };
    });
    const snapshot = await platform.snapshot({ clients: true, professionals: false, relations: false });
    expect(snapshot.clients.map((c) => c.md_id)).toEqual([hex(1), hex(2), hex(3)]);
    expect(seen.filter((r) => r.includes("/c/items"))).toEqual([
      "GET /api/2/c/items?start=0&limit=1000",
      "GET /api/2/c/items?page=2",
    ]);
  });

  it.each([
    ["200 with the object", { status: 200, body: { "@url": `/api/2/c/${hex(9)}`, email: "c1@voorbeeld.nl" } }],
    ["201 with only a Location", { status: 201, headers: { Location: `/api/2/c/${hex(9)}` } }],
    ["204 without a body (found by its source ID)", { status: 204 }],
  ])("takes a create answered %s", async (_name, created) => {
    const { platform } = await platformAnswering((method, path) => {
      if (method === "POST" && path === "/api/2/c") return created;
      if (path === "/api/2/aux/client/id/C1") {
        return {
          status: 200,
          body: {
            "@url": `/api/2/c/${hex(9)}`,
            email: "c1@voorbeeld.nl",
            first_name: "An",
            last_name: "Vries",
            active: false,
          },
        };
      }
      if (method === "POST" && path === `/api/2/c/${hex(9)}/activation`) return { status: 204 };
      return { status: 404, body: { code: 404 } };
    });
    expect((await platform.createClient(newClient(1))).md_id).toBe(hex(9));
  });

  it("sends every request to the --platform address, even where @url and @links name another (a proxy's upstream)", async () => {
    const internal = "http://md-internal.example:8080";
    const { platform, seen } = await platformAnswering((method, path) => {
      if (path === "/api/2/c/items") {
        const client = {
          "@url": `${internal}/api/2/c/${hex(5)}`,
          email: "c5@voorbeeld.nl",
          first_name: "A",
          last_name: "B",
          active: false,
        };
        return {
          status: 200,
          body: {
            "@items": [
              { ...client, "@links": [{ name: "activation", url: `${internal}/api/2/x/${hex(5)}/activate` }] },
            ],
          },
        };
      }
      if (method === "POST" && path === `/api/2/x/${hex(5)}/activate`) return { status: 204 };
      if (method === "PATCH" && path === `/api/2/c/${hex(5)}`) return { status: 204 };
      return { status: 200, body: { "@items": [] } };
    });
    await platform.snapshot({ clients: true, professionals: false, relations: false });
    await platform.activate({ kind: "client", md_id: hex(5) }, { welcomeMail: "no" });
    await platform.updateClient(hex(5), { last_name: "C" });
    expect(seen.slice(-2)).toEqual([`POST /api/2/x/${hex(5)}/activate`, `PATCH /api/2/c/${hex(5)}`]);
  });

  it("an answer that contradicts what is known stops with exit 4, naming the fact and the shape seen, no personal data", async () => {
    const { platform } = await platformAnswering((_method, path) => {
      if (path === "/api/2/c/items")
        return {
          status: 200,
          body: {
            "@items": [
              { "@url": `/api/2/c/${hex(1)}`, email: 612345678, first_name: "Geheim", last_name: "Naam", active: true },
            ],
          },
        };
      return { status: 200, body: { "@items": [] } };
    });
    const error = (await platform
      .snapshot({ clients: true, professionals: false, relations: false })
      .catch((e: unknown) => e)) as PlatformError;
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.exitCode).toBe(4);
    expect(error.message).toBe(
      "The platform's answer to GET /api/2/c/items contradicts what is known of API 2 (listClients: GET /api/2/c/items answers {@items: [client]}): at @items[0].email it holds a number, where string is expected.",
    );
    expect(error.message).not.toMatch(/612345678|Geheim/);
  });

  it("a list that is no list names the fact and the shape seen", async () => {
    const { platform } = await platformAnswering(() => ({ status: 200, body: { items: [], count: 0 } }));
    const error = (await platform
      .snapshot({ clients: true, professionals: false, relations: false })
      .catch((e: unknown) => e)) as PlatformError;
    expect(error.message).toMatch(
      /contradicts what is known of API 2 \(listClients: .*\): at @items it holds nothing, where array is expected\./,
    );
  });
});
