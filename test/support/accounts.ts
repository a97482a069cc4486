import type { ClientAccount, NewClient, NewProfessional, ProfessionalAccount } from "../../src/platform/platform.js";

import { countedMdId } from "./sheets.mjs";

/** A Minddistrict ID from a number, for tests. */
export const mdId = countedMdId;

/** Synthetic accounts: client n is C<n>, c<n>@voorbeeld.nl; professional n is P<n>, p<n>@voorbeeld.nl. */
export const newClient = (n: number, fields: Partial<NewClient> = {}): NewClient => ({
  id: `C${n}`,
  email: `c${n}@voorbeeld.nl`,
  first_name: "An",
  infix: null,
  last_name: "Vries",
  gender: "unknown",
  date_of_birth: null,
  phone_number: null,
  bsn: null,
  active: true,
  ...fields,
});

export const newProfessional = (n: number, fields: Partial<NewProfessional> = {}): NewProfessional => ({
  id: `P${n}`,
  email: `p${n}@voorbeeld.nl`,
  first_name: "Piet",
  infix: null,
  last_name: "Jansen",
  role: "professional",
  active: true,
  ...fields,
});

/** The same, as the platform holds them (clients at Minddistrict ID n, professionals at 100 + n). */
export const clientAccount = (n: number, fields: Partial<ClientAccount> = {}): ClientAccount => ({
  md_id: mdId(n),
  ...newClient(n),
  external_source: null,
  ...fields,
});

export const professionalAccount = (n: number, fields: Partial<ProfessionalAccount> = {}): ProfessionalAccount => ({
  md_id: mdId(100 + n),
  ...newProfessional(n),
  external_source: null,
  ...fields,
});
