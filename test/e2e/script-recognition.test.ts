import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, flatRows, readJson, runCli, tempDir, type FlatRow } from "../support/cli.js";
import { freshPlatform } from "../support/platform.js";
import { writeSheet } from "./inline-sheet.js";

type Report = { script: string; mode: string; rows: { row: number; status: string; reasons: { code: string }[] }[] };
/** An update-clients sheet that holds every column new-clients needs too: its Minddistrict-ID column tells it apart. */
const updateSheet = (dir: string) =>
  writeSheet(dir, "update.xlsx", [
    ["Minddistrict client ID", "E-mailadres", "Voornaam", "Tussenvoegsel", "Achternaam", "Client ID"],
    ["0123456789abcdef0123456789abcdef", "nieuw.adres@voorbeeld.nl", "An", "", "Vries", "NEW-77"],
  ]);
const scripts = ["new-clients", "new-professionals", "relations", "update-clients", "update-professionals"] as const;

describe("validate without --script: the script recognised from the headers", () => {
  it.each(scripts)("%s.xlsx", (script) => {
    const out = join(tempDir(), "out");
    const run = runCli(["validate", fixture(`${script}.xlsx`), "--out", out, "--lang", "en"]);
    expect(run.code).toBe(1);
    const report = readJson<Report>(join(out, "report.json"));
    expect(report.script).toBe(script);
    // The same outcome as with --script.
    expect(flatRows(report)).toEqual(readJson<FlatRow[]>(fixture(`${script}.expected.json`)));
    // Which it chose is a note on stderr, never on stdout.
    expect(run.stderr).toBe(
      `mdimport: note: ${script}.xlsx: script ${script}, recognised from the headers in row 1 of sheet "${"Blad1"}".\n`,
    );
    expect(run.stdout).not.toContain("recognised");
  });

  it("finds the header below a title row, in another order, with an unknown column", () => {
    const dir = tempDir();
    const sheet = writeSheet(dir, "plain.xlsx", [
      ["Professionals, januari"],
      ["Role", "Last name", "Infix", "First name", "Email", "Professional ID", "Remarks"],
      ["Professional", "Jansen", "", "Piet", "piet.plain@voorbeeld.nl", "PRO-901", "new"],
    ]);
    const run = runCli(["validate", sheet, "--out", join(dir, "out")]);
    expect(run.stderr).toContain('script new-professionals, recognised from the headers in row 2 of sheet "Blad1"');
    expect(run.code).toBe(0);
    expect(readJson<Report>(join(dir, "out", "report.json")).script).toBe("new-professionals");
  });

  it("stops with exit 2 naming the candidates when two scripts fit alike", () => {
    const dir = tempDir();
    const sheet = writeSheet(dir, "both.xlsx", [
      ["Minddistrict client ID", "Voornaam", "Professional ID"],
      ["0123456789abcdef0123456789abcdef", "An", "PRO-1"],
    ]);
    const run = runCli(["validate", sheet, "--out", join(dir, "out")]);
    expect(run.stderr).toBe(
      'mdimport: The headers in row 1 of sheet "Blad1" fit relations and update-clients alike; give --script relations or --script update-clients.\n',
    );
    expect(run.code).toBe(2);
  });

  it("stops with exit 3 naming the closest script when none fits", () => {
    const dir = tempDir();
    const sheet = writeSheet(dir, "none.xlsx", [
      ["Email", "First name", "Last name", "Client ID"],
      ["a@voorbeeld.nl", "An", "Vries", "C-1"],
    ]);
    const run = runCli(["validate", sheet, "--out", join(dir, "out")]);
    expect(run.stderr).toMatch(
      /^mdimport: The sheet has no column "Tussenvoegsel" .*; the headers fit no script, new-clients came closest\.\n$/,
    );
    expect(run.code).toBe(3);
  });

  it("--script still wins, and a --script the headers do not fit says what they fit (exit 3)", () => {
    const dir = tempDir();
    expect(runCli(["validate", updateSheet(dir), "--out", join(dir, "recognised")]).stderr).toContain(
      "script update-clients",
    );
    expect(readJson<Report>(join(dir, "recognised", "report.json")).script).toBe("update-clients");
    const given = runCli(["validate", updateSheet(dir), "--script", "new-clients", "--out", join(dir, "given")]);
    expect(given.stderr).toBe("");
    expect(readJson<Report>(join(dir, "given", "report.json")).script).toBe("new-clients");
    const wrong = runCli([
      "validate",
      fixture("new-clients.xlsx"),
      "--script",
      "relations",
      "--out",
      join(dir, "wrong"),
    ]);
    expect(wrong.stderr).toMatch(
      /^mdimport: The sheet has no column for a professional .*; the headers fit new-clients\.\n$/,
    );
    expect(wrong.code).toBe(3);
    const neither = writeSheet(dir, "neither.xlsx", [
      ["Naam", "Adres"],
      ["An", "Straat 1"],
    ]);
    const none = runCli(["validate", neither, "--script", "relations", "--out", join(dir, "none")]);
    expect(none.stderr).toMatch(/lacking "Professional database ID \(van te koppelen systeem\)" or .*\.\n$/);
    expect(none.stderr).not.toContain("the headers fit");
    expect(none.code).toBe(3);
  });
});

describe("test-run and run without --script", () => {
  it("test-run reports the recognised script, and run carries out its approval", () => {
    const { dir, db } = freshPlatform();
    const testRun = runCli(["test-run", fixture("relations.xlsx"), "--db", db, "--out", join(dir, "approval")]);
    expect(testRun.stderr).toContain("script relations, recognised from the headers");
    expect(readJson<Report>(join(dir, "approval", "report.json")).script).toBe("relations");
    const run = runCli([
      "run",
      fixture("relations.xlsx"),
      "--db",
      db,
      "--approved",
      join(dir, "approval", "report.json"),
      "--out",
      join(dir, "run"),
    ]);
    expect(run.stderr).toContain("script relations, recognised from the headers");
    expect(run.code).toBe(1);
    expect(readJson<Report>(join(dir, "run", "report.json"))).toMatchObject({ mode: "run", script: "relations" });
  });

  it("run refuses (exit 5) when the headers fit another script than the approval's", () => {
    const { dir, db } = freshPlatform();
    const input = updateSheet(dir);
    expect(
      runCli(["test-run", input, "--script", "new-clients", "--db", db, "--out", join(dir, "approval")]).stderr,
    ).toBe("");
    const run = runCli([
      "run",
      input,
      "--db",
      db,
      "--approved",
      join(dir, "approval", "report.json"),
      "--welcome-mail",
      "no",
      "--out",
      join(dir, "run"),
    ]);
    expect(run.stderr).toBe(
      'mdimport: note: update.xlsx: script update-clients, recognised from the headers in row 1 of sheet "Blad1".\n' +
        "mdimport: The approved test run was for the script new-clients, but the headers of this sheet are those of update-clients; run exactly what was approved (give --script new-clients to read it as that).\n",
    );
    expect(run.code).toBe(5);
  });
});
