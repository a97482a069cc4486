import { getScript, linksAccounts } from "../scripts/index.js";
import type { HeaderMap } from "../input/headers.js";
import type { Status } from "../pipeline/analyse.js";
import type { ReviewCell, ReviewStore, RowTextStore } from "../pipeline/row-store.js";
import { catalogues } from "./messages/index.js";
import { fillIn, type ReviewWords, reviewWords } from "./messages/review.js";
import type { Report, ReportRow } from "./report.js";
import { shownText, storedCell, styleNamed, styleOf } from "./xlsx-cells.js";
import type { CellValue, XlsxWriter } from "./xlsx-writer.js";

/** What report.xlsx is made of besides the Report: the sheet's text, the review marks, the columns (in memory only). */
export interface ReportSources {
  texts: RowTextStore;
  review: ReviewStore;
  headerMap: HeaderMap;
  /** After a run over HTTP: an account's API URL by its Minddistrict ID, for the IDs sheet only. */
  accountUrl?: (mdId: string) => string | undefined;
}

/** Statuses whose stored values the report shows: the rows that are (or will be) carried out as they are. */
const SHOWS_STORED: ReadonlySet<Status> = new Set(["valid", "planned", "done", "unchanged"]);
const SHOWS_UPDATE: ReadonlySet<Status> = new Set(["planned", "done"]);

/** The columns before the sheet's own: status, reason, row; a relation's people; a run's Minddistrict ID. */
export function leadColumns(report: Report): { labels: string[]; widths: number[]; people: number; mdId: number } {
  const words = catalogues[report.lang];
  const review = reviewWords[report.lang];
  const labels = [words.labels.status, words.labels.reason, words.labels.row];
  const widths = [12, 60, 7];
  let people = -1;
  let mdId = -1;
  // Only a test run or a run knows the platform's people.
  if (report.script !== null && linksAccounts(getScript(report.script)) && report.mode !== "validate") {
    people = labels.length;
    labels.push(review.professional, review.client);
    widths.push(36, 36);
  }
  if (report.mode === "run") {
    mdId = labels.length;
    labels.push(review.mdId);
    widths.push(16);
  }
  return { labels, widths, people, mdId };
}

/** The reason cell: the rows' reasons, a dropout's collision, an unchanged update's why. */
export function reasonText(row: ReportRow, report: Report): string {
  // Most rows: nothing to say (a planned or valid row).
  if (row.reasons.length === 0 && !row.conflict && row.status !== "unchanged") return "";
  const review = reviewWords[report.lang];
  // Only here, for the requester, does a refusal show the platform's own words.
  let text = row.reasons.map((r) => (r.platform_text ? `${r.message}: ${r.platform_text}` : r.message)).join("; ");
  if (row.conflict) {
    const { kind, active, md_id } = row.conflict;
    text += ` (${fillIn(review.conflict, { kind: review.kinds[kind], active: active ? review.active : review.inactive, md_id })})`;
  }
  if (text === "" && row.status === "unchanged") text = review.noChange;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The report sheet, streamed row by row: status, reason and row number first (frozen with
 * the header), then the sheet's own columns, with the stored values, old → new, and the
 * cells at fault marked and commented.
 */
export async function writeRowsSheet(
  writer: XlsxWriter,
  report: Report,
  sources: ReportSources,
  name?: string,
): Promise<void> {
  const words = catalogues[report.lang];
  const review = reviewWords[report.lang];
  const lead = leadColumns(report);
  const offset = lead.labels.length;
  const rows = sources.texts.read();
  const first = rows.next();
  const headers: string[] = first.done ? [] : first.value;
  // Column widths from the header and the first rows; the rest streams through unseen.
  const sample: string[][] = [];
  for (let next = rows.next(); !next.done && sample.push(next.value) < 200; next = rows.next()) {
    // only gathering the sample
  }
  const width = Math.max(headers.length, ...sample.map((r) => r.length));
  const widths = Array.from({ length: width }, (_, i) =>
    Math.min(Math.max((headers[i] ?? "").length + 2, ...sample.map((r) => (r[i] ?? "").length + 1), 10), 45),
  );
  const fields = new Map([...sources.headerMap.columns].map(([index, column]) => [column.field, index]));
  const fieldOf = (column: number) => sources.headerMap.columns.get(column)?.field;
  writer.startSheet({
    name: name ?? words.labels.report,
    widths: [...lead.widths, ...widths],
    header: true,
    frozenColumns: 3,
  });
  writer.addRow([...lead.labels, ...Array.from({ length: width }, (_, i) => headers[i] ?? "")], () => 1);
  const values: CellValue[] = new Array<CellValue>(offset + width);
  const styles: number[] = new Array<number>(offset + width);
  const comments = new Map<number, string>();
  const row: RowCells = { report, review, lead, offset, fieldOf, values, styles, comments };
  const marks = sources.review.read();
  let index = 0;
  for (const cells of chain(sample, rows)) {
    const result = report.rows[index++];
    const marked = marks.next();
    if (!result || marked.done) throw new Error("report rows out of step with the sheet");
    styles.fill(0);
    comments.clear();
    const style = styleOf(result.status);
    values[0] = words.statuses[result.status];
    values[1] = reasonText(result, report);
    values[2] = result.row;
    styles[0] = style;
    styles[1] = style;
    styles[2] = styleNamed("number");
    if (lead.mdId >= 0) values[lead.mdId] = result.md_id ?? "";
    if (lead.people >= 0) values[lead.people] = values[lead.people + 1] = "";
    for (let i = 0; i < width; i++) values[offset + i] = cells[i] ?? "";
    for (const cell of marked.value) markCell(row, cell, cells, result.status);
    if (!SHOWS_STORED.has(result.status)) {
      for (const reason of result.reasons) {
        const column = reason.field === undefined ? undefined : fields.get(reason.field);
        if (column === undefined) continue;
        styles[offset + column] = styleNamed("fault");
        const earlier = comments.get(offset + column);
        comments.set(offset + column, earlier ? `${earlier}\n${reason.message}` : reason.message);
      }
    }
    writer.addRow(values, (c) => styles[c] ?? 0);
    for (const [column, text] of comments) writer.comment(column, text);
    await writer.flushIfFull();
  }
  await writer.endSheet();
}

/** The row being written, as markCell changes it. */
interface RowCells {
  report: Report;
  review: ReviewWords;
  lead: ReturnType<typeof leadColumns>;
  offset: number;
  fieldOf: (column: number) => string | undefined;
  values: CellValue[];
  styles: number[];
  comments: Map<number, string>;
}

/** Shows a marked cell: a relation's person, a stored value, an update's new value; with its comment "was: …". */
function markCell(row: RowCells, cell: ReviewCell, cells: readonly string[], status: Status): void {
  const { report, review, lead, offset } = row;
  if (cell.column < 0) {
    if (lead.people >= 0) row.values[lead.people - 1 - cell.column] = cell.stored;
    return;
  }
  if (cell.was === undefined ? !SHOWS_STORED.has(status) : !SHOWS_UPDATE.has(status)) return;
  const field = row.fieldOf(cell.column);
  const original = cells[cell.column] ?? "";
  // A normalised value that reads as the sheet has it (a gender "vrouw" in a Dutch report) is not
  // marked; a date always is, as a date: which day the text was read as is what must be checked.
  if (cell.was === undefined && field !== "date_of_birth" && shownText(field, cell.stored, report.lang) === original)
    return;
  const shown = storedCell(field, cell.stored, report.lang);
  row.values[offset + cell.column] = shown.value;
  row.styles[offset + cell.column] = shown.style;
  const was = cell.was === undefined ? original : shownText(field, cell.was, report.lang);
  // Spaces the tool trimmed are seen only in quotes.
  const quoted = was !== was.trim() ? `"${was}"` : was;
  row.comments.set(offset + cell.column, `${review.was} ${was === "" ? review.empty : quoted}`);
}

function* chain<T>(first: T[], rest: Iterator<T>): Generator<T> {
  yield* first;
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
}
