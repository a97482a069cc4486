import type { PlatformIndex } from "../platform/platform.js";
import {
  clientAccountSchema,
  defaultsOf,
  professionalAccountSchema,
  type ClientAccount,
  type ProfessionalAccount,
} from "../platform/accounts.js";
import type { Reason, SheetRef } from "../scripts/reasons.js";
import { getScript } from "../scripts/index.js";
import { createsKind, linksAccounts, type ScriptName } from "../scripts/script.js";
import type { RowResult, Status } from "./analyse.js";
import type { Operation, PlannedRow } from "./plan.js";

type Values = Readonly<Record<string, unknown>>;
type Kind = "client" | "professional";

type Named = "md_id" | "id" | "email" | "first_name" | "infix" | "last_name";
// NOTE: the cast says every field besides the names has a default in the model; a new field
// without one (a required one) would be missing here at run time, not at compile time.
const pendingClient = defaultsOf(clientAccountSchema) as Omit<ClientAccount, Named>;
const pendingProfessional = defaultsOf(professionalAccountSchema) as Omit<ProfessionalAccount, Named | "role">;

/** The order a workbook's sheets are planned in: every account sheet before the relations. */
export const planOrder = (script: ScriptName): number => (linksAccounts(getScript(script)) ? 1 : 0);

/** What a create row leaves for the other sheets: its keys, and its names for report.xlsx (in memory only). */
interface CreateRow {
  id: string | null;
  email: string | null;
  /** A client's BSN (the platform keeps it unique over the clients). */
  bsn: string | null;
  first_name: string;
  infix: string | null;
  last_name: string;
}

interface CreateSheet {
  position: number;
  kind: Kind;
  /** An update sheet: its planned rows' changed keys conflict with the creates, but it creates nothing. */
  update: boolean;
  rows: Map<number, CreateRow>;
  results?: RowResult[];
}

/** Statuses of a create row whose account will exist (or may, in validate) after a run. */
const LIVE: ReadonlySet<Status> = new Set(["valid", "planned", "unchanged"]);
/** Statuses of a create row that is not carried out: a relation to its account cannot be either. */
const GONE: ReadonlySet<Status> = new Set(["invalid", "duplicate", "dropout"]);

const text = (values: Values, field: string): string | null => {
  const value = values[field];
  return typeof value === "string" ? value : null;
};

/** A pending account's Minddistrict ID: never 32 hex digits, so never a real one. */
export const pendingMdId = (ref: SheetRef): string => `pending:${ref.sheet}:${ref.row}`;

/** The row a pending Minddistrict ID stands for, or undefined for a real one. */
export function pendingRef(mdId: string): SheetRef | undefined {
  const match = /^pending:(\d+):(\d+)$/.exec(mdId);
  return match ? { sheet: Number(match[1]), row: Number(match[2]) } : undefined;
}

/**
 * A link to pending accounts with the Minddistrict IDs their rows got in the run (`mdIdOf`: from
 * this start's results or the journal), or, where a row it depends on has none (it dropped out,
 * failed, or was not carried out), the `depends_on_row` reasons naming those rows. A link
 * without a pending account is given back as it is.
 */
export function resolvePending(
  operation: Extract<Operation, { kind: "link" }>,
  mdIdOf: (ref: SheetRef) => string | undefined,
): { operation: Extract<Operation, { kind: "link" }> } | { reasons: Reason[] } {
  const relation = { ...operation.relation };
  const reasons: Reason[] = [];
  for (const [key, field] of [
    ["professional_md_id", "professional_id"],
    ["client_md_id", "client_id"],
  ] as const) {
    const ref = pendingRef(relation[key]);
    if (!ref) continue;
    const mdId = mdIdOf(ref);
    if (mdId === undefined || pendingRef(mdId)) reasons.push({ code: "depends_on_row", field, ref });
    else relation[key] = mdId;
  }
  return reasons.length > 0 ? { reasons } : { operation: { kind: "link", relation } };
}

/**
 * The plan of a workbook's sheets together (pure; the commands feed it): the create rows'
 * keys as each account sheet is read, then across the sheets the e-mail addresses (one account
 * over both kinds) and source IDs (per kind) that two sheets use for different rows, the planned
 * creates as pending accounts of the platform index, and the relations planned against them.
 */
export class WorkbookPlan {
  private readonly creates: CreateSheet[] = [];
  /** The first relations row that links each (professional, client) pair, by the pair's Minddistrict IDs. */
  private readonly links = new Map<string, SheetRef>();
  /** Relations rows that link a pair an earlier relations sheet links: sheet → row → that earlier row. */
  private readonly repeats = new Map<number, Map<number, SheetRef>>();

  /** What to hear a sheet's rows with while it is analysed (undefined for a sheet that creates no account). */
  observer(position: number, script: ScriptName): ((values: Values, row: number) => void) | undefined {
    const def = getScript(script);
    const creates = createsKind(def);
    const kind =
      creates ??
      (def.operations.includes("update-client")
        ? "client"
        : def.operations.includes("update-professional")
          ? "professional"
          : null);
    if (!kind) return undefined;
    const sheet: CreateSheet = { position, kind, update: creates === null, rows: new Map() };
    this.creates.push(sheet);
    return (values, row) => {
      sheet.rows.set(row, {
        id: text(values, "id"),
        email: text(values, "email"),
        bsn: kind === "client" ? text(values, "bsn") : null,
        first_name: text(values, "first_name") ?? "",
        infix: text(values, "infix"),
        last_name: text(values, "last_name") ?? "",
      });
    };
  }

  /**
   * The outcomes of a sheet, once analysed (and settled). A relations row that links what a row of
   * an earlier relations sheet links becomes `duplicate` `duplicate_in_file` naming that row (within
   * one sheet the sheet's own dedupe says it): the pair is linked once, not refused the second time.
   */
  analysed(position: number, results: RowResult[]): void {
    const sheet = this.creates.find((s) => s.position === position);
    if (sheet) sheet.results = results;
    const repeats = this.repeats.get(position);
    for (const result of repeats ? results : []) {
      const ref = repeats?.get(result.row);
      if (!ref || result.status !== "planned") continue;
      result.status = "duplicate";
      result.action = "none";
      result.reasons = [{ code: "duplicate_in_file", ref }];
      delete result.md_id;
      delete result.depends_on;
    }
  }

  /**
   * Marks the create rows that another sheet contradicts: an e-mail address in two sheets (a new
   * client and a new professional: the platform keeps e-mail unique over both), or a source ID in
   * two sheets of the same kind, or a client's BSN in two sheets; an update row counts with the keys
   * it changes. Both rows become `duplicate` `conflict_in_file`, each naming the other's sheet and
   * row. Rows already invalid or duplicate are left as they are.
   */
  markConflicts(): void {
    const seen = new Map<string, { sheet: CreateSheet; result: RowResult }>();
    for (const sheet of this.creates) {
      for (const result of sheet.results ?? []) {
        if (!LIVE.has(result.status) || result.status === "unchanged") continue;
        const row = sheet.rows.get(result.row);
        const keys: [string, string | null][] = [
          ["email", row?.email ?? null],
          ["id", row?.id == null ? null : `${sheet.kind}\u0000${row.id}`],
          ["bsn", row?.bsn ?? null],
        ];
        for (const [field, value] of keys) {
          if (value === null) continue;
          // An update takes a key only where it changes it (the account holds the others already).
          if (sheet.update && !result.changes?.includes(field)) continue;
          const key = `${field}\u0000${value}`;
          const earlier = seen.get(key);
          if (!earlier) {
            seen.set(key, { sheet, result });
            continue;
          }
          if (earlier.sheet === sheet) continue; // within one sheet: the sheet's own dedupe said it
          conflict(earlier.result, field, { sheet: sheet.position, row: result.row });
          conflict(result, field, { sheet: earlier.sheet.position, row: earlier.result.row });
        }
      }
    }
  }

  /** The planned create rows enter the index as pending accounts, found by source ID. */
  addPending(index: PlatformIndex): void {
    for (const sheet of this.creates) {
      if (sheet.update) continue;
      for (const result of sheet.results ?? []) {
        const row = sheet.rows.get(result.row);
        if (result.status !== "planned" || !row || row.id === null) continue;
        const md_id = pendingMdId({ sheet: sheet.position, row: result.row });
        const account = {
          md_id,
          id: row.id,
          email: row.email ?? "",
          first_name: row.first_name,
          infix: row.infix,
          last_name: row.last_name,
        };
        // Every other field as the account model's defaults have it (a relation needs only the keys and names).
        if (sheet.kind === "client") index.addClient({ ...pendingClient, ...account });
        else index.addProfessional({ ...pendingProfessional, ...account, role: null });
      }
    }
  }

  /**
   * Source ID → the create row it belongs to, per kind, for the IDs no row carries out: every create
   * row with that ID ended invalid, a duplicate or a dropout.
   */
  private goneRows(): Record<Kind, Map<string, SheetRef>> {
    const gone: Record<Kind, Map<string, SheetRef>> = { client: new Map(), professional: new Map() };
    const live: Record<Kind, Set<string>> = { client: new Set(), professional: new Set() };
    for (const sheet of this.creates) {
      if (sheet.update) continue;
      for (const result of sheet.results ?? []) {
        const id = sheet.rows.get(result.row)?.id;
        if (id === null || id === undefined) continue;
        if (LIVE.has(result.status)) live[sheet.kind].add(id);
        else if (GONE.has(result.status) && !gone[sheet.kind].has(id))
          gone[sheet.kind].set(id, { sheet: sheet.position, row: result.row });
      }
    }
    for (const kind of ["client", "professional"] as const) for (const id of live[kind]) gone[kind].delete(id);
    return gone;
  }

  /**
   * A relations planner over the index with its pending accounts: a relation naming the source ID
   * of a create row that is not carried out is `dropout` `depends_on_row` naming that row; one that
   * links a pending account is planned, depending on the row that creates it. `position` is the
   * relations sheet's: a pair an earlier relations sheet links is noted for `analysed`.
   */
  relations(
    plan: (values: Values, row: number) => PlannedRow,
    position: number,
  ): (values: Values, row: number) => PlannedRow {
    const gone = this.goneRows();
    return (values, row) => {
      const reasons: Reason[] = [];
      for (const kind of ["professional", "client"] as const) {
        const id = text(values, `${kind}_id`);
        const ref = id === null ? undefined : gone[kind].get(id);
        if (ref) reasons.push({ code: "depends_on_row", field: `${kind}_id`, ref });
      }
      if (reasons.length > 0) return { status: "dropout", action: "link", reasons };
      const planned = plan(values, row);
      if (planned.operation?.kind !== "link") return planned;
      const { professional_md_id: professional, client_md_id: client } = planned.operation.relation;
      const pair = `${professional}\u0000${client}`;
      const first = this.links.get(pair);
      if (!first) this.links.set(pair, { sheet: position, row });
      else if (first.sheet !== position) {
        let repeats = this.repeats.get(position);
        if (!repeats) this.repeats.set(position, (repeats = new Map<number, SheetRef>()));
        repeats.set(row, first);
      }
      const dependsOn = [pendingRef(professional), pendingRef(client)].filter(
        (ref): ref is SheetRef => ref !== undefined,
      );
      return dependsOn.length > 0 ? { ...planned, depends_on: dependsOn } : planned;
    };
  }
}

/** A create row another sheet contradicts: `duplicate` `conflict_in_file`, naming the other row. */
function conflict(result: RowResult, field: string, ref: SheetRef): void {
  if (result.status === "duplicate" && result.reasons.some((r) => r.code === "conflict_in_file" && r.field === field))
    return;
  const reason: Reason = { code: "conflict_in_file", field, ref };
  result.reasons = result.status === "duplicate" ? [...result.reasons, reason] : [reason];
  result.status = "duplicate";
  result.action = "none";
  delete result.md_id;
  delete result.conflict;
  delete result.depends_on;
}
