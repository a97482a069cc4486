// Attacks on `test-run --all-sheets` / `run --all-sheets` (issue 14) with workbooks a newcomer or
// an attacker might send: sheets in another order, two sheets of one script, sheets named as the
// report's own, keys shared across sheets, and an approval edited by hand.
import { join } from "node:path";
import Database from "better-sqlite3";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { writeWorkbook } from "../support/sheets.mjs";
import { readJson, runCli, tempDir } from "../support/cli.js";
import { freshPlatform } from "../support/platform.js";

const CLIENT = [
  "Email address",
  "First name",
  "Infix",
  "Last name",
  "Client ID",
  "Date of birth",
  "Gender",
  "Phone number",
  "BSN",
];
const PROFESSIONAL = ["Email address", "First name", "Infix", "Last name", "Professional ID", "Role"];
const RELATION = ["Professional ID", "Minddistrict professional ID", "Client ID", "Minddistrict client ID"];
/** A new client's cells: e-mail, first and last name, source ID, and a BSN where given. */
const client = (email: string, first: string, last: string, id: string, bsn = "") => [
  email,
  first,
  "",
  last,
  id,
  "",
  "",
  "",
  bsn,
];
/** A relation by source IDs. */
const relation = (professional: string, clientId: string) => [professional, "", clientId, ""];

interface RowJson {
  row: number;
  status: string;
  reasons: { code: string; field?: string; ref?: unknown }[];
  depends_on?: unknown;
}
interface WorkbookJson {
  sheets: { name: string; position: number; script: string; rows: RowJson[] }[];
}

const rowOf = (report: WorkbookJson, sheet: string, row: number): RowJson => {
  const found = report.sheets.find((s) => s.name === sheet)?.rows.find((r) => r.row === row);
  if (!found) throw new Error(`no row ${row} in sheet ${sheet}`);
  return found;
};
const codes = (row: RowJson) => row.reasons.map((r) => [r.code, r.field ?? null, r.ref ?? null]);

describe("a BSN used by new clients in two client sheets", () => {
  const dir = tempDir();
  let report: WorkbookJson;
  beforeAll(async () => {
    const { db } = freshPlatform();
    const file = join(dir, "two-client-sheets.xlsx");
    await writeWorkbook(file, [
      { name: "Clients A", header: CLIENT, rows: [client("a1@example.org", "Ada", "Een", "A-1", "111222333")] },
      { name: "Clients B", header: CLIENT, rows: [client("b1@example.org", "Bea", "Twee", "B-1", "111222333")] },
      { name: "Relations", header: RELATION, rows: [relation("PRO-1", "B-1")] },
    ]);
    const out = join(dir, "test-run");
    const run = runCli(["test-run", file, "--all-sheets", "--db", db, "--out", out, "--lang", "en"]);
    expect(run.code, run.stderr).toBe(1);
    report = readJson<WorkbookJson>(join(out, "report.json"));
  });

  it("is a conflict in both sheets, each naming the other's row, and a relation to either is depends_on_row", () => {
    expect([rowOf(report, "Clients A", 2).status, codes(rowOf(report, "Clients A", 2))]).toEqual([
      "duplicate",
      [["conflict_in_file", "bsn", { sheet: 2, row: 2 }]],
    ]);
    expect([rowOf(report, "Clients B", 2).status, codes(rowOf(report, "Clients B", 2))]).toEqual([
      "duplicate",
      [["conflict_in_file", "bsn", { sheet: 1, row: 2 }]],
    ]);
    expect([rowOf(report, "Relations", 2).status, codes(rowOf(report, "Relations", 2))]).toEqual([
      "dropout",
      [["depends_on_row", "client_id", { sheet: 2, row: 2 }]],
    ]);
  });
});

describe("one relation in two relations sheets", () => {
  const dir = tempDir();
  let db: string;
  let file: string;
  let report: WorkbookJson;
  beforeAll(async () => {
    ({ db } = freshPlatform());
    file = join(dir, "two-relation-sheets.xlsx");
    // Relations first, professionals before clients: the order of the sheets decides nothing.
    await writeWorkbook(file, [
      { name: "Relations", header: RELATION, rows: [relation("P-1", "C-1"), relation("PRO-1", "EXT-1001")] },
      {
        name: "Professionals",
        header: PROFESSIONAL,
        rows: [["p1@example.org", "Piet", "", "Een", "P-1", "Professional"]],
      },
      { name: "Clients", header: CLIENT, rows: [client("c1@example.org", "Cor", "Een", "C-1")] },
      { name: "More relations", header: RELATION, rows: [relation("P-1", "C-1"), relation("PRO-1", "EXT-1001")] },
    ]);
    const out = join(dir, "test-run");
    const run = runCli(["test-run", file, "--all-sheets", "--db", db, "--out", out, "--lang", "en"]);
    expect(run.code, run.stderr).toBe(1);
    report = readJson<WorkbookJson>(join(out, "report.json"));
  });

  it("is planned once: the later sheet's row is duplicate_in_file naming the earlier sheet's row", () => {
    expect(rowOf(report, "Relations", 2).status).toBe("planned");
    expect([rowOf(report, "More relations", 2).status, codes(rowOf(report, "More relations", 2))]).toEqual([
      "duplicate",
      [["duplicate_in_file", null, { sheet: 1, row: 2 }]],
    ]);
    // A relation the platform already holds is unchanged in both: nothing is done twice either way.
    expect(rowOf(report, "Relations", 3).status).toBe("unchanged");
    expect(rowOf(report, "More relations", 3).status).toBe("unchanged");
  });

  it("runs without a refusal from the platform: no row failed", () => {
    const out = join(dir, "run");
    const run = runCli([
      "run",
      file,
      "--all-sheets",
      "--approved",
      join(dir, "test-run", "report.json"),
      "--db",
      db,
      "--out",
      out,
      "--welcome-mail",
      "no",
    ]);
    expect(run.code, run.stderr).toBe(1);
    const done = readJson<WorkbookJson>(join(out, "report.json"));
    expect(rowOf(done, "Relations", 2).status).toBe("done");
    expect(rowOf(done, "More relations", 2).status).toBe("duplicate");
    expect(done.sheets.flatMap((s) => s.rows).filter((r) => r.status === "failed")).toEqual([]);
  });
});

describe("an update sheet that gives an existing client the BSN a new client of another sheet gets", () => {
  const dir = tempDir();
  let db: string;
  let file: string;
  beforeAll(async () => {
    ({ db } = freshPlatform());
    file = join(dir, "update-and-create.xlsx");
    await writeWorkbook(file, [
      { name: "Clients", header: CLIENT, rows: [client("z1@example.org", "Zoe", "Een", "Z-1", "222333443")] },
      {
        name: "Updates",
        header: ["Minddistrict client ID", "Email address", "BSN"],
        rows: [["32d9e0fb6ff671d27ac35b09e3a48e76", "", "222333443"]],
      },
    ]);
  });

  it("is a conflict in both at the test run, so that the run has nothing the platform refuses", () => {
    const out = join(dir, "test-run");
    const run = runCli(["test-run", file, "--all-sheets", "--db", db, "--out", out, "--lang", "en"]);
    expect(run.code, run.stderr).toBe(1);
    const report = readJson<WorkbookJson>(join(out, "report.json"));
    expect([rowOf(report, "Clients", 2).status, codes(rowOf(report, "Clients", 2))]).toEqual([
      "duplicate",
      [["conflict_in_file", "bsn", { sheet: 2, row: 2 }]],
    ]);
    expect([rowOf(report, "Updates", 2).status, codes(rowOf(report, "Updates", 2))]).toEqual([
      "duplicate",
      [["conflict_in_file", "bsn", { sheet: 1, row: 2 }]],
    ]);
    const done = runCli([
      "run",
      file,
      "--all-sheets",
      "--approved",
      join(out, "report.json"),
      "--db",
      db,
      "--out",
      join(dir, "run"),
      "--welcome-mail",
      "no",
    ]);
    expect(done.code, done.stderr).toBe(1);
    const after = readJson<WorkbookJson>(join(dir, "run", "report.json"));
    expect(after.sheets.flatMap((s) => s.rows).map((r) => r.status)).toEqual(["duplicate", "duplicate"]);
  });
});

describe("a run stopped in the accounts (--max-failures)", () => {
  const dir = tempDir();
  let report: WorkbookJson;
  beforeAll(async () => {
    const { db } = freshPlatform();
    // The platform refuses D-1's create (a rule no test run foresees); D-2 is then never tried.
    const store = new Database(db);
    store.exec(
      "CREATE TRIGGER refuse_d1 BEFORE INSERT ON accounts WHEN NEW.id = 'D-1' BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: accounts.bsn'); END",
    );
    store.close();
    const file = join(dir, "stopped.xlsx");
    await writeWorkbook(file, [
      {
        name: "Clients",
        header: CLIENT,
        rows: [client("d1@example.org", "Dora", "Een", "D-1"), client("d2@example.org", "Daan", "Twee", "D-2")],
      },
      { name: "Relations", header: RELATION, rows: [relation("PRO-1", "D-1"), relation("PRO-1", "D-2")] },
    ]);
    const approval = join(dir, "test-run");
    expect(runCli(["test-run", file, "--all-sheets", "--db", db, "--out", approval]).code).toBe(0);
    const out = join(dir, "run");
    const run = runCli([
      "run",
      file,
      "--all-sheets",
      "--approved",
      join(approval, "report.json"),
      "--db",
      db,
      "--out",
      out,
      "--welcome-mail",
      "no",
      "--max-failures",
      "0",
      "--concurrency",
      "1",
    ]);
    expect(run.code, run.stderr).toBe(1);
    report = readJson<WorkbookJson>(join(out, "report.json"));
  });

  it("leaves a relation to an account not tried planned (not tried), not a dropout asking to correct a sound row", () => {
    expect(rowOf(report, "Clients", 2).status).toBe("failed");
    expect(rowOf(report, "Clients", 3).status).toBe("planned");
    expect([rowOf(report, "Relations", 2).status, codes(rowOf(report, "Relations", 2))]).toEqual([
      "dropout",
      [["depends_on_row", "client_id", { sheet: 1, row: 2 }]],
    ]);
    expect([rowOf(report, "Relations", 3).status, codes(rowOf(report, "Relations", 3))]).toEqual(["planned", []]);
  });
});

describe("sheets named as the report's own sheets (Summary, Explanation) and alike but for case", () => {
  const dir = tempDir();
  const out = join(dir, "test-run");
  beforeAll(async () => {
    const { db } = freshPlatform();
    const file = join(dir, "own-names.xlsx");
    await writeWorkbook(file, [
      { name: "Explanation", header: CLIENT, rows: [client("not-an-address", "Ada", "Een", "E-1")] },
      { name: "explanation (2)", header: CLIENT, rows: [client("neither", "Bea", "Twee", "E-2")] },
      { name: "Summary", header: RELATION, rows: [relation("PRO-1", "E-1")] },
    ]);
    const run = runCli(["test-run", file, "--all-sheets", "--db", db, "--out", out, "--lang", "en"]);
    expect(run.code, run.stderr).toBe(1);
  });

  it("gives report.xlsx and fix.xlsx sheet names that are unique without regard to case", async () => {
    for (const name of ["report.xlsx", "fix.xlsx"]) {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(join(out, name));
      const names = workbook.worksheets.map((w) => w.name.toLowerCase());
      expect(new Set(names).size, `${name}: ${names.join(", ")}`).toBe(names.length);
    }
    const report = readJson<WorkbookJson>(join(out, "report.json"));
    expect(codes(rowOf(report, "Summary", 2))).toEqual([["depends_on_row", "client_id", { sheet: 1, row: 2 }]]);
  });
});

describe("a sheet meant as a script's but lacking one of its columns", () => {
  it("is refused (exit 3, naming the column), not passed over while its relations find no client", async () => {
    const dir = tempDir();
    const { db } = freshPlatform();
    const file = join(dir, "no-infix.xlsx");
    const withoutInfix = CLIENT.filter((h) => h !== "Infix");
    await writeWorkbook(file, [
      {
        name: "Clients",
        header: withoutInfix,
        rows: [client("a1@example.org", "Ada", "Een", "A-1").filter((_, i) => i !== 2)],
      },
      { name: "Notes", header: ["Note"], rows: [["sent on Monday"]] },
      { name: "Relations", header: RELATION, rows: [relation("PRO-1", "A-1")] },
    ]);
    const out = join(dir, "test-run");
    const run = runCli(["test-run", file, "--all-sheets", "--db", db, "--out", out, "--lang", "en"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('"Clients"');
    expect(run.stderr).toContain("Infix");
    expect(run.stderr).toContain("new-clients came closest");
    // A sheet of notes is still passed over: without the clients sheet the same workbook test-runs.
    const fine = join(dir, "notes.xlsx");
    await writeWorkbook(fine, [
      { name: "Notes", header: ["Note"], rows: [["sent on Monday"]] },
      { name: "Clients", header: CLIENT, rows: [client("a1@example.org", "Ada", "Een", "A-1")] },
    ]);
    const ok = runCli(["test-run", fine, "--all-sheets", "--db", db, "--out", join(dir, "fine"), "--lang", "en"]);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
