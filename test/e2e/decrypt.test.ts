import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as openpgp from "openpgp";
import { describe, expect, it } from "vitest";
import { fixture, flatRows, readJson, runCli, tempDir, type FlatRow } from "../support/cli.js";

const pgp = (name: string) => fixture(`pgp/${name}`);
const passphrase = readFileSync(pgp("passphrase.txt"), "utf8").trim();
const plain = readFileSync(fixture("new-clients.xlsx"));
const sha256 = createHash("sha256").update(plain).digest("hex");
const rsaKey = ["--key", pgp("developer-rsa.sec.asc")];
const key25519 = ["--key", pgp("developer-25519.sec.gpg")];
const verify = ["--verify-key", pgp("sender.pub.asc")];
const withPassphrase = { MDIMPORT_PASSPHRASE: passphrase };

/** Every file below `dir`, as bytes. */
function filesBelow(dir: string): Buffer[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path));
}

describe("mdimport reads OpenPGP-encrypted sheets made by GnuPG", () => {
  it.each([
    ["RSA-3072, binary, unsigned, compressed", "new-clients.rsa.xlsx.gpg", rsaKey, withPassphrase],
    [
      "RSA-3072, binary, signed, uncompressed",
      "new-clients.rsa.signed.xlsx.gpg",
      [...rsaKey, ...verify],
      withPassphrase,
    ],
    ["cv25519, armored, signed", "new-clients.25519.signed.xlsx.asc", [...key25519, ...verify], {}],
    ["a password (symmetric)", "new-clients.password.xlsx.gpg", ["--password-file", pgp("password.txt")], {}],
  ])("%s", (_, file, args, env) => {
    const dir = tempDir();
    const privateTmp = tempDir("mdimport-private-tmp-");
    const run = runCli(["validate", pgp(file), "--script", "new-clients", "--out", join(dir, "out"), ...args], {
      env: { ...env, TMPDIR: privateTmp },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    const report = readJson<{ input: { sha256: string } } & Parameters<typeof flatRows>[0]>(
      join(dir, "out", "report.json"),
    );
    expect(report.input.sha256).toBe(sha256);
    expect(flatRows(report)).toEqual(readJson<FlatRow[]>(fixture("new-clients.expected.json")));
    // The decrypted workbook was never written: no file the run made equals it.
    for (const bytes of [...filesBelow(join(dir, "out")), ...filesBelow(privateTmp)])
      expect(bytes.equals(plain)).toBe(false);
    expect(readdirSync(privateTmp)).toEqual([]);
  });

  it("reads the passphrase from --passphrase-file", () => {
    const dir = tempDir();
    const run = runCli([
      "validate",
      pgp("new-clients.rsa.xlsx.gpg"),
      "--script",
      "new-clients",
      "--out",
      join(dir, "out"),
      ...rsaKey,
      "--passphrase-file",
      pgp("passphrase.txt"),
    ]);
    expect(run.code).toBe(1);
  });
});

describe("mdimport reads AEAD-encrypted sheets (RFC 9580 SEIPDv2), as newer OpenPGP tools make them", () => {
  // NOTE: the machine's GnuPG (2.2) cannot make AEAD files, so openpgp makes them here; GnuPG
  // 2.4's own OCB packets (LibrePGP) remain untested against a real GnuPG 2.4.
  for (const aead of ["ocb", "eax", "gcm"] as const) {
    it(`${aead}: opens, and an altered file stops with exit 3`, async () => {
      const dir = tempDir();
      const message: openpgp.Message<Uint8Array> = await openpgp.createMessage({ binary: new Uint8Array(plain) });
      const made: unknown = await openpgp.encrypt({
        message,
        passwords: "geheim wachtwoord",
        format: "binary",
        config: { aeadProtect: true, preferredAEADAlgorithm: openpgp.enums.aead[aead] },
      });
      if (!(made instanceof Uint8Array)) throw new Error("openpgp did not return binary data");
      const encrypted = made;
      const file = join(dir, `new-clients.${aead}.xlsx.gpg`);
      const password = join(dir, "password.txt");
      writeFileSync(file, encrypted);
      writeFileSync(password, "geheim wachtwoord\n");
      const run = runCli([
        "validate",
        file,
        "--script",
        "new-clients",
        "--out",
        join(dir, "out"),
        "--password-file",
        password,
      ]);
      expect(run.stderr).toBe("");
      expect(readJson<{ input: { sha256: string } }>(join(dir, "out", "report.json")).input.sha256).toBe(sha256);

      const altered = Uint8Array.from(encrypted);
      altered[altered.length - 40]! ^= 1;
      writeFileSync(file, altered);
      const refused = runCli([
        "validate",
        file,
        "--script",
        "new-clients",
        "--out",
        join(dir, "out2"),
        "--password-file",
        password,
      ]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/altered after it was encrypted \(its integrity check failed\)/);
    });
  }
});

describe("mdimport says clearly why an encrypted sheet does not open (exit code 3)", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "wrong-passphrase.txt"), "not the passphrase\n");
  writeFileSync(join(dir, "wrong-password.txt"), "not the password\n");
  it.each([
    [
      "no key or password",
      "new-clients.rsa.xlsx.gpg",
      [],
      {},
      /is OpenPGP-encrypted: give --key .* or --password-file/,
    ],
    [
      "no passphrase for a protected key",
      "new-clients.rsa.xlsx.gpg",
      rsaKey,
      {},
      /protected by a passphrase: set MDIMPORT_PASSPHRASE or give --passphrase-file/,
    ],
    [
      "a wrong passphrase",
      "new-clients.rsa.xlsx.gpg",
      [...rsaKey, "--passphrase-file", join(dir, "wrong-passphrase.txt")],
      {},
      /passphrase for the private key developer-rsa\.sec\.asc is wrong/,
    ],
    [
      "the wrong private key",
      "new-clients.other-recipient.xlsx.gpg",
      rsaKey,
      withPassphrase,
      /was encrypted to key ID [0-9A-F]{16}, not to the key given \(developer-rsa\.sec\.asc, key ID [0-9A-F]{16}/,
    ],
    [
      "a wrong password",
      "new-clients.password.xlsx.gpg",
      ["--password-file", join(dir, "wrong-password.txt")],
      {},
      /password for the input file new-clients\.password\.xlsx\.gpg is wrong, or the file was altered/,
    ],
    [
      "unsigned where a signature is asked for",
      "new-clients.rsa.xlsx.gpg",
      [...rsaKey, ...verify],
      withPassphrase,
      /is not signed, but --verify-key sender\.pub\.asc asks for a signature/,
    ],
    [
      "signed by another key",
      "new-clients.other-signer.xlsx.gpg",
      [...key25519, ...verify],
      {},
      /no valid signature by the sender: signed by key ID [0-9A-F]{16}, not by the key given/,
    ],
    [
      "tampered, with a verify key",
      "new-clients.tampered.xlsx.gpg",
      [...rsaKey, ...verify],
      withPassphrase,
      /altered or damaged after it was encrypted: its integrity check failed/,
    ],
    [
      "tampered, without a verify key",
      "new-clients.tampered.xlsx.gpg",
      rsaKey,
      withPassphrase,
      /altered or damaged after it was encrypted: its integrity check failed/,
    ],
    [
      "truncated",
      "new-clients.truncated.xlsx.gpg",
      rsaKey,
      withPassphrase,
      /damaged or cut short|integrity check failed/,
    ],
    [
      "a plain workbook where a signature is asked for",
      "../new-clients.xlsx",
      verify,
      {},
      /not OpenPGP-encrypted or signed, but --verify-key asks for a signature/,
    ],
    [
      "a public key given as the private key",
      "new-clients.rsa.xlsx.gpg",
      ["--key", pgp("sender.pub.asc")],
      {},
      /given with --key is not an OpenPGP private key/,
    ],
  ])("%s", (_, file, args, env, message) => {
    const run = runCli(["validate", pgp(file), "--script", "new-clients", "--out", join(dir, "out"), ...args], {
      env: { MDIMPORT_PASSPHRASE: undefined, ...env },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).not.toContain(passphrase);
  });

  it("refuses --key and --password-file together as a usage error", () => {
    const run = runCli([
      "validate",
      pgp("new-clients.rsa.xlsx.gpg"),
      "--script",
      "new-clients",
      ...rsaKey,
      "--password-file",
      pgp("password.txt"),
    ]);
    expect(run.code).toBe(2);
  });
});

describe("secrets stay secret", () => {
  it("the passphrase and the password appear in no output, log, report or message", () => {
    const password = readFileSync(pgp("password.txt"), "utf8").trim();
    const runs = [
      { args: ["validate", pgp("new-clients.rsa.signed.xlsx.gpg"), ...rsaKey, ...verify], env: withPassphrase },
      {
        args: [
          "test-run",
          pgp("new-clients.password.xlsx.gpg"),
          "--password-file",
          pgp("password.txt"),
          "--db",
          join(tempDir(), "p.sqlite"),
        ],
        env: {},
      },
      { args: ["validate", pgp("new-clients.other-signer.xlsx.gpg"), ...key25519, ...verify], env: {} },
      {
        args: ["validate", pgp("new-clients.rsa.xlsx.gpg"), ...rsaKey, "--debug"],
        env: { MDIMPORT_PASSPHRASE: "wrong-but-secret-passphrase" },
      },
    ];
    for (const { args, env } of runs) {
      const out = join(tempDir(), "out");
      const run = runCli([...args, "--script", "new-clients", "--out", out], { env });
      const texts = [
        run.stdout,
        run.stderr,
        ...readdirSyncSafe(out).map((name) => readFileSync(join(out, name)).toString("latin1")),
      ];
      for (const secret of [passphrase, password, "wrong-but-secret-passphrase"]) {
        for (const text of texts) expect(text.includes(secret), `${secret} in the output of ${args[0]}`).toBe(false);
      }
    }
  });
});

function readdirSyncSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
