/** What the bytes of an input file are, judged by content rather than by name. */
export type InputKind = "xlsx" | "pgp-armored" | "pgp-binary" | "ods" | "xls" | "ole-encrypted" | "text" | "unknown";

const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** OpenPGP packet tags a message may start with: session keys, signatures, compressed, encrypted data. */
const PGP_FIRST_TAGS = new Set([1, 2, 3, 4, 8, 9, 11, 18, 20]);

export function detectInput(bytes: Uint8Array): InputKind {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
    return head.includes("mimetypeapplication/vnd.oasis.opendocument") ? "ods" : "xlsx";
  }
  if (OLE.every((b, i) => bytes[i] === b)) {
    // Excel's own password protection wraps the workbook in an OLE file with an EncryptedPackage stream.
    const text = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 64 * 1024))).toString("utf16le");
    return text.includes("EncryptedPackage") ? "ole-encrypted" : "xls";
  }
  const start = new TextDecoder("latin1")
    .decode(bytes.subarray(0, 1024))
    .replace(/^\ufeff/, "")
    .trimStart();
  if (start.startsWith("-----BEGIN PGP MESSAGE-----")) return "pgp-armored";
  const first = bytes[0];
  if (first !== undefined && first & 0x80) {
    const tag = first & 0x40 ? first & 0x3f : (first >> 2) & 0x0f;
    if (PGP_FIRST_TAGS.has(tag)) return "pgp-binary";
  }
  if (bytes.length > 0 && !bytes.subarray(0, 4096).includes(0)) return "text";
  return "unknown";
}
