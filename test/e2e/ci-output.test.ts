import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, readJson, runCli, tempDir, type FlatRow } from "../support/cli.js";
import { freshPlatform } from "../support/platform.js";
import { writeSheet } from "./inline-sheet.js";
import { checkJunit } from "./junit-schema.js";

interface Results {
  format: string;
  exit_code: number;
  files: {
    file: string;
    exit_code: number;
    out?: string | null;
    error?: string;
    report?: { mode: string; script: string; rows: unknown[] };
  }[];
}

const cleanClients = (dir: string, name = "clean.xlsx", sheet = "Blad1") =>
  writeSheet(
    dir,
    name,
    [
      ["E-mailadres", "Voornaam", "Tussenvoegsel", "Achternaam", "Client ID"],
      ["schoon.een@voorbeeld.nl", "Schoon", "", "Een", "SCH-1"],
      ["schoon.twee@voorbeeld.nl", "Schoon", "van", "Twee", "SCH-2"],
    ],
    sheet,
  );

/** A folder of samples: a clean sheet, sheets with rows to look at, a file that is no workbook, and what a folder must pass over. */
function samples(): { dir: string; folder: string } {
  const dir = tempDir();
  const folder = join(dir, "samples");
  mkdirSync(folder);
  cleanClients(folder, "a-clean.xlsx");
  copyFileSync(fixture("relations.xlsx"), join(folder, "b-relations.xlsx"));
  writeFileSync(join(folder, "c-broken.xlsx"), "not a workbook");
  copyFileSync(fixture("new-clients.xlsx"), join(folder, "d-clients.XLSX"));
  // Passed over: another kind of file, a hidden file, Excel's lock file, a subfolder.
  writeFileSync(join(folder, "notes.txt"), "x");
  cleanClients(folder, ".hidden.xlsx");
  writeFileSync(join(folder, "~$a-clean.xlsx"), "lock");
  mkdirSync(join(folder, "deeper"));
  cleanClients(join(folder, "deeper"), "e-deeper.xlsx");
  return { dir, folder };
}

describe("validate of many files and folders", () => {
  it("checks each file of a folder in name order, goes on past one it cannot read, and exits with the worst code", () => {
    const { dir } = samples();
    const run = runCli(["validate", "samples", "--out", "reports"], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stdout.match(/^file: .*$/gm)).toEqual([
      "file: samples/a-clean.xlsx",
      "file: samples/b-relations.xlsx",
      "file: samples/d-clients.XLSX",
    ]);
    expect(run.stdout).toContain("4 files: 1 clean, 2 with rows to look at, 1 not read (exit code 3)\n");
    expect(run.stderr).toMatch(/^mdimport: samples\/c-broken\.xlsx: .*not .*workbook/m);
    // One report folder per file under --out, named after the file.
    expect(readdirSync(join(dir, "reports")).sort()).toEqual(["a-clean", "b-relations", "d-clients"]);
    expect(readJson<{ script: string }>(join(dir, "reports", "b-relations", "report.json")).script).toBe("relations");
    expect(readJson<{ script: string }>(join(dir, "reports", "d-clients", "report.json")).script).toBe("new-clients");
  });

  it("gives files of the same name folders of their own, and takes --script for every file", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "one"));
    mkdirSync(join(dir, "two"));
    const first = cleanClients(join(dir, "one"), "sheet.xlsx");
    const second = cleanClients(join(dir, "two"), "sheet.xlsx");
    const run = runCli(["validate", first, second, "--script", "new-clients", "--out", join(dir, "out")]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["sheet", "sheet-2"]);
  });

  it("decrypts every encrypted file of a folder with the same options, and reads the plain ones as they are", () => {
    const dir = tempDir();
    const folder = join(dir, "in");
    mkdirSync(folder);
    for (const name of ["new-clients.rsa.xlsx.gpg", "new-clients.rsa.signed.xlsx.gpg"])
      copyFileSync(fixture(`pgp/${name}`), join(folder, name));
    cleanClients(folder, "plain.xlsx");
    const passphrase = readFileSync(fixture("pgp/passphrase.txt"), "utf8").trim();
    const run = runCli(["validate", folder, "--key", fixture("pgp/developer-rsa.sec.asc"), "--format", "json"], {
      cwd: dir,
      env: { MDIMPORT_PASSPHRASE: passphrase },
    });
    const results = JSON.parse(run.stdout) as Results;
    expect(results.files.map((f) => [f.file.slice(folder.length + 1), f.exit_code, f.report?.script])).toEqual([
      ["new-clients.rsa.signed.xlsx.gpg", 1, "new-clients"],
      ["new-clients.rsa.xlsx.gpg", 1, "new-clients"],
      ["plain.xlsx", 0, "new-clients"],
    ]);
    expect(run.code).toBe(1);
    expect(existsSync(join(dir, "mdimport-out"))).toBe(false);
  });

  it("the exit code is the worst of the files': an ambiguous sheet (2) and one with invalid rows (1) give 2", () => {
    const dir = tempDir();
    const both = writeSheet(dir, "both.xlsx", [
      ["Minddistrict client ID", "Voornaam", "Professional ID"],
      ["0123456789abcdef0123456789abcdef", "An", "PRO-1"],
    ]);
    const run = runCli(["validate", fixture("new-clients.xlsx"), both, "--format", "json"], { cwd: dir });
    expect(run.code).toBe(2);
    const results = JSON.parse(run.stdout) as Results;
    expect(results.files.map((f) => f.exit_code)).toEqual([1, 2]);
    expect(results.exit_code).toBe(2);
  });
});

describe("--format json", () => {
  it("prints one JSON document and nothing else on stdout, and writes no report folder without --out", () => {
    const { dir } = samples();
    const run = runCli(["validate", "samples", "--format", "json", "--lang", "en"], { cwd: dir });
    expect(run.code).toBe(3);
    const results = JSON.parse(run.stdout) as Results;
    expect(results.format).toBe("mdimport-results/1");
    expect(results.exit_code).toBe(3);
    expect(results.files.map((f) => [f.file, f.exit_code, f.report?.script ?? f.error?.slice(0, 0)])).toEqual([
      ["samples/a-clean.xlsx", 0, "new-clients"],
      ["samples/b-relations.xlsx", 1, "relations"],
      ["samples/c-broken.xlsx", 3, ""],
      ["samples/d-clients.XLSX", 1, "new-clients"],
    ]);
    expect(results.files[0]?.out).toBeNull();
    expect(results.files[2]?.error).toMatch(/workbook/);
    // report.json's contents: no personal data.
    expect(run.stdout).not.toContain("voorbeeld.nl");
    expect(run.stdout).not.toContain("Schoon");
    // The notes went to stderr; no folder was written.
    expect(run.stderr).toContain("mdimport: note: a-clean.xlsx: script new-clients");
    expect(existsSync(join(dir, "mdimport-out"))).toBe(false);
  });

  it("has the same shape for one file, and for one that cannot be read", () => {
    const dir = tempDir();
    const one = runCli(["validate", cleanClients(dir), "--format", "json"], { cwd: dir });
    expect(one.code).toBe(0);
    const results = JSON.parse(one.stdout) as Results;
    expect(results.files).toHaveLength(1);
    expect(results.files[0]).toMatchObject({
      exit_code: 0,
      out: null,
      report: { mode: "validate", script: "new-clients" },
    });
    const missing = runCli(["validate", join(dir, "missing.xlsx"), "--format", "json"], { cwd: dir });
    expect(missing.code).toBe(3);
    const failed = JSON.parse(missing.stdout) as Results;
    expect([failed.exit_code, failed.files.length, failed.files[0]?.exit_code]).toEqual([3, 1, 3]);
    expect(failed.files[0]?.error).toMatch(/does not exist/);
    expect(missing.stderr).toMatch(/^mdimport: Cannot read the input file missing\.xlsx/);
  });

  it("test-run and run print their report as the one document, and still write their folders", () => {
    const { dir, db } = freshPlatform();
    const input = fixture("relations.xlsx");
    const testRun = runCli(["test-run", input, "--db", db, "--out", join(dir, "approval"), "--format", "json"]);
    expect(testRun.code).toBe(1);
    const approval = JSON.parse(testRun.stdout) as Results;
    expect(approval.files[0]?.report).toEqual(readJson(join(dir, "approval", "report.json")));
    const run = runCli([
      "run",
      input,
      "--db",
      db,
      "--approved",
      join(dir, "approval", "report.json"),
      "--out",
      join(dir, "run"),
      "--format",
      "json",
    ]);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as Results).files[0]).toMatchObject({
      exit_code: 1,
      out: join(dir, "run"),
      report: { mode: "run" },
    });
  });
});

describe("--format junit", () => {
  it("gives a test suite per file and a test case per row, valid against the schema's required elements", () => {
    const { dir } = samples();
    const run = runCli(["validate", "samples", "--format", "junit"], { cwd: dir });
    expect(run.code).toBe(3);
    const suites = checkJunit(run.stdout);
    expect(suites.map((s) => s.attributes.name)).toEqual([
      "samples/a-clean.xlsx",
      "samples/b-relations.xlsx",
      "samples/c-broken.xlsx",
      "samples/d-clients.XLSX",
    ]);
    expect(suites.map((s) => [s.attributes.failures, s.attributes.errors])[2]).toEqual(["0", "1"]);
    // Each row a test case, each row not valid a failure: as the fixture's expected outcome says.
    const expected = readJson<FlatRow[]>(fixture("relations.expected.json"));
    const cases = suites[1]?.children.filter((c) => c.name === "testcase") ?? [];
    expect(cases.map((c) => c.attributes.name)).toEqual(expected.map((r) => `row ${r.row}`));
    expect(cases.map((c) => c.children.some((x) => x.name === "failure"))).toEqual(
      expected.map((r) => r.status !== "valid"),
    );
    expect(cases.find((c) => c.children.length > 0)?.children[0]?.attributes.message).toMatch(
      /^row \d+: (invalid|duplicate): [a-z_]+/,
    );
    expect(run.stdout).not.toContain("voorbeeld.nl");
    expect(existsSync(join(dir, "mdimport-out"))).toBe(false);
  });

  it("escapes file and sheet names that hold <&\"'", () => {
    const dir = tempDir();
    const sheet = cleanClients(dir, `odd <&"'> name.xlsx`, `Blad <&"'>`);
    const run = runCli(["validate", sheet, "--format", "junit"], { cwd: dir });
    expect(run.code).toBe(0);
    const [suite] = checkJunit(run.stdout);
    expect(suite?.attributes.name).toBe(sheet);
    expect(suite?.children.find((c) => c.name === "testcase")?.attributes.classname).toBe(`${sheet}/Blad <&"'>`);
  });
});
