import { columnLetter } from "../input/headers.js";
import { ZipWriter } from "./zip-writer.js";

const PIECE = 1024 * 1024;
const letters: string[] = [];
const letterOf = (index: number) => (letters[index] ??= columnLetter(index));

/** Fill colours (ARGB) a row may be painted with; index 0 is no fill. */
export interface XlsxWriterOptions {
  fills: readonly string[];
}

export interface SheetOptions {
  name: string;
  /** Column widths in characters. */
  widths: readonly number[];
  /** Freeze the first row and put an autofilter on it. */
  header: boolean;
}

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

  constructor(
    sink: (chunk: Uint8Array) => void,
    private readonly options: XlsxWriterOptions,
  ) {
    this.zip = new ZipWriter(sink);
  }

  startSheet(options: SheetOptions): void {
    this.sheets.push(options.name);
    this.sheetOptions = options;
    this.rowNumber = 0;
    this.columns = 0;
    this.zip.startEntry(`xl/worksheets/sheet${this.sheets.length}.xml`);
    this.inSheet = true;
    const cols = options.widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("");
    const pane = options.header
      ? `<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`
      : `<sheetViews><sheetView workbookViewId="0"/></sheetViews>`;
    this.write(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${pane}<sheetFormatPr defaultRowHeight="15"/>${cols ? `<cols>${cols}</cols>` : ""}<sheetData>`,
    );
  }

  /** Writes one row; `style` is per cell (0 plain, 1 header, 2+ the fills in order). */
  addRow(values: readonly (string | null | undefined)[], style: (column: number) => number = () => 0): void {
    const row = ++this.rowNumber;
    let xml = `<row r="${row}">`;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const s = style(i);
      if ((value === null || value === undefined || value === "") && s === 0) continue;
      const ref = `${letterOf(i)}${row}`;
      const attrs = s ? ` s="${s}"` : "";
      const space = value && (value.charCodeAt(0) <= 32 || value.charCodeAt(value.length - 1) <= 32) ? ' xml:space="preserve"' : "";
      xml += value ? `<c r="${ref}" t="inlineStr"${attrs}><is><t${space}>${escapeXml(value)}</t></is></c>` : `<c r="${ref}"${attrs}/>`;
    }
    this.columns = Math.max(this.columns, values.length);
    this.write(`${xml}</row>`);
  }

  /** Hands what is buffered to the zip once there is enough of it; await it between rows. */
  async flushIfFull(): Promise<void> {
    if (this.pendingLength > PIECE / 2) await this.flush();
  }

  async endSheet(): Promise<void> {
    const options = this.sheetOptions;
    if (!options || !this.inSheet) throw new Error("no sheet started");
    const filter =
      options.header && this.rowNumber > 0 ? `<autoFilter ref="A1:${columnLetter(Math.max(this.columns, 1) - 1)}${this.rowNumber}"/>` : "";
    this.write(`</sheetData>${filter}<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`);
    await this.flush();
    this.recordFilter();
    this.zip.endEntry();
    this.inSheet = false;
    this.sheetOptions = null;
  }

  /** Writes the workbook's remaining parts and ends the zip. */
  async finish(): Promise<void> {
    const names = this.sheets;
    await this.addPart(
      "[Content_Types].xml",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>${names.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("")}</Types>`,
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
    const fills = this.options.fills
      .map((argb) => `<fill><patternFill patternType="solid"><fgColor rgb="${argb}"/><bgColor indexed="64"/></patternFill></fill>`)
      .join("");
    const xfs = this.options.fills
      .map((_, i) => `<xf numFmtId="49" fontId="0" fillId="${i + 3}" borderId="0" applyFill="1" applyNumberFormat="1"/>`)
      .join("");
    return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="${this.options.fills.length + 3}"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFD9D9D9"/><bgColor indexed="64"/></patternFill></fill>${fills}</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="${this.options.fills.length + 2}"><xf numFmtId="49" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="1" fillId="2" borderId="0" applyFont="1" applyFill="1" applyNumberFormat="1"/>${xfs}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;
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
