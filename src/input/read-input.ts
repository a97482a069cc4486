import { createHash } from "node:crypto";
import { open, readFile } from "node:fs/promises";
import { basename } from "node:path";
import { readReason } from "../shared/safe-fs.js";
import { InputError } from "../shared/errors.js";
import type { DecryptOptions } from "./decrypt.js";
import { detectInput } from "./detect.js";

export type { DecryptOptions };

/** The workbook bytes of an input file, in memory only, with their sha256. */
export interface InputBytes {
  bytes: Uint8Array;
  sha256: string;
  encrypted: boolean;
}

/**
 * Reads an input file, decrypts it in memory if it is OpenPGP-encrypted (recognised by
 * content, not by name), and makes sure a workbook came out. Every other kind of file is
 * refused with what to do about it. The sha256 is that of the (decrypted) workbook.
 */
export async function readInput(path: string, decrypt: DecryptOptions = {}): Promise<InputBytes> {
  const name = basename(path);
  // The head tells what the file is; an encrypted one is then streamed, never held whole.
  const head = await readHead(path, name);
  const kind = detectInput(head);
  if (kind === "pgp-armored" || kind === "pgp-binary") {
    // openpgp is loaded only for encrypted input: it costs a tenth of a second at start.
    const { decryptInput } = await import("./decrypt.js");
    const bytes = await decryptInput(path, kind === "pgp-armored", decrypt, name);
    requireWorkbook(bytes, `${name} (decrypted)`);
    return { bytes, sha256: sha256(bytes), encrypted: true };
  }
  if (decrypt.verifyKey) {
    throw new InputError(
      `The input file ${name} is not OpenPGP-encrypted or signed, but --verify-key asks for a signature by the sender.`,
    );
  }
  const raw = await readWhole(path, name);
  requireWorkbook(raw, name);
  return { bytes: raw, sha256: sha256(raw), encrypted: false };
}

const HEAD = 64 * 1024;

async function readHead(path: string, name: string): Promise<Uint8Array> {
  try {
    const file = await open(path, "r");
    try {
      const buffer = Buffer.alloc(HEAD);
      const { bytesRead } = await file.read(buffer, 0, HEAD, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw cannotRead(error, name);
  }
}

async function readWhole(path: string, name: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw cannotRead(error, name);
  }
}

function cannotRead(error: unknown, name: string): InputError {
  return new InputError(`Cannot read the input file ${name}: ${readReason(error)}.`, { cause: error });
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function requireWorkbook(bytes: Uint8Array, name: string): void {
  switch (detectInput(bytes)) {
    case "xlsx":
      return;
    case "pgp-armored":
    case "pgp-binary":
      throw new InputError(`The input file ${name} is encrypted twice over; decrypt the outer layer first.`);
    case "ods":
      throw new InputError(
        `The input file ${name} is an OpenDocument spreadsheet (.ods), not an Excel workbook (.xlsx); save it as .xlsx and try again.`,
      );
    case "xls":
      throw new InputError(
        `The input file ${name} is in the old Excel format (.xls), not an Excel workbook (.xlsx); save it as .xlsx and try again.`,
      );
    case "ole-encrypted":
      throw new InputError(
        `The input file ${name} is protected with an Excel password; remove the password (OpenPGP protects the file in transit) and save it as .xlsx.`,
      );
    case "text":
      throw new InputError(
        `The input file ${name} is a text file (perhaps .csv), not an Excel workbook (.xlsx); open it in a spreadsheet program and save it as .xlsx.`,
      );
    default:
      throw new InputError(`The input file ${name} is not an Excel workbook (.xlsx).`);
  }
}
