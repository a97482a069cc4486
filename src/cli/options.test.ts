import { describe, expect, it } from "vitest";
import { parseWelcomeMail } from "./options.js";

describe("parseWelcomeMail (--welcome-mail)", () => {
  it.each([
    ["yes", { clients: "yes", professionals: "yes" }],
    ["no", { clients: "no", professionals: "no" }],
    ["YES", { clients: "yes", professionals: "yes" }],
    ["clients=yes,professionals=no", { clients: "yes", professionals: "no" }],
    ["professionals=no,clients=yes", { clients: "yes", professionals: "no" }],
    ["clients=no", { clients: "no" }],
    ["professionals=yes", { professionals: "yes" }],
    [" Clients = No , professionals=YES", { clients: "no", professionals: "yes" }],
  ])("%j", (value, answers) => {
    expect(parseWelcomeMail(value)).toEqual(answers);
  });

  it.each([
    ["ja", '"ja" is not one of yes, no.'],
    ["", '"" is not one of yes, no.'],
    [
      "client=yes",
      '"client" is not a kind of account: give clients=yes|no and/or professionals=yes|no, or one answer yes or no for both.',
    ],
    ["clients=maybe", 'the answer for clients must be yes or no, not "maybe".'],
    ["clients=yes=no", 'the answer for clients must be yes or no, not "yes=no".'],
    ["clients=yes,clients=no", "clients is answered twice."],
    [
      "clients=yes,",
      '"" is not a kind of account: give clients=yes|no and/or professionals=yes|no, or one answer yes or no for both.',
    ],
  ])("refuses %j", (value, message) => {
    expect(() => parseWelcomeMail(value)).toThrow(message);
  });
});
