import { type Warning, warningFields } from "../../pipeline/warnings.js";
import { roleNames } from "../../scripts/fields.js";
import type { Reason } from "../../scripts/reasons.js";
import type { Lang, ScriptDef } from "../../scripts/script.js";
import type { Catalogue } from "./catalogue.js";
import { de } from "./de.js";
import { en } from "./en.js";
import { nl } from "./nl.js";

export const catalogues: Record<Lang, Catalogue> = { nl, en, de };

/** The groups as `invalid_role` lists them, per language; made once, not per message. */
const roleLists: Record<Lang, string> = Object.fromEntries(
  (["nl", "en", "de"] as const).map((lang) => [
    lang,
    Object.values(roleNames)
      .map((r) => r[lang])
      .join(", "),
  ]),
) as Record<Lang, string>;

const fill = (template: string, values: Record<string, string | number | undefined>) =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => (values[key] === undefined ? whole : String(values[key])));

/**
 * Renders a reason in the requester's language; the field is named by its header there. A
 * reference to a row of another sheet is named by that sheet's name (`sheets`: the workbook's
 * sheet names, by position).
 */
export function renderReason(reason: Reason, script: ScriptDef, lang: Lang, sheets: readonly string[] = []): string {
  const words = catalogues[lang];
  const header = (name: string | undefined) =>
    script.columns.find((c) => c.field === name)?.headers[lang] ?? name ?? "";
  const field = header(reason.field);
  const ref = reason.ref;
  const other = typeof ref === "object";
  const template = reason.detail
    ? words.details[reason.detail]
    : other && reason.code === "conflict_in_file"
      ? words.crossSheet.conflict_in_file
      : words.reasons[reason.code];
  const message = fill(template, {
    field,
    fields: reason.fields?.map(header).join(", "),
    ref: other ? fill(words.sheetRef, { row: ref.row, sheet: sheets[ref.sheet - 1] ?? String(ref.sheet) }) : ref,
    value: reason.value,
    roles: roleLists[lang],
  });
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** A warning about the sheet, in the requester's language. */
export function renderWarning(warning: Warning, lang: Lang, limit?: { ranges: number; lang: Lang }): string {
  const template = catalogues[lang].warnings[warning.code];
  const values: Record<string, string | number> = {};
  const given = warning as unknown as Record<string, string | number | number[]>;
  for (const [key, kind] of warningFields(warning.code)) {
    const value = given[key];
    if (value !== undefined)
      values[key] = kind === "rows" && Array.isArray(value) ? compactRows(value, limit) : (value as string | number);
  }
  return fill(template, values);
}

/** Row numbers as short ranges: 2-5, 9, 12-13. */
export function compactRows(rows: readonly number[], limit?: { ranges: number; lang: Lang }): string {
  const parts: string[] = [];
  let i = 0;
  for (; i < rows.length && (!limit || parts.length < limit.ranges);) {
    let j = i;
    while (j + 1 < rows.length && rows[j + 1] === (rows[j] ?? 0) + 1) j++;
    parts.push(j > i ? `${rows[i]}-${rows[j]}` : String(rows[i]));
    i = j + 1;
  }
  const more = rows.length - i;
  if (limit && more > 0) {
    const labels = catalogues[limit.lang].labels;
    parts.push((more === 1 ? labels.moreRow : labels.moreRows).replace("{n}", String(more)));
  }
  return parts.join(", ");
}
