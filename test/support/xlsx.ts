import { strToU8, zipSync } from "fflate";
import type { SheetRow } from "../../src/input/cells.js";
import { openWorkbook, type OpenWorkbookOptions, type Workbook } from "../../src/input/workbook.js";

/** The rows of a workbook one by one, for tests that do not care about batches. */
export async function* rowsOf(workbook: Workbook): AsyncGenerator<SheetRow> {
  for await (const batch of workbook.batches()) yield* batch;
}

export interface RawSheet {
  name: string;
  xml: string;
  state?: "hidden" | "veryHidden";
}

export interface RawWorkbook {
  sheets: RawSheet[];
  sharedStrings?: string;
  styles?: string;
  date1904?: boolean;
  /** Put the sheets before the workbook, styles and shared strings in the zip, as LibreOffice does. */
  sheetsFirst?: boolean;
  prefix?: string;
  /** Deflate level of the zip (0 stores the parts as they are). */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

const NS =
  'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

/** Wraps sheetData content into a worksheet part. */
export const sheetXml = (rows: string, prefix = "") =>
  prefix
    ? `<?xml version="1.0"?><${prefix}:worksheet xmlns:${prefix}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><${prefix}:sheetData>${rows}</${prefix}:sheetData></${prefix}:worksheet>`
    : `<?xml version="1.0"?><worksheet ${NS}><sheetData>${rows}</sheetData></worksheet>`;

export const sstXml = (strings: string[]) =>
  `<?xml version="1.0"?><sst ${NS} count="${strings.length}">${strings.map((s) => (s.startsWith("<") ? `<si>${s}</si>` : `<si><t>${s}</t></si>`)).join("")}</sst>`;

/** A minimal .xlsx built part by part, for testing what real spreadsheet programs write. */
export function buildXlsx(workbook: RawWorkbook): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const sheetFiles = Object.fromEntries(
    workbook.sheets.map((s, i) => [`xl/worksheets/sheet${i + 1}.xml`, strToU8(s.xml)]),
  );
  if (workbook.sheetsFirst) Object.assign(files, sheetFiles);
  files["[Content_Types].xml"] = strToU8(
    `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
  );
  files["_rels/.rels"] = strToU8(
    `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  files["xl/workbook.xml"] = strToU8(
    `<?xml version="1.0"?><workbook ${NS}>${workbook.date1904 ? '<workbookPr date1904="1"/>' : ""}<sheets>${workbook.sheets
      .map(
        (s, i) =>
          `<sheet name="${s.name}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ""} r:id="rId${i + 1}"/>`,
      )
      .join("")}</sheets></workbook>`,
  );
  const rels = workbook.sheets.map(
    (_, i) =>
      `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  );
  if (workbook.sharedStrings)
    rels.push(
      `<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/>`,
    );
  if (workbook.styles)
    rels.push(
      `<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`,
    );
  files["xl/_rels/workbook.xml.rels"] = strToU8(
    `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join("")}</Relationships>`,
  );
  if (workbook.sharedStrings) files["xl/sharedStrings.xml"] = strToU8(workbook.sharedStrings);
  if (workbook.styles) files["xl/styles.xml"] = strToU8(workbook.styles);
  if (!workbook.sheetsFirst) Object.assign(files, sheetFiles);
  return zipSync(files, workbook.level === undefined ? {} : { level: workbook.level });
}

/** Styles with cell formats: 0 general, 1 built-in date (14), 2 custom date, 3 text, 4 scientific, 5 custom number. */
export const stylesXml = `<?xml version="1.0"?><styleSheet ${NS}><numFmts count="2"><numFmt numFmtId="164" formatCode="dd\\-mm\\-yyyy"/><numFmt numFmtId="165" formatCode="&quot;ID &quot;0"/></numFmts><cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="49"/><xf numFmtId="11"/><xf numFmtId="165"/></cellXfs></styleSheet>`;

/** Opens a workbook and reads all its rows, for tests. */
export async function readSheet(
  bytes: Uint8Array,
  options: OpenWorkbookOptions = {},
): Promise<{ workbook: Workbook; rows: SheetRow[] }> {
  const workbook = await openWorkbook(bytes, options);
  const rows: SheetRow[] = [];
  for await (const row of rowsOf(workbook)) rows.push(row);
  return { workbook, rows };
}
