import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { fixture, flatRows, readJson, runCli } from "../support/cli.js";
import {
  clientsSheet,
  dump,
  freshPlatform,
  journalRows,
  killWhenJournalGrows,
  servePlatform,
} from "../support/platform.js";

type Report = {
  platform: string;
  rows: { row: number; status: string; reasons: { code: string }[] }[];
  summary: Record<string, number>;
};
const scripts = ["new-clients", "new-professionals", "relations", "update-clients", "update-professionals"] as const;
const token = "e2e-token-3c9d41";
const env = { MDIMPORT_TOKEN: token };

const serve = (db: string, ...args: string[]) => servePlatform(db, "--token", token, ...args);

describe("mdimport over HTTP against platform serve", () => {
  it.each(scripts)(
    "test-run of %s gives the same report as against the local platform, and changes nothing",
    async (script) => {
      const { dir, db } = freshPlatform();
      const local = runCli([
        "test-run",
        fixture(`${script}.xlsx`),
        "--script",
        script,
        "--db",
        db,
        "--out",
        join(dir, "local"),
      ]);
      const before = dump(db);
      const server = await serve(db);
      try {
        const http = runCli(
          [
            "test-run",
            fixture(`${script}.xlsx`),
            "--script",
            script,
            "--platform",
            server.url,
            "--config",
            fixture("platform-state.json"),
            "--out",
            join(dir, "http"),
          ],
          { env },
        );
        expect(http.stderr).toBe("");
        expect(http.code).toBe(local.code);
        expect(http.stdout).toContain(`platform ${server.url}: mode training`);
        const report = readJson<Report>(join(dir, "http", "report.json"));
        expect(report.platform).toBe(server.url);
        expect(flatRows(report)).toEqual(flatRows(readJson<Report>(join(dir, "local", "report.json"))));
        const stats = await server.stats();
        // GET /api/2, the two lists (each a page and the empty page that ends it), and for
        // relations one read per client named: never one per row.
        expect(stats.requests).toBeLessThanOrEqual(script === "relations" ? 5 + 6 : 5);
        expect(stats.byStatus).toEqual({ 200: stats.requests });
      } finally {
        expect(await server.stop()).toBe(0);
      }
      expect(dump(db)).toEqual(before);
    },
  );

  it("runs with 5% failures and a tight rate limit: every row done exactly once, welcome e-mails as asked", async () => {
    const { dir, db } = freshPlatform();
    const input = await clientsSheet(dir, 150, "rl", 30_000_000);
    const server = await serve(db, "--fail-rate", "0.05", "--rate-limit", "40", "--seed", "5");
    try {
      const common = ["--script", "new-clients", "--platform", server.url, "--token-file", join(dir, "token")];
      writeFileSync(join(dir, "token"), `${token}\n`, { mode: 0o600 });
      expect(runCli(["test-run", input, ...common, "--out", join(dir, "tr")]).code).toBe(0);
      // Asking for more than the platform allows: the 429s are waited out.
      const run = runCli(
        [
          "run",
          input,
          ...common,
          "--approved",
          join(dir, "tr", "report.json"),
          "--welcome-mail",
          "yes",
          "--rate",
          "60",
          "--concurrency",
          "6",
          "--out",
          join(dir, "run"),
        ],
        { env: { MDIMPORT_TOKEN: "" } },
      );
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(readJson<Report>(join(dir, "run", "report.json")).summary).toMatchObject({
        done: 150,
        failed: 0,
        dropout: 0,
      });
      const done = journalRows(join(dir, "run", "journal.jsonl"), "done");
      expect(done).toHaveLength(150);
      expect(new Set(done).size).toBe(150);
      const stats = await server.stats();
      expect(stats.byStatus["429"]).toBeGreaterThan(0);
      expect(stats.dropped + (stats.byStatus["503"] ?? 0)).toBeGreaterThan(0);
      expect(stats.welcomeMails).toBe(150);
    } finally {
      await server.stop();
    }
    const state = dump(db);
    const ours = state.clients.filter((c) => c.email.startsWith("rl"));
    expect(ours).toHaveLength(150);
    expect(new Set(ours.map((c) => c.id)).size).toBe(150);
    expect(ours.every((c) => c.active)).toBe(true);
  });

  it("resumes a run killed with SIGKILL part-way: every row done exactly once, none left inactive", async () => {
    const { dir, db } = freshPlatform();
    const rows = 400;
    const input = await clientsSheet(dir, rows, "kill", 30_000_000);
    const server = await serve(db, "--fail-rate", "0.05", "--latency", "2", "--seed", "9");
    try {
      const common = ["--script", "new-clients", "--platform", server.url];
      expect(runCli(["test-run", input, ...common, "--out", join(dir, "tr")], { env }).code).toBe(0);
      const args = [
        "run",
        input,
        ...common,
        "--approved",
        join(dir, "tr", "report.json"),
        "--welcome-mail",
        "no",
        "--rate",
        "500",
        "--out",
        join(dir, "run"),
      ];
      const journalPath = join(dir, "run", "journal.jsonl");
      await killWhenJournalGrows(args, journalPath, 8_000, env);
      const doneBefore = journalRows(journalPath, "done").length;
      expect(doneBefore).toBeGreaterThan(0);
      expect(doneBefore).toBeLessThan(rows);

      const again = runCli(args, { env });
      expect(again.stderr).toBe("");
      expect(again.code).toBe(0);
      expect(readJson<Report>(join(dir, "run", "report.json")).summary).toMatchObject({
        done: rows,
        failed: 0,
        dropout: 0,
      });
      const done = journalRows(journalPath, "done");
      expect(new Set(done).size).toBe(done.length);
    } finally {
      await server.stop();
    }
    const ours = dump(db).clients.filter((c) => c.email.startsWith("kill"));
    expect(ours).toHaveLength(rows);
    expect(new Set(ours.map((c) => c.id)).size).toBe(rows);
    expect(ours.every((c) => c.active)).toBe(true);
  });

  it("a run killed between create and activation: elsewhere its inactive accounts are dropouts inactive_account; the same command resumes and activates them", async () => {
    const { dir, db } = freshPlatform();
    const rows = 300;
    const input = await clientsSheet(dir, rows, "half", 40_000_000);
    // Every answer waits, so that a kill finds rows between their create and their activation.
    const server = await serve(db, "--latency", "25");
    try {
      const common = ["--script", "new-clients", "--platform", server.url];
      expect(runCli(["test-run", input, ...common, "--out", join(dir, "tr")], { env }).code).toBe(0);
      const approval = join(dir, "tr", "report.json");
      // No --out: the folder is derived from the approval.
      const args = [
        "run",
        input,
        ...common,
        "--approved",
        approval,
        "--welcome-mail",
        "no",
        "--rate",
        "500",
        "--concurrency",
        "8",
      ];
      const digest = createHash("sha256").update(readFileSync(approval)).digest("hex");
      const journalPath = join(dir, "mdimport-out", `run-${digest.slice(0, 16)}`, "journal.jsonl");
      await killWhenJournalGrows(args, journalPath, 4_000, env, { cwd: dir });
      const inactive = dump(db).clients.filter((c) => c.email.startsWith("half") && !c.active);

      // Started again elsewhere: an inactive account is never taken for the row carried out.
      const elsewhere = runCli([...args, "--out", join(dir, "elsewhere")], { env, cwd: dir });
      expect(elsewhere.code).toBe(1);
      const report = readJson<Report>(join(dir, "elsewhere", "report.json"));
      const inactiveRows = report.rows.filter((r) => r.reasons.some((x) => x.code === "inactive_account"));
      expect(inactiveRows).toHaveLength(inactive.length);
      for (const row of inactiveRows) expect(row.status).toBe("dropout");
      expect(dump(db).clients.filter((c) => c.email.startsWith("half") && !c.active)).toHaveLength(inactive.length);

      // The same command resumes the interrupted run: what it began is done (the inactive
      // accounts activated), what the run elsewhere did is unchanged, nothing is left over.
      const again = runCli(args, { env, cwd: dir });
      expect(again.stderr).toBe("");
      expect(again.code).toBe(0);
      const summary = readJson<Report>(join(dirname(journalPath), "report.json")).summary;
      expect(summary).toMatchObject({ failed: 0, dropout: 0 });
      expect((summary.done ?? 0) + (summary.unchanged ?? 0)).toBe(rows);
      expect(summary.done).toBeGreaterThanOrEqual(inactive.length);
    } finally {
      await server.stop();
    }
    const ours = dump(db).clients.filter((c) => c.email.startsWith("half"));
    expect(ours).toHaveLength(rows);
    expect(ours.every((c) => c.active)).toBe(true);
  });

  it("stops with exit 4 when the token is refused or nothing answers, and exit 2 without a token or on plain http elsewhere", async () => {
    const { dir, db } = freshPlatform();
    const server = await serve(db);
    const input = fixture("new-clients.xlsx");
    try {
      const wrong = runCli(
        ["test-run", input, "--script", "new-clients", "--platform", server.url, "--out", join(dir, "a")],
        {
          env: { MDIMPORT_TOKEN: "not-the-token" },
        },
      );
      expect(wrong.code).toBe(4);
      expect(wrong.stderr).toMatch(
        /^mdimport: The platform at 127\.0\.0\.1:\d+ refused the token \(401\): check MDIMPORT_TOKEN or --token-file\.\n$/,
      );
      expect(wrong.stderr).not.toContain("not-the-token");
      const none = runCli(["test-run", input, "--script", "new-clients", "--platform", server.url], {
        env: { MDIMPORT_TOKEN: "" },
      });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain("needs the API token: set MDIMPORT_TOKEN or give --token-file");
      // The token is never an argument.
      expect(
        runCli(["test-run", input, "--script", "new-clients", "--platform", server.url, "--token", token]).code,
      ).toBe(2);
    } finally {
      await server.stop();
    }
    const gone = runCli(
      ["test-run", input, "--script", "new-clients", "--platform", server.url, "--out", join(dir, "b")],
      { env },
    );
    expect(gone.code).toBe(4);
    expect(gone.stderr).toContain(`Cannot reach the platform at ${server.url.slice("http://".length)}`);
    const plain = runCli(
      ["test-run", input, "--script", "new-clients", "--platform", "http://voorbeeld.minddistrict.com"],
      { env },
    );
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("plain http:// is allowed only on a loopback address");
  });

  it("reports a workbook that fails to open while the snapshot is still being read: exit 3, one sentence", async () => {
    const { dir, db } = freshPlatform();
    // Slow answers: the reader's thread fails long before the snapshot is in.
    const server = await serve(db, "--latency", "300");
    const sheet = join(dir, "not-a-workbook.xlsx");
    writeFileSync(sheet, zipSync({ "hello.txt": strToU8("no workbook part here") }));
    try {
      const run = runCli(
        ["test-run", sheet, "--script", "new-clients", "--platform", server.url, "--out", join(dir, "out")],
        { env },
      );
      expect(run.code).toBe(3);
      expect(run.stderr).toBe(
        "mdimport: The file is a zip archive but not an Excel workbook (.xlsx): it has no workbook part.\n",
      );
    } finally {
      await server.stop();
    }
  });

  it("asks for --production before a run against a platform in production mode", async () => {
    const { dir, db } = freshPlatform();
    const server = await serve(db, "--mode", "production");
    try {
      const input = fixture("update-clients.xlsx");
      const common = [
        "--script",
        "update-clients",
        "--platform",
        server.url,
        "--config",
        fixture("platform-state.json"),
      ];
      const testRun = runCli(["test-run", input, ...common, "--out", join(dir, "tr")], { env });
      expect(testRun.stdout).toContain(`platform ${server.url}: production`);
      const refused = runCli(
        ["run", input, ...common, "--approved", join(dir, "tr", "report.json"), "--out", join(dir, "r1")],
        { env },
      );
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("give --production to confirm");
      expect(existsSync(join(dir, "r1"))).toBe(false);
      const confirmed = runCli(
        [
          "run",
          input,
          ...common,
          "--approved",
          join(dir, "tr", "report.json"),
          "--production",
          "--out",
          join(dir, "r2"),
        ],
        {
          env,
        },
      );
      expect(confirmed.stderr).toBe("");
      expect(readJson<Report>(join(dir, "r2", "report.json")).summary.done).toBeGreaterThan(0);
      // The token appears in no output.
      for (const out of ["tr", "r2"]) {
        for (const file of readdirSync(join(dir, out)))
          expect(readFileSync(join(dir, out, file)).includes(token)).toBe(false);
      }
      expect(testRun.stdout + testRun.stderr + confirmed.stdout).not.toContain(token);
    } finally {
      await server.stop();
    }
  });
});
