import { basename } from "node:path";
import * as openpgp from "openpgp";
import { InputError } from "../shared/errors.js";
import { readPrivateKey, readPublicKey, unlock } from "./decrypt.js";

export interface EncryptKeys {
  to: openpgp.PublicKey;
  sign?: openpgp.PrivateKey;
}

/** Reads the recipient's public key and, to sign, the sender's private key (unlocked). */
export async function readEncryptKeys(to: string, signKey: string | undefined, passphrase: string | undefined): Promise<EncryptKeys> {
  const recipient = await readPublicKey(to);
  try {
    await recipient.getEncryptionKey();
  } catch (error) {
    throw new InputError(`The key ${basename(to)} cannot be encrypted to: ${(error as Error).message}.`, { cause: error });
  }
  if (!signKey) return { to: recipient };
  return { to: recipient, sign: await unlock(await readPrivateKey(signKey), passphrase, basename(signKey)) };
}

/** Encrypts (and signs) bytes to an OpenPGP binary message, in memory, as GnuPG reads it. */
export async function encryptBytes(bytes: Uint8Array, keys: EncryptKeys): Promise<Uint8Array> {
  const message = await openpgp.createMessage({ binary: bytes });
  const encrypted: unknown = await openpgp.encrypt({
    message,
    encryptionKeys: keys.to,
    ...(keys.sign ? { signingKeys: keys.sign } : {}),
    format: "binary",
  });
  if (!(encrypted instanceof Uint8Array)) throw new Error("openpgp did not return binary data");
  return encrypted;
}
