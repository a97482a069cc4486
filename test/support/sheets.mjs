// The one generator of synthetic sheets: for the benchmarks (bench/), the fixtures
// (fixtures/make-fixtures.mjs) and the tests (test/, src/**/*.test.ts). Plain ESM, so that node
// runs it from the .mjs scripts and vitest imports it from the .ts tests; its types are in
// sheets.d.mts. Every person here is invented: names from fixed lists, e-mail addresses at
// voorbeeld.nl / example.com / bench.example, BSNs made to pass the eleven-test, never a real
// person's by intent.
import ExcelJS from "exceljs";

/** Deterministic pseudo-random numbers (mulberry32), so that what is made from a seed is made again. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The eleven-test of a BSN, the generator's own (src/scripts/fields.ts has the product's: the
 * tests check that the two agree on what this module makes).
 */
export function elevenTest(bsn) {
  if (!/^\d{9}$/.test(bsn) || bsn === "000000000") return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(bsn[i]) * (9 - i);
  return (sum - Number(bsn[8])) % 11 === 0;
}

/**
 * BSNs that pass the eleven-test, one per counter value (the first eight digits are `prefix` and
 * the counter, so start below 10^(8 - prefix length)), each with the lowest check digit that fits.
 */
export function* generateBsns(start = 10_000_000, prefix = "") {
  for (let n = start; ; n++) {
    const body = (prefix + String(n)).padStart(8, "0");
    if (body.length > 8) throw new Error("generateBsns: the counter has run past eight digits");
    for (let check = 0; check <= 9; check++) {
      if (elevenTest(body + check)) {
        yield body + check;
        break;
      }
    }
  }
}

/** A BSN drawn from `next` that passes the eleven-test; `prefix` forces leading digits (e.g. "0" for padding tests). */
export function randomBsn(next, prefix = "") {
  for (;;) {
    let digits = prefix;
    while (digits.length < 8) digits += String(Math.floor(next() * 10));
    for (let last = 0; last <= 9; last++)
      if (elevenTest(digits + last) && (prefix !== "" || digits[0] !== "0")) return digits + last;
    // no check digit fits these eight digits; draw again
  }
}

/** A Minddistrict ID drawn from `next`. */
export const randomMdId = (next) => Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join("");

/** A Minddistrict ID from a number: 1 → 000…001. */
export const countedMdId = (n) => n.toString(16).padStart(32, "0");

const firstNames = ["Anna", "Bram", "Carla", "Daan", "Eva", "Femke", "Gert", "Hanna", "Ivo", "Joris"];
const lastNames = ["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters"];

/** new-clients' Dutch template headers, every column. */
export const newClientHeaders = [
  "E-mailadres",
  "Voornaam",
  "Tussenvoegsel",
  "Achternaam",
  "Client database ID (van te koppelen systeem)",
  "Geboortedatum",
  "Geslacht",
  "Telefoonnummer",
  "BSN",
];

/** Client `i` with every new-clients column filled (a date cell, a BSN), in newClientHeaders' order: valid. */
export const fullClientRow = (i, bsn) => [
  `client${i}@voorbeeld.nl`,
  firstNames[i % 10],
  i % 3 === 0 ? "van" : "",
  lastNames[(i * 7) % 10],
  `EXT-${i}`,
  { value: new Date(Date.UTC(1950 + (i % 60), i % 12, 1 + (i % 28))), numFmt: "dd-mm-yyyy" },
  ["m", "v", "a", "o"][i % 4],
  `06${String(10_000_000 + i).slice(-8)}`,
  bsn,
];

/** The headers of a plain new-clients sheet (shortClientRow), with the extra column names after them. */
export const shortClientHeaders = (...extra) => [
  "E-mailadres",
  "Voornaam",
  "Tussenvoegsel",
  "Achternaam",
  "Client ID",
  ...extra,
];

/** Client `i` of a plain new-clients sheet: `<prefix><i>@voorbeeld.nl`, Kim Test<i>, source ID `<idPrefix>-<i>`, then `extra`. */
export const shortClientRow = (i, prefix, idPrefix = prefix.toUpperCase(), ...extra) => [
  `${prefix}${i}@voorbeeld.nl`,
  "Kim",
  "",
  `Test${i}`,
  `${idPrefix}-${i}`,
  ...extra,
];

/** The rows `row(0)` … `row(n - 1)`, made as they are read (a sheet of any size without holding it). */
export function* counted(n, row) {
  for (let i = 0; i < n; i++) yield row(i);
}

/**
 * The sheets of an onboarding workbook (English headers, as the templates name them):
 * `clients` new clients, `professionals` new professionals, `relations` between them.
 */
export function onboardingSheets({ clients, professionals, relations }) {
  return [
    {
      name: "Clients",
      header: ["Client ID", "Email address", "First name", "Infix", "Last name"],
      rows: counted(clients, (i) => [`C-${i}`, `c${i}@bench.example`, "Cli", null, `Ent${i}`]),
    },
    {
      name: "Professionals",
      header: ["Professional ID", "Email address", "First name", "Infix", "Last name", "Role"],
      rows: counted(professionals, (i) => [
        `P-${i}`,
        `p${i}@bench.example`,
        "Pro",
        null,
        `Fessional${i}`,
        "Professional",
      ]),
    },
    {
      name: "Relations",
      header: ["Professional ID", "Client ID"],
      rows: counted(relations, (i) => [`P-${i % professionals}`, `C-${i % clients}`]),
    },
  ];
}

/** A platform state of `clients` clients (OLD-<i>, oud<i>@voorbeeld.nl) and `professionals` professionals (PRO-<i>), IDs counted from 1. */
export const platformState = (clients, professionals) => ({
  clients: Array.from({ length: clients }, (_, i) => ({
    md_id: countedMdId(i + 1),
    id: `OLD-${i}`,
    email: `oud${i}@voorbeeld.nl`,
    first_name: "Oud",
    last_name: `Client${i}`,
  })),
  professionals: Array.from({ length: professionals }, (_, i) => ({
    md_id: countedMdId(clients + i + 1),
    id: `PRO-${i}`,
    email: `pro${i}@voorbeeld.nl`,
    first_name: "Pro",
    last_name: `Fessional${i}`,
    role: "professional",
  })),
});

const isFormatted = (value) => value !== null && typeof value === "object" && "numFmt" in value;

/** One row's cells into an exceljs row: undefined left out, `{ value, numFmt }` as a formatted cell. */
function fillRow(excelRow, cells) {
  cells.forEach((value, index) => {
    if (value === undefined) return;
    const cell = excelRow.getCell(index + 1);
    if (isFormatted(value)) {
      cell.value = value.value;
      cell.numFmt = value.numFmt;
    } else cell.value = value;
  });
}

/**
 * Writes a workbook to `path`: per sheet its header (on `headerRow`, 1 unless told) and rows,
 * each an array of cells, `{ cells, hidden }`, or null for an empty row. A cell is a value
 * exceljs takes (text, number, Date, rich text, formula, hyperlink) or `{ value, numFmt }`.
 * `stream` writes row by row (for sheets of any size; `sharedStrings` and `styles` as exceljs's
 * streaming writer takes them); otherwise the workbook is built in memory, with its `creator`,
 * `created`/`modified` dates and the 1904 date system if asked.
 */
export async function writeWorkbook(path, sheets, options = {}) {
  if (options.stream) {
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: path,
      useSharedStrings: options.sharedStrings ?? false,
      useStyles: options.styles ?? false,
    });
    for (const sheet of sheets) {
      const worksheet = writer.addWorksheet(sheet.name);
      worksheet.addRow(sheet.header).commit();
      for (const cells of sheet.rows) {
        const row = worksheet.addRow(cells.map((c) => (isFormatted(c) ? c.value : c)));
        cells.forEach((c, index) => {
          if (isFormatted(c)) row.getCell(index + 1).numFmt = c.numFmt;
        });
        row.commit();
      }
      worksheet.commit();
    }
    await writer.commit();
    return;
  }
  const workbook = new ExcelJS.Workbook();
  if (options.creator) workbook.creator = options.creator;
  if (options.created) workbook.created = workbook.modified = options.created;
  if (options.date1904) workbook.properties.date1904 = true;
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name);
    const headerRow = sheet.headerRow ?? 1;
    fillRow(worksheet.getRow(headerRow), sheet.header);
    let rowNumber = headerRow;
    for (const row of sheet.rows) {
      rowNumber++;
      if (row === null) continue;
      const excelRow = worksheet.getRow(rowNumber);
      fillRow(excelRow, Array.isArray(row) ? row : row.cells);
      if (!Array.isArray(row) && row.hidden) excelRow.hidden = true;
    }
  }
  await workbook.xlsx.writeFile(path);
}
