import type {
  ClientAccount,
  ClientChanges,
  NewClient,
  NewProfessional,
  ProfessionalAccount,
  ProfessionalChanges,
  Relation,
} from "../platform.js";

export type AccountKind = "client" | "professional";

/**
 * What `platform serve` needs of the store it answers from, and no more: synchronous reads and
 * writes of one account or relation at a time. The writes throw PlatformRuleError on a broken
 * rule (the server turns it into API 2's 400). The local store (local/local-platform.ts) is one,
 * structurally; the server knows no adapter, as unstorage's server is handed a Storage rather
 * than one driver.
 */
export interface ServerStore {
  /** The account with this Minddistrict ID, or undefined. */
  find(kind: "client", mdId: string): ClientAccount | undefined;
  find(kind: "professional", mdId: string): ProfessionalAccount | undefined;
  /** The account with this source ID, or undefined. */
  findBySourceId(kind: AccountKind, id: string): ClientAccount | ProfessionalAccount | undefined;
  /** One page of accounts of a kind, in Minddistrict ID order. */
  list(kind: "client", start: number, limit: number): ClientAccount[];
  list(kind: "professional", start: number, limit: number): ProfessionalAccount[];
  /** The Minddistrict IDs of the professionals that treat this client. */
  professionalsOf(clientMdId: string): string[];
  createClientNow(client: NewClient): ClientAccount;
  createProfessionalNow(professional: NewProfessional): ProfessionalAccount;
  updateNow(
    kind: AccountKind,
    mdId: string,
    changes: ClientChanges | ProfessionalChanges,
  ): ClientAccount | ProfessionalAccount;
  /** Activates or deactivates an account. */
  setActive(kind: AccountKind, mdId: string, active: boolean): void;
  linkNow(relation: Relation): void;
}
