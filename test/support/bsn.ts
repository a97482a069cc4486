import { passesElevenTest } from "../../src/scripts/fields.js";

/**
 * Synthetic BSNs that pass the eleven-test, one per counter value (the first eight digits are
 * `prefix` and the counter, so start below 10^(8 - prefix length)): never a real person's by intent.
 */
export function* generateBsns(start = 10_000_000, prefix = ""): Generator<string> {
  for (let n = start; ; n++) {
    const body = (prefix + String(n)).padStart(8, "0");
    if (body.length > 8) throw new Error("generateBsns: the counter has run past eight digits");
    for (let check = 0; check <= 9; check++) {
      const candidate = body + check;
      if (passesElevenTest(candidate)) {
        yield candidate;
        break;
      }
    }
  }
}
