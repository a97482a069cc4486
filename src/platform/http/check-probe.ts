import { PlatformError } from "../../shared/errors.js";
import { apiFacts, apiRoot, routeUrl, type AccountKind, type RouteName, type RouteTable } from "./api.js";
import { links, type Fact } from "./answers.js";
import { routeOf } from "./answer-body.js";
import { allScripts, plainName, type FactCheck } from "./check-facts.js";
import { ApiUnavailable, type HttpClient, type ApiAnswer } from "./client.js";

/** One account as a list page gave it, before any reading. */
export type Item = Record<string, unknown>;

/** Statuses a probe looks at itself rather than stopping on (401 only where the token is checked). */
export const probe = [400, 403, 404, 405, 406, 409, 410, 422];

export const listRoute: Record<AccountKind, RouteName> = { client: "listClients", professional: "listProfessionals" };

/** What every probe of `platform check` shares: the client, the table, the lines found so far. */
export class Probe {
  readonly checks: FactCheck[] = [];
  protected readonly base: string;

  constructor(
    protected readonly client: HttpClient,
    protected readonly url: URL,
    protected readonly table: RouteTable,
  ) {
    this.base = `${url.origin}${apiRoot}`;
  }

  protected add(
    fact: string,
    basisOf: Fact,
    status: FactCheck["status"],
    seen: string,
    neededBy: FactCheck["needed_by"] = allScripts,
  ): void {
    this.checks.push({ fact, basis: apiFacts[basisOf].basis, status, seen, needed_by: neededBy });
  }

  /** A URL the platform gave, on the --platform origin (as the adapter uses it). */
  protected own(given: string): string {
    const target = new URL(given, `${this.base}/`);
    return `${this.url.origin}${target.pathname}${target.search}`;
  }

  protected async get(target: string, route: RouteName, accept: readonly number[] = probe): Promise<ApiAnswer> {
    try {
      return await this.client.request("GET", target, undefined, {
        route,
        accept,
        answer: route.startsWith("list") ? "page" : "object",
      });
    } catch (error) {
      if (error instanceof ApiUnavailable)
        throw new PlatformError(`Cannot reach the platform at ${this.url.host}: ${error.message}.`, { cause: error });
      throw error;
    }
  }

  protected page(path: string, start: number, limit: number): string {
    const target = new URL(path);
    target.searchParams.set("start", String(start));
    target.searchParams.set("limit", String(limit));
    return target.href;
  }

  /** Where a route on an account goes: its link (named), else the table's path on its @url; and that path. */
  protected routeOn(item: Item, route: RouteName): { target: string; via: string; guessed: string; linked: boolean } {
    const accountUrl = this.own(String(item["@url"]));
    const guessed = routeUrl(this.table, route, this.base, { account: accountUrl });
    const name = this.table[route].link?.name;
    const given = links.safeParse(item["@links"]).data?.find((l) => l.name === name);
    return given
      ? {
          target: this.own(new URL(given.url, accountUrl).href),
          via: `its ${plainName(name ?? "") ?? "named"} link (${routeOf(this.own(new URL(given.url, accountUrl).href))})`,
          guessed,
          linked: true,
        }
      : { target: guessed, via: routeOf(guessed), guessed, linked: false };
  }
}
