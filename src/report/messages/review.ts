import type { Gender } from "../../scripts/fields.js";
import type { Lang } from "../../scripts/script.js";

/** The words of report.xlsx's review marks and of fix.xlsx, per language. */
export interface ReviewWords {
  /** Before an original value in a cell comment: "was: EXT-1001". */
  was: string;
  empty: string;
  /** The reason column of an `unchanged` update that gives no other reason. */
  noChange: string;
  professional: string;
  client: string;
  mdId: string;
  sourceId: string;
  ids: string;
  /** A dropout's collision: "{kind}, {active}, Minddistrict ID {md_id}". */
  conflict: string;
  kinds: Record<"client" | "professional", string>;
  active: string;
  inactive: string;
  genders: Record<Gender, string>;
  reasons: string;
  welcomeMail: string;
  /** The platform's mode as its API reports it: "production", or the mode's own name ("training"). */
  platformMode: string;
  production: string;
  yes: string;
  no: string;
  done: string;
  actions: Record<"create" | "update" | "link", string>;
  /** Comments left out: `{n}` how many cells are coloured without one, `{max}` the cap. */
  commentsCapped: string;
  /** fix.xlsx held only the first `{max}` of `{n}` rows to fix. */
  fixCapped: string;
  fixFile: string;
  /** The header of fix.xlsx's reason column: a column the reader ignores. */
  fixReason: string;
  /** fix.xlsx's reason cell: "row {row}: {reason}". */
  fixRow: string;
  noUrl: string;
  urlIsApi: string;
  apiUrl: string;
}

export const reviewWords: Record<Lang, ReviewWords> = {
  nl: {
    was: "was:",
    empty: "(leeg)",
    noChange: "elke waarde staat al op het platform zoals in deze rij",
    professional: "Behandelaar (op het platform)",
    client: "Cliënt (op het platform)",
    mdId: "Minddistrict ID",
    sourceId: "ID (van te koppelen systeem)",
    ids: "IDs",
    conflict: "botst met: {kind}, {active}, Minddistrict ID {md_id}",
    kinds: { client: "cliënt", professional: "behandelaar" },
    active: "actief",
    inactive: "inactief",
    genders: { m: "man", f: "vrouw", other: "anders", unknown: "onbekend" },
    reasons: "Redenen",
    welcomeMail: "Welkomstmails",
    platformMode: "Modus van het platform",
    production: "productie",
    yes: "ja",
    no: "nee",
    done: "Uitgevoerd",
    actions: { create: "aangemaakt", update: "bijgewerkt", link: "gekoppeld" },
    commentsCapped: "Meer dan {max} cellen gemarkeerd: {n} cellen zijn alleen gekleurd, zonder opmerking.",
    fixCapped: "fix.xlsx bevat de eerste {max} van de {n} rijen om te herstellen; de rest staat in dit rapport.",
    fixFile: "Rijen om te herstellen",
    fixReason: "Reden (mdimport)",
    fixRow: "rij {row}: {reason}",
    noUrl: "Het platform geeft geen URL van een account: alleen het Minddistrict ID staat hier.",
    urlIsApi:
      "De URL op het blad IDs is het adres van het account in de API 2 van Minddistrict, geen pagina van de webapplicatie.",
    apiUrl: "URL (API 2)",
  },
  en: {
    was: "was:",
    empty: "(empty)",
    noChange: "every value is already as in this row",
    professional: "Professional (on the platform)",
    client: "Client (on the platform)",
    mdId: "Minddistrict ID",
    sourceId: "ID (of the system to link)",
    ids: "IDs",
    conflict: "collides with: {kind}, {active}, Minddistrict ID {md_id}",
    kinds: { client: "client", professional: "professional" },
    active: "active",
    inactive: "inactive",
    genders: { m: "male", f: "female", other: "other", unknown: "unknown" },
    reasons: "Reasons",
    welcomeMail: "Welcome e-mails",
    platformMode: "Platform mode",
    production: "production",
    yes: "yes",
    no: "no",
    done: "Carried out",
    actions: { create: "created", update: "updated", link: "linked" },
    commentsCapped: "More than {max} cells marked: {n} cells are coloured only, without a comment.",
    fixCapped: "fix.xlsx holds the first {max} of the {n} rows to fix; the rest are in this report.",
    fixFile: "Rows to fix",
    fixReason: "Reason (mdimport)",
    fixRow: "row {row}: {reason}",
    noUrl: "The platform gives no account URL: only the Minddistrict ID is given here.",
    urlIsApi:
      "The URL on the IDs sheet is the account's address in Minddistrict's API 2, not a page of the web application.",
    apiUrl: "URL (API 2)",
  },
  de: {
    was: "vorher:",
    empty: "(leer)",
    noChange: "jeder Wert ist bereits so wie in dieser Zeile",
    professional: "Behandler (auf der Plattform)",
    client: "Klient (auf der Plattform)",
    mdId: "Minddistrict-ID",
    sourceId: "ID (des zu verknüpfenden Systems)",
    ids: "IDs",
    conflict: "kollidiert mit: {kind}, {active}, Minddistrict-ID {md_id}",
    kinds: { client: "Klient", professional: "Behandler" },
    active: "aktiv",
    inactive: "inaktiv",
    genders: { m: "männlich", f: "weiblich", other: "divers", unknown: "unbekannt" },
    reasons: "Gründe",
    welcomeMail: "Willkommens-E-Mails",
    platformMode: "Modus der Plattform",
    production: "Produktion",
    yes: "ja",
    no: "nein",
    done: "Ausgeführt",
    actions: { create: "angelegt", update: "aktualisiert", link: "verknüpft" },
    commentsCapped: "Mehr als {max} Zellen markiert: {n} Zellen sind nur gefärbt, ohne Kommentar.",
    fixCapped:
      "fix.xlsx enthält die ersten {max} der {n} zu korrigierenden Zeilen; die übrigen stehen in diesem Bericht.",
    fixFile: "Zu korrigierende Zeilen",
    fixReason: "Grund (mdimport)",
    fixRow: "Zeile {row}: {reason}",
    noUrl: "Die Plattform gibt keine URL eines Kontos an: hier steht nur die Minddistrict-ID.",
    urlIsApi:
      "Die URL auf dem Blatt IDs ist die Adresse des Kontos in der API 2 von Minddistrict, keine Seite der Webanwendung.",
    apiUrl: "URL (API 2)",
  },
};

export const fillIn = (template: string, values: Record<string, string | number>): string =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => (values[key] === undefined ? whole : String(values[key])));
