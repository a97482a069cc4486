import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, onCleanup, readJson, runCli, tempDir } from "../support/cli.js";

const pgp = (name: string) => fixture(`pgp/${name}`);
const sheet = fixture("relations.xlsx");
const plain = readFileSync(sheet);
const developerPassphrase = readFileSync(pgp("passphrase.txt"), "utf8").trim();

/**
 * GnuPG in a throw-away home holding only the given keys, as the one person who holds
 * them would decrypt. Its gpg-agent is ended before the home is removed (cleanups run latest first).
 */
function gpgHome(secretKeys: { file: string; passphrase: string }[]) {
  const home = tempDir("mdimport-gnupg-");
  onCleanup(() => void spawnSync("gpgconf", ["--homedir", home, "--kill", "all"]));
  const gpg = (args: string[]) =>
    spawnSync(
      "gpg",
      ["--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback", "--trust-model", "always", ...args],
      {
        encoding: "buffer",
      },
    );
  for (const key of secretKeys) expect(gpg(["--passphrase", key.passphrase, "--import", key.file]).status).toBe(0);
  return (file: string, secret: string[]) => {
    const out = join(tempDir(), "plain");
    const result = gpg([...secret, "--status-fd", "2", "--output", out, "--decrypt", file]);
    return {
      code: result.status,
      stderr: result.stderr.toString("utf8"),
      plain: result.status === 0 ? readFileSync(out) : null,
    };
  };
}

const developer = { file: pgp("developer-rsa.sec.asc"), passphrase: developerPassphrase };
const colleague = { file: pgp("other.sec.asc"), passphrase: "" };

describe("mdimport encrypt for the organisations: several --to keys, --password-file, --armor", () => {
  it("encrypts to two --to keys, and each key's holder alone decrypts it with GnuPG", () => {
    const out = join(tempDir(), "relations.xlsx.gpg");
    const run = runCli([
      "encrypt",
      sheet,
      "--to",
      pgp("developer-rsa.pub.gpg"),
      "--to",
      pgp("other.pub.asc"),
      "--out",
      out,
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const asDeveloper = gpgHome([developer])(out, ["--passphrase", developerPassphrase]);
    expect(asDeveloper.stderr).toContain("[GNUPG:] DECRYPTION_OKAY");
    expect(asDeveloper.plain?.equals(plain)).toBe(true);
    const asColleague = gpgHome([colleague])(out, ["--passphrase", ""]);
    expect(asColleague.stderr).toContain("[GNUPG:] DECRYPTION_OKAY");
    expect(asColleague.plain?.equals(plain)).toBe(true);
  });

  it("encrypts with --password-file alone, and gpg --batch --passphrase-file decrypts it", () => {
    const out = join(tempDir(), "r.gpg");
    const run = runCli(["encrypt", sheet, "--password-file", pgp("password.txt"), "--out", out]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const result = gpgHome([])(out, ["--passphrase-file", pgp("password.txt")]);
    expect(result.stderr).toContain("[GNUPG:] DECRYPTION_OKAY");
    expect(result.plain?.equals(plain)).toBe(true);
  });

  it("encrypts with a password and to a key at once: either opens it", () => {
    const out = join(tempDir(), "r.gpg");
    const run = runCli([
      "encrypt",
      sheet,
      "--to",
      pgp("other.pub.asc"),
      "--password-file",
      pgp("password.txt"),
      "--out",
      out,
    ]);
    expect(run.code).toBe(0);
    expect(gpgHome([])(out, ["--passphrase-file", pgp("password.txt")]).plain?.equals(plain)).toBe(true);
    expect(gpgHome([colleague])(out, ["--passphrase", ""]).plain?.equals(plain)).toBe(true);
  });

  it("writes ASCII armor to <file>.asc with --armor, signed; GnuPG and mdimport validate both open it", () => {
    const dir = tempDir();
    const input = join(dir, "relations.xlsx");
    copyFileSync(sheet, input);
    const run = runCli([
      "encrypt",
      input,
      "--armor",
      "--to",
      pgp("developer-rsa.pub.gpg"),
      "--sign-key",
      pgp("other.sec.asc"),
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`encrypted: ${input}.asc\n`);
    expect(readdirSync(dir).sort()).toEqual(["relations.xlsx", "relations.xlsx.asc"]);
    expect(readFileSync(`${input}.asc`, "utf8")).toMatch(/^-----BEGIN PGP MESSAGE-----\n/);
    const senderKey = { file: pgp("other.pub.asc"), passphrase: "" };
    const result = gpgHome([developer, senderKey])(`${input}.asc`, ["--passphrase", developerPassphrase]);
    expect(result.stderr).toContain("[GNUPG:] DECRYPTION_OKAY");
    expect(result.stderr).toContain("[GNUPG:] GOODSIG");
    expect(result.plain?.equals(plain)).toBe(true);
    const validate = runCli(
      [
        "validate",
        `${input}.asc`,
        "--script",
        "relations",
        "--key",
        pgp("developer-rsa.sec.asc"),
        "--verify-key",
        pgp("other.pub.asc"),
      ],
      { cwd: dir, env: { MDIMPORT_PASSPHRASE: developerPassphrase } },
    );
    expect(validate.stderr).toBe("");
    expect(validate.code).toBe(1); // the fixture has invalid rows on purpose
    const [outDir] = readdirSync(join(dir, "mdimport-out"));
    const report = readJson<{ input: { sha256: string } }>(join(dir, "mdimport-out", outDir!, "report.json"));
    expect(report.input.sha256).toBe(createHash("sha256").update(plain).digest("hex"));
  });

  it("writes <file>.gpg by default, and nothing else beside it", () => {
    const dir = tempDir();
    const input = join(dir, "relations.xlsx");
    copyFileSync(sheet, input);
    const run = runCli(["encrypt", input, "--to", pgp("other.pub.asc")]);
    expect(run.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["relations.xlsx", "relations.xlsx.gpg"]);
  });

  it("refuses to replace an existing out file without --force (exit 2), and replaces it with --force", () => {
    const out = join(tempDir(), "r.gpg");
    writeFileSync(out, "an earlier file");
    const refused = runCli(["encrypt", sheet, "--to", pgp("other.pub.asc"), "--out", out]);
    expect(refused.stderr).toBe(`mdimport: ${out} already exists; give --force to replace it.\n`);
    expect(refused.code).toBe(2);
    expect(readFileSync(out, "utf8")).toBe("an earlier file");
    const forced = runCli(["encrypt", sheet, "--to", pgp("other.pub.asc"), "--out", out, "--force"]);
    expect(forced.code).toBe(0);
    expect(gpgHome([colleague])(out, ["--passphrase", ""]).plain?.equals(plain)).toBe(true);
  });

  it("needs --to or --password-file (exit 2), and refuses an empty or many-line password file (exit 3)", () => {
    const dir = tempDir();
    const none = runCli(["encrypt", sheet, "--out", join(dir, "a.gpg")]);
    expect(none.stderr).toBe("mdimport: Give --to PUBLIC_KEY (repeatable) or --password-file FILE, or both.\n");
    expect(none.code).toBe(2);
    writeFileSync(join(dir, "empty.txt"), "\n");
    const empty = runCli(["encrypt", sheet, "--password-file", join(dir, "empty.txt"), "--out", join(dir, "b.gpg")]);
    expect(empty.stderr).toBe("mdimport: The password file empty.txt is empty.\n");
    expect(empty.code).toBe(3);
    writeFileSync(join(dir, "two.txt"), "first\nsecond\n");
    const two = runCli(["encrypt", sheet, "--password-file", join(dir, "two.txt"), "--out", join(dir, "c.gpg")]);
    expect(two.stderr).toBe(
      "mdimport: The password file two.txt has more than one line; put the password alone on its first line.\n",
    );
    expect(two.code).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(["empty.txt", "two.txt"]);
  });
});
