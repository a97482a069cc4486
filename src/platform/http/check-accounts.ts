import { randomBytes } from "node:crypto";
import { routeOf } from "./answer-body.js";
import { roleOfGroups, routeUrl, type AccountKind, type RouteName } from "./api.js";
import { links, listAnswer, rolesAnswer, shapeOf } from "./answers.js";
import { names, type FactCheck } from "./check-facts.js";
import { Probe, type Item } from "./check-probe.js";

const lookupRoute: Record<AccountKind, RouteName> = { client: "lookupClient", professional: "lookupProfessional" };
const activateRoute: Record<AccountKind, RouteName> = {
  client: "activateClient",
  professional: "activateProfessional",
};
const needs: Record<AccountKind, FactCheck["needed_by"]> = {
  client: ["new-clients"],
  professional: ["new-professionals"],
};

/** The probes on one listed account: its roles, its activation and professionals links, the look-ups by source ID. */
export class AccountProbes extends Probe {
  /** A professional's groups (assumed: professionalRoles): its roles link, else the table's path; and the path where a link differs. */
  protected async roles(professional: Item | undefined): Promise<void> {
    if (!professional)
      return this.add("readRoles", "professionalRoles", "not_checkable", "the list holds no professional", [
        "new-professionals",
        "update-professionals",
      ]);
    const { target, via, guessed } = this.routeOn(professional, "readRoles");
    const answer = await this.get(target, "readRoles");
    const read = rolesAnswer.safeParse(answer.body);
    const other =
      guessed === target
        ? ""
        : `; the path ${routeOf(guessed)} answers ${(await this.get(guessed, "readRoles")).status} (mdimport follows the link)`;
    if (answer.status === 200 && read.success) {
      const known = read.data.roles.some((g) => roleOfGroups([g]) !== undefined);
      return this.add(
        "readRoles",
        "professionalRoles",
        "confirmed",
        `GET ${via} answered 200 with roles: a list of ${read.data.roles.length}${known ? "" : ", no group mdimport knows"}${other}`,
        ["new-professionals", "update-professionals"],
      );
    }
    this.add(
      "readRoles",
      "professionalRoles",
      "contradicted",
      `GET ${via} answered ${answer.status} with ${shapeOf(answer.body)}${other}`,
      ["new-professionals", "update-professionals"],
    );
  }

  /** Activation is a POST: its link is trusted (known); the path is tried with GET, which must not answer 404. */
  protected async activation(kind: AccountKind, item: Item | undefined): Promise<void> {
    const route = activateRoute[kind];
    if (!item) return this.add(route, "activation", "not_checkable", `the list holds no ${kind}`, needs[kind]);
    const { linked, guessed } = this.routeOn(item, route);
    const status = (await this.get(guessed, route)).status;
    const path = `GET ${routeOf(guessed)} answered ${status}${status === 405 ? " (the route is there; POST is not tried)" : ""}`;
    if (linked)
      return this.add(
        route,
        "links",
        "confirmed",
        `the ${kind} gives an activation link, which mdimport follows; ${path}`,
        needs[kind],
      );
    this.add(
      route,
      "activation",
      status === 404 ? "contradicted" : "confirmed",
      `no activation link on the ${kind}; ${path}`,
      needs[kind],
    );
  }

  /** A client's professionals (assumed: relations): only a link, from the list item or else the client itself. */
  protected async relations(client: Item | undefined): Promise<void> {
    if (!client)
      return this.add("listRelations", "relations", "not_checkable", "the list holds no client", ["relations"]);
    let item = client;
    if (!Array.isArray(client["@links"]) || client["@links"].length === 0) {
      const read = await this.get(this.own(String(client["@url"])), "readClient");
      this.add(
        "readClient",
        "readAccount",
        read.status === 200 ? "confirmed" : "contradicted",
        `GET ${routeOf(this.own(String(client["@url"])))} answered ${read.status}`,
        ["relations"],
      );
      item = (read.body && typeof read.body === "object" ? read.body : {}) as Item;
    }
    const { target, via, linked } = this.routeOn(item, "listRelations");
    if (!linked && this.table.listRelations.guess === false) {
      const given = links.safeParse(item["@links"]).data ?? [];
      return this.add(
        "listRelations",
        "relations",
        "contradicted",
        `the client's @links hold no ${this.table.listRelations.link?.name ?? ""} link (they hold: ${names(given.map((l) => l.name))})`,
        ["relations"],
      );
    }
    const answer = await this.get(target, "listRelations");
    const page = listAnswer.safeParse(answer.body);
    const ok = answer.status === 200 && page.success;
    this.add(
      "listRelations",
      "relations",
      ok ? "confirmed" : "contradicted",
      `GET ${via} answered ${answer.status}${ok ? ` with @items: ${page.data["@items"].length} professionals` : ` with ${shapeOf(answer.body)}`}`,
      ["relations"],
    );
  }

  /** The look-up by source ID: a listed account's ID finds that account; an ID that cannot exist answers 404 (assumed). */
  protected async lookups(kind: AccountKind, items: Item[]): Promise<void> {
    const route = lookupRoute[kind];
    const withId = items.find((i) => typeof i.id === "string" && i.id.trim() !== "");
    if (withId) {
      const answer = await this.get(routeUrl(this.table, route, this.base, { id: String(withId.id) }), route);
      const same = (answer.body as Item | null)?.["@url"] === withId["@url"];
      this.add(
        route,
        "lookupById",
        answer.status === 200 && same ? "confirmed" : "contradicted",
        `GET ${routeOf(routeUrl(this.table, route, this.base, { id: "x" }))} with a listed ${kind}'s source ID answered ${answer.status}${answer.status === 200 ? (same ? " with that account" : " with another object") : ""}`,
        needs[kind],
      );
    } else this.add(route, "lookupById", "not_checkable", `no listed ${kind} has a source ID`, needs[kind]);
    const missing = routeUrl(this.table, route, this.base, { id: `mdimport-check-${randomBytes(12).toString("hex")}` });
    const answer = await this.get(missing, route);
    const notFound = this.table[route].notFound.includes(answer.status);
    this.add(
      `${route} not found`,
      "lookupNotFound",
      notFound ? "confirmed" : "contradicted",
      `GET ${routeOf(missing)} with an ID no account has answered ${answer.status}${notFound ? "" : ` with ${shapeOf(answer.body)}`}`,
      needs[kind],
    );
  }
}
