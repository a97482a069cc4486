import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { basename } from "node:path";
import * as openpgp from "openpgp";
import { InputError } from "../shared/errors.js";
import { useFastS2K } from "./s2k.js";

/** How to open an OpenPGP-encrypted input. Secrets come from files or the environment, never arguments. */
export interface DecryptOptions {
  /** The recipient's private key file (armored or binary). */
  key?: string;
  /** The key's passphrase (from MDIMPORT_PASSPHRASE or --passphrase-file). */
  passphrase?: string;
  /** A file holding the password of a password-encrypted (symmetric) input. */
  passwordFile?: string;
  /** The sender's public key: the input must carry a valid signature by it. */
  verifyKey?: string;
}

/** Largest decompressed size: gpg compresses by default, so an input could be a compression bomb. */
export const maxDecryptedBytes = 2 * 1024 ** 3;

const hexId = (id: openpgp.KeyID) => id.toHex().toUpperCase();
const ARMOR = /^\s*-----BEGIN PGP /;

async function readKeyFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new InputError(
      `Cannot read the ${what} ${basename(path)}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : (error as Error).message}.`,
      {
        cause: error,
      },
    );
  }
}

const asText = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

/** The password in a password file: its text without the line break at its end. */
export async function readPassword(path: string): Promise<string> {
  return asText(await readKeyFile(path, "password file")).replace(/\r?\n$/, "");
}

export async function readPrivateKey(path: string): Promise<openpgp.PrivateKey> {
  const bytes = await readKeyFile(path, "private key");
  try {
    return ARMOR.test(asText(bytes.subarray(0, 100)))
      ? await openpgp.readPrivateKey({ armoredKey: asText(bytes) })
      : await openpgp.readPrivateKey({ binaryKey: bytes });
  } catch (error) {
    throw new InputError(
      `The file ${basename(path)} given with --key is not an OpenPGP private key (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
}

export async function readPublicKey(path: string): Promise<openpgp.PublicKey> {
  const bytes = await readKeyFile(path, "public key");
  try {
    return ARMOR.test(asText(bytes.subarray(0, 100)))
      ? await openpgp.readKey({ armoredKey: asText(bytes) })
      : await openpgp.readKey({ binaryKey: bytes });
  } catch (error) {
    throw new InputError(`The file ${basename(path)} is not an OpenPGP public key (${(error as Error).message}).`, {
      cause: error,
    });
  }
}

export async function unlock(
  key: openpgp.PrivateKey,
  passphrase: string | undefined,
  name: string,
): Promise<openpgp.PrivateKey> {
  if (key.isDecrypted()) return key;
  if (passphrase === undefined) {
    throw new InputError(
      `The private key ${name} is protected by a passphrase: set MDIMPORT_PASSPHRASE or give --passphrase-file.`,
    );
  }
  useFastS2K(key.getKeys().map((k) => k.keyPacket));
  try {
    return await openpgp.decryptKey({ privateKey: key, passphrase });
  } catch (error) {
    throw new InputError(`The passphrase for the private key ${name} is wrong.`, { cause: error });
  }
}

/**
 * Decrypts an OpenPGP message in memory (the decrypted workbook never touches the disk) and,
 * with a verify key, requires a valid signature by it. Every way it can go wrong is one
 * sentence with exit code 3.
 */
export async function decryptInput(
  path: string,
  armored: boolean,
  options: DecryptOptions,
  inputName: string,
): Promise<Uint8Array> {
  // NOTE: allowUnauthenticatedStream lets openpgp hand over the plaintext in pieces before the
  // integrity check at the end, instead of holding all of it back itself: that took peak RSS
  // for a 50 MB file from 4.8× to 3.8× the file. Nothing here uses a piece before the stream has
  // ended without error (a failed check, an altered or cut-short file, errors at the end), and
  // what came in is wiped when it does fail; only then is the signature checked.
  const config = { maxDecompressedMessageSize: maxDecryptedBytes, allowUnauthenticatedStream: true };
  let message: openpgp.Message<ReadableStream<Uint8Array> | ReadableStream<string>>;
  try {
    // NOTE: streamed from the file, so that the ciphertext is never held whole as well; the
    // plaintext is still only used once all of it is in and checked (see below).
    message = armored
      ? await openpgp.readMessage({
          armoredMessage: Readable.toWeb(
            createReadStream(path, { encoding: "utf8", highWaterMark: CHUNK }),
          ) as ReadableStream<string>,
          config,
        })
      : await openpgp.readMessage({
          binaryMessage: Readable.toWeb(createReadStream(path, { highWaterMark: CHUNK })) as ReadableStream<Uint8Array>,
          config,
        });
  } catch (error) {
    throw new InputError(
      `The input file ${inputName} looks OpenPGP-encrypted but cannot be read as an OpenPGP message: it is damaged or cut short.`,
      { cause: error },
    );
  }
  refuseWrongSecret(message, options, inputName);
  const secrets: Pick<openpgp.DecryptOptions, "decryptionKeys" | "passwords"> = {};
  if (options.key) {
    const name = basename(options.key);
    const key = await unlock(await readPrivateKey(options.key), options.passphrase, name);
    const wanted = message.getEncryptionKeyIDs();
    const ours = key.getKeyIDs();
    if (wanted.length > 0 && !wanted.some((id) => ours.some((own) => own.equals(id)))) {
      throw new InputError(
        `The input file ${inputName} was encrypted to key ID ${wanted.map(hexId).join(", ")}, not to the key given (${name}, key ID ${ours.map(hexId).join(", ")}).`,
      );
    }
    secrets.decryptionKeys = key;
  } else if (options.passwordFile) {
    secrets.passwords = await readPassword(options.passwordFile);
  } else {
    throw new InputError(
      `The input file ${inputName} is OpenPGP-encrypted: give --key (the private key it was encrypted to) or --password-file.`,
    );
  }
  const verificationKey = options.verifyKey ? await usableSenderKey(options.verifyKey) : undefined;

  let signatures: openpgp.DecryptMessageResult["signatures"];
  // The plaintext is about as long as the file (a workbook barely compresses): one buffer of
  // that size, grown only if the file was compressed, rather than pieces joined at the end.
  let data = Buffer.alloc((await stat(path)).size);
  let length = 0;
  try {
    const result = await openpgp.decrypt({
      message: message as openpgp.Message<ReadableStream<Uint8Array>>,
      ...secrets,
      ...(verificationKey ? { verificationKeys: verificationKey } : {}),
      expectSigned: false,
      format: "binary",
      config,
    });
    signatures = result.signatures;
    // The pieces arrive before the integrity check (MDC or AEAD) at the end has passed
    // (allowUnauthenticatedStream, above); a failed check surfaces as an error while reading.
    // Nothing is used before all of it is read without error and, below, the signature is checked.
    for await (const chunk of result.data as AsyncIterable<Uint8Array>) {
      if (length + chunk.length > data.length) {
        const larger = Buffer.alloc(Math.max(data.length * 2, length + chunk.length));
        data.copy(larger, 0, 0, length);
        data.fill(0);
        data = larger;
      }
      data.set(chunk, length);
      length += chunk.length;
    }
  } catch (error) {
    data.fill(0);
    throw new InputError(decryptFailure(error, inputName, Boolean(secrets.passwords)), { cause: error });
  }
  data = data.subarray(0, length);
  if (verificationKey) {
    try {
      await requireSignature(signatures, verificationKey, inputName, options.verifyKey ?? "");
    } catch (error) {
      data.fill(0);
      throw error;
    }
  }
  return data;
}

const CHUNK = 1024 * 1024;

/**
 * A file encrypted only with a password, given a key, or only to keys, given a password, is
 * told so: OpenPGP's own words ("No public key encrypted session key packet found") say nothing
 * to the user.
 */
function refuseWrongSecret(message: openpgp.Message<unknown>, options: DecryptOptions, inputName: string): void {
  const toKeys = message.getEncryptionKeyIDs();
  const withPassword = message.packets.filterByTag(openpgp.enums.packet.symEncryptedSessionKey).length > 0;
  if (options.key && toKeys.length === 0 && withPassword) {
    throw new InputError(
      `The input file ${inputName} is encrypted with a password, not to a key: give --password-file instead of --key.`,
    );
  }
  if (!options.key && options.passwordFile && toKeys.length > 0 && !withPassword) {
    throw new InputError(
      `The input file ${inputName} is encrypted to a key (key ID ${toKeys.map(hexId).join(", ")}), not with a password: give --key instead of --password-file.`,
    );
  }
}

/**
 * The sender's key, refused when it has expired or been revoked: a signature by it says
 * nothing about who sends the sheet now.
 */
async function usableSenderKey(path: string): Promise<openpgp.PublicKey> {
  const key = await readPublicKey(path);
  const name = basename(path);
  if (await key.isRevoked())
    throw new InputError(`The sender's key ${name} has been revoked; ask the sender for their current key.`);
  const expires = await key.getExpirationTime();
  if (expires instanceof Date && expires.getTime() < Date.now()) {
    throw new InputError(
      `The sender's key ${name} expired on ${expires.toISOString().slice(0, 10)}; ask the sender for their current key.`,
    );
  }
  return key;
}

function decryptFailure(error: unknown, inputName: string, password: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  // With the plaintext streamed, a wrong session key (a wrong password) or an altered file may
  // also show as decrypted bytes that do not parse, before the integrity check is reached.
  if (
    /Modification detected|tag mismatch|authenticat|MDC|integrity|Error during parsing|does not conform/i.test(message)
  ) {
    // NOTE: with a password, a wrong one yields a wrong session key, which fails the same
    // integrity check as an altered file; OpenPGP offers no way to tell the two apart.
    return password
      ? `The password for the input file ${inputName} is wrong, or the file was altered after it was encrypted (its integrity check failed).`
      : `The input file ${inputName} has been altered or damaged after it was encrypted: its integrity check failed.`;
  }
  if (password && /Error decrypting message|Session key decryption failed|password/i.test(message))
    return `The password for the input file ${inputName} is wrong.`;
  if (/expired/i.test(message)) return `The key for the input file ${inputName} has expired.`;
  if (/revoked/i.test(message)) return `The key for the input file ${inputName} has been revoked.`;
  if (/too large|decompressed/i.test(message))
    return `The input file ${inputName} decompresses to more than ${maxDecryptedBytes / 1024 ** 3} GiB; it is refused.`;
  return `The input file ${inputName} cannot be decrypted: it is damaged or cut short (${message}).`;
}

async function requireSignature(
  signatures: openpgp.VerifyMessageResult["signatures"],
  key: openpgp.PublicKey,
  inputName: string,
  keyFile: string,
): Promise<void> {
  const name = basename(keyFile);
  if (signatures.length === 0)
    throw new InputError(
      `The input file ${inputName} is not signed, but --verify-key ${name} asks for a signature by the sender.`,
    );
  const ours = key.getKeyIDs();
  const failures: string[] = [];
  for (const signature of signatures) {
    if (!ours.some((id) => id.equals(signature.keyID))) {
      failures.push(
        `signed by key ID ${hexId(signature.keyID)}, not by the key given (${name}, key ID ${ours.map(hexId).join(", ")})`,
      );
      continue;
    }
    try {
      await signature.verified;
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(
        /expired/i.test(message)
          ? "its signing key has expired"
          : /revoked/i.test(message)
            ? "its signing key has been revoked"
            : "its signature does not match the content (altered after signing)",
      );
    }
  }
  throw new InputError(`The input file ${inputName} has no valid signature by the sender: ${failures.join("; ")}.`);
}
