import { columnLetter } from "../input/headers.js";
import { ZipWriter } from "./zip-writer.js";

const PIECE = 1024 * 1024;
const letters: string[] = [];
const letterOf = (index: number) => (letters[index] ??= columnLetter(index));

/** A cell style beyond the plain text, header and fill styles. */
export interface CellStyle {
  /** ARGB fill, or none. */
  fill?: string;
  bold?: boolean;
  /** How a number in the cell shows: as a number (the default for numbers) or as a date. */
  format?: "text" | "number" | "date";
}

/**
 * Styles: 0 plain text, 1 header, 2… one per fill (text), then one per extra style, in order.
 */
export interface XlsxWriterOptions {
  fills: readonly string[];
  styles?: readonly CellStyle[];
}

/** A cell's value: text (always an inline string, never a formula), a number, or nothing. */
export type CellValue = string | number | null | undefined;

export interface SheetOptions {
  name: string;
  /** Column widths in characters. */
  widths: readonly number[];
  /** Freeze the first row and put an autofilter on it. */
  header: boolean;
  /** With `header`: also freeze this many columns on the left. */
  frozenColumns?: number;
}

/** Comments (notes) per sheet at most: each is a VML shape, and Excel slows down on very many. */
export const MAX_COMMENTS = 10_000;

// Carriage returns too: an XML reader would turn them into line feeds.
const CONTROL = "\\u0000-\\u0008\\u000b\\u000c\\u000d\\u000e-\\u001f\\ufffe\\uffff";
const INVALID_XML = new RegExp(`[${CONTROL}]`, "g");

/** Escapes text for XML content and attributes; characters XML cannot hold become _xHHHH_. */
const NEEDS_ESCAPE = new RegExp(`[&<>"${CONTROL}]`);

export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(INVALID_XML, (c) => `_x${c.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}_`);
}

/**
 * A small streaming .xlsx writer for reports. Every value is written as an inline string,
 * so no cell can ever be read as a formula, whatever it starts with.
 * NOTE: exceljs's streaming writer took 1.5× as long as exceljs's own read of the same
 * 100,000 rows here, which alone would break the validate budget; this one writes the
 * few parts a report needs.
 */
/** Excel's rules for a sheet name: at most 31 characters, none of [ ] : * ? / \, no apostrophe at either end. */
export const MAX_SHEET_NAME = 31;

/** `name` as a sheet name Excel accepts, with " (2)", " (3)", … where an earlier sheet has it (names compare without case). */
export function uniqueSheetName(name: string, taken: readonly string[]): string {
  const valid =
    name
      .replace(/[[\]:*?/\\]/g, "_")
      .replace(/^'|'$/g, "_")
      .slice(0, MAX_SHEET_NAME) || "Sheet";
  const used = new Set(taken.map((t) => t.toLowerCase()));
  if (!used.has(valid.toLowerCase())) return valid;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = `${valid.slice(0, MAX_SHEET_NAME - suffix.length)}${suffix}`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

export class XlsxWriter {
  private readonly zip: ZipWriter;
  private readonly sheets: string[] = [];
  private inSheet = false;
  private rowNumber = 0;
  /** XML waiting for the zip, encoded straight into a buffer (no joined string in between). */
  private pending = Buffer.allocUnsafe(PIECE);
  private pendingLength = 0;
  private sheetOptions: SheetOptions | null = null;
  private columns = 0;
  /** The open sheet's comments: few compared with its rows, so they are kept until the sheet ends. */
  private comments: { ref: string; row: number; column: number; text: string }[] = [];
  /** Per sheet (1-based number), how many comments it got; sheets without comments are absent. */
  private readonly commented = new Map<number, number>();
  /** Comments left out because a sheet had MAX_COMMENTS already. */
  dropped = 0;

  constructor(
    sink: (chunk: Uint8Array) => void,
    private readonly options: XlsxWriterOptions,
  ) {
    this.zip = new ZipWriter(sink);
  }

  /**
   * Starts a sheet. Its name is made one Excel accepts and no other sheet of the workbook has: a
   * report's sheets are named after the input's, which may be named as the report's own (IDs,
   * Samenvatting), and two sheets of one name make a workbook Excel must repair.
   */
  startSheet(options: SheetOptions): void {
    this.sheets.push(uniqueSheetName(options.name, this.sheets));
    this.sheetOptions = options;
    this.rowNumber = 0;
    this.columns = 0;
    this.comments = [];
    this.zip.startEntry(`xl/worksheets/sheet${this.sheets.length}.xml`);
    this.inSheet = true;
    const cols = options.widths
      .map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`)
      .join("");
    const left = options.header ? (options.frozenColumns ?? 0) : 0;
    const pane = !options.header
      ? `<sheetViews><sheetView workbookViewId="0"/></sheetViews>`
      : left > 0
        ? `<sheetViews><sheetView workbookViewId="0"><pane xSplit="${left}" ySplit="1" topLeftCell="${letterOf(left)}2" activePane="bottomRight" state="frozen"/><selection pane="topRight"/><selection pane="bottomLeft"/><selection pane="bottomRight" activeCell="${letterOf(left)}2" sqref="${letterOf(left)}2"/></sheetView></sheetViews>`
        : `<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`;
    this.write(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${pane}<sheetFormatPr defaultRowHeight="15"/>${cols ? `<cols>${cols}</cols>` : ""}<sheetData>`,
    );
  }

  /** Writes one row; `style` is per cell (see XlsxWriterOptions). Numbers are number cells. */
  addRow(values: readonly CellValue[], style: (column: number) => number = () => 0): void {
    const row = ++this.rowNumber;
    let xml = `<row r="${row}">`;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const s = style(i);
      if ((value === null || value === undefined || value === "") && s === 0) continue;
      const ref = `${letterOf(i)}${row}`;
      const attrs = s ? ` s="${s}"` : "";
      if (typeof value === "number") {
        xml += Number.isFinite(value) ? `<c r="${ref}"${attrs}><v>${value}</v></c>` : `<c r="${ref}"${attrs}/>`;
        continue;
      }
      const space =
        value && (value.charCodeAt(0) <= 32 || value.charCodeAt(value.length - 1) <= 32) ? ' xml:space="preserve"' : "";
      xml += value
        ? `<c r="${ref}" t="inlineStr"${attrs}><is><t${space}>${escapeXml(value)}</t></is></c>`
        : `<c r="${ref}"${attrs}/>`;
    }
    this.columns = Math.max(this.columns, values.length);
    this.write(`${xml}</row>`);
  }

  /**
   * Puts a comment (a note) on a cell of the row written last. Returns false, and counts it in
   * `dropped`, once the sheet has MAX_COMMENTS.
   */
  comment(column: number, text: string): boolean {
    if (this.comments.length >= MAX_COMMENTS) {
      this.dropped++;
      return false;
    }
    this.comments.push({ ref: `${letterOf(column)}${this.rowNumber}`, row: this.rowNumber - 1, column, text });
    return true;
  }

  /** Hands what is buffered to the zip once there is enough of it; await it between rows. */
  async flushIfFull(): Promise<void> {
    if (this.pendingLength > PIECE / 2) await this.flush();
  }

  async endSheet(): Promise<void> {
    const options = this.sheetOptions;
    if (!options || !this.inSheet) throw new Error("no sheet started");
    const filter =
      options.header && this.rowNumber > 0
        ? `<autoFilter ref="A1:${columnLetter(Math.max(this.columns, 1) - 1)}${this.rowNumber}"/>`
        : "";
    const drawing = this.comments.length > 0 ? `<legacyDrawing r:id="rId1"/>` : "";
    this.write(
      `</sheetData>${filter}<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>${drawing}</worksheet>`,
    );
    await this.flush();
    this.recordFilter();
    this.zip.endEntry();
    this.inSheet = false;
    this.sheetOptions = null;
    if (this.comments.length > 0) await this.writeComments();
  }

  /** The open sheet's comments part, its VML drawing (which Excel and LibreOffice need to show them) and the sheet's rels. */
  private async writeComments(): Promise<void> {
    const sheet = this.sheets.length;
    const comments = this.comments;
    this.comments = [];
    // VML shape IDs come in blocks of 1024 per drawing, numbered across the workbook.
    const firstBlock = 1 + [...this.commented.values()].reduce((n, count) => n + Math.ceil(count / 1024), 0);
    const blocks = Math.ceil(comments.length / 1024);
    this.commented.set(sheet, comments.length);
    const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing${sheet}.vml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments${sheet}.xml"/></Relationships>`;
    await this.addPart(`xl/worksheets/_rels/sheet${sheet}.xml.rels`, rels);
    this.zip.startEntry(`xl/comments${sheet}.xml`);
    this.write(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>mdimport</author></authors><commentList>`,
    );
    for (const c of comments) {
      this.write(
        `<comment ref="${c.ref}" authorId="0"><text><r><t xml:space="preserve">${escapeXml(c.text)}</t></r></text></comment>`,
      );
      await this.flushIfFull();
    }
    this.write(`</commentList></comments>`);
    await this.flush();
    this.zip.endEntry();
    this.zip.startEntry(`xl/drawings/vmlDrawing${sheet}.vml`);
    const ids = Array.from({ length: blocks }, (_, i) => firstBlock + i).join(",");
    this.write(
      `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="${ids}"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>`,
    );
    comments.forEach((c, i) => {
      const id = firstBlock * 1024 + i + 1;
      this.write(
        `<v:shape id="_x0000_s${id}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;margin-top:2pt;width:160pt;height:60pt;z-index:${i + 1};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${c.column + 1}, 15, ${Math.max(c.row - 1, 0)}, 2, ${c.column + 3}, 15, ${c.row + 3}, 16</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>${c.row}</x:Row><x:Column>${c.column}</x:Column></x:ClientData></v:shape>`,
      );
    });
    this.write(`</xml>`);
    await this.flush();
    this.zip.endEntry();
  }

  /** Writes the workbook's remaining parts and ends the zip. */
  async finish(): Promise<void> {
    const names = this.sheets;
    await this.addPart(
      "[Content_Types].xml",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${this.commented.size > 0 ? `<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>` : ""}<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>${names.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("")}${[...this.commented.keys()].map((i) => `<Override PartName="/xl/comments${i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>`).join("")}</Types>`,
    );
    await this.addPart(
      "_rels/.rels",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    );
    await this.addPart(
      "xl/workbook.xml",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView/></bookViews><sheets>${names.map((n, i) => `<sheet name="${escapeXml(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("")}</sheets>${this.filterNames()}</workbook>`,
    );
    await this.addPart(
      "xl/_rels/workbook.xml.rels",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${names.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("")}<Relationship Id="rId${names.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
    );
    await this.addPart("xl/styles.xml", this.stylesXml());
    await this.zip.finish();
  }

  private filterNames(): string {
    // Excel keeps an autofilter's range as a hidden defined name; LibreOffice needs it.
    return this.filterRanges.length === 0
      ? ""
      : `<definedNames>${this.filterRanges.map((r) => `<definedName name="_xlnm._FilterDatabase" localSheetId="${r.sheet}" hidden="1">'${escapeXml(r.name.replace(/'/g, "''"))}'!${r.range}</definedName>`).join("")}</definedNames>`;
  }

  private readonly filterRanges: { sheet: number; name: string; range: string }[] = [];

  private stylesXml(): string {
    const extra = this.options.styles ?? [];
    const argbs = [...new Set([...this.options.fills, ...extra.flatMap((s) => (s.fill ? [s.fill] : []))])];
    const fills = argbs
      .map(
        (argb) =>
          `<fill><patternFill patternType="solid"><fgColor rgb="${argb}"/><bgColor indexed="64"/></patternFill></fill>`,
      )
      .join("");
    const xfs = this.options.fills
      .map(
        (argb) =>
          `<xf numFmtId="49" fontId="0" fillId="${argbs.indexOf(argb) + 3}" borderId="0" applyFill="1" applyNumberFormat="1"/>`,
      )
      .join("");
    const formats = { text: 49, number: 0, date: 164 } as const;
    const extraXfs = extra
      .map((s) => {
        const fill = s.fill ? argbs.indexOf(s.fill) + 3 : 0;
        return `<xf numFmtId="${formats[s.format ?? "text"]}" fontId="${s.bold ? 1 : 0}" fillId="${fill}" borderId="0" applyNumberFormat="1"${fill ? ' applyFill="1"' : ""}${s.bold ? ' applyFont="1"' : ""}/>`;
      })
      .join("");
    return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd\\-mm\\-yyyy"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="${argbs.length + 3}"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFD9D9D9"/><bgColor indexed="64"/></patternFill></fill>${fills}</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="${this.options.fills.length + extra.length + 2}"><xf numFmtId="49" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="1" fillId="2" borderId="0" applyFont="1" applyFill="1" applyNumberFormat="1"/>${xfs}${extraXfs}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;
  }

  private addPart(name: string, xml: string): Promise<void> {
    return this.zip.addEntry(name, xml);
  }

  private write(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.pendingLength + text.length * 3 > this.pending.length) {
      if (this.pendingLength > 0) void this.flush();
      if (text.length * 3 > this.pending.length) {
        void this.zip.write(Buffer.from(text, "utf8"));
        return;
      }
    }
    this.pendingLength += this.pending.write(text, this.pendingLength, "utf8");
  }

  private flush(): Promise<void> {
    // The zip deflates the piece on another thread later, so it gets the buffer and we take a new one.
    const piece = this.pending.subarray(0, this.pendingLength);
    this.pending = Buffer.allocUnsafe(PIECE);
    this.pendingLength = 0;
    return this.zip.write(piece);
  }

  private recordFilter(): void {
    if (!this.sheetOptions?.header || this.rowNumber === 0) return;
    this.filterRanges.push({
      sheet: this.sheets.length - 1,
      name: this.sheetOptions.name,
      range: `$A$1:$${columnLetter(Math.max(this.columns, 1) - 1)}$${this.rowNumber}`,
    });
  }
}
