import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fixture, onCleanup, tempDir } from "./cli.js";

const pgp = (name: string) => fixture(`pgp/${name}`);
export const fixturePassphrase = readFileSync(pgp("passphrase.txt"), "utf8").trim();

/**
 * GnuPG in a throw-away home with the fixture keys imported: the developer's RSA secret key
 * and the public keys of the sender and of someone else. (CI installs gnupg with apt.)
 */
export function gpgWithFixtureKeys() {
  const home = tempDir("mdimport-gnupg-");
  // gpg starts a gpg-agent for the home on first use, and it outlives gpg: end it before the
  // folder is removed (cleanups run latest first).
  onCleanup(() => void spawnSync("gpgconf", ["--homedir", home, "--kill", "all"]));
  const gpg = (args: string[], input?: Buffer) =>
    spawnSync(
      "gpg",
      ["--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback", "--trust-model", "always", ...args],
      {
        input,
        encoding: "buffer",
      },
    );
  gpg(["--passphrase", fixturePassphrase, "--import", pgp("developer-rsa.sec.asc")]);
  gpg(["--import", pgp("other.pub.asc")]);
  gpg(["--import", pgp("sender.pub.asc")]);
  return {
    /** Decrypts (and checks any signature of) a file; returns the plaintext and what gpg said. */
    decrypt(file: string) {
      const out = join(tempDir(), "plain");
      const result = gpg(["--passphrase", fixturePassphrase, "--status-fd", "2", "--output", out, "--decrypt", file]);
      const stderr = result.stderr.toString("utf8");
      return { code: result.status, stderr, plain: result.status === 0 ? readFileSync(out) : null };
    },
  };
}
