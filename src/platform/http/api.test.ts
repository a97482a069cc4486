import { describe, expect, it } from "vitest";
import { refusalMessages, routeTable, routePattern, routes, routeUrl, ruleOfMessages, type RouteName } from "./api.js";

describe("ruleOfMessages", () => {
  // Wordings a platform may plausibly use, Dutch and English (and a little German), with the
  // field named before or after the words that say it is taken.
  const cases: [string, string | undefined][] = [
    ["A user with this email address already exists.", "email_in_use"],
    ["Email address already in use", "email_in_use"],
    ["email: This e-mail address is already taken.", "email_in_use"],
    ["This email address is not unique.", "email_in_use"],
    ["Er bestaat al een gebruiker met dit e-mailadres.", "email_in_use"],
    ["E-mailadres is al in gebruik", "email_in_use"],
    ["Dit e-mailadres wordt al gebruikt.", "email_in_use"],
    ["Het e-mailadres moet uniek zijn.", "email_in_use"],
    ["Diese E-Mail-Adresse wird bereits verwendet.", "email_in_use"],
    ["A user with this ID already exists.", "external_id_in_use"],
    ["This ID is already in use", "external_id_in_use"],
    ["id: value must be unique", "external_id_in_use"],
    ["Er bestaat al een gebruiker met dit ID.", "external_id_in_use"],
    ["Deze ID is al in gebruik.", "external_id_in_use"],
    ["A client with this BSN already exists.", "bsn_in_use"],
    ["BSN bestaat al", "bsn_in_use"],
    ["Er bestaat al een cliënt met dit BSN.", "bsn_in_use"],
    ["Dit burgerservicenummer is al in gebruik.", "bsn_in_use"],
    ["This professional is already linked to this client.", "relation_exists"],
    ["Deze behandelaar is al gekoppeld aan deze cliënt.", "relation_exists"],
    // Not a rule mdimport can name: the row is failed with api_error and the platform's words.
    ["Invalid email address", undefined],
    ["Ongeldig e-mailadres", undefined],
    ["ID must be 32 characters", undefined],
    ["BSN is ongeldig (elfproef).", undefined],
    ["Het veld e-mailadres is verplicht.", undefined],
    ["This value is already in use.", undefined],
    ["Deze waarde is al in gebruik.", undefined],
    ["The request breaks a rule of the platform.", undefined],
    ["", undefined],
  ];
  for (const [message, rule] of cases) {
    it(`${JSON.stringify(message)} → ${rule ?? "no rule"}`, () => {
      expect(ruleOfMessages([message])).toBe(rule);
    });
  }

  it("reads every message of an answer, and the server's own sentences name their own rule", () => {
    expect(ruleOfMessages(["Something else.", "BSN bestaat al"])).toBe("bsn_in_use");
    for (const { rule, message } of refusalMessages) expect(ruleOfMessages([message])).toBe(rule);
  });
});

describe("the route table", () => {
  it("spells {account} as the read route of its kind, and builds URLs from links or paths", () => {
    expect(routePattern(routes, "activateClient")).toBe("/c/{id}/activation");
    expect(routePattern(routes, "readRoles")).toBe("/p/{id}/roles");
    const base = "https://x.example/api/2";
    expect(routeUrl(routes, "lookupClient", base, { id: "A/1" })).toBe(`${base}/aux/client/id/A%2F1`);
    expect(routeUrl(routes, "activateProfessional", base, { account: `${base}/p/abc/` })).toBe(
      `${base}/p/abc/activation`,
    );
    expect(routeUrl(routes, "listClients", base)).toBe(`${base}/c/items`);
  });

  it("gives one URL per link: routes that share a link share its path", () => {
    const byLink = new Map<string, string>();
    for (const name of Object.keys(routes) as RouteName[]) {
      const entry = routes[name] as { link?: { on: string; name: string }; path: string };
      if (!entry.link) continue;
      const key = `${entry.link.on}:${entry.link.name}`;
      expect(byLink.get(key) ?? entry.path, `${name}`).toBe(entry.path);
      byLink.set(key, entry.path);
    }
  });

  it("copies with one entry changed and leaves the table itself alone", () => {
    const copy = routeTable({ readRoles: { path: "{account}/groups" } });
    expect(copy.readRoles.path).toBe("{account}/groups");
    expect(routes.readRoles.path).toBe("{account}/roles");
    expect(copy.setRoles).toEqual(routes.setRoles);
  });
});
