import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { encryptBytes, readEncryptKeys } from "../input/encrypt.js";
import { InputError } from "../shared/errors.js";
import { writeOutFile } from "../shared/out-dir.js";

export interface EncryptOptions {
  file: string;
  to: string;
  signKey?: string;
  passphrase?: string;
  out?: string;
  cwd: string;
}

/**
 * `mdimport encrypt`: for the organisation that sends a sheet. Encrypts it to the developer's
 * public key (and signs it with the sender's key), writing `<file>.gpg`.
 */
export async function encryptCommand(options: EncryptOptions): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(resolve(options.cwd, options.file));
  } catch (error) {
    throw new InputError(`Cannot read ${basename(options.file)}: ${(error as Error).message}.`, { cause: error });
  }
  const keys = await readEncryptKeys(options.to, options.signKey, options.passphrase);
  const path = resolve(options.cwd, options.out ?? `${options.file}.gpg`);
  writeOutFile(dirname(path), basename(path), await encryptBytes(bytes, keys));
  return path;
}
