import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { readPassword } from "../input/decrypt.js";
import { encryptBytes, readEncryptKeys } from "../input/encrypt.js";
import { InputError, UsageError } from "../shared/errors.js";
import { writeOutFile } from "../shared/out-dir.js";
import { exists } from "../shared/safe-fs.js";

export interface EncryptOptions {
  file: string;
  /** The recipients' public key files (the developer, a colleague): any one of them opens the file. */
  to: readonly string[];
  /** A file holding a password that opens the file as well (symmetric, as the support pages' web tool offers). */
  passwordFile?: string;
  signKey?: string;
  passphrase?: string;
  /** ASCII armor instead of binary; the default name is then <file>.asc. */
  armor?: boolean;
  out?: string;
  /** Replace an existing out file (without it, an existing file is never overwritten, as with `template`). */
  force?: boolean;
  cwd: string;
}

/**
 * The password of --password-file; an empty one would protect nothing, and one of several
 * lines could not be typed, nor given to `gpg --passphrase-file`, which reads the first line only.
 */
async function readEncryptPassword(file: string): Promise<string> {
  const password = await readPassword(file);
  if (password === "") throw new InputError(`The password file ${basename(file)} is empty.`);
  if (/[\r\n]/.test(password))
    throw new InputError(
      `The password file ${basename(file)} has more than one line; put the password alone on its first line.`,
    );
  return password;
}

/**
 * `mdimport encrypt`: for the organisation that sends a sheet. Encrypts it to each --to key
 * and/or with a password (and signs it with the sender's key), writing `<file>.gpg` (or
 * `<file>.asc` armored). The plaintext goes nowhere but into the encrypted out file.
 */
export async function encryptCommand(options: EncryptOptions): Promise<string> {
  if (options.to.length === 0 && !options.passwordFile) {
    throw new UsageError("Give --to PUBLIC_KEY (repeatable) or --password-file FILE, or both.");
  }
  const path = resolve(options.cwd, options.out ?? `${options.file}${options.armor ? ".asc" : ".gpg"}`);
  // NOTE: as `template`: an existing file may be the only copy of something, so it is replaced only with --force.
  const refusal = () => new UsageError(`${path} already exists; give --force to replace it.`);
  if (!options.force && exists(path)) throw refusal();
  let bytes: Uint8Array;
  try {
    bytes = await readFile(resolve(options.cwd, options.file));
  } catch (error) {
    throw new InputError(`Cannot read ${basename(options.file)}: ${(error as Error).message}.`, { cause: error });
  }
  const passwords = options.passwordFile ? [await readEncryptPassword(resolve(options.cwd, options.passwordFile))] : [];
  const keys = await readEncryptKeys(
    options.to.map((to) => resolve(options.cwd, to)),
    options.signKey && resolve(options.cwd, options.signKey),
    options.passphrase,
    passwords,
  );
  const encrypted = await encryptBytes(bytes, keys, { armor: Boolean(options.armor) });
  try {
    writeOutFile(dirname(path), basename(path), encrypted, { replace: Boolean(options.force) });
  } catch (error) {
    // Made by someone else while the file was being encrypted.
    if (!options.force && error instanceof UsageError && exists(path)) throw refusal();
    throw error;
  }
  return path;
}
