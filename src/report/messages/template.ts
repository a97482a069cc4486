import type { Lang } from "../../scripts/script.js";

/** The words of a template workbook (report/template-xlsx.ts): its sheets, and its explanation sheet's columns and requirements. */
export const templateWords = {
  nl: {
    data: "Gegevens",
    help: "Toelichting",
    column: "Kolom",
    need: "Verplicht",
    format: "Formaat",
    values: "Toegestane waarden",
    yes: "ja",
    no: "nee, optioneel",
    platform: "optioneel, tenzij het platform dit veld verplicht stelt",
    oneOf: "ten minste één van deze kolommen",
    empty: "ja (de waarde mag leeg zijn)",
    update: "nee; een lege cel laat het veld ongewijzigd",
  },
  en: {
    data: "Data",
    help: "Explanation",
    column: "Column",
    need: "Required",
    format: "Format",
    values: "Allowed values",
    yes: "yes",
    no: "no, optional",
    platform: "optional, unless the platform requires this field",
    oneOf: "at least one of these columns",
    empty: "yes (the value may be empty)",
    update: "no; an empty cell leaves the field unchanged",
  },
  de: {
    data: "Daten",
    help: "Erläuterung",
    column: "Spalte",
    need: "Pflicht",
    format: "Format",
    values: "Erlaubte Werte",
    yes: "ja",
    no: "nein, optional",
    platform: "optional, außer die Plattform verlangt dieses Feld",
    oneOf: "mindestens eine dieser Spalten",
    empty: "ja (der Wert darf leer sein)",
    update: "nein; eine leere Zelle lässt das Feld unverändert",
  },
} as const;

/** The names of the onboarding workbook's sheets, per language (an explanation sheet follows them). */
export const onboardingSheetNames: Record<Lang, { clients: string; professionals: string; relations: string }> = {
  nl: { clients: "Cliënten", professionals: "Professionals", relations: "Behandelrelaties" },
  en: { clients: "Clients", professionals: "Professionals", relations: "Relations" },
  de: { clients: "Klienten", professionals: "Fachkräfte", relations: "Behandlungsbeziehungen" },
};
