import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, flatRows, readJson, runCliAsync } from "../support/cli.js";
import { dump, freshPlatform, servePlatform } from "../support/platform.js";

type Report = { rows: { row: number; status: string; reasons: { code: string }[] }[] };
const scripts = ["new-clients", "new-professionals", "relations", "update-clients", "update-professionals"] as const;
const token = "e2e-variant-token-8a1";
const env = { MDIMPORT_TOKEN: token };

/** A test run of each script's fixture against `platform serve` with these arguments: the flat reports and the requests each made. */
async function testRuns(db: string, dir: string, name: string, ...serveArgs: string[]) {
  const server = await servePlatform(db, "--token", token, ...serveArgs);
  const reports: Record<string, unknown> = {};
  const requests: Record<string, number> = {};
  try {
    for (const script of scripts) {
      const before = (await server.stats()).requests;
      const out = join(dir, `${name}-${script}`);
      const args = [
        "test-run",
        fixture(`${script}.xlsx`),
        "--script",
        script,
        "--platform",
        server.url,
        "--config",
        fixture("platform-state.json"),
      ];
      const run = await runCliAsync([...args, "--out", out], { env });
      expect(run.stderr).toBe("");
      reports[script] = flatRows(readJson<Report>(join(out, "report.json")));
      requests[script] = (await server.stats()).requests - before;
    }
  } finally {
    expect(await server.stop()).toBe(0);
  }
  return { reports, requests };
}

describe("test-run over the variants of platform serve", () => {
  it("gives the same report against every variant as against plain serve, and changes nothing", async () => {
    const { dir, db } = freshPlatform();
    const before = dump(db);
    const plain = await testRuns(db, dir, "plain");
    const counts: Record<string, Record<string, number>> = { plain: plain.requests };
    const variants = [
      ["no-roles-in-list"],
      ["paged", "--page-size", "2"],
      ["create-empty"],
      ["links-only"],
      ["no-roles-in-list,paged,create-empty,links-only", "--page-size", "3"],
    ];
    for (const [variant, ...rest] of variants) {
      const other = await testRuns(db, dir, variant!.replace(/,/g, "+"), "--variant", variant!, ...rest);
      expect({ variant, reports: other.reports }).toEqual({ variant, reports: plain.reports });
      counts[variant!] = other.requests;
    }
    // GET /api/2 and each list twice (its page, then the empty page that ends it); relations: one read per client named.
    expect(plain.requests).toEqual({
      "new-clients": 5,
      "new-professionals": 5,
      relations: 5 + 3,
      "update-clients": 3,
      "update-professionals": 3,
    });
    // Pages of 2 (the sample state holds 3 clients and 2 professionals): one more page of clients.
    expect(counts.paged).toEqual({
      "new-clients": 6,
      "new-professionals": 6,
      relations: 6 + 3,
      "update-clients": 4,
      "update-professionals": 3,
    });
    // Without roles in the list: one read per professional a row names (two in the new-professionals sheet), none otherwise.
    expect(counts["no-roles-in-list"]).toEqual({ ...plain.requests, "new-professionals": 5 + 2 });
    expect(dump(db)).toEqual(before);
  }, 240_000);

  it("writes every request into mdimport.log, without personal data or the token, and a summary line at the end", async () => {
    const { dir, db } = freshPlatform();
    const server = await servePlatform(
      db,
      "--token",
      token,
      "--fail-rate",
      "0.3",
      "--seed",
      "4",
      "--variant",
      "paged",
      "--page-size",
      "1",
    );
    try {
      const out = join(dir, "tr");
      const run = await runCliAsync(
        [
          "test-run",
          fixture("relations.xlsx"),
          "--script",
          "relations",
          "--platform",
          server.url,
          "--config",
          fixture("platform-state.json"),
          "--out",
          out,
        ],
        { env },
      );
      expect(run.stderr).toBe("");
      const lines = readFileSync(join(out, "mdimport.log"), "utf8").trim().split("\n");
      const requests = lines.map(
        (l) =>
          JSON.parse(l) as {
            msg: string;
            request?: Record<string, unknown>;
            requests?: { requests: number; retries: number };
          },
      );
      const entries = requests.filter((l) => l.msg === "request").map((l) => l.request!);
      const stats = await server.stats();
      expect(entries).toHaveLength(stats.requests);
      expect(entries.some((e) => e.failure === "dropped")).toBe(true);
      expect(entries.some((e) => e.status === 503 && e.try === 1)).toBe(true);
      expect(entries.filter((e) => e.route === "/api/2/c/{id}/professionals").length).toBeGreaterThan(0);
      const summary = requests.at(-1)!;
      expect(summary.msg).toBe("requests summary");
      expect(summary.requests!.requests).toBe(stats.requests);
      expect(summary.requests!.retries).toBeGreaterThan(0);
      expect(lines.join("\n")).not.toContain(token);
      expect(lines.join("\n")).not.toContain("voorbeeld.nl");
      // No Minddistrict ID, source ID or query string in any request line or the summary.
      expect(JSON.stringify([entries, summary])).not.toMatch(/[0-9a-f]{32}|start=|KL-|PRO-/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("run over every variant at once does each row once; a PATCH the test run did not foresee as refused fails the row (403)", async () => {
    const { dir, db } = freshPlatform();
    const before = dump(db);
    // The test run is told the platform always allows changes; the store protects external accounts.
    const settings = join(dir, "settings.json");
    writeFileSync(settings, JSON.stringify({ client_fields: {}, details_protection: "always_allow" }));
    const server = await servePlatform(
      db,
      "--token",
      token,
      "--variant",
      "no-roles-in-list,paged,create-empty,links-only",
      "--page-size",
      "2",
    );
    try {
      for (const script of ["new-professionals", "update-clients"] as const) {
        const common = [fixture(`${script}.xlsx`), "--script", script, "--platform", server.url, "--config", settings];
        expect((await runCliAsync(["test-run", ...common, "--out", join(dir, `tr-${script}`)], { env })).stderr).toBe(
          "",
        );
        const approved = readJson<Report>(join(dir, `tr-${script}`, "report.json"));
        const run = await runCliAsync(
          [
            "run",
            ...common,
            "--approved",
            join(dir, `tr-${script}`, "report.json"),
            "--welcome-mail",
            "no",
            "--out",
            join(dir, `run-${script}`),
          ],
          { env },
        );
        expect(run.stderr).toBe("");
        const report = readJson<Report>(join(dir, `run-${script}`, "report.json"));
        const planned = approved.rows.filter((r) => r.status === "planned").map((r) => r.row);
        const external =
          script === "update-clients"
            ? report.rows.filter((r) => r.reasons.some((x) => x.code === "externally_managed"))
            : [];
        expect(external.map((r) => r.status)).toEqual(script === "update-clients" ? ["failed"] : []);
        expect(report.rows.filter((r) => r.status === "done").map((r) => r.row)).toEqual(
          planned.filter((row) => !external.some((r) => r.row === row)),
        );
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // The externally managed client is as it was.
    const after = dump(db);
    const bram = (state: typeof before) => state.clients.find((c) => c.email === "bram.bakker@voorbeeld.nl");
    expect(bram(after)).toEqual(bram(before));
  });
});
