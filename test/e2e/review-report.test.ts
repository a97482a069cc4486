import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { freshPlatform, servePlatform } from "../support/platform.js";
import { fixture, readJson, repoRoot, runCli, runCliAsync, tempDir } from "../support/cli.js";

type Report = { rows: { row: number; status: string; md_id?: string; reasons: { code: string; ref?: number }[] }[] };

async function open(path: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return workbook;
}

/** The report sheet's row for a sheet row number (column C holds it). */
function rowOf(sheet: ExcelJS.Worksheet, sheetRow: number): ExcelJS.Row {
  for (let r = 2; r <= sheet.rowCount; r++) if (sheet.getCell(r, 3).value === sheetRow) return sheet.getRow(r);
  throw new Error(`no report row for sheet row ${sheetRow}`);
}

/** A cell of a report row by the header of its column. */
function cellOf(sheet: ExcelJS.Worksheet, row: ExcelJS.Row, header: string): ExcelJS.Cell {
  const headers = (sheet.getRow(1).values as unknown[]).map((v) => (typeof v === "string" ? v : ""));
  const index = headers.findIndex((h) => h === header);
  if (index < 1) throw new Error(`no column "${header}" in ${headers.join(", ")}`);
  return row.getCell(index);
}

const noteOf = (cell: ExcelJS.Cell): string => {
  const note = cell.note as string | { texts?: { text: string }[] } | undefined;
  return typeof note === "string" ? note : (note?.texts ?? []).map((t) => t.text).join("");
};
const fillOf = (cell: ExcelJS.Cell): string | undefined =>
  (cell.fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;

const NEW_CLIENT_HEADERS = [
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

async function sheetOf(path: string, headers: string[], rows: (string | null)[][]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Blad1");
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(row);
  await workbook.xlsx.writeFile(path);
  return path;
}

describe("report.xlsx: the requester's review of a test run", () => {
  const dir = tempDir();
  const db = join(dir, "platform.sqlite");
  const out = (name: string) => join(dir, name);
  beforeAll(() => {
    expect(runCli(["platform", "load", fixture("platform-state.json"), "--db", db]).code).toBe(0);
    for (const script of ["new-clients", "relations", "update-clients"]) {
      const run = runCli([
        "test-run",
        fixture(`${script}.xlsx`),
        "--script",
        script,
        "--db",
        db,
        "--out",
        out(script),
        "--lang",
        "en",
      ]);
      expect(run.stderr).toBe("");
    }
  });

  it("puts status, reason and row number first, frozen with the header, and writes numbers as numbers", async () => {
    const workbook = await open(join(out("new-clients"), "report.xlsx"));
    const sheet = workbook.getWorksheet("Report") as ExcelJS.Worksheet;
    expect((sheet.getRow(1).values as unknown[]).slice(1, 5)).toEqual(["Status", "Reason", "Row", "E-mailadres"]);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", xSplit: 3, ySplit: 1 });
    expect(sheet.getCell("C2").type).toBe(ExcelJS.ValueType.Number);
    expect(sheet.getCell("C2").value).toBe(2);
    const summary = workbook.getWorksheet("Summary") as ExcelJS.Worksheet;
    const counts = new Map<string, unknown>();
    summary.eachRow((row) => counts.set(row.getCell(1).text, row.getCell(2).value));
    expect(counts.get("invalid")).toBe(10);
    expect(counts.get("Rows")).toBe(17);
    expect(counts.get("File (sha256)")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("colours the cell at fault of an invalid row and comments it with the reason", async () => {
    const sheet = (await open(join(out("new-clients"), "report.xlsx"))).getWorksheet("Report") as ExcelJS.Worksheet;
    const row = rowOf(sheet, 5); // daan.visser@voorbeeld: no top-level domain
    const email = cellOf(sheet, row, "E-mailadres");
    expect(email.value).toBe("daan.visser@voorbeeld");
    expect(fillOf(email)).toBe("FFFF7C80");
    expect(noteOf(email)).toBe("Email address is not a valid e-mail address");
    expect(fillOf(cellOf(sheet, row, "Voornaam"))).toBeUndefined();
    expect(noteOf(cellOf(sheet, rowOf(sheet, 8), "BSN"))).toBe("BSN fails the eleven-test");
  });

  it("shows what a planned create stores where the tool normalised it, marked with the original", async () => {
    const sheet = (await open(join(out("new-clients"), "report.xlsx"))).getWorksheet("Report") as ExcelJS.Worksheet;
    const row = rowOf(sheet, 18); // " nina.vos@voorbeeld.nl ", gender O, phone +31 20 123 4567
    const email = cellOf(sheet, row, "E-mailadres");
    expect(email.value).toBe("nina.vos@voorbeeld.nl");
    // The fixture's non-breaking spaces around it, in quotes.
    expect(noteOf(email)).toBe('was: "\u00a0nina.vos@voorbeeld.nl\u00a0"');
    expect(fillOf(email)).toBe("FFBDD7EE");
    expect(cellOf(sheet, row, "Geslacht [m/v/a/o]").value).toBe("unknown");
    expect(noteOf(cellOf(sheet, row, "Geslacht [m/v/a/o]"))).toBe("was: O");
    expect(cellOf(sheet, row, "Telefoonnummer").value).toBe("+31201234567");
    expect(noteOf(cellOf(sheet, row, "Telefoonnummer"))).toBe("was: +31 20 123 4567");
  });

  it("shows a date as a date, a BSN with its zero, a gender in the report's language (validate, Dutch)", async () => {
    const input = await sheetOf(join(dir, "normalised.xlsx"), NEW_CLIENT_HEADERS, [
      ["Anna.Jansen@Voorbeeld.NL", "Anna", null, "Jansen", "EXT-1", "05-03-1985", "V", "0612345678", "61143595"],
      ["bram@voorbeeld.nl", "Bram", null, "Smit", "EXT-2", null, "vrouw", null, null],
    ]);
    runCli(["validate", input, "--script", "new-clients", "--out", out("normalised"), "--lang", "nl"]);
    const sheet = (await open(join(out("normalised"), "report.xlsx"))).getWorksheet("Rapport") as ExcelJS.Worksheet;
    const row = rowOf(sheet, 2);
    expect(cellOf(sheet, row, "E-mailadres").value).toBe("anna.jansen@voorbeeld.nl");
    expect(noteOf(cellOf(sheet, row, "E-mailadres"))).toBe("was: Anna.Jansen@Voorbeeld.NL");
    const date = cellOf(sheet, row, "Geboortedatum");
    expect(date.type).toBe(ExcelJS.ValueType.Date);
    expect((date.value as Date).toISOString().slice(0, 10)).toBe("1985-03-05");
    expect(date.numFmt).toBe("dd-mm-yyyy");
    expect(noteOf(date)).toBe("was: 05-03-1985");
    expect(cellOf(sheet, row, "Geslacht").value).toBe("vrouw");
    expect(noteOf(cellOf(sheet, row, "Geslacht"))).toBe("was: V");
    expect(cellOf(sheet, row, "BSN").value).toBe("061143595");
    expect(noteOf(cellOf(sheet, row, "BSN"))).toBe("was: 61143595");
    // "vrouw" is stored as the code for female, and reads as the sheet has it: not marked.
    expect(noteOf(cellOf(sheet, rowOf(sheet, 3), "Geslacht"))).toBe("");
    expect(fillOf(cellOf(sheet, rowOf(sheet, 3), "Geslacht"))).toBeUndefined();
  });

  it("shows old → new for a planned update, and why an unchanged update is unchanged", async () => {
    const sheet = (await open(join(out("update-clients"), "report.xlsx"))).getWorksheet("Report") as ExcelJS.Worksheet;
    const id = cellOf(sheet, rowOf(sheet, 2), "Client database ID (van te koppelen systeem)");
    expect(id.value).toBe("NEW-1");
    expect(noteOf(id)).toBe("was: EXT-1001");
    expect(noteOf(cellOf(sheet, rowOf(sheet, 2), "E-mailadres"))).toBe("");
    const input = await sheetOf(
      join(dir, "unchanged.xlsx"),
      ["Client database ID (van Minddistrict)", "E-mailadres", "Client database ID (van te koppelen systeem)"],
      [["32d9e0fb6ff671d27ac35b09e3a48e76", "anna.devries@voorbeeld.nl", "EXT-1001"]],
    );
    const run = runCli([
      "test-run",
      input,
      "--script",
      "update-clients",
      "--db",
      db,
      "--out",
      out("unchanged"),
      "--lang",
      "en",
    ]);
    expect(run.code).toBe(0);
    const unchanged = (await open(join(out("unchanged"), "report.xlsx"))).getWorksheet("Report") as ExcelJS.Worksheet;
    expect(unchanged.getCell("A2").value).toBe("unchanged");
    expect(unchanged.getCell("B2").value).toBe("Every value is already as in this row");
  });

  it("names the professional and the client of a relation as the platform knows them", async () => {
    const sheet = (await open(join(out("relations"), "report.xlsx"))).getWorksheet("Report") as ExcelJS.Worksheet;
    expect((sheet.getRow(1).values as unknown[]).slice(4, 6)).toEqual([
      "Professional (on the platform)",
      "Client (on the platform)",
    ]);
    const row = rowOf(sheet, 3);
    expect(row.getCell(1).value).toBe("planned");
    expect(row.getCell(4).value).toBe("Thijs Jansen <t.jansen@voorbeeld.nl>");
    expect(row.getCell(5).value).toBe("Bram Bakker <bram.bakker@voorbeeld.nl>");
    // The platform's people and an update's old values reach report.xlsx only.
    for (const [script, value] of [
      ["relations", "Thijs"],
      ["relations", "t.jansen@voorbeeld.nl"],
      ["update-clients", "EXT-1001"],
    ] as const) {
      for (const name of ["report.json", "summary.md", "mdimport.log"]) {
        expect(readFileSync(join(out(script), name), "utf8"), `${value} in ${script}/${name}`).not.toContain(value);
      }
    }
    // A URL given for an ID is stored as the ID.
    const url = cellOf(sheet, rowOf(sheet, 5), "Client database ID (van Minddistrict)");
    expect(url.value).toBe("b20932a2c8d0df6b855746380a4ec3b2");
    expect(noteOf(url)).toMatch(/^was: https:\/\/.*\/c\/b20932a2c8d0df6b855746380a4ec3b2$/);
  });

  it("names the account a dropout collides with, and the other row of a conflict in the file", async () => {
    const sheet = (await open(join(out("new-clients"), "report.xlsx"))).getWorksheet("Report") as ExcelJS.Worksheet;
    expect(rowOf(sheet, 4).getCell(2).value).toMatch(
      /collides with: client, inactive, Minddistrict ID 482c1ae102792d190da4da61128448c5\)$/,
    );
    expect(rowOf(sheet, 13).getCell(2).value).toContain("(also in row 14)");
    expect(rowOf(sheet, 14).getCell(2).value).toContain("(also in row 13)");
    const json = readJson<Report>(join(out("new-clients"), "report.json"));
    expect(json.rows.find((r) => r.row === 13)?.reasons[0]).toMatchObject({ code: "conflict_in_file", ref: 14 });
  });
});

describe("report.xlsx after a run", () => {
  it("gives every created account its new Minddistrict ID, every row its outcome, and an IDs sheet", async () => {
    const { dir, db } = freshPlatform();
    const input = fixture("new-clients.xlsx");
    runCli(["test-run", input, "--script", "new-clients", "--db", db, "--out", join(dir, "test-run"), "--lang", "en"]);
    const run = runCli([
      "run",
      input,
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      join(dir, "test-run", "report.json"),
      "--out",
      join(dir, "run"),
      "--welcome-mail",
      "no",
      "--lang",
      "en",
    ]);
    expect(run.stderr).toBe("");
    const json = readJson<Report>(join(dir, "run", "report.json"));
    const done = json.rows.filter((r) => r.status === "done");
    expect(done.length).toBeGreaterThan(0);
    const workbook = await open(join(dir, "run", "report.xlsx"));
    const sheet = workbook.getWorksheet("Report") as ExcelJS.Worksheet;
    expect(sheet.getCell("D1").value).toBe("Minddistrict ID");
    for (const row of done) {
      const cells = rowOf(sheet, row.row);
      expect(cells.getCell(1).value).toBe("done");
      expect(cells.getCell(4).value).toBe(row.md_id);
    }
    expect(rowOf(sheet, 5).getCell(1).value).toBe("invalid");
    const ids = workbook.getWorksheet("IDs") as ExcelJS.Worksheet;
    expect((ids.getRow(1).values as unknown[]).slice(1)).toEqual(["ID (of the system to link)", "Minddistrict ID"]);
    const pairs = new Map<unknown, unknown>();
    ids.eachRow((row, n) => n > 1 && pairs.set(row.getCell(1).value, row.getCell(2).value));
    expect(pairs.get("EXT-1017")).toBe(done.find((r) => r.row === 18)?.md_id);
    const summary = workbook.getWorksheet("Summary") as ExcelJS.Worksheet;
    const labels = new Map<string, unknown>();
    summary.eachRow((row) => labels.set(row.getCell(1).text, row.getCell(2).value));
    expect(labels.get("Welcome e-mails")).toBe("no");
    expect(labels.get("created")).toBe(done.length);
    // The local store has no URLs: the summary says that only the ID is given.
    const notes: string[] = [];
    summary.eachRow((row) => notes.push(row.getCell(2).text));
    expect(notes).toContain("The platform gives no account URL: only the Minddistrict ID is given here.");
  });

  it("over HTTP also gives each created account's API URL (only in report.xlsx, not in report.json)", async () => {
    const { dir, db } = freshPlatform();
    const server = await servePlatform(db);
    try {
      const input = fixture("new-clients.xlsx");
      const platform = ["--platform", server.url, "--rate", "200"];
      const env = { env: { MDIMPORT_TOKEN: "local-dev-token" } };
      await runCliAsync(
        ["test-run", input, "--script", "new-clients", ...platform, "--out", join(dir, "test-run"), "--lang", "en"],
        env,
      );
      const run = await runCliAsync(
        [
          "run",
          input,
          "--script",
          "new-clients",
          ...platform,
          "--approved",
          join(dir, "test-run", "report.json"),
          "--out",
          join(dir, "run"),
          "--welcome-mail",
          "no",
          "--lang",
          "en",
        ],
        env,
      );
      expect(run.stderr).toBe("");
      const done = readJson<Report>(join(dir, "run", "report.json")).rows.filter((r) => r.status === "done");
      expect(done.length).toBeGreaterThan(0);
      expect(readFileSync(join(dir, "run", "report.json"), "utf8")).not.toContain("/api/2/");
      const workbook = await open(join(dir, "run", "report.xlsx"));
      const ids = workbook.getWorksheet("IDs") as ExcelJS.Worksheet;
      expect((ids.getRow(1).values as unknown[]).slice(1)).toEqual([
        "ID (of the system to link)",
        "Minddistrict ID",
        "URL (API 2)",
      ]);
      const urls = new Map<unknown, unknown>();
      ids.eachRow((row, n) => n > 1 && urls.set(row.getCell(2).value, row.getCell(3).value));
      for (const row of done) expect(urls.get(row.md_id)).toBe(`${server.url}/api/2/c/${row.md_id}`);
      const notes: string[] = [];
      (workbook.getWorksheet("Summary") as ExcelJS.Worksheet).eachRow((row) => notes.push(row.getCell(2).text));
      expect(notes).toContain(
        "The URL on the IDs sheet is the account's address in Minddistrict's API 2, not a page of the web application.",
      );
    } finally {
      await server.stop();
    }
  });
});

describe("report.xlsx's summary sheet names the platform's mode", () => {
  it("as its API reports it, in the requester's language, and report.json carries it", async () => {
    const dir = tempDir();
    const db = join(dir, "platform.sqlite");
    expect(runCli(["platform", "load", fixture("platform-state.json"), "--db", db]).code).toBe(0);
    const server = await servePlatform(db, "--mode", "training");
    const modeOf = async (args: string[], lang: string) => {
      const out = join(dir, `${lang}-${args.length}`);
      const run = await runCliAsync(
        ["test-run", fixture("new-clients.xlsx"), "--script", "new-clients", ...args, "--out", out, "--lang", lang],
        {
          env: { MDIMPORT_TOKEN: "local-dev-token" },
        },
      );
      expect(run.code).toBe(1);
      const labels = new Map<string, unknown>();
      const summary = (await open(join(out, "report.xlsx"))).getWorksheet(
        lang === "de" ? "Zusammenfassung" : "Summary",
      ) as ExcelJS.Worksheet;
      summary.eachRow((row) => labels.set(row.getCell(1).text, row.getCell(2).value));
      return { labels, json: readJson<{ platform_mode?: string | null }>(join(out, "report.json")) };
    };
    const http = await modeOf(["--platform", server.url, "--rate", "200"], "en");
    expect(http.labels.get("Platform mode")).toBe("training");
    expect(http.json.platform_mode).toBe("training");
    // The local store reports no mode: the sheet says nothing of one.
    const local = await modeOf(["--db", db], "de");
    expect([...local.labels.keys()].some((label) => label.startsWith("Modus der Plattform"))).toBe(false);
    expect(local.json).not.toHaveProperty("platform_mode");
    await server.stop();
  });
});

describe("fix.xlsx: the rows to fix, in the script's template", () => {
  const dir = tempDir();
  const db = join(dir, "platform.sqlite");
  beforeAll(() => {
    expect(runCli(["platform", "load", fixture("platform-state.json"), "--db", db]).code).toBe(0);
    runCli([
      "test-run",
      fixture("new-clients.xlsx"),
      "--script",
      "new-clients",
      "--db",
      db,
      "--out",
      join(dir, "first"),
      "--lang",
      "en",
    ]);
  });

  it("holds the invalid, duplicate and dropout rows with their original values and the reason, in the template", async () => {
    const json = readJson<Report>(join(dir, "first", "report.json"));
    const toFix = json.rows.filter((r) => ["invalid", "duplicate", "dropout"].includes(r.status));
    const fix = await open(join(dir, "first", "fix.xlsx"));
    const template = await open(join(repoRoot, "templates", "new-clients.en.xlsx"));
    const data = fix.getWorksheet("Data") as ExcelJS.Worksheet;
    const templateHeaders = (template.getWorksheet("Data")?.getRow(1).values as unknown[]).slice(1);
    expect((data.getRow(1).values as unknown[]).slice(1)).toEqual([...templateHeaders, "Reason (mdimport)"]);
    expect(fix.getWorksheet("Explanation")).toBeDefined();
    expect(data.rowCount).toBe(toFix.length + 1);
    expect(data.getCell("A4").value).toBe("daan.visser@voorbeeld");
    expect(data.getCell("J4").value).toBe("row 5: Email address is not a valid e-mail address");
    // The template's text columns and dropdowns.
    expect(data.getColumn(5).numFmt).toBe("@");
    expect(data.getCell("G2").dataValidation).toMatchObject({ type: "list" });
  });

  it("test-runs to planned once its rows are corrected", async () => {
    const fix = await open(join(dir, "first", "fix.xlsx"));
    const data = fix.getWorksheet("Data") as ExcelJS.Worksheet;
    // Keep the rows of sheet rows 5 (e-mail) and 6 (date), corrected; drop the rest.
    const keep = [4, 5];
    for (let r = data.rowCount; r >= 2; r--) if (!keep.includes(r)) data.spliceRows(r, 1);
    data.getCell("A2").value = "daan.visser@voorbeeld.nl";
    data.getCell("F3").value = "28-02-1990";
    const corrected = join(dir, "corrected.xlsx");
    await fix.xlsx.writeFile(corrected);
    const run = runCli([
      "test-run",
      corrected,
      "--script",
      "new-clients",
      "--db",
      db,
      "--out",
      join(dir, "second"),
      "--lang",
      "en",
    ]);
    expect(run.stderr).toBe("");
    const json = readJson<Report>(join(dir, "second", "report.json"));
    expect(json.rows.map((r) => [r.row, r.status])).toEqual([
      [2, "planned"],
      [3, "planned"],
    ]);
    expect(run.code).toBe(0);
    expect(existsSync(join(dir, "second", "fix.xlsx"))).toBe(false);
  });
});

describe("LibreOffice opens every report", () => {
  const soffice = spawnSync("sh", ["-c", "command -v soffice"], { encoding: "utf8" }).stdout.trim();
  // Skipped where LibreOffice is not installed: tools/check-reports-libreoffice.sh needs soffice.
  it.skipIf(soffice === "")("converts every report.xlsx and fix.xlsx of a validate, test-run and run to PDF", () => {
    const { dir, db } = freshPlatform();
    for (const script of ["new-clients", "relations", "update-clients"]) {
      runCli(["validate", fixture(`${script}.xlsx`), "--script", script, "--out", join(dir, `validate-${script}`)]);
      runCli([
        "test-run",
        fixture(`${script}.xlsx`),
        "--script",
        script,
        "--db",
        db,
        "--out",
        join(dir, `test-run-${script}`),
      ]);
    }
    runCli([
      "run",
      fixture("new-clients.xlsx"),
      "--script",
      "new-clients",
      "--db",
      db,
      "--approved",
      join(dir, "test-run-new-clients", "report.json"),
      "--out",
      join(dir, "run"),
      "--welcome-mail",
      "no",
    ]);
    const check = spawnSync("bash", [join(repoRoot, "tools", "check-reports-libreoffice.sh"), dir], {
      encoding: "utf8",
      timeout: 300_000,
    });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/^ok: 14 workbooks/m);
  });
});
