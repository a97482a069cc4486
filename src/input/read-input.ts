import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { InputError } from "../shared/errors.js";
import { detectInput } from "./detect.js";

/** The workbook bytes of an input file, in memory only, with their sha256. */
export interface InputBytes {
  bytes: Uint8Array;
  sha256: string;
}

/**
 * Reads an input file and makes sure it is a workbook. Every other kind of file is refused
 * with what to do about it.
 */
export async function readInput(path: string): Promise<InputBytes> {
  let raw: Uint8Array;
  try {
    raw = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "it does not exist"
        : code === "EISDIR"
          ? "it is a folder"
          : code === "EACCES"
            ? "permission denied"
            : (error as Error).message;
    throw new InputError(`Cannot read the input file ${basename(path)}: ${why}.`, { cause: error });
  }
  const name = basename(path);
  switch (detectInput(raw)) {
    case "xlsx":
      return { bytes: raw, sha256: createHash("sha256").update(raw).digest("hex") };
    case "pgp-armored":
    case "pgp-binary":
      // NOTE: decryption is the stage before this one and is not built yet.
      throw new InputError(
        `The input file ${name} is OpenPGP-encrypted, and decryption (--key, --password-file) is not yet available in this version of mdimport.`,
      );
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
