import { rmSync } from "node:fs";
import { join } from "node:path";
import type { EncryptKeys } from "../input/encrypt.js";
import { OutFile, writeOutFile } from "../shared/out-dir.js";

/**
 * Writes a workbook into `dir` as `name`, or only encrypted as `name`.gpg; the other of the
 * two, from an earlier start, is removed, since it is out of date.
 */
export async function writeWorkbookFile(
  dir: string,
  name: string,
  write: (sink: (chunk: Uint8Array) => void) => Promise<void>,
  encryptTo?: EncryptKeys | null,
): Promise<void> {
  if (encryptTo) {
    // Only the encrypted workbook reaches the disk: it is built in memory first.
    const chunks: Uint8Array[] = [];
    await write((chunk) => chunks.push(chunk));
    const { encryptBytes } = await import("../input/encrypt.js");
    writeOutFile(dir, `${name}.gpg`, await encryptBytes(Buffer.concat(chunks), encryptTo));
    rmSync(join(dir, name), { force: true });
    return;
  }
  const file = new OutFile(dir, name);
  try {
    await write((chunk) => file.write(chunk));
  } catch (error) {
    // A half-written workbook never takes the place of a whole one.
    file.discard();
    throw error;
  }
  file.close();
  rmSync(join(dir, `${name}.gpg`), { force: true });
}
