import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import * as openpgp from "openpgp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, readJson, runCli, runCliAsync, tempDir } from "../support/cli.js";
import { fixturePassphrase, gpgWithFixtureKeys } from "../support/gpg.js";
import { clientsSheet, freshPlatform } from "../support/platform.js";
import { readSheet } from "../support/xlsx.js";

const pgp = (name: string) => fixture(`pgp/${name}`);
const rsaKey = ["--key", pgp("developer-rsa.sec.asc")];
const withPassphrase = { MDIMPORT_PASSPHRASE: fixturePassphrase };

/** The plaintext of an OpenPGP message, opened with openpgp by an unprotected private key file or a password. */
async function openWith(file: string, secret: { key: string } | { password: string }): Promise<Uint8Array> {
  const message = await openpgp.readMessage({ binaryMessage: readFileSync(file) });
  const opened: { data: unknown } =
    "key" in secret
      ? await openpgp.decrypt({ message, format: "binary", decryptionKeys: await readPrivateKey(secret.key) })
      : await openpgp.decrypt({ message, format: "binary", passwords: [secret.password] });
  if (!(opened.data instanceof Uint8Array)) throw new Error("openpgp did not return binary data");
  return opened.data;
}

function readPrivateKey(path: string): Promise<openpgp.PrivateKey> {
  const bytes = readFileSync(path);
  return bytes.subarray(0, 40).toString("utf8").includes("-----BEGIN PGP")
    ? openpgp.readPrivateKey({ armoredKey: bytes.toString("utf8") })
    : openpgp.readPrivateKey({ binaryKey: bytes });
}

/** The report.xlsx inside a folder's report.xlsx.gpg is a workbook with the report's sheets (a run's has an IDs sheet too). */
async function expectReportWorkbook(plain: Uint8Array | null): Promise<void> {
  expect(plain).not.toBeNull();
  const { workbook, rows } = await readSheet(plain!);
  expect(workbook.sheets.length).toBeGreaterThanOrEqual(2);
  expect(rows.length).toBeGreaterThan(1);
}

/** The fix.xlsx inside a folder's fix.xlsx.gpg is the template's data sheet and explanation sheet. */
async function expectFixWorkbook(plain: Uint8Array | null): Promise<void> {
  expect(plain).not.toBeNull();
  const { workbook, rows } = await readSheet(plain!);
  expect(workbook.sheets.map((s) => s.name)).toEqual(["Gegevens", "Toelichting"]);
  expect(rows.length).toBeGreaterThan(1);
}

describe("report.xlsx of an encrypted input is written only encrypted", () => {
  it("validate, no --encrypt-report-to: only report.xlsx.gpg, which the developer's own key opens", async () => {
    const out = join(tempDir(), "out");
    const run = runCli(
      ["validate", pgp("new-clients.rsa.xlsx.gpg"), "--script", "new-clients", "--out", out, ...rsaKey],
      {
        env: withPassphrase,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    expect(readdirSync(out).sort()).toEqual([
      "fix.xlsx.gpg",
      "mdimport.log",
      "report.json",
      "report.xlsx.gpg",
      "summary.md",
    ]);
    const opened = gpgWithFixtureKeys().decrypt(join(out, "report.xlsx.gpg"));
    expect(opened.code).toBe(0);
    await expectReportWorkbook(opened.plain);
    await expectFixWorkbook(gpgWithFixtureKeys().decrypt(join(out, "fix.xlsx.gpg")).plain);
  });

  it("validate with --encrypt-report-to twice: every requester's key and the developer's own key open it", async () => {
    const out = join(tempDir(), "out");
    const run = runCli([
      "validate",
      pgp("new-clients.25519.signed.xlsx.asc"),
      "--script",
      "new-clients",
      "--key",
      pgp("developer-25519.sec.gpg"),
      "--encrypt-report-to",
      pgp("developer-rsa.pub.gpg"),
      "--encrypt-report-to",
      pgp("other.pub.asc"),
      "--out",
      out,
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(existsSync(join(out, "report.xlsx"))).toBe(false);
    const file = join(out, "report.xlsx.gpg");
    await expectReportWorkbook(gpgWithFixtureKeys().decrypt(file).plain);
    await expectReportWorkbook(await openWith(file, { key: pgp("other.sec.asc") }));
    await expectReportWorkbook(await openWith(file, { key: pgp("developer-25519.sec.gpg") }));
  });

  it("validate of a password-encrypted input: report.xlsx.gpg opens with the same password", async () => {
    const out = join(tempDir(), "out");
    const run = runCli([
      "validate",
      pgp("new-clients.password.xlsx.gpg"),
      "--script",
      "new-clients",
      "--password-file",
      pgp("password.txt"),
      "--out",
      out,
    ]);
    expect(run.stderr).toBe("");
    expect(existsSync(join(out, "report.xlsx"))).toBe(false);
    const password = readFileSync(pgp("password.txt"), "utf8").replace(/\r?\n$/, "");
    await expectReportWorkbook(await openWith(join(out, "report.xlsx.gpg"), { password }));
  });

  it("test-run and run of an encrypted input write report.xlsx only encrypted, too", async () => {
    const { dir, db } = freshPlatform();
    const input = pgp("new-clients.rsa.xlsx.gpg");
    const common = ["--script", "new-clients", "--db", db, ...rsaKey];
    const testRun = runCli(["test-run", input, ...common, "--out", join(dir, "test-run")], { env: withPassphrase });
    expect(testRun.stderr).toBe("");
    const run = runCli(
      [
        "run",
        input,
        ...common,
        "--approved",
        join(dir, "test-run", "report.json"),
        "--welcome-mail",
        "no",
        "--out",
        join(dir, "run"),
      ],
      { env: withPassphrase },
    );
    expect(run.stderr).toBe("");
    const gpg = gpgWithFixtureKeys();
    for (const out of ["test-run", "run"]) {
      expect(existsSync(join(dir, out, "report.xlsx"))).toBe(false);
      expect(existsSync(join(dir, out, "fix.xlsx"))).toBe(false);
      await expectReportWorkbook(gpg.decrypt(join(dir, out, "report.xlsx.gpg")).plain);
      await expectFixWorkbook(gpg.decrypt(join(dir, out, "fix.xlsx.gpg")).plain);
    }
  });

  it("--plain-report writes report.xlsx plain, and warns in one sentence on stderr", async () => {
    const out = join(tempDir(), "out");
    const run = runCli(
      [
        "validate",
        pgp("new-clients.rsa.xlsx.gpg"),
        "--script",
        "new-clients",
        "--out",
        out,
        "--plain-report",
        ...rsaKey,
      ],
      {
        env: withPassphrase,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^mdimport: warning: [^\n]*report\.xlsx[^\n]*\n$/);
    expect(existsSync(join(out, "report.xlsx.gpg"))).toBe(false);
    await expectReportWorkbook(readFileSync(join(out, "report.xlsx")));
  });

  it("a plain input stays as it was: report.xlsx plain without a warning, --plain-report changes nothing", () => {
    for (const extra of [[], ["--plain-report"]]) {
      const out = join(tempDir(), "out");
      const run = runCli(["validate", fixture("new-clients.xlsx"), "--script", "new-clients", "--out", out, ...extra]);
      expect(run.stderr).toBe("");
      expect(existsSync(join(out, "report.xlsx"))).toBe(true);
    }
  });

  it("--plain-report and --encrypt-report-to together are a usage error (exit 2)", () => {
    const run = runCli([
      "validate",
      fixture("new-clients.xlsx"),
      "--script",
      "new-clients",
      "--out",
      join(tempDir(), "out"),
      "--plain-report",
      "--encrypt-report-to",
      pgp("other.pub.asc"),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^[^\n]*--plain-report[^\n]*--encrypt-report-to[^\n]*\n$/);
  });
});

/**
 * A stub API 2 platform with no accounts that refuses every new client with 400 and a message
 * that echoes the row's e-mail address, name and BSN, as a careless platform might.
 */
function echoingPlatform() {
  const answer = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "Content-Type": "application/json" });
    response.end(JSON.stringify(body));
  };
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const path = new URL(request.url ?? "/", "http://x").pathname;
      if (request.method === "GET" && path === "/api/2")
        return answer(response, 200, { name: "stub", mode: "training", "@links": [] });
      if (request.method === "GET" && /^\/api\/2\/[cp]\/items$/.test(path))
        return answer(response, 200, { "@items": [] });
      if (request.method === "POST" && path === "/api/2/c") {
        const client = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          email: string;
          first_name: string;
          last_name: string;
          bsn: string;
        };
        const who = `${client.first_name} ${client.last_name} (BSN ${client.bsn})`;
        const message = client.email.startsWith("echo0")
          ? `A user with this email address already exists: ${client.email}, ${who}.`
          : `Invalid data for ${client.email}: ${who} cannot be saved.`;
        return answer(response, 400, { code: 400, extra: [{ message }] });
      }
      answer(response, 404, { code: 404, extra: [{ message: "Not found." }] });
    });
  });
}

describe("the platform's own words reach report.xlsx only", () => {
  const server = echoingPlatform();
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("a 400 that echoes the row: report.json, summary.md, the log and the terminal keep only code, status and rule", async () => {
    const dir = tempDir();
    const input = await clientsSheet(dir, 2, "echo");
    const env = { MDIMPORT_TOKEN: "stub-token" };
    const common = ["--script", "new-clients", "--platform", url, "--lang", "en"];
    const testRun = await runCliAsync(["test-run", input, ...common, "--out", join(dir, "test-run")], { env });
    expect(testRun.stderr).toBe("");
    const run = await runCliAsync(
      [
        "run",
        input,
        ...common,
        "--approved",
        join(dir, "test-run", "report.json"),
        "--welcome-mail",
        "no",
        "--out",
        join(dir, "run"),
      ],
      { env },
    );
    expect(run.code).toBe(1);

    const report = readJson<{ rows: { row: number; status: string; reasons: Record<string, unknown>[] }[] }>(
      join(dir, "run", "report.json"),
    );
    expect(report.rows.map((r) => [r.row, r.status, r.reasons])).toEqual([
      [
        2,
        "failed",
        [
          {
            code: "email_in_use",
            field: "email",
            http_status: 400,
            rule: "email_in_use",
            message: expect.stringMatching(/^Email address is already in use/) as string,
          },
        ],
      ],
      [3, "failed", [{ code: "api_error", http_status: 400, rule: "invalid", message: "The platform refused" }]],
    ]);
    const personal = ["echo0@", "echo1@", "Kim", "Test0", "Test1", "BSN ", "already exists", "cannot be saved"];
    for (const text of [
      readFileSync(join(dir, "run", "report.json"), "utf8"),
      readFileSync(join(dir, "run", "summary.md"), "utf8"),
      readFileSync(join(dir, "run", "mdimport.log"), "utf8"),
      readFileSync(join(dir, "run", "journal.jsonl"), "utf8"),
      run.stdout,
      run.stderr,
    ]) {
      for (const word of personal) expect(text).not.toContain(word);
    }

    const { rows } = await readSheet(readFileSync(join(dir, "run", "report.xlsx")));
    const cells = JSON.stringify(rows);
    expect(cells).toContain("A user with this email address already exists: echo0@voorbeeld.nl, Kim Test0 (BSN ");
    expect(cells).toContain("Invalid data for echo1@voorbeeld.nl: Kim Test1 (BSN ");
  });
});
