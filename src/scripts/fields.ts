import parsePhoneNumber, { type CountryCode, isSupportedCountry } from "libphonenumber-js/max";
import { type Cell, cellText, excelSerialToIso, numberToPlainText, trimAll } from "../input/cells.js";
import { genders, type Gender, type Role } from "../platform/accounts.js";
import type { ReasonCode, ReasonDetail } from "./reasons.js";

export type { Gender, Role };

/** What a field parser makes of one cell: a normalised value (null when empty), or why not. */
export type FieldResult<T = string> =
  { ok: true; value: T | null; note?: FieldNote } | { ok: false; code: ReasonCode; detail?: ReasonDetail };

/** Something worth counting that does not make the row invalid. */
export type FieldNote = "bsn_padded";

export interface FieldContext {
  /** Today as YYYY-MM-DD, for "no birth dates in the future". */
  today: string;
  /** The region of phone numbers without a country code (--phone-region); else the sheet's language decides. */
  phoneRegion?: CountryCode;
}

/** A region for --phone-region: a two-letter country code that libphonenumber knows, or undefined. */
export const phoneRegionOf = (text: string): CountryCode | undefined => {
  const code = text.trim().toUpperCase();
  return isSupportedCountry(code) ? code : undefined;
};

export type FieldParser<T = string> = (cell: Cell | undefined, context: FieldContext) => FieldResult<T>;

const ok = <T>(value: T | null, note?: FieldNote): FieldResult<T> =>
  note ? { ok: true, value, note } : { ok: true, value };
const fail = (code: ReasonCode, detail?: ReasonDetail): FieldResult<never> =>
  detail ? { ok: false, code, detail } : { ok: false, code };

/** Folds case, accents, white space, hyphens, dots and underscores away, for matching words. */
export const fold = (text: string): string =>
  text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[\s\u00a0\ufeff_.\-–]+/g, "");

const textOf = (cell: Cell | undefined): string => trimAll(cellText(cell)).replace(/\u00a0/g, " ");

/** How long a name or infix may be: longer is a pasted text, not a name (the platform shows names on one line). */
export const MAX_NAME_CHARS = 100;
/** How long a source-system ID may be: longer is no ID a source system hands out. */
export const MAX_ID_CHARS = 64;

/**
 * Characters that never belong in a value: C0 and C1 controls but tab and line breaks (which
 * names fold into spaces), text-direction marks and overrides, and zero-width characters
 * (trimmed at the edges, so only those inside a value are left here).
 */
const SUSPECT =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
/** The subset of SUSPECT that does harm rather than hide: controls and text-direction characters. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** The characters with which a spreadsheet program starts a formula, when a platform export is opened. */
const startsFormula = (text: string): boolean => {
  const first = text.charCodeAt(0);
  return first === 61 /* = */ || first === 43 /* + */ || first === 45 /* - */ || first === 64; /* @ */
};

/** Why a text value must not reach the platform (exported, it would run or hide something), if it must not. */
export function unsafeDetail(text: string): ReasonDetail | undefined {
  if (SUSPECT.test(text)) return CONTROL.test(text) ? "control" : "invisible";
  return startsFormula(text) ? "formula_start" : undefined;
}

/** Free text such as a name: at most MAX_NAME_CHARS, nothing a spreadsheet would run or hide. */
export const parseText: FieldParser = (cell) => {
  const raw = textOf(cell);
  if (raw === "") return ok(null);
  if (raw.length > MAX_NAME_CHARS) return fail("unsafe_value", "too_long");
  const unsafe = unsafeDetail(raw);
  if (unsafe) return fail("unsafe_value", unsafe);
  return ok(raw.replace(/\s+/g, " "));
};

// NOTE: the HTML5 e-mail grammar (what browsers accept in a form), plus a dot in the
// domain: stricter than RFC 5322 in what nobody uses, looser than zod's Gmail-like default.
const EMAIL =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** An e-mail address, stored lower case; `mailto:` and surrounding spaces are dropped. */
export const parseEmail: FieldParser = (cell) => {
  const text = textOf(cell)
    .replace(/^mailto:/i, "")
    .trim()
    .toLowerCase();
  if (text === "") return ok(null);
  if (startsFormula(text)) return fail("unsafe_value", "formula_start");
  if (text.length > 254 || !EMAIL.test(text) || text.includes("..") || text.startsWith(".") || text.includes(".@")) {
    return fail("invalid_email");
  }
  return ok(text);
};

/** Excel shows a long number in scientific notation, and keeps only 15 significant digits. */
const SCIENTIFIC_TEXT = /^\d+(?:[.,]\d+)?E\+\d+$/i;

/** A number cell as the digits it was meant to be, or null when Excel has lost digits. */
function digitsOfNumber(cell: Extract<Cell, { kind: "number" }>): string | null {
  const { value } = cell;
  if (!Number.isInteger(value) || value < 0 || cell.format === "scientific") return null;
  return value > 999_999_999_999_999 ? null : numberToPlainText(value);
}

/**
 * A number cell whose format pads it or adds text ("00042", "ABC-0042") as the text Excel
 * shows: the source system knows the ID by that text (analyse says in the report where this happened).
 */
const shown = (cell: Cell | undefined): Cell | undefined =>
  cell?.kind === "number" && cell.display !== undefined ? { kind: "text", text: cell.display } : cell;

/** A source-system ID: text; a number cell is read as its digits (or as its format shows it), unless Excel lost some. */
export const parseSourceId: FieldParser = (given) => {
  const cell = shown(given);
  if (cell?.kind === "number") {
    const digits = digitsOfNumber(cell);
    return digits === null ? fail("invalid_id", "excel_number") : ok(digits);
  }
  const text = textOf(cell);
  if (text === "") return ok(null);
  if (SCIENTIFIC_TEXT.test(text)) return fail("invalid_id", "excel_number");
  if (text.length > MAX_ID_CHARS) return fail("invalid_id", "too_long");
  // Tabs and line breaks have no place inside an ID either.
  const unsafe = /[\t\n\r]/.test(text) ? "control" : unsafeDetail(text);
  return unsafe ? fail("unsafe_value", unsafe) : ok(text);
};

const MD_ID = /^[0-9a-f]{32}$/;
const MD_URL = /^https?:\/\/[^/\s]+\/(?:[^\s?#]*\/)?(c|p)\/([0-9a-fA-F]{32})(?:\/[^\s?#]*)?(?:[?#]\S*)?$/;

/** A Minddistrict ID (32 hex characters), bare or as the account's URL; `kind` is c or p. */
export function mdIdParser(kind: "c" | "p"): FieldParser {
  return (cell) => {
    if (cell?.kind === "number") return fail("invalid_id", "excel_number");
    const text = textOf(cell);
    if (text === "") return ok(null);
    if (SCIENTIFIC_TEXT.test(text)) return fail("invalid_id", "excel_number");
    const url = MD_URL.exec(text);
    if (url) return url[1] === kind ? ok((url[2] ?? "").toLowerCase()) : fail("invalid_id", "wrong_kind");
    const bare = text.toLowerCase();
    return MD_ID.test(bare) ? ok(bare) : fail("invalid_id");
  };
}

/** The eleven-test (elfproef) for a nine-digit BSN. */
export function passesElevenTest(bsn: string): boolean {
  if (!/^\d{9}$/.test(bsn) || bsn === "000000000") return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(bsn[i]) * (9 - i);
  return (sum - Number(bsn[8])) % 11 === 0;
}

/** A BSN: nine digits that pass the eleven-test; one that lost leading zeros is padded. */
export const parseBsn: FieldParser = (given) => {
  const cell = shown(given);
  let digits: string;
  if (cell?.kind === "number") {
    const fromNumber = digitsOfNumber(cell);
    if (fromNumber === null) return fail("invalid_bsn", "length");
    digits = fromNumber;
  } else {
    digits = textOf(cell).replace(/[\s.-]/g, "");
    if (digits === "") return ok(null);
  }
  if (!/^\d+$/.test(digits) || digits.length > 9) return fail("invalid_bsn", "length");
  if (digits.length === 9) return passesElevenTest(digits) ? ok(digits) : fail("invalid_bsn", "checksum");
  const padded = digits.padStart(9, "0");
  return passesElevenTest(padded) ? ok(padded, "bsn_padded") : fail("invalid_bsn", "length");
};

const DMY = /^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})(?:[ T]00:00(?::00)?)?$/;
const YMD = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?Z?)?$/;

const isoOf = (year: number, month: number, day: number): string | null => {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
};

/**
 * A calendar date from a date cell, an Excel day number, or text as dd/mm/yyyy, d-m-yyyy,
 * dd.mm.yyyy or yyyy-mm-dd. Text that only makes sense as month/day is called American.
 */
export const parseDate: FieldParser = (cell) => {
  if (cell?.kind === "number") {
    const iso = excelSerialToIso(cell.value, cell.date1904);
    return iso ? ok(iso) : fail("invalid_date", "not_a_date");
  }
  const text = textOf(cell);
  if (text === "") return ok(null);
  const ymd = YMD.exec(text);
  if (ymd) {
    const iso = isoOf(Number(ymd[1]), Number(ymd[2]), Number(ymd[3]));
    return iso ? ok(iso) : fail("invalid_date");
  }
  const dmy = DMY.exec(text);
  if (!dmy) return fail("invalid_date", "not_a_date");
  if ((dmy[3] ?? "").length === 2) return fail("invalid_date", "two_digit_year");
  const [first, second, year] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
  const iso = isoOf(year, second, first);
  if (iso) return ok(iso);
  return fail("invalid_date", second > 12 && first <= 12 && isoOf(year, first, second) ? "american" : undefined);
};

/** A date of birth: a real date, not in the future, not before 1900. */
export const parseBirthDate: FieldParser = (cell, context) => {
  const result = parseDate(cell, context);
  if (!result.ok || result.value === null) return result;
  if (result.value > context.today) return fail("invalid_date", "future");
  if (result.value < "1900-01-01") return fail("invalid_date", "too_old");
  return result;
};

/** The words for each gender the model knows (platform/accounts.ts: a new one is a compile error here). */
const genderWords: Record<Gender, readonly string[]> = {
  m: ["m", "man", "male", "mann", "mannlich", "jongen", "boy", "heer"],
  f: ["v", "f", "w", "vrouw", "female", "woman", "frau", "weiblich", "meisje", "girl", "mevrouw"],
  other: ["a", "d", "x", "anders", "other", "divers", "overig", "nonbinary", "nonbinair"],
  unknown: ["o", "u", "onbekend", "unknown", "unbekannt", "ohneangabe", "keineangabe", "nietbekend"],
};

const GENDERS: Record<string, Gender> = Object.fromEntries(
  genders.flatMap((gender) => genderWords[gender].map((word) => [word, gender])),
);

/** Gender in Dutch (m/v/a/o), English (m/f/other/unknown) or German (m/w/d/u); empty is unknown. */
export const parseGender: FieldParser<Gender> = (cell) => {
  const text = fold(textOf(cell));
  if (text === "") return ok("unknown");
  const gender = GENDERS[text];
  return gender ? ok(gender) : fail("invalid_gender");
};

/** Dutch mobile numbers as libphonenumber's metadata has them: 06 and then 1-5 or 8. */
export const DUTCH_MOBILE = /^06[1-58]\d{7}$/;

/**
 * A phone number, Dutch or international, stored as E.164 (+31612345678). A Dutch number
 * that Excel kept as a number has lost its leading 0; it is given back.
 */
export const parsePhone: FieldParser = (given, context) => {
  const cell = shown(given);
  const region = context.phoneRegion ?? "NL";
  if (region !== "NL") return parseForeignPhone(cell, region);
  let text: string;
  if (cell?.kind === "number") {
    const digits = digitsOfNumber(cell);
    if (digits === null) return fail("invalid_phone");
    text = digits;
  } else {
    text = textOf(cell);
    if (text === "") return ok(null);
  }
  text = text.replace(/[\s()./-]/g, "");
  if (/^\d{9}$/.test(text) && !text.startsWith("0")) text = `0${text}`;
  else if (/^00\d+$/.test(text)) text = `+${text.slice(2)}`;
  else if (/^31\d{9}$/.test(text)) text = `+${text}`;
  if (!/^\+?\d{6,16}$/.test(text)) return fail("invalid_phone");
  // NOTE: the usual case, a Dutch mobile number, without the library's cost (a test checks
  // that the library agrees on every such number).
  if (DUTCH_MOBILE.test(text)) return ok(`+31${text.slice(1)}`);
  const phone = parsePhoneNumber(text, "NL");
  return phone?.isValid() ? ok(phone.number) : fail("invalid_phone");
};

/** A phone number of a region other than the Netherlands: as the library reads it there. */
function parseForeignPhone(cell: Cell | undefined, region: CountryCode): FieldResult {
  let text: string;
  if (cell?.kind === "number") {
    const digits = digitsOfNumber(cell);
    if (digits === null) return fail("invalid_phone");
    // A number cell has lost its leading 0 (the trunk prefix of most regions) unless it has a country code.
    text = digits.startsWith("00") ? digits : `0${digits}`;
  } else {
    text = textOf(cell);
    if (text === "") return ok(null);
  }
  text = text.replace(/[\s()./-]/g, "");
  if (/^00\d+$/.test(text)) text = `+${text.slice(2)}`;
  if (!/^\+?\d{6,16}$/.test(text)) return fail("invalid_phone");
  const phone = parsePhoneNumber(text, region);
  return phone?.isValid() ? ok(phone.number) : fail("invalid_phone");
}

export const roleNames: Record<Role, { nl: string; en: string; de: string; also: string[] }> = {
  professional: {
    nl: "Hulpverlener",
    en: "Professional",
    de: "Therapeut",
    also: ["therapist", "behandelaar", "behandler", "careprovider", "ith.therapist"],
  },
  application_manager: {
    nl: "Applicatiebeheerder",
    en: "Application manager",
    de: "Anwendungsmanager",
    also: ["applicationadministrator", "applicatiebeheer", "anwendungsbetreuer", "ith.applicationmanager"],
  },
  data_analyst: { nl: "Data analist", en: "Data analyst", de: "Datenanalyst", also: ["analyst", "ith.analyst"] },
  data_officer: {
    nl: "Data officer",
    en: "Data officer",
    de: "Datenschutzbeauftragter",
    also: ["dataofficer", "datenbeauftragter", "ith.dataofficer"],
  },
  supervisor: { nl: "Supervisor", en: "Supervisor", de: "Supervisor", also: ["ith.supervisor"] },
  secretary: {
    nl: "Secretaresse",
    en: "Secretary",
    de: "Sekretär",
    also: ["secretariaat", "sekretarin", "sekretariat", "ith.secretary"],
  },
};

const ROLES: Record<string, Role> = Object.fromEntries(
  Object.entries(roleNames).flatMap(([role, names]) =>
    [role, names.nl, names.en, names.de, ...names.also].map((name) => [fold(name), role as Role]),
  ),
);

/** A platform group (role) named in Dutch, English or German, to its canonical name. */
export const parseRole: FieldParser<Role> = (cell) => {
  const text = fold(textOf(cell));
  if (text === "") return ok(null);
  const role = ROLES[text];
  return role ? ok(role) : fail("invalid_role");
};
