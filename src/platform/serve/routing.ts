import { routePattern, type AccountKind, type RouteName, type RouteTable } from "../http/api.js";

/** A request matched against the route table: which route, and the `{id}` it names (decoded). */
export type RouteMatch =
  { kind: "route"; name: RouteName; id: string | undefined } | { kind: "not_found" } | { kind: "method_not_allowed" };

interface Compiled {
  name: RouteName;
  method: string;
  regex: RegExp;
  /** Literal segments win over `{id}`: /c/items is the list, not an account named "items". */
  params: number;
  /** A route on an account that the platform names by a link (activation, roles, professionals). */
  linked: boolean;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The table's routes as regular expressions over the path below the API root. */
export function compileRoutes(table: RouteTable): Compiled[] {
  return (Object.keys(table) as RouteName[])
    .map((name) => {
      const entry = table[name];
      const pattern = routePattern(table, name);
      const parts = pattern.split("{id}");
      return {
        name,
        method: entry.method,
        regex: new RegExp(`^${parts.map(escape).join("([^/]+)")}$`),
        params: parts.length - 1,
        linked: entry.link !== undefined && entry.link.on !== "application",
      };
    })
    .sort((a, b) => a.params - b.params);
}

/**
 * Matches a method and a path (below the API root, no trailing slash, still URL-encoded):
 * 404 where no route's path fits, 405 where one fits with another method. `guessed: false`
 * (the variant links-only) answers 404 for the routes on an account reached by their path
 * rather than by the link the platform gave.
 */
export function matchRoute(
  compiled: readonly Compiled[],
  method: string,
  path: string,
  options: { guessed: boolean } = { guessed: true },
): RouteMatch {
  let pathFits = false;
  for (const route of compiled) {
    const found = route.regex.exec(path);
    if (!found || (route.linked && !options.guessed)) continue;
    pathFits = true;
    if (route.method !== method) continue;
    let id: string | undefined;
    try {
      id = found[1] === undefined ? undefined : decodeURIComponent(found[1]);
    } catch {
      return { kind: "not_found" };
    }
    return { kind: "route", name: route.name, id };
  }
  return pathFits ? { kind: "method_not_allowed" } : { kind: "not_found" };
}

/** The routes on an account of a kind that a link of this name stands for (links-only: /links/{id}/{name}). */
export function routesOfLink(table: RouteTable, kind: AccountKind, linkName: string): RouteName[] {
  return (Object.keys(table) as RouteName[]).filter(
    (name) => table[name].link?.on === kind && table[name].link?.name === linkName,
  );
}
