import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { routes } from "../../src/platform/http/api.js";
import { HttpPlatform, platformUrl, type HttpPlatformOptions } from "../../src/platform/http/http-platform.js";
import { LocalPlatform } from "../../src/platform/local/local-platform.js";
import type { Platform } from "../../src/platform/platform.js";
import { PlatformServer, type ServeOptions } from "../../src/platform/serve/server.js";
import { parseVariants } from "../../src/platform/serve/variants.js";
import { PlatformError, UsageError } from "../../src/shared/errors.js";
import { newClient, newProfessional } from "../support/accounts.js";
import { tempDir } from "../support/cli.js";
import { activationContract, platformContract } from "../platform-contract.js";

const token = "test-token-7f3a";

interface Served {
  platform: HttpPlatform;
  server: PlatformServer;
  store: LocalPlatform;
  requests: { method: string; status: number }[];
  /** Closes the adapter, the server and the store. */
  close(): Promise<void>;
}

/** A fresh local store behind `platform serve` on a free port, and the HTTP adapter talking to it. */
async function serve(
  serveOptions: Partial<ServeOptions> = {},
  adapter: Partial<HttpPlatformOptions> = {},
): Promise<Served> {
  const store = LocalPlatform.open("platform.sqlite", tempDir(), { create: true });
  const server = new PlatformServer({
    store,
    port: 0,
    token,
    latency: 0,
    failRate: 0,
    rateLimit: 0,
    seed: 7,
    ...serveOptions,
  });
  const url = await server.listen();
  const requests: { method: string; status: number }[] = [];
  const platform = await HttpPlatform.connect({
    url,
    token,
    rate: 1000,
    concurrency: 4,
    timeoutMs: 10_000,
    // No jitter: a retry goes out at once instead of after a real backoff (Retry-After is still waited).
    random: () => 0,
    onRequest: (method, status) => requests.push({ method, status }),
    ...adapter,
  });
  return {
    platform,
    server,
    store,
    requests,
    close: async () => {
      await platform.close();
      await server.close();
      await store.close();
    },
  };
}

/** The adapter as a Platform whose close() also stops the server and store behind it. */
async function served(
  serveOptions: Partial<ServeOptions> = {},
  adapter: Partial<HttpPlatformOptions> = {},
): Promise<Platform> {
  const running = await serve(serveOptions, adapter);
  return new Proxy(running.platform, {
    get: (target, property) =>
      property === "close" ? () => running.close() : (Reflect.get(target, property, target) as unknown),
  });
}

platformContract("HTTP adapter against platform serve", () => served());
activationContract("HTTP adapter against platform serve", () => served());
// The same behaviour when a fifth of the requests meet a 503 or a dropped connection.
platformContract("HTTP adapter against platform serve with faults", () => served({ failRate: 0.2 }, { attempts: 8 }), {
  faults: true,
});

const all = { clients: true, professionals: true, relations: true };

describe("the HTTP adapter", () => {
  it("never creates an account twice when answers are lost, and retries what may be repeated", async () => {
    const s = await serve({ failRate: 0.3, seed: 11 }, { attempts: 10 });
    try {
      for (let n = 1; n <= 25; n++) await s.platform.createClient(newClient(n));
      for (let n = 1; n <= 10; n++) await s.platform.createProfessional(newProfessional(n, { role: "supervisor" }));
      const dump = s.store.dump();
      expect(dump.clients).toHaveLength(25);
      expect(dump.professionals).toHaveLength(10);
      expect(dump.clients.every((c) => c.active)).toBe(true);
      expect(dump.professionals.every((p) => p.active && p.role === "supervisor")).toBe(true);
      // The faults really happened, including writes whose answer was lost.
      expect(s.server.stats.droppedAfterWrite).toBeGreaterThan(0);
      expect(s.server.stats.byStatus["503"]).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });

  it("keeps to a rate limit: 429s are waited out (Retry-After) and nothing is lost", async () => {
    const s = await serve({ rateLimit: 5 }, { rate: 100 });
    try {
      for (let n = 1; n <= 12; n++) await s.platform.createClient(newClient(n));
      expect(s.store.dump().clients).toHaveLength(12);
      expect(s.server.stats.byStatus["429"]).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });

  it("reads a snapshot in a constant number of list requests, page by page where the platform pages", async () => {
    const s = await serve({}, { pageSize: 2 });
    try {
      for (let n = 1; n <= 5; n++) await s.platform.createClient(newClient(n));
      for (let n = 1; n <= 2; n++) await s.platform.createProfessional(newProfessional(n));
      s.requests.length = 0;
      const snapshot = await s.platform.snapshot(all);
      expect(snapshot.clients).toHaveLength(5);
      expect(snapshot.professionals).toHaveLength(2);
      // Clients: pages of 2, 2, 1, then an empty page (a short page may be the platform's cap); professionals: 2, then an empty page.
      expect(s.requests.filter((r) => r.method === "GET")).toHaveLength(6);
    } finally {
      await s.close();
    }
  });

  it("follows the platform's paging when its pages are shorter than asked (pages of 2, 1,000 asked)", async () => {
    const s = await serve({ variants: parseVariants("paged", 2) });
    try {
      for (let n = 1; n <= 5; n++) await s.platform.createClient(newClient(n));
      for (let n = 1; n <= 4; n++) await s.platform.createProfessional(newProfessional(n));
      s.requests.length = 0;
      const snapshot = await s.platform.snapshot(all);
      expect(snapshot.clients.map((c) => c.email).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `c${n}@voorbeeld.nl`));
      expect(snapshot.professionals).toHaveLength(4);
      // Clients: 2, 2, 1, then an empty page; professionals: 2, 2, then an empty page.
      expect(s.requests).toHaveLength(7);
    } finally {
      await s.close();
    }
  });

  it("logs every request without personal data or the token, and a summary at the end", async () => {
    const s = await serve({ failRate: 0.3, seed: 11, rateLimit: 20 }, { attempts: 10, rate: 40 });
    const lines: { object: Record<string, unknown>; message: string }[] = [];
    try {
      for (let n = 1; n <= 6; n++) await s.platform.createClient(newClient(n, { bsn: `11122233${n}` }));
      await s.platform.snapshot(all);
      s.platform.attachLog({
        info: (object, message) => lines.push({ object: object as Record<string, unknown>, message }),
      });
      await s.platform.updateClient((await s.platform.snapshot(all)).clients[0]!.md_id, { last_name: "Visser" });
    } finally {
      await s.close();
    }
    const entries = lines
      .filter((l) => l.message === "request")
      .map((l) => l.object.request as Record<string, unknown>);
    // Kept from before the log was attached (GET /api/2 first), then as they came.
    expect(entries[0]).toMatchObject({ method: "GET", route: "/api/2", status: 200, try: 1 });
    expect(entries.length).toBe(s.requests.length);
    for (const entry of entries) {
      expect(Object.keys(entry).sort()).toEqual(
        expect.arrayContaining(["method", "route", "status", "ms", "try", "wait_ms"]),
      );
      expect(entry.status === null ? entry.failure : entry.status).toBeTruthy();
    }
    expect(entries.some((e) => e.route === "/api/2/c/{id}/activation")).toBe(true);
    expect(entries.some((e) => (e.try as number) > 1)).toBe(true);
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/voorbeeld|11122233|Visser|test-token|[0-9a-f]{32}|start=/);
    const summary = lines.at(-1)!;
    expect(summary.message).toBe("requests summary");
    const totals = summary.object.requests as {
      requests: number;
      retries: number;
      by_route: Record<string, Record<string, number>>;
    };
    expect(totals.requests).toBe(entries.length);
    expect(totals.retries).toBe(entries.filter((e) => (e.try as number) > 1).length);
    // By the route table's names (api.ts `routes`), one per route.
    expect(totals.by_route.createClient).toBeDefined();
    expect(Object.keys(totals.by_route).every((name) => name in routes)).toBe(true);
    expect(entries.every((e) => typeof e.name === "string" && e.name in routes)).toBe(true);
  });

  it("reads relations per client named, not per row", async () => {
    const s = await serve();
    try {
      const [a, b] = [await s.platform.createClient(newClient(1)), await s.platform.createClient(newClient(2))];
      const p = await s.platform.createProfessional(newProfessional(1));
      await s.platform.link({ professional_md_id: p.md_id, client_md_id: a.md_id });
      await s.platform.snapshot(all);
      s.requests.length = 0;
      const relations = await s.platform.relationsOf([a.md_id, b.md_id, a.md_id]);
      expect(relations).toEqual([{ professional_md_id: p.md_id, client_md_id: a.md_id }]);
      expect(s.requests).toHaveLength(2);
    } finally {
      await s.close();
    }
  });

  it("stops with a platform error (exit 4) when the token is refused", async () => {
    const store = LocalPlatform.open("platform.sqlite", tempDir(), { create: true });
    const server = new PlatformServer({ store, port: 0, token, latency: 0, failRate: 0, rateLimit: 0, seed: 1 });
    const url = await server.listen();
    try {
      const error = await HttpPlatform.connect({
        url,
        token: "wrong",
        rate: 100,
        concurrency: 1,
        timeoutMs: 5000,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PlatformError);
      expect((error as PlatformError).exitCode).toBe(4);
      expect((error as Error).message).toMatch(/refused the token \(401\)/);
      expect((error as Error).message).not.toContain("wrong");
    } finally {
      await server.close();
      await store.close();
    }
  });

  it("stops with a platform error naming the host and port when the connection is refused", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const error = await HttpPlatform.connect({
      url: `http://127.0.0.1:${port}`,
      token,
      rate: 100,
      concurrency: 1,
      timeoutMs: 5000,
      attempts: 1,
      random: () => 0,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as Error).message).toBe(
      `Cannot reach the platform at 127.0.0.1:${port}: 127.0.0.1 refused the connection on port ${port} (is the platform running there?).`,
    );
  });

  it("takes https, and plain http only on a loopback address", () => {
    expect(platformUrl("https://voorbeeld.minddistrict.com").origin).toBe("https://voorbeeld.minddistrict.com");
    expect(platformUrl("http://127.0.0.1:8080").origin).toBe("http://127.0.0.1:8080");
    expect(platformUrl("http://localhost:8080").origin).toBe("http://localhost:8080");
    expect(() => platformUrl("http://voorbeeld.minddistrict.com")).toThrow(UsageError);
    expect(() => platformUrl("ftp://voorbeeld.nl")).toThrow(UsageError);
    expect(() => platformUrl("https://user:secret@voorbeeld.nl")).toThrow(UsageError);
  });
});
