import { basename } from "node:path";
import type { DecryptOptions } from "../input/decrypt.js";
import type { EncryptKeys } from "../input/encrypt.js";
import { UsageError } from "../shared/errors.js";

/** What decides how report.xlsx is written; the options of every sheet command. */
export interface ReportEncryptionOptions {
  /** The requesters' public key files (--encrypt-report-to, any number of times). */
  encryptReportTo?: readonly string[];
  /** --plain-report: an encrypted input's report.xlsx written unencrypted all the same. */
  plainReport?: boolean;
  /** How the input was opened: its key (whose public part opens the report) or password. */
  decrypt?: DecryptOptions;
  /** Whether the input was OpenPGP-encrypted (readInput tells). */
  encrypted: boolean;
  /** Hears the one-sentence warning when an encrypted input's report is written plain. */
  onWarning?: (sentence: string) => void;
}

/**
 * The one place that decides whether report.xlsx (with the sheet's personal data) is written
 * encrypted, and to whom: null writes it plain. A plain input's report is encrypted only to
 * the --encrypt-report-to keys, if any. An encrypted input's report is never written plain
 * (unless --plain-report, with a warning): it is encrypted to every --encrypt-report-to key
 * and to whoever opened the input, the public part of --key or the --password-file password.
 */
export async function reportEncryption(options: ReportEncryptionOptions): Promise<EncryptKeys | null> {
  const requesters = options.encryptReportTo ?? [];
  if (options.plainReport && requesters.length > 0) {
    throw new UsageError(
      "Give --plain-report or --encrypt-report-to, not both: --plain-report writes report.xlsx unencrypted.",
    );
  }
  if (options.plainReport) {
    if (options.encrypted) {
      options.onWarning?.(
        "--plain-report: report.xlsx holds the encrypted input's personal data unencrypted on disk; delete it once it has been handed over.",
      );
    }
    return null;
  }
  if (!options.encrypted) {
    return requesters.length > 0 ? (await import("../input/encrypt.js")).readEncryptKeys(requesters) : null;
  }
  // openpgp is already loaded: the input was decrypted with it.
  const [{ readEncryptKeys, encryptionKey }, { readPassword, readPrivateKey }] = await Promise.all([
    import("../input/encrypt.js"),
    import("../input/decrypt.js"),
  ]);
  const { key, passwordFile } = options.decrypt ?? {};
  const keys = await readEncryptKeys(
    requesters,
    undefined,
    undefined,
    passwordFile ? [await readPassword(passwordFile)] : [],
  );
  if (key) keys.to.push(await encryptionKey((await readPrivateKey(key)).toPublic(), basename(key)));
  return keys;
}
