import { UsageError } from "../../shared/errors.js";

/**
 * Plausible other platforms that `platform serve --variant` plays, so that the HTTP adapter's
 * tolerance is tested for real rather than against a server that answers exactly what the
 * adapter assumes (http/api.ts). Each variant contradicts one assumption or leaves out one thing
 * the public API 2 reference does not promise.
 */
export interface ServeVariants {
  /** Professionals carry no `roles` field in any answer (the public object documents none); GET {roles} answers them. */
  noRolesInList: boolean;
  /** Lists answer at most this many accounts per page, whatever `limit` asks; `start` reaches the rest. */
  pageSize: number | null;
  /** POST /c and POST /p answer 204 without a body (and without a Location header). */
  createEmpty: boolean;
  /** The per-account routes (activation, roles, professionals) exist only where @links say; the guessed paths answer 404. */
  linksOnly: boolean;
  /** Fields that are accepted on create and PATCH and not stored. */
  dropsFields: string[];
}

export const plainServe: ServeVariants = {
  noRolesInList: false,
  pageSize: null,
  createEmpty: false,
  linksOnly: false,
  dropsFields: [],
};

/** The variant names `--variant` takes. */
export const variantNames = ["no-roles-in-list", "paged", "create-empty", "links-only", "drops-field=NAME"] as const;

/** The default page size of the `paged` variant. */
export const defaultVariantPageSize = 100;

/** `--variant NAME[,NAME]` (and `--page-size` for `paged`) to the variants; an unknown name is a usage error. */
export function parseVariants(text: string | undefined, pageSize: number = defaultVariantPageSize): ServeVariants {
  const variants: ServeVariants = { ...plainServe, dropsFields: [] };
  for (const name of (text ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean)) {
    const dropped = /^drops-field=([a-z_]+)$/.exec(name);
    if (dropped) variants.dropsFields.push(dropped[1]!);
    else if (name === "no-roles-in-list") variants.noRolesInList = true;
    else if (name === "paged") variants.pageSize = pageSize;
    else if (name === "create-empty") variants.createEmpty = true;
    else if (name === "links-only") variants.linksOnly = true;
    else
      throw new UsageError(
        `--variant ${name} is not a variant platform serve plays; choose from ${variantNames.join(", ")}.`,
      );
  }
  if (pageSize < 1) throw new UsageError("--page-size must be at least 1.");
  return variants;
}
