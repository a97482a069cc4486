import { basename, dirname, resolve } from "node:path";
import ExcelJS from "exceljs";
import { getScript, type ColumnDef, type Lang, type ScriptDef } from "../scripts/index.js";
import { UsageError } from "../shared/errors.js";
import { writeOutFile } from "../shared/out-dir.js";
import { exists } from "../shared/safe-fs.js";

export interface TemplateOptions {
  script: string;
  lang: Lang;
  out?: string;
  cwd: string;
  /** Replace a file of that name (without it, an existing file, perhaps a filled-in sheet, is a usage error). */
  force?: boolean;
}

const words = {
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

/** A fixed date, so that a template made twice is the same file part for part. */
interface RangedValidations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

const FIXED_DATE = new Date(Date.UTC(2026, 0, 1));
const ROWS_PREPARED = 5000;

/** Rows to put into a template (fix.xlsx): values in the script's column order, and each row's reason in an extra column. */
export interface TemplateRows {
  rows: readonly (readonly string[])[];
  reasons: readonly string[];
  /** The extra column's header: one that reading the sheet ignores. */
  reasonHeader: string;
}

/** One data sheet of a template workbook: the script, the sheet's name, and rows to put in (fix.xlsx). */
export interface TemplateSheet {
  script: ScriptDef;
  name: string;
  fill?: TemplateRows;
}

/**
 * Builds the empty sheet an organisation fills in, with an explanation sheet beside it; with
 * `fill`, the same sheet holding rows to correct (fix.xlsx).
 */
export async function buildTemplate(script: ScriptDef, lang: Lang, fill?: TemplateRows): Promise<Buffer> {
  return buildTemplateSheets([{ script, name: words[lang].data, ...(fill ? { fill } : {}) }], lang);
}

/** The names of the onboarding workbook's sheets, per language (an explanation sheet follows them). */
export const onboardingSheets: Record<Lang, { clients: string; professionals: string; relations: string }> = {
  nl: { clients: "Cliënten", professionals: "Professionals", relations: "Behandelrelaties" },
  en: { clients: "Clients", professionals: "Professionals", relations: "Relations" },
  de: { clients: "Klienten", professionals: "Fachkräfte", relations: "Behandlungsbeziehungen" },
};

/** The onboarding workbook: new clients, new professionals and their relations, and one explanation sheet. */
export function buildOnboardingTemplate(lang: Lang): Promise<Buffer> {
  const names = onboardingSheets[lang];
  return buildTemplateSheets(
    [
      { script: getScript("new-clients"), name: names.clients },
      { script: getScript("new-professionals"), name: names.professionals },
      { script: getScript("relations"), name: names.relations },
    ],
    lang,
  );
}

/**
 * A workbook of data sheets, each with its script's headers, text formats and dropdowns, and one
 * explanation sheet after them (whose header row fits no script, so --all-sheets skips it).
 */
export async function buildTemplateSheets(sheets: readonly TemplateSheet[], lang: Lang): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "mdimport";
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  const w = words[lang];
  for (const sheet of sheets) addDataSheet(workbook, sheet, lang);
  const help = workbook.addWorksheet(w.help);
  help.columns = [
    { header: w.column, width: 50 },
    { header: w.need, width: 42 },
    { header: w.format, width: 60 },
    { header: w.values, width: 60 },
  ];
  help.getRow(1).font = { bold: true };
  sheets.forEach(({ script, name }, index) => {
    if (sheets.length > 1) {
      if (index > 0) help.addRow([]);
      help.addRow([`${name}: ${script.title[lang]}`]).font = { bold: true };
    }
    for (const column of script.columns) {
      help.addRow([column.headers[lang], requirement(script, column, lang), column.format[lang], column.choices?.[lang].join(", ") ?? ""]);
    }
  });
  if (sheets.length === 1) {
    help.addRow([]);
    help.addRow([(sheets[0] as TemplateSheet).script.title[lang]]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addDataSheet(workbook: ExcelJS.Workbook, { script, name, fill }: TemplateSheet, lang: Lang): void {
  const data = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  data.columns = script.columns.map((column) => ({
    header: column.headers[lang],
    key: column.field,
    width: Math.max(column.headers[lang].length + 4, 16),
    style: column.text ? { numFmt: "@" } : {},
  }));
  if (fill) {
    const reason = data.getColumn(script.columns.length + 1);
    reason.header = fill.reasonHeader;
    reason.width = 70;
    fill.rows.forEach((row, i) => data.addRow([...row.map((value) => (value === "" ? null : value)), fill.reasons[i] ?? ""]));
  }
  data.getRow(1).font = { bold: true };
  const prepared = Math.max(ROWS_PREPARED, (fill?.rows.length ?? 0) + 1);
  script.columns.forEach((column, index) => {
    if (!column.choices) return;
    const letter = data.getColumn(index + 1).letter;
    // NOTE: exceljs supports ranged data validations, but its type declarations omit them.
    (data as unknown as RangedValidations).dataValidations.add(`${letter}2:${letter}${prepared}`, {
      type: "list",
      allowBlank: true,
      formulae: [`"${column.choices[lang].join(",")}"`],
      showErrorMessage: true,
      errorTitle: column.headers[lang],
      error: column.format[lang],
    });
  });
}

function requirement(script: ScriptDef, column: ColumnDef, lang: Lang): string {
  const w = words[lang];
  if (typeof column.column === "object") {
    const group = script.groups?.[column.column.oneOf];
    return script.action === "update" && column.column.oneOf === "changes"
      ? `${w.oneOf}; ${w.update}`
      : `${w.oneOf}${group ? ` (${group[lang]})` : ""}`;
  }
  if (column.value === "platform") return w.platform;
  if (column.column && column.value === "optional") return w.empty;
  return column.column ? w.yes : w.no;
}

/** `template onboarding`: the workbook of clients, professionals and relations together. */
export const ONBOARDING = "onboarding";

export const templateFileName = (script: string, lang: Lang) => `${script}.${lang}.xlsx`;

/**
 * `mdimport template`: writes the template of one script, by default into the current folder.
 * A file of that name may be a sheet already filled in: it is replaced only with --force.
 */
export async function templateCommand(options: TemplateOptions): Promise<string> {
  const onboarding = options.script === ONBOARDING;
  const script = onboarding ? undefined : getScript(options.script);
  const path = resolve(options.cwd, options.out ?? templateFileName(script?.name ?? ONBOARDING, options.lang));
  const refusal = () => new UsageError(`${path} already exists; give --force to replace it with an empty template.`);
  if (!options.force && exists(path)) throw refusal();
  const bytes = script ? await buildTemplate(script, options.lang) : await buildOnboardingTemplate(options.lang);
  try {
    writeOutFile(dirname(path), basename(path), bytes, { replace: options.force ?? false });
  } catch (error) {
    // Made by someone else while the template was being built.
    if (!options.force && error instanceof UsageError && exists(path)) throw refusal();
    throw error;
  }
  return path;
}
