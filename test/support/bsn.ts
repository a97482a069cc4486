import { passesElevenTest } from "../../src/scripts/fields.js";

/** Synthetic BSNs that pass the eleven-test, from a counter: never a real person's by intent. */
export function* generateBsns(start = 100_000_000, prefix = ""): Generator<string> {
  for (let n = start; ; n++) {
    const body = (prefix + String(n)).slice(0, 8).padStart(8, "0");
    for (let check = 0; check <= 9; check++) {
      const candidate = body + check;
      if (passesElevenTest(candidate)) {
        yield candidate;
        break;
      }
    }
  }
}
