import { describe, expect, it } from "vitest";
import { num, text } from "../../test/support/cells.js";
import { AmericanDateDetector } from "./american-dates.js";

const serial = (iso: string) =>
  Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000 + 25_569;

describe("AmericanDateDetector", () => {
  it("suspects swappable date cells when text dates show day/month order", () => {
    const detector = new AmericanDateDetector();
    detector.add(0, num(serial("1985-05-03"), "date"));
    detector.add(1, text("13/05/1980"));
    detector.add(2, num(serial("1990-01-20"), "date"));
    detector.add(3, num(serial("1977-07-07"), "date"));
    detector.add(4, undefined);
    expect(detector.suspectRows()).toEqual([0]);
  });

  it("suspects nothing when a text date shows that Excel did not read month/day", () => {
    const detector = new AmericanDateDetector();
    detector.add(0, num(serial("1985-05-03"), "date"));
    detector.add(1, text("13/05/1980"));
    detector.add(2, text("05-03-1985"));
    expect(detector.suspectRows()).toEqual([]);
  });

  it("takes no evidence from dotted dates, which an American Excel never parses", () => {
    const detector = new AmericanDateDetector();
    detector.add(0, num(serial("1985-05-03"), "date"));
    detector.add(1, text("24.12.1975"));
    expect(detector.suspectRows()).toEqual([]);
  });

  it("suspects nothing without such evidence", () => {
    const detector = new AmericanDateDetector();
    detector.add(0, num(serial("1985-05-03"), "date"));
    detector.add(1, text("05/03/1985"));
    detector.add(2, text("1980-05-13"));
    expect(detector.suspectRows()).toEqual([]);
  });
});
