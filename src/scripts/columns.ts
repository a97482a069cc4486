import {
  mdIdParser,
  parseBirthDate,
  parseBsn,
  parseEmail,
  parseGender,
  parsePhone,
  parseRole,
  parseSourceId,
  parseText,
  roleNames,
} from "./fields.js";
import { genders, roles } from "../platform/accounts.js";
import type { ColumnDef, ValueRule } from "./script.js";

/**
 * The columns every script draws from. A script takes the ones it needs and says
 * whether the column and its values are required there.
 */
type Base = Omit<ColumnDef, "column" | "value">;

const idFormat = {
  nl: "tekst; het ID uit het eigen systeem",
  en: "text; the ID in your own system",
  de: "Text; die ID im eigenen System",
};
const mdIdFormat = {
  nl: "32 tekens (0-9, a-f), of de URL van het account",
  en: "32 characters (0-9, a-f), or the account's URL",
  de: "32 Zeichen (0-9, a-f) oder die URL des Kontos",
};

export const email: Base = {
  field: "email",
  headers: { nl: "E-mailadres", en: "Email address", de: "E-Mail-Adresse" },
  aliases: ["E-mail", "Email", "E-Mail", "Emailadres", "Mail"],
  parse: parseEmail,
  personal: true,
  format: {
    nl: "e-mailadres, uniek op het platform",
    en: "e-mail address, unique on the platform",
    de: "E-Mail-Adresse, eindeutig auf der Plattform",
  },
};

export const firstName: Base = {
  field: "first_name",
  headers: { nl: "Voornaam", en: "First name", de: "Vorname" },
  aliases: ["Roepnaam", "Given name", "Firstname"],
  parse: parseText,
  personal: true,
  format: { nl: "tekst", en: "text", de: "Text" },
};

export const infix: Base = {
  field: "infix",
  headers: { nl: "Tussenvoegsel", en: "Infix", de: "Namenszusatz" },
  aliases: ["Tussenvoegsels", "Prefix", "Zwischenname", "Middle name"],
  parse: parseText,
  personal: true,
  format: {
    nl: "tekst, mag leeg zijn (bijv. van, de)",
    en: "text, may be empty (e.g. van, de)",
    de: "Text, darf leer sein (z. B. van, von)",
  },
};

export const lastName: Base = {
  field: "last_name",
  headers: { nl: "Achternaam", en: "Last name", de: "Nachname" },
  aliases: ["Surname", "Family name", "Familienname", "Lastname"],
  parse: parseText,
  personal: true,
  format: { nl: "tekst", en: "text", de: "Text" },
};

const clientIdNames = [
  "Client database ID",
  "Client ID",
  "Cliënt ID",
  "Clientnummer",
  "Klienten-ID",
  "Klienten-Datenbank-ID",
  "Klientennummer",
];
const professionalIdNames = [
  "Professional database ID",
  "Professional ID",
  "Professional-ID",
  "Professional-Datenbank-ID",
  "Medewerker ID",
  "Mitarbeiter-ID",
];

export const clientId: Base = {
  field: "id",
  headers: { nl: "Client database ID (van te koppelen systeem)", en: "Client ID", de: "Klienten-ID" },
  aliases: clientIdNames,
  idKind: "source",
  parse: parseSourceId,
  personal: true,
  format: idFormat,
  text: true,
};

export const professionalId: Base = {
  ...clientId,
  headers: { nl: "Professional database ID (van te koppelen systeem)", en: "Professional ID", de: "Professional-ID" },
  aliases: professionalIdNames,
};

export const clientMdId: Base = {
  field: "md_id",
  headers: {
    nl: "Client database ID (van Minddistrict)",
    en: "Minddistrict client ID",
    de: "Minddistrict Klienten-ID",
  },
  aliases: clientIdNames,
  idKind: "md",
  parse: mdIdParser("c"),
  personal: false,
  format: mdIdFormat,
  text: true,
};

export const professionalMdId: Base = {
  ...clientMdId,
  headers: {
    nl: "Professional database ID (van Minddistrict)",
    en: "Minddistrict professional ID",
    de: "Minddistrict Professional-ID",
  },
  aliases: professionalIdNames,
  parse: mdIdParser("p"),
};

export const dateOfBirth: Base = {
  field: "date_of_birth",
  headers: { nl: "Geboortedatum", en: "Date of birth", de: "Geburtsdatum" },
  aliases: ["Geb. datum", "Birth date", "Birthdate", "DOB"],
  parse: parseBirthDate,
  personal: true,
  format: { nl: "datum, dd/mm/yyyy", en: "date, dd/mm/yyyy", de: "Datum, dd/mm/yyyy" },
};

export const gender: Base = {
  field: "gender",
  headers: { nl: "Geslacht", en: "Gender", de: "Geschlecht" },
  aliases: ["Sex"],
  parse: parseGender,
  personal: true,
  format: {
    nl: "m (man), v (vrouw), a (anders), o (onbekend); leeg is onbekend",
    en: "m (male), f (female), other, unknown; empty means unknown",
    de: "m (männlich), w (weiblich), d (divers), u (unbekannt); leer heißt unbekannt",
  },
  choices: { nl: ["m", "v", "a", "o"], en: [...genders], de: ["m", "w", "d", "u"] },
};

export const phone: Base = {
  field: "phone_number",
  headers: { nl: "Telefoonnummer", en: "Phone number", de: "Telefonnummer" },
  aliases: ["Telefoon", "Mobiel nummer", "Mobiel", "Phone", "Mobile", "Telefon", "Handynummer"],
  parse: parsePhone,
  personal: true,
  format: {
    nl: "Nederlands of internationaal (+49 ...)",
    en: "Dutch or international (+49 ...)",
    de: "niederländisch oder international (+49 ...)",
  },
  text: true,
};

export const bsn: Base = {
  field: "bsn",
  headers: { nl: "BSN", en: "BSN", de: "BSN" },
  aliases: ["Burgerservicenummer", "BSN nummer", "Citizen service number"],
  parse: parseBsn,
  personal: true,
  format: {
    nl: "9 cijfers, voldoet aan de elfproef",
    en: "9 digits, passing the eleven-test",
    de: "9 Ziffern, besteht die Elferprobe",
  },
  text: true,
};

export const role: Base = {
  field: "role",
  headers: { nl: "MD-platform groep", en: "Role", de: "Rolle" },
  aliases: ["Groep", "Rol", "Platform groep", "Group", "Gruppe", "MD-Plattformgruppe", "MD platform group"],
  parse: parseRole,
  personal: false,
  format: {
    nl: "een van de groepen hiernaast (meestal Hulpverlener)",
    en: "one of the groups listed (usually Professional)",
    de: "eine der genannten Gruppen (meist Therapeut)",
  },
  choices: {
    nl: roles.map((r) => roleNames[r].nl),
    en: roles.map((r) => roleNames[r].en),
    de: roles.map((r) => roleNames[r].de),
  },
};

/** A column as a script uses it. */
export const use = (base: Base, column: ColumnDef["column"], value: ValueRule): ColumnDef => ({
  ...base,
  column,
  value,
});

/**
 * A client detail: a column both client scripts take. new-clients takes it as `create` says;
 * update-clients takes every detail as one of its changes, optional.
 */
interface ClientDetail {
  base: Base;
  create: readonly [ColumnDef["column"], ValueRule];
}

/** The client's names, in sheet order (new-clients puts its client ID after them). */
const clientNames: readonly ClientDetail[] = [
  { base: firstName, create: [true, "required"] },
  { base: infix, create: [true, "optional"] },
  { base: lastName, create: [true, "required"] },
];

// NOTE: a new client field is its account model entry (platform/accounts.ts) and one line here.
/** The client's other details, in sheet order: after the IDs in both client scripts. */
const clientDetails: readonly ClientDetail[] = [
  { base: dateOfBirth, create: [false, "platform"] },
  { base: gender, create: [false, "optional"] },
  { base: phone, create: [false, "platform"] },
  { base: bsn, create: [false, "platform"] },
];

const forCreate = (details: readonly ClientDetail[]): ColumnDef[] => details.map((d) => use(d.base, ...d.create));
const forUpdate = (details: readonly ClientDetail[]): ColumnDef[] =>
  details.map((d) => use(d.base, { oneOf: "changes" }, "optional"));

/** new-clients' columns: e-mail, names, client ID, details. */
export const newClientColumns: readonly ColumnDef[] = [
  use(email, true, "required"),
  ...forCreate(clientNames),
  use(clientId, true, "required"),
  ...forCreate(clientDetails),
];

/** update-clients' columns: the Minddistrict ID names the account, e-mail cross-checks, the rest are changes. */
export const updateClientColumns: readonly ColumnDef[] = [
  use(clientMdId, true, "required"),
  use(email, false, "optional"),
  use(clientId, { oneOf: "changes" }, "optional"),
  ...forUpdate(clientNames),
  ...forUpdate(clientDetails),
];
