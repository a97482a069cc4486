import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { routeTable, type RouteTable } from "../../src/platform/http/api.js";
import { checkPlatform, checkRequestLimit, type PlatformCheck } from "../../src/platform/http/check.js";
import { LocalPlatform } from "../../src/platform/local/local-platform.js";
import { PlatformServer } from "../../src/platform/serve/server.js";
import { parseVariants } from "../../src/platform/serve/variants.js";
import { newClient, newProfessional } from "../support/accounts.js";
import { tempDir } from "../support/cli.js";

const token = "check-token-90b1";

/** `platform check` against `platform serve --variant …` over a store of 3 clients (one linked) and 2 professionals. */
async function checkAgainst(
  variant: string,
  pageSize?: number,
  table?: RouteTable,
  faults: { failRate: number; attempts: number } = { failRate: 0, attempts: 3 },
): Promise<{ result: PlatformCheck; served: number }> {
  const store = LocalPlatform.open("platform.sqlite", tempDir(), { create: true });
  const clients = [1, 2, 3].map((n) =>
    store.createClientNow(newClient(n, { bsn: `12345678${n}`, phone_number: "+31612345678" })),
  );
  const professionals = [1, 2].map((n) => store.createProfessionalNow(newProfessional(n, { role: "supervisor" })));
  // Every client linked: the check probes the first client listed, and a store's IDs (its list order) are random.
  for (const client of clients)
    store.linkNow({ professional_md_id: professionals[0]!.md_id, client_md_id: client.md_id });
  const server = new PlatformServer({
    store,
    port: 0,
    token,
    latency: 0,
    failRate: faults.failRate,
    rateLimit: 0,
    seed: 2,
    variants: parseVariants(variant, pageSize),
  });
  const url = await server.listen();
  try {
    // The retries' waits are not waited: the faults are the server's, the clock is not under test.
    const result = await checkPlatform({
      url,
      token,
      rate: 1000,
      timeoutMs: 5000,
      attempts: faults.attempts,
      sleep: async () => {},
      ...(table ? { routes: table } : {}),
    });
    // Nothing written: the store is as it was.
    expect(store.dump().clients.map((c) => c.last_name)).toEqual(["Vries", "Vries", "Vries"]);
    return { result, served: server.stats.requests };
  } finally {
    await server.close();
    await store.close();
  }
}

const row = (result: PlatformCheck, fact: string) => {
  const found = result.checks.find((c) => c.fact === fact);
  if (!found) throw new Error(`no line for ${fact}`);
  return found;
};

describe("platform check against platform serve", () => {
  it("plain serve: every fact a read can check is confirmed, the rest not checkable, in a bounded number of requests", async () => {
    const { result, served } = await checkAgainst("");
    expect(result.exitCode).toBe(0);
    expect(result.checks.filter((c) => c.status === "contradicted")).toEqual([]);
    const readable = result.checks.filter((c) => c.status === "confirmed").map((c) => c.fact);
    expect(readable).toEqual(
      expect.arrayContaining([
        "application",
        "token",
        "badToken",
        "listClients",
        "listProfessionals",
        "clientFields",
        "professionalFields",
      ]),
    );
    expect(readable).toEqual(
      expect.arrayContaining([
        "paging (clients)",
        "readRoles",
        "activateClient",
        "activateProfessional",
        "listRelations",
      ]),
    );
    expect(readable).toEqual(
      expect.arrayContaining([
        "lookupClient",
        "lookupClient not found",
        "lookupProfessional",
        "lookupProfessional not found",
      ]),
    );
    expect(result.checks.filter((c) => c.status === "not_checkable").map((c) => c.fact)).toEqual(
      expect.arrayContaining(["createAnswer", "update", "setRoles", "addRelation", "refusal"]),
    );
    for (const check of result.checks.filter((c) => c.status === "not_checkable")) expect(check.run).toBeTruthy();
    expect(result.requests.requests).toBe(served);
    expect(served).toBe(16);
    expect(served).toBeLessThanOrEqual(checkRequestLimit);
  });

  it("shows what each variant makes different", async () => {
    const paged = await checkAgainst("paged", 2);
    expect(row(paged.result, "paging (clients)")).toMatchObject({ status: "confirmed" });
    expect(row(paged.result, "paging (clients)").seen).toMatch(
      /pages are shorter than asked: 2 of 1,000, and start=2 gave 1 more/,
    );
    expect(paged.served).toBe(16);

    const noRoles = await checkAgainst("no-roles-in-list");
    expect(row(noRoles.result, "professionalFields").seen).toMatch(/roles absent/);
    expect(row(noRoles.result, "rolesInList").seen).toMatch(/carry no roles/);
    expect(row(noRoles.result, "readRoles")).toMatchObject({ status: "confirmed" });

    const linksOnly = await checkAgainst("links-only");
    expect(row(linksOnly.result, "readRoles").seen).toMatch(
      /roles link \(\/api\/2\/links\/\{id\}\/roles\) answered 200.*the path \/api\/2\/p\/\{id\}\/roles answers 404/,
    );
    expect(row(linksOnly.result, "activateClient").seen).toMatch(
      /activation link, which mdimport follows; GET \/api\/2\/c\/\{id\}\/activation answered 404/,
    );
    expect(row(linksOnly.result, "listRelations").seen).toMatch(/links\/\{id\}\/professionals\) answered 200/);

    // What only a write shows stays open: these variants look like plain serve to a read.
    for (const variant of ["create-empty", "drops-field=phone_number"]) {
      const { result } = await checkAgainst(variant);
      expect(result.checks.filter((c) => c.status === "contradicted")).toEqual([]);
      expect(row(result, "createAnswer").status).toBe("not_checkable");
      expect(row(result, "update")).toMatchObject({
        status: "not_checkable",
        run: expect.stringMatching(/--verify .*stored_differently/) as unknown,
      });
    }
    for (const { result } of [paged, noRoles, linksOnly]) expect(result.exitCode).toBe(0);
  }, 30_000);

  it("a contradicted fact a script needs is exit 4: here the client's link to its professionals under another name", async () => {
    const { result } = await checkAgainst(
      "",
      undefined,
      routeTable({ listRelations: { link: { on: "client", name: "caseload" } } }),
    );
    expect(row(result, "listRelations")).toMatchObject({ status: "contradicted", needed_by: ["relations"] });
    expect(row(result, "listRelations").seen).toBe(
      "the client's @links hold no caseload link (they hold: activation, professionals)",
    );
    expect(result.exitCode).toBe(4);
  });

  it("gives the same lines when a third of the requests meet a 503 or a dropped connection (retried)", async () => {
    const plain = await checkAgainst("");
    const faulty = await checkAgainst("", undefined, undefined, { failRate: 0.3, attempts: 10 });
    expect(faulty.result.checks).toEqual(plain.result.checks);
    expect(faulty.result.requests.retries).toBeGreaterThan(0);
  });

  it("an answer that contradicts what is known: the line names the place and the shape, exit 4, the account routes not tried", async () => {
    const server = createServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://x").pathname;
      const body =
        path === "/api/2"
          ? { mode: "training", "@links": [] }
          : path === "/api/2/p/items"
            ? {
                "@items": [
                  {
                    "@url": `/api/2/p/${"a".repeat(32)}`,
                    email: 987654321,
                    first_name: "Piet",
                    last_name: "Jansen",
                    active: true,
                  },
                ],
              }
            : { "@items": [] };
      response.writeHead(request.headers.authorization === `md-token ${token}` ? 200 : 401, {
        "Content-Type": "application/json",
      });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await checkPlatform({ url, token, rate: 1000, timeoutMs: 5000 });
      expect(row(result, "listProfessionals")).toMatchObject({ status: "contradicted" });
      expect(row(result, "listProfessionals").seen).toMatch(
        /at @items\[0\]\.email it holds a number, where string is expected/,
      );
      expect(row(result, "account routes").seen).toMatch(/not tried: the professionals list/);
      expect(row(result, "paging (clients)").status).toBe("not_checkable");
      expect(result.exitCode).toBe(4);
      expect(JSON.stringify(result.checks)).not.toMatch(/Piet|Jansen|987654321/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("shows no personal data: no name, e-mail, source ID, BSN, phone number or Minddistrict ID", async () => {
    const { result } = await checkAgainst("paged", 1);
    const text = JSON.stringify(result);
    expect(text).not.toMatch(/voorbeeld|Vries|Jansen|Piet|"An"|\bC[123]\b|\bP[12]\b|12345678|612345678|[0-9a-f]{32}/);
  });
});
