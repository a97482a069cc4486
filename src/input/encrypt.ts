import { basename } from "node:path";
import * as openpgp from "openpgp";
import { InputError } from "../shared/errors.js";
import { readPrivateKey, readPublicKey, unlock } from "./decrypt.js";

/** Whom bytes are encrypted to: public keys and passwords (any one opens them), and who signs. */
export interface EncryptKeys {
  to: openpgp.PublicKey[];
  passwords?: string[];
  sign?: openpgp.PrivateKey;
}

/** A public key that can be encrypted to; `name` is how the message names it. */
export async function encryptionKey(key: openpgp.PublicKey, name: string): Promise<openpgp.PublicKey> {
  try {
    await key.getEncryptionKey();
  } catch (error) {
    throw new InputError(`The key ${name} cannot be encrypted to: ${(error as Error).message}.`, { cause: error });
  }
  return key;
}

/**
 * Reads the recipients' public key files and, to sign, the sender's private key (unlocked);
 * `passwords` open the message as well as any of the keys.
 */
export async function readEncryptKeys(
  to: string | readonly string[],
  signKey?: string,
  passphrase?: string,
  passwords: readonly string[] = [],
): Promise<EncryptKeys> {
  const recipients: openpgp.PublicKey[] = [];
  for (const path of typeof to === "string" ? [to] : to)
    recipients.push(await encryptionKey(await readPublicKey(path), basename(path)));
  return {
    to: recipients,
    ...(passwords.length > 0 ? { passwords: [...passwords] } : {}),
    ...(signKey ? { sign: await unlock(await readPrivateKey(signKey), passphrase, basename(signKey)) } : {}),
  };
}

/**
 * Encrypts (and signs) bytes to an OpenPGP message, in memory, as GnuPG reads it: binary, or
 * with `armor` ASCII armored (for mail and web forms that mangle binary attachments).
 */
export async function encryptBytes(
  bytes: Uint8Array,
  keys: EncryptKeys,
  options: { armor?: boolean } = {},
): Promise<Uint8Array> {
  const message = await openpgp.createMessage({ binary: bytes });
  const secrets = {
    ...(keys.to.length > 0 ? { encryptionKeys: keys.to } : {}),
    ...(keys.passwords ? { passwords: keys.passwords } : {}),
    ...(keys.sign ? { signingKeys: keys.sign } : {}),
  };
  if (options.armor) {
    const armored: unknown = await openpgp.encrypt({ message, ...secrets, format: "armored" });
    if (typeof armored !== "string") throw new Error("openpgp did not return armored text");
    return new TextEncoder().encode(armored);
  }
  const encrypted: unknown = await openpgp.encrypt({ message, ...secrets, format: "binary" });
  if (!(encrypted instanceof Uint8Array)) throw new Error("openpgp did not return binary data");
  return encrypted;
}
