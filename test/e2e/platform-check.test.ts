import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, readJson, runCli, runCliAsync } from "../support/cli.js";
import { dump, freshPlatform, servePlatform } from "../support/platform.js";

const token = "e2e-check-token-c41";
const env = { MDIMPORT_TOKEN: token };

/** Every personal value of the sample state: no output of platform check may hold one. */
function personalValues(): string[] {
  const state = JSON.parse(readFileSync(fixture("platform-state.json"), "utf8")) as {
    clients: Record<string, unknown>[];
    professionals: Record<string, unknown>[];
  };
  const fields = ["md_id", "id", "email", "first_name", "last_name", "date_of_birth", "phone_number", "bsn"];
  return [...state.clients, ...state.professionals].flatMap((a) =>
    fields.map((f) => a[f]).filter((v): v is string => typeof v === "string" && v.length > 2),
  );
}

type CheckJson = {
  exit_code: number;
  checks: { fact: string; status: string; seen: string }[];
  requests: { requests: number };
};

describe("mdimport platform check", () => {
  it("against plain platform serve: every checkable fact confirmed, a bounded number of requests, nothing written, no personal data", async () => {
    const { db } = freshPlatform();
    const before = dump(db);
    const server = await servePlatform(db, "--token", token);
    try {
      const text = await runCliAsync(["platform", "check", "--platform", server.url, "--rate", "200", "--verbose"], {
        env,
      });
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^ {2}listClients \(known\) +confirmed: GET \/api\/2\/c\/items answered 200/m);
      expect(text.stdout).toMatch(/^ {2}update \(known\) +not checkable without writing: .*\n +in a run: --verify/m);
      expect(text.stdout).not.toMatch(/CONTRADICTED/);
      expect(text.stdout).toMatch(/16 requests, nothing written; nothing contradicted\n$/);
      // --verbose: the request summary on stderr, by route.
      expect(text.stderr).toMatch(/^requests: 16 \(retries 0, 429s 0/);
      expect(text.stderr).toMatch(/^ {2}listClients +200 ×3, 401 ×1$/m);
      expect((await server.stats()).requests).toBe(16);

      const json = await runCliAsync(["platform", "check", "--platform", server.url, "--rate", "200", "--json"], {
        env,
      });
      const parsed = JSON.parse(json.stdout) as CheckJson;
      expect(parsed.exit_code).toBe(0);
      expect(parsed.requests.requests).toBe(16);
      expect(parsed.checks.find((c) => c.fact === "readRoles")?.status).toBe("confirmed");
      for (const output of [text.stdout, text.stderr, json.stdout, json.stderr]) {
        for (const value of personalValues()) expect(output).not.toContain(value);
        expect(output).not.toContain(token);
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(dump(db)).toEqual(before);
  });

  it("against paged (pages of 2): the paging shows, in as many requests", async () => {
    const { db } = freshPlatform();
    const server = await servePlatform(db, "--token", token, "--variant", "paged", "--page-size", "2");
    try {
      const run = await runCliAsync(["platform", "check", "--platform", server.url, "--rate", "200", "--json"], {
        env,
      });
      expect(run.code).toBe(0);
      const parsed = JSON.parse(run.stdout) as CheckJson;
      expect(parsed.checks.find((c) => c.fact === "paging (clients)")?.seen).toMatch(
        /pages are shorter than asked: 2 of 1,000/,
      );
      expect(parsed.requests.requests).toBe((await server.stats()).requests);
      expect(parsed.requests.requests).toBe(16);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("a wrong token is contradicted, exit 4, and the token is not shown", async () => {
    const { db } = freshPlatform();
    const server = await servePlatform(db, "--token", token);
    try {
      const run = await runCliAsync(["platform", "check", "--platform", server.url], {
        env: { MDIMPORT_TOKEN: "not-the-token-5e2" },
      });
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(/token \(known\) +CONTRADICTED: GET \/api\/2 answered 401/);
      expect(run.stdout + run.stderr).not.toContain("not-the-token-5e2");
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // No token at all: a usage error, as for test-run.
    expect(
      runCli(["platform", "check", "--platform", "http://127.0.0.1:9"], { env: { MDIMPORT_TOKEN: "" } }).code,
    ).toBe(2);
  });

  it("--platform local: the store opens, every fact holds by construction; no store is exit 4", () => {
    const { dir, db } = freshPlatform();
    const local = runCli(["platform", "check", "--db", db]);
    expect(local.code).toBe(0);
    expect(local.stdout).toMatch(/local store \(known\) +confirmed: the store opens/);
    expect(runCli(["platform", "check", "--db", join(dir, "missing.sqlite")]).code).toBe(4);
  });

  it("--verbose prints the request summary of test-run and run over HTTP on stderr", async () => {
    const { dir, db } = freshPlatform();
    const server = await servePlatform(db, "--token", token);
    const settings = join(dir, "settings.json");
    writeFileSync(settings, JSON.stringify({ client_fields: {}, details_protection: "protect_external" }));
    try {
      const common = [
        fixture("update-clients.xlsx"),
        "--script",
        "update-clients",
        "--platform",
        server.url,
        "--config",
        settings,
        "--rate",
        "200",
      ];
      const testRun = await runCliAsync(["test-run", ...common, "--out", join(dir, "tr"), "--verbose"], { env });
      expect(testRun.stderr).toMatch(/^requests: 3 \(retries 0/);
      expect(testRun.stderr).toMatch(/^ {2}application +200 ×1$/m);
      const run = await runCliAsync(
        ["run", ...common, "--approved", join(dir, "tr", "report.json"), "--out", join(dir, "run"), "--verbose"],
        {
          env,
        },
      );
      expect(run.stderr).toMatch(/^requests: \d+ \(retries 0/m);
      expect(run.stderr).toMatch(/^ {2}updateClient +200 ×\d+$/m);
      expect(readJson<{ rows: unknown[] }>(join(dir, "run", "report.json")).rows.length).toBeGreaterThan(0);
      // Without --verbose: nothing on stderr.
      expect((await runCliAsync(["test-run", ...common, "--out", join(dir, "tr2")], { env })).stderr).toBe("");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
