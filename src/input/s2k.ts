import { createHash, getHashes } from "node:crypto";

/**
 * The iterated and salted string-to-key of RFC 4880 §3.7.1.3, as GnuPG protects secret keys
 * with it, fed to the hash piece by piece.
 * NOTE: openpgp 6.3 builds the whole iterated input in memory before hashing it (GnuPG's
 * default count is about 65 MB per key packet, and a key has two), which took 158 ms of the
 * 640 ms a 50 MB file took to decrypt here, and 65 MB of memory at a time. This gives the
 * same bytes (a test checks it against openpgp's own) with at most 64 KiB held.
 */
export function iteratedS2K(
  hash: string,
  salt: Uint8Array,
  passphrase: Uint8Array,
  count: number,
  numBytes: number,
): Uint8Array {
  const data = Buffer.concat([salt, passphrase]);
  const total = Math.max(count, data.length);
  const repeats = Math.max(1, Math.floor(PIECE / data.length));
  const piece = Buffer.concat(Array.from({ length: repeats }, () => data));
  const out: Buffer[] = [];
  let produced = 0;
  for (let prefix = 0; produced < numBytes; prefix++) {
    const digest = createHash(hash);
    if (prefix > 0) digest.update(Buffer.alloc(prefix));
    let left = total;
    while (left > 0) {
      const take = Math.min(left, piece.length);
      digest.update(take === piece.length ? piece : piece.subarray(0, take));
      left -= take;
    }
    const result = digest.digest();
    out.push(result);
    produced += result.length;
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, numBytes));
}

const PIECE = 64 * 1024;

/** OpenPGP hash algorithm IDs (RFC 4880 §9.4) to Node's names. */
const HASHES: Record<number, string> = Object.fromEntries(
  Object.entries({ 1: "md5", 2: "sha1", 3: "ripemd160", 8: "sha256", 9: "sha384", 10: "sha512", 11: "sha224" }).filter(
    ([, name]) => getHashes().includes(name),
  ),
);

/** What openpgp's S2K object is known to look like (6.3); anything else is left alone. */
interface IteratedS2K {
  type: string;
  algorithm: number;
  salt: Uint8Array;
  getCount(): number;
  produceKey(passphrase: string, numBytes: number, config?: unknown): Promise<Uint8Array>;
}

function isIterated(s2k: unknown): s2k is IteratedS2K {
  if (!s2k || typeof s2k !== "object") return false;
  const candidate = s2k as Partial<IteratedS2K>;
  return (
    candidate.type === "iterated" &&
    typeof candidate.algorithm === "number" &&
    HASHES[candidate.algorithm] !== undefined &&
    candidate.salt instanceof Uint8Array &&
    typeof candidate.getCount === "function" &&
    typeof candidate.produceKey === "function"
  );
}

/**
 * Gives the key packets of a key that use the iterated S2K the piecewise one above. Where
 * openpgp's objects are not as expected, nothing changes and openpgp does the work itself.
 */
export function useFastS2K(keyPackets: readonly unknown[]): number {
  let replaced = 0;
  for (const packet of keyPackets) {
    const s2k = packet && typeof packet === "object" ? (packet as { s2k?: unknown }).s2k : undefined;
    if (!isIterated(s2k)) continue;
    const hash = HASHES[s2k.algorithm] as string;
    const { salt } = s2k;
    const count = s2k.getCount();
    s2k.produceKey = (passphrase: string, numBytes: number) =>
      Promise.resolve(iteratedS2K(hash, salt, Buffer.from(passphrase, "utf8"), count, numBytes));
    replaced++;
  }
  return replaced;
}
