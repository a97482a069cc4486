import * as openpgp from "openpgp";
import { describe, expect, it } from "vitest";
import { iteratedS2K, useFastS2K } from "./s2k.js";

interface S2KObject {
  type: string;
  algorithm: number;
  salt: Uint8Array;
  c: number;
  getCount(): number;
  produceKey(passphrase: string, numBytes: number): Promise<Uint8Array>;
}

const s2kOf = (key: openpgp.PrivateKey) => key.getKeys().map((k) => (k.keyPacket as unknown as { s2k: S2KObject }).s2k);

describe("the piecewise iterated S2K", async () => {
  const { privateKey } = await openpgp.generateKey({
    type: "ecc",
    curve: "curve25519Legacy",
    userIDs: [{ name: "S2K test", email: "s2k@voorbeeld.nl" }],
    passphrase: "geheim wachtwoord ü",
    format: "armored",
  });
  const read = () => openpgp.readPrivateKey({ armoredKey: privateKey });

  it("gives exactly openpgp's own bytes for every hash, count and key length", async () => {
    const [s2k] = s2kOf(await read());
    expect(s2k?.type).toBe("iterated");
    const own = Object.getPrototypeOf(s2k) as S2KObject;
    for (const algorithm of [1, 2, 3, 8, 9, 10, 11]) {
      for (const c of [0, 96, 170]) {
        for (const numBytes of [16, 32, 70]) {
          const probe = Object.assign(Object.create(own) as S2KObject, { ...s2k, algorithm, c });
          const theirs = await own.produceKey.call(probe, "geheim wachtwoord ü", numBytes);
          const hash = { 1: "md5", 2: "sha1", 3: "ripemd160", 8: "sha256", 9: "sha384", 10: "sha512", 11: "sha224" }[
            algorithm
          ] as string;
          expect(
            Buffer.from(
              iteratedS2K(hash, probe.salt, Buffer.from("geheim wachtwoord ü"), probe.getCount(), numBytes),
            ).toString("hex"),
          ).toBe(Buffer.from(theirs).toString("hex"));
        }
      }
    }
  });

  it("unlocks a key with the right passphrase and still refuses a wrong one", async () => {
    const key = await read();
    expect(useFastS2K(key.getKeys().map((k) => k.keyPacket))).toBe(2);
    const unlocked = await openpgp.decryptKey({ privateKey: key, passphrase: "geheim wachtwoord ü" });
    expect(unlocked.isDecrypted()).toBe(true);
    const other = await read();
    useFastS2K(other.getKeys().map((k) => k.keyPacket));
    await expect(openpgp.decryptKey({ privateKey: other, passphrase: "fout" })).rejects.toThrow();
  });

  it("leaves alone what does not look like openpgp's iterated S2K", () => {
    expect(useFastS2K([null, {}, { s2k: { type: "argon2" } }, { s2k: { type: "iterated", algorithm: 99 } }])).toBe(0);
  });
});
