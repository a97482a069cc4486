import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { readJson, repoRoot, runCli } from "../support/cli.js";
import { freshPlatform, servePlatform } from "../support/platform.js";

/** A professional and a client the sample platform holds (fixtures/platform-state.json). */
const EXISTING_PROFESSIONAL = "8ac032118cd9d6b653c93da6b5d32f41";
const EXISTING_CLIENT = "EXT-1002";
const EXISTING_CLIENT_MD_ID = "a41367d1861c73e075b14b82e6a43ac0";

type Rows = Record<string, string>[];

/**
 * The English onboarding template filled in by header, sheet by sheet; `extra` adds sheets at
 * the end (after the explanation sheet) with the header row of the template sheet named.
 */
async function onboardingWorkbook(
  path: string,
  sheets: Rows[],
  extra: { name: string; like: number; rows: Rows }[] = [],
): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(join(repoRoot, "templates", "onboarding.en.xlsx"));
  const headersOf = (sheet: ExcelJS.Worksheet) => (sheet.getRow(1).values as (string | undefined)[]).slice(1);
  const fill = (sheet: ExcelJS.Worksheet, headers: (string | undefined)[], rows: Rows) =>
    rows.forEach((values, r) => {
      const row = sheet.getRow(r + 2);
      for (const [header, value] of Object.entries(values)) {
        const column = headers.indexOf(header);
        if (column < 0) throw new Error(`no column "${header}"`);
        row.getCell(column + 1).value = value;
      }
      row.commit();
    });
  sheets.forEach((rows, index) => {
    const sheet = workbook.worksheets[index] as ExcelJS.Worksheet;
    fill(sheet, headersOf(sheet), rows);
  });
  for (const { name, like, rows } of extra) {
    const headers = headersOf(workbook.worksheets[like] as ExcelJS.Worksheet);
    const sheet = workbook.addWorksheet(name);
    sheet.addRow(headers);
    fill(sheet, headers, rows);
  }
  writeFileSync(path, Buffer.from(await workbook.xlsx.writeBuffer()));
  return path;
}

const client = (id: string, first: string, extra: Record<string, string> = {}) => ({
  "Client ID": id,
  "Email address": `${first.toLowerCase()}.run@example.org`,
  "First name": first,
  "Last name": "Nieuw",
  ...extra,
});
const professional = (id: string, first: string) => ({
  "Professional ID": id,
  "Email address": `${first.toLowerCase()}.pro@example.org`,
  "First name": first,
  "Last name": "Nieuw",
  Role: "Professional",
});
const clients: Rows = [client("C-301", "Anna"), client("C-302", "Bob")];
const professionals: Rows = [professional("P-401", "Piet"), professional("P-402", "Sara")];
const relations: Rows = [
  { "Professional ID": "P-401", "Client ID": "C-301" },
  { "Professional ID": "P-402", "Client ID": "C-302" },
  { "Minddistrict professional ID": EXISTING_PROFESSIONAL, "Client ID": "C-302" },
  { "Professional ID": "P-401", "Client ID": EXISTING_CLIENT },
];

interface RowJson {
  row: number;
  status: string;
  md_id?: string;
  reasons: { code: string; field?: string; ref?: unknown }[];
}
interface SheetJson {
  name: string;
  position: number;
  script: string;
  rows: RowJson[];
}
interface RunJson {
  mode: string;
  script: string | null;
  summary: Record<string, number>;
  sheets: SheetJson[];
  run: {
    welcome_mail: unknown;
    stopped: string | null;
    failures: number;
    resumed: boolean;
    repeated: boolean;
  };
}
interface State {
  clients: { md_id: string; id: string; email: string; active: boolean }[];
  professionals: { md_id: string; id: string; active: boolean }[];
  relations: { professional_md_id: string; client_md_id: string }[];
}

/** stderr without the notes of the scripts recognised from each sheet's headers. */
const unnoted = (stderr: string) =>
  stderr
    .split("\n")
    .filter((line) => !/^mdimport: note: .*recognised from the headers/.test(line))
    .join("\n");
const dumpOf = (db: string) => JSON.parse(runCli(["platform", "dump", "--db", db]).stdout) as State;
const statuses = (sheet: SheetJson | undefined) =>
  sheet?.rows.map((r) => [r.row, r.status, ...r.reasons.map((x) => x.code)]);
/** The journal's row entries of one type, as `<sheet>:<row>` keys. */
const journalKeys = (path: string, type: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{") && l.endsWith("}"))
    .map((l) => JSON.parse(l) as { type: string; sheet?: number; row: number })
    .filter((e) => e.type === type)
    .map((e) => `${e.sheet ?? 0}:${e.row}`);

/** The links the platform holds between the given accounts, as `professional id → client id` by source ID. */
function linksOf(state: State): string[] {
  const clientId = new Map(state.clients.map((c) => [c.md_id, c.id]));
  const professionalId = new Map(state.professionals.map((p) => [p.md_id, p.id]));
  return state.relations
    .map((r) => `${professionalId.get(r.professional_md_id) ?? "?"}→${clientId.get(r.client_md_id) ?? "?"}`)
    .sort();
}
const expectedLinks = ["P-401→C-301", "P-401→EXT-1002", "P-402→C-302", "PRO-1→C-302", "PRO-1→EXT-1001"];

/** A platform, the workbook and its approved test run (every row planned). */
async function approved(extraRows: { clients?: Rows; relations?: Rows } = {}) {
  const { dir, db } = freshPlatform();
  const file = await onboardingWorkbook(join(dir, "onboarding.xlsx"), [
    [...clients, ...(extraRows.clients ?? [])],
    professionals,
    [...relations, ...(extraRows.relations ?? [])],
  ]);
  const testRun = runCli(["test-run", file, "--all-sheets", "--db", db, "--out", join(dir, "tr"), "--lang", "en"]);
  expect(testRun.code, testRun.stderr).toBe(0);
  return { dir, db, file, approval: join(dir, "tr", "report.json") };
}

describe("run --all-sheets: an onboarding workbook carried out in dependency order", () => {
  it("creates every account and links them all, the relations given the new accounts' Minddistrict IDs; a rerun creates nothing", async () => {
    const { dir, db, file, approval } = await approved();
    const args = [
      "run",
      file,
      "--all-sheets",
      "--db",
      db,
      "--approved",
      approval,
      "--welcome-mail",
      "clients=yes,professionals=no",
      "--lang",
      "en",
    ];
    const run = runCli([...args, "--out", join(dir, "run")]);
    expect(unnoted(run.stderr)).toBe("");
    expect(run.code).toBe(0);
    const report = readJson<RunJson>(join(dir, "run", "report.json"));
    expect(report.mode).toBe("run");
    expect(report.script).toBeNull();
    expect(report.summary).toMatchObject({ done: 8, failed: 0, dropout: 0 });
    expect(report.run).toMatchObject({
      welcome_mail: { clients: "yes", professionals: "no" },
      stopped: null,
      failures: 0,
      resumed: false,
      repeated: false,
    });
    const [clientSheet, professionalSheet, relationSheet] = report.sheets;
    for (const row of [...clientSheet!.rows, ...professionalSheet!.rows]) expect(row.md_id).toMatch(/^[0-9a-f]{32}$/);
    expect(statuses(relationSheet)).toEqual([
      [2, "done"],
      [3, "done"],
      [4, "done"],
      [5, "done"],
    ]);
    const state = dumpOf(db);
    expect(linksOf(state)).toEqual(expectedLinks);
    const ours = state.clients.filter((c) => c.email.endsWith(".run@example.org"));
    expect(ours.map((c) => c.id).sort()).toEqual(["C-301", "C-302"]);
    expect(ours.every((c) => c.active)).toBe(true);
    expect(new Map(state.clients.map((c) => [c.id, c.md_id])).get("C-301")).toBe(clientSheet!.rows[0]!.md_id);
    expect(state.relations.some((r) => r.client_md_id === EXISTING_CLIENT_MD_ID)).toBe(true);
    // The journal keys every row by sheet and row; nothing done twice.
    const done = journalKeys(join(dir, "run", "journal.jsonl"), "done");
    expect(done.sort()).toEqual(["1:2", "1:3", "2:2", "2:3", "3:2", "3:3", "3:4", "3:5"]);
    // The header line records the answers per kind.
    const header = JSON.parse(readFileSync(join(dir, "run", "journal.jsonl"), "utf8").split("\n")[0]!) as Record<
      string,
      unknown
    >;
    expect(header).toMatchObject({
      type: "run",
      script: "workbook",
      welcome_mail: { clients: "yes", professionals: "no" },
    });
    // report.xlsx: a report sheet per input sheet, the IDs of the new accounts, the summary.
    const xlsx = new ExcelJS.Workbook();
    await xlsx.xlsx.readFile(join(dir, "run", "report.xlsx"));
    expect(xlsx.worksheets.map((s) => s.name)).toEqual(["Clients", "Professionals", "Relations", "IDs", "Summary"]);
    const ids = (xlsx.getWorksheet("IDs")?.getSheetValues() ?? []).slice(2).map((r) => (r as unknown[]).slice(1, 3));
    expect(ids).toHaveLength(4);
    expect(ids).toContainEqual(["C-301", clientSheet!.rows[0]!.md_id]);
    const summary = (xlsx.getWorksheet("Summary")?.getSheetValues() ?? []).map((r) =>
      ((r as unknown[]) ?? []).slice(1, 3).join(": "),
    );
    expect(summary).toContain("Welcome e-mails (new-clients): yes");
    expect(summary).toContain("Welcome e-mails (new-professionals): no");
    expect(readFileSync(join(dir, "run", "report.json"), "utf8")).not.toMatch(/example\.org|Nieuw|C-30|P-40/);

    // The same command again: everything unchanged, nothing created or linked twice.
    const again = runCli([...args, "--out", join(dir, "run")]);
    expect(unnoted(again.stderr)).toBe("");
    expect(again.code).toBe(0);
    const repeat = readJson<RunJson>(join(dir, "run", "report.json"));
    expect(repeat.summary).toMatchObject({ done: 0, unchanged: 8 });
    expect(repeat.run).toMatchObject({ repeated: true, resumed: false });
    expect(dumpOf(db)).toEqual(state);
    expect(journalKeys(join(dir, "run", "journal.jsonl"), "done")).toHaveLength(8);
    // Into another folder (a new run of the same approval): also unchanged.
    const elsewhere = runCli([...args, "--out", join(dir, "run2")]);
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(readJson<RunJson>(join(dir, "run2", "report.json")).summary).toMatchObject({ done: 0, unchanged: 8 });
    expect(dumpOf(db)).toEqual(state);
  });

  it("a relation to an account that drops out at run time (its e-mail taken since the test run) is dropout depends_on_row, never sent", async () => {
    const { dir, db, file, approval } = await approved();
    // Someone made an account with Bob's e-mail address after the test run.
    const taken = {
      clients: [
        {
          md_id: "0123456789abcdef0123456789abcdef",
          id: "OTHER-1",
          email: "bob.run@example.org",
          first_name: "Bo",
          infix: null,
          last_name: "Ander",
          gender: "unknown",
          date_of_birth: null,
          phone_number: null,
          bsn: null,
          active: true,
          external_source: null,
        },
      ],
    };
    writeFileSync(join(dir, "taken.json"), JSON.stringify(taken));
    expect(runCli(["platform", "load", join(dir, "taken.json"), "--db", db]).code).toBe(0);
    const run = runCli([
      "run",
      file,
      "--all-sheets",
      "--db",
      db,
      "--approved",
      approval,
      "--welcome-mail",
      "no",
      "--out",
      join(dir, "run"),
      "--lang",
      "en",
    ]);
    expect(run.code, run.stderr).toBe(1);
    const report = readJson<RunJson>(join(dir, "run", "report.json"));
    const [clientSheet, professionalSheet, relationSheet] = report.sheets;
    expect(statuses(clientSheet)).toEqual([
      [2, "done"],
      [3, "dropout", "changed_since_test_run", "email_in_use"],
    ]);
    expect(statuses(professionalSheet)).toEqual([
      [2, "done"],
      [3, "done"],
    ]);
    expect(statuses(relationSheet)).toEqual([
      [2, "done"],
      [3, "dropout", "depends_on_row"],
      [4, "dropout", "depends_on_row"],
      [5, "done"],
    ]);
    expect(relationSheet!.rows[1]!.reasons[0]).toMatchObject({ field: "client_id", ref: { sheet: 1, row: 3 } });
    expect(linksOf(dumpOf(db))).toEqual(["P-401→C-301", "P-401→EXT-1002", "PRO-1→EXT-1001"]);
  });

  it("--max-failures counts over the workbook: a failure in the accounts stops the run before the relations; a resume finishes them", async () => {
    const { dir, db } = freshPlatform();
    // A refusal no test run can foresee: the store is given a trigger that turns down C-701's create
    // as the platform turns down a BSN in use (a BSN shared across sheets is a conflict_in_file now).
    const store = new Database(db);
    store.exec(
      "CREATE TRIGGER refuse_c701 BEFORE INSERT ON accounts WHEN NEW.id = 'C-701' BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: accounts.bsn'); END",
    );
    store.close();
    const file = await onboardingWorkbook(
      join(dir, "onboarding.xlsx"),
      [
        [client("C-501", "Dirk", { BSN: "111222333" })],
        [professional("P-601", "Eva")],
        [
          { "Professional ID": "P-601", "Client ID": "C-501" },
          { "Professional ID": "P-601", "Client ID": "C-701" },
          { "Professional ID": "P-601", "Client ID": "C-702" },
        ],
      ],
      [
        {
          name: "More clients",
          like: 0,
          rows: [client("C-701", "Fien"), client("C-702", "Gijs")],
        },
      ],
    );
    expect(runCli(["test-run", file, "--all-sheets", "--db", db, "--out", join(dir, "tr")]).code).toBe(0);
    const args = [
      "run",
      file,
      "--all-sheets",
      "--db",
      db,
      "--approved",
      join(dir, "tr", "report.json"),
      "--welcome-mail",
      "no",
      "--out",
      join(dir, "run"),
    ];
    const stopped = runCli([...args, "--max-failures", "0", "--concurrency", "1", "--lang", "en"]);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain("stopped after more than 0 failed rows");
    const report = readJson<RunJson>(join(dir, "run", "report.json"));
    expect(report.run).toMatchObject({ stopped: "max_failures", failures: 1 });
    const byName = new Map(report.sheets.map((s) => [s.name, s]));
    expect(statuses(byName.get("Clients"))).toEqual([[2, "done"]]);
    expect(statuses(byName.get("Professionals"))).toEqual([[2, "done"]]);
    expect(statuses(byName.get("More clients"))).toEqual([
      [2, "failed", "bsn_in_use"],
      [3, "planned"],
    ]);
    // The relations are not carried out: to the failed account depends_on_row; to the untried account, and the other, not tried.
    expect(statuses(byName.get("Relations"))).toEqual([
      [2, "planned"],
      [3, "dropout", "depends_on_row"],
      [4, "planned"],
    ]);
    expect(byName.get("Relations")!.rows[1]!.reasons[0]).toMatchObject({
      field: "client_id",
      ref: { sheet: 5, row: 2 },
    });
    expect(byName.get("Relations")!.rows[2]!.reasons).toEqual([]);
    expect(dumpOf(db).relations).toHaveLength(1);

    // A resume keeps the first start's welcome-mail answers: another is refused (exit 5), nothing done.
    const otherAnswer = runCli([
      ...args.slice(0, -4),
      "--welcome-mail",
      "clients=yes,professionals=no",
      "--out",
      join(dir, "run"),
    ]);
    expect(otherAnswer.code).toBe(5);
    expect(otherAnswer.stderr).toContain(
      "This run was started with --welcome-mail clients=no,professionals=no; resume it with the same answer, not clients=yes,professionals=no.",
    );
    expect(dumpOf(db).relations).toHaveLength(1);
    // The same command, without the limit: the rest is carried out; the failed account's relation stays out.
    const resumed = runCli([...args, "--lang", "en"]);
    expect(resumed.code).toBe(1);
    const after = readJson<RunJson>(join(dir, "run", "report.json"));
    expect(after.run).toMatchObject({ resumed: true, stopped: null });
    const again = new Map(after.sheets.map((s) => [s.name, s]));
    // The platform still refuses it: tried again, failed again (it counts, but no limit is given now).
    expect(statuses(again.get("More clients"))).toEqual([
      [2, "failed", "bsn_in_use"],
      [3, "done"],
    ]);
    expect(statuses(again.get("Relations"))).toEqual([
      [2, "done"],
      [3, "dropout", "depends_on_row"],
      [4, "done"],
    ]);
    expect(linksOf(dumpOf(db))).toEqual(["P-601→C-501", "P-601→C-702", "PRO-1→EXT-1001"]);
  });

  it.each([
    ["during the accounts", "done:1:2"],
    ["between the accounts and the relations", "relations"],
    ["during the relations", "done:3:3"],
  ])("killed (SIGKILL) %s, the same command completes the rest, nothing done twice", async (_, step) => {
    const { dir, db, file, approval } = await approved();
    const args = [
      "run",
      file,
      "--all-sheets",
      "--db",
      db,
      "--approved",
      approval,
      "--welcome-mail",
      "yes",
      "--out",
      join(dir, "run"),
    ];
    const killed = runCli(args, { env: { MDIMPORT_TEST_KILL_AT: step } });
    expect(killed.code).toBeNull();
    const journal = join(dir, "run", "journal.jsonl");
    const before = journalKeys(journal, "done");
    if (step === "relations") expect(before.sort()).toEqual(["1:2", "1:3", "2:2", "2:3"]);
    expect(linksOf(dumpOf(db)).length).toBeLessThan(expectedLinks.length);

    const again = runCli(args);
    expect(unnoted(again.stderr)).toBe("");
    expect(again.code).toBe(0);
    const report = readJson<RunJson>(join(dir, "run", "report.json"));
    expect(report.summary).toMatchObject({ done: 8, failed: 0, dropout: 0 });
    expect(report.run.resumed).toBe(true);
    const done = journalKeys(journal, "done");
    expect(new Set(done).size).toBe(done.length);
    expect(done).toHaveLength(8);
    const state = dumpOf(db);
    expect(linksOf(state)).toEqual(expectedLinks);
    expect(state.clients.filter((c) => c.email.endsWith(".run@example.org"))).toHaveLength(2);
    expect(state.professionals.filter((p) => p.id.startsWith("P-4"))).toHaveLength(2);
    expect(state.clients.filter((c) => c.email.endsWith(".run@example.org")).every((c) => c.active)).toBe(true);
  });

  it("refuses what the approval does not fit, before anything is written: another workbook's sheets, the other kind of approval, a missing welcome-mail answer", async () => {
    const { dir, db, file, approval } = await approved();
    const run = (extra: string[], input = file) =>
      runCli(["run", input, "--db", db, "--approved", approval, "--out", join(dir, "refused"), ...extra]);
    // One sheet's run with a workbook's approval, and the reverse.
    const one = run(["--sheet", "Clients", "--welcome-mail", "no"]);
    expect([one.code, one.stderr]).toEqual([
      5,
      "mdimport: The approval report.json is the test run of a workbook of several sheets (--all-sheets), not of one sheet; run it with --all-sheets.\n",
    ]);
    runCli(["test-run", file, "--sheet", "Clients", "--db", db, "--out", join(dir, "tr-one")]);
    const reverse = runCli([
      "run",
      file,
      "--all-sheets",
      "--db",
      db,
      "--approved",
      join(dir, "tr-one", "report.json"),
      "--welcome-mail",
      "no",
    ]);
    expect(reverse.code).toBe(5);
    expect(reverse.stderr).toMatch(/is the test run of one sheet \(script new-clients\), not of a workbook/);
    // A kind without an answer: exit 2 naming it.
    const missing = run(["--all-sheets", "--welcome-mail", "clients=yes"]);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      "mdimport: This workbook creates professionals: run --all-sheets needs --welcome-mail yes|no for both kinds, or professionals=yes|no; the organisation must have said whether welcome e-mails may be sent.\n",
    ]);
    expect(run(["--all-sheets"]).stderr).toMatch(/creates clients and professionals/);
    expect(run(["--all-sheets", "--welcome-mail", "client=yes"]).code).toBe(2);
    // Another platform than the approved one: exit 5 once the sheets are read (and the command ends).
    const other = freshPlatform();
    const elsewhere = runCli([
      "run",
      file,
      "--all-sheets",
      "--db",
      other.db,
      "--approved",
      approval,
      "--welcome-mail",
      "no",
      "--out",
      join(dir, "refused"),
    ]);
    expect(elsewhere.code).toBe(5);
    expect(elsewhere.stderr).toMatch(/run against the approved platform/);
    // One sheet's run takes the per-kind form too, and needs only its own kind.
    const single = runCli([
      "run",
      file,
      "--sheet",
      "Clients",
      "--script",
      "new-clients",
      "--approved",
      "x.json",
      "--welcome-mail",
      "professionals=no",
    ]);
    expect([single.code, single.stderr]).toEqual([
      2,
      "mdimport: run of new-clients needs an answer for clients: --welcome-mail yes|no or clients=yes|no; the organisation must have said whether welcome e-mails may be sent.\n",
    ]);
    // A sheet renamed since the test run (the same bytes otherwise cannot be: another sha256).
    const renamed = await onboardingWorkbook(
      join(dir, "renamed.xlsx"),
      [clients, professionals, relations],
      [{ name: "Extra", like: 0, rows: [] }],
    );
    const changed = run(["--all-sheets", "--welcome-mail", "no"], renamed);
    expect(changed.code).toBe(5);
    expect(changed.stderr).toContain("sha256 differs");
    expect(readFileSync(approval, "utf8")).toContain('"mode": "test-run"');
    expect(() => readFileSync(join(dir, "refused", "journal.jsonl"))).toThrow();
    expect(dumpOf(db).clients.filter((c) => c.email.endsWith(".run@example.org"))).toHaveLength(0);
  });
});

describe("run --all-sheets over HTTP (platform serve) with faults", () => {
  const token = "e2e-token-onboard";
  const env = { MDIMPORT_TOKEN: token };

  it("killed between the accounts and the relations, the same command completes the rest; nothing done twice", async () => {
    const { dir, db } = freshPlatform();
    const file = await onboardingWorkbook(join(dir, "onboarding.xlsx"), [clients, professionals, relations]);
    const server = await servePlatform(
      db,
      "--token",
      token,
      "--fail-rate",
      "0.1",
      "--seed",
      "14",
      "--variant",
      "links-only",
    );
    try {
      const common = [
        "--all-sheets",
        "--platform",
        server.url,
        "--config",
        join(repoRoot, "fixtures", "platform-state.json"),
      ];
      const testRun = runCli(["test-run", file, ...common, "--out", join(dir, "tr")], { env });
      expect(testRun.code, testRun.stderr).toBe(0);
      const args = [
        "run",
        file,
        ...common,
        "--approved",
        join(dir, "tr", "report.json"),
        "--welcome-mail",
        "professionals=yes,clients=no",
        "--out",
        join(dir, "run"),
      ];
      const killed = runCli(args, { env: { ...env, MDIMPORT_TEST_KILL_AT: "relations" } });
      expect(killed.code).toBeNull();
      expect(journalKeys(join(dir, "run", "journal.jsonl"), "done").sort()).toEqual(["1:2", "1:3", "2:2", "2:3"]);
      const again = runCli(args, { env });
      expect(unnoted(again.stderr)).toBe("");
      expect(again.code).toBe(0);
      const report = readJson<RunJson>(join(dir, "run", "report.json"));
      expect(report.summary).toMatchObject({ done: 8, failed: 0, dropout: 0 });
      // The IDs sheet gives each account's API URL, as a one-sheet run over HTTP does.
      const xlsx = new ExcelJS.Workbook();
      await xlsx.xlsx.readFile(join(dir, "run", "report.xlsx"));
      const ids = xlsx.getWorksheet("IDs") as ExcelJS.Worksheet;
      expect(ids.getRow(1).getCell(3).value).toBe("URL (API 2)");
      const urls: string[] = [];
      ids.eachRow((row, n) => n > 1 && urls.push(row.getCell(3).text));
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) expect(url).toMatch(new RegExp(`^${server.url}/api/2/[cp]/[0-9a-f]{32}$`));
      const done = journalKeys(join(dir, "run", "journal.jsonl"), "done");
      expect(new Set(done).size).toBe(8);
      const stats = await server.stats();
      expect(stats.dropped + (stats.byStatus["503"] ?? 0)).toBeGreaterThan(0);
      expect(stats.welcomeMails).toBe(2);
    } finally {
      await server.stop();
    }
    const state = dumpOf(db);
    expect(linksOf(state)).toEqual(expectedLinks);
    expect(state.clients.filter((c) => c.email.endsWith(".run@example.org"))).toHaveLength(2);
  });
});
