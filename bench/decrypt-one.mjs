// Decrypts one file with mdimport's decryption stage (from dist), as `validate --key` would.
import { readFileSync } from "node:fs";
import { decryptInput } from "../dist/input/decrypt.js";

const [file, key, passphraseFile] = process.argv.slice(2);
const bytes = await decryptInput(
  file,
  false,
  { key, passphrase: readFileSync(passphraseFile, "utf8").trim() },
  "bench",
);
console.log(`decrypted ${bytes.length} bytes`);
