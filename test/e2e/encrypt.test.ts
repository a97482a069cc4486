import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, readJson, runCli, tempDir } from "../support/cli.js";
import { gpgWithFixtureKeys } from "../support/gpg.js";
import { readSheet } from "../support/xlsx.js";

const pgp = (name: string) => fixture(`pgp/${name}`);

describe("mdimport encrypt, for the organisation that sends a sheet", () => {
  it("writes <file>.gpg that GnuPG decrypts, with a signature GnuPG verifies", () => {
    const dir = tempDir();
    const run = runCli([
      "encrypt",
      fixture("relations.xlsx"),
      "--to",
      pgp("developer-rsa.pub.gpg"),
      "--sign-key",
      pgp("other.sec.asc"),
      "--out",
      join(dir, "relations.xlsx.gpg"),
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const result = gpgWithFixtureKeys().decrypt(join(dir, "relations.xlsx.gpg"));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("[GNUPG:] GOODSIG");
    expect(result.stderr).toContain("[GNUPG:] DECRYPTION_OKAY");
    expect(result.plain?.equals(readFileSync(fixture("relations.xlsx")))).toBe(true);
  });

  it("writes what mdimport itself opens and verifies", () => {
    const dir = tempDir();
    expect(
      runCli([
        "encrypt",
        fixture("relations.xlsx"),
        "--to",
        pgp("developer-rsa.pub.gpg"),
        "--sign-key",
        pgp("other.sec.asc"),
        "--out",
        join(dir, "r.gpg"),
      ]).code,
    ).toBe(0);
    const run = runCli(
      [
        "validate",
        join(dir, "r.gpg"),
        "--script",
        "relations",
        "--key",
        pgp("developer-rsa.sec.asc"),
        "--verify-key",
        pgp("other.pub.asc"),
        "--out",
        join(dir, "out"),
      ],
      { env: { MDIMPORT_PASSPHRASE: readFileSync(pgp("passphrase.txt"), "utf8").trim() } },
    );
    expect(run.stderr).toBe("");
    expect(readJson<{ input: { sha256: string } }>(join(dir, "out", "report.json")).input.sha256).toBe(
      createHash("sha256")
        .update(readFileSync(fixture("relations.xlsx")))
        .digest("hex"),
    );
  });

  it("refuses a key that cannot be encrypted to, with exit code 3", () => {
    const run = runCli([
      "encrypt",
      fixture("relations.xlsx"),
      "--to",
      pgp("sender.pub.asc"),
      "--out",
      join(tempDir(), "x.gpg"),
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/sender\.pub\.asc cannot be encrypted to/);
  });
});

describe("--encrypt-report-to", () => {
  it("writes report.xlsx only encrypted to the requester, and GnuPG opens it", async () => {
    const dir = tempDir();
    const run = runCli([
      "validate",
      fixture("new-professionals.xlsx"),
      "--script",
      "new-professionals",
      "--encrypt-report-to",
      pgp("developer-rsa.pub.gpg"),
      "--out",
      join(dir, "out"),
      "--lang",
      "en",
    ]);
    expect(run.code).toBe(1);
    expect(existsSync(join(dir, "out", "report.xlsx"))).toBe(false);
    const result = gpgWithFixtureKeys().decrypt(join(dir, "out", "report.xlsx.gpg"));
    expect(result.code).toBe(0);
    const { workbook, rows } = await readSheet(result.plain!);
    expect(workbook.sheets.map((s) => s.name)).toEqual(["Report", "Summary"]);
    expect(rows).toHaveLength(11);
  });
});
