// Issue 16 through the built CLI: the reader's own thread carries what the reader found.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, readJson, runCli, tempDir } from "../support/cli.js";
import { buildXlsx, sheetXml } from "../support/xlsx.js";

const pgp = (name: string) => fixture(`pgp/${name}`);
const passphrase = readFileSync(pgp("passphrase.txt"), "utf8").trim();

type Report = {
  input: { sheet: string; header_row: number };
  rows: {
    row: number;
    status: string;
    reasons: { code: string; field?: string; detail?: string; value?: string; message: string }[];
  }[];
  warnings: { code: string; message: string }[];
};

const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const row = (n: number, values: string[], extra = "") =>
  `<row r="${n}">${values.map((v, i) => (v === "" ? "" : inline(`${String.fromCharCode(65 + i)}${n}`, v))).join("")}${extra}</row>`;

function validate(xml: string, sheets: { name: string; xml: string; state?: "hidden" }[] = []) {
  const dir = tempDir();
  writeFileSync(join(dir, "in.xlsx"), buildXlsx({ sheets: [...sheets, { name: "Gegevens", xml }] }));
  const run = runCli([
    "validate",
    join(dir, "in.xlsx"),
    "--script",
    "new-clients",
    "--out",
    join(dir, "out"),
    "--lang",
    "en",
  ]);
  return { run, report: () => readJson<Report>(join(dir, "out", "report.json")) };
}

describe("validate of what the producers write (issue 16)", () => {
  it("refuses error cells and uncomputed formulas as cell_error, and unsafe names as unsafe_value", () => {
    const xml = sheetXml(
      row(1, ["E-mailadres", "Voornaam", "Tussenvoegsel", "Achternaam", "Client ID"]) +
        row(
          2,
          ["a@voorbeeld.nl", "An", ""],
          `<c r="D2" t="e"><f>VLOOKUP(A2,X:X,1,0)</f><v>#N/A</v></c>${inline("E2", "C-2")}`,
        ) +
        row(3, ["b@voorbeeld.nl", "Bo", "", "Bakker"], `<c r="E3"><f>ROW()</f></c>`) +
        row(4, ["c@voorbeeld.nl", "=HYPERLINK(&quot;http://x&quot;)", "", "Smit", "C-4"]),
    );
    const { run, report } = validate(xml);
    expect(run.code).toBe(1);
    const rows = report().rows.map((r) => ({
      row: r.row,
      status: r.status,
      reasons: r.reasons.map(({ code, field, detail, value }) => ({ code, field, detail, value })),
    }));
    expect(rows).toEqual([
      {
        row: 2,
        status: "invalid",
        reasons: [{ code: "cell_error", field: "last_name", detail: undefined, value: "#N/A" }],
      },
      {
        row: 3,
        status: "invalid",
        reasons: [{ code: "cell_error", field: "id", detail: "formula_without_value", value: undefined }],
      },
      {
        row: 4,
        status: "invalid",
        reasons: [{ code: "unsafe_value", field: "first_name", detail: "formula_start", value: undefined }],
      },
    ]);
    expect(report().rows[0]?.reasons[0]?.message).toBe(
      "Last name: the cell shows #N/A: fix the formula or type the value",
    );
  });

  it("reads the first visible sheet and finds the header below a title row", () => {
    const xml = sheetXml(
      row(1, ["Nieuwe cliënten, aangeleverd door de afdeling"]) +
        row(2, ["E-mailadres", "Voornaam", "Tussenvoegsel", "Achternaam", "Client ID"]) +
        row(3, ["a@voorbeeld.nl", "An", "", "Vries", "C-3"]),
    );
    const { run, report } = validate(xml, [{ name: "Opzoeklijst", xml: sheetXml(row(1, ["Code"])), state: "hidden" }]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(report().input).toMatchObject({ sheet: "Gegevens", header_row: 2 });
    expect(report().warnings.map((w) => w.message)).toEqual([
      "The header is row 2; the rows above it were not read: 1.",
      'The sheet "Gegevens" was read; skipped: "Opzoeklijst".',
    ]);
  });
});

describe("encrypted inputs opened the wrong way say what to do (issue 16, defect 10)", () => {
  it("tells a password-encrypted file given --key to use --password-file", () => {
    const run = runCli(
      [
        "validate",
        pgp("new-clients.password.xlsx.gpg"),
        "--script",
        "new-clients",
        "--key",
        pgp("developer-rsa.sec.asc"),
        "--out",
        join(tempDir(), "o"),
      ],
      {
        env: { MDIMPORT_PASSPHRASE: passphrase },
      },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      "mdimport: The input file new-clients.password.xlsx.gpg is encrypted with a password, not to a key: give --password-file instead of --key.\n",
    );
  });

  it("tells a file encrypted to a key given --password-file to use --key", () => {
    const run = runCli([
      "validate",
      pgp("new-clients.rsa.xlsx.gpg"),
      "--script",
      "new-clients",
      "--password-file",
      pgp("password.txt"),
      "--out",
      join(tempDir(), "o"),
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^mdimport: The input file new-clients\.rsa\.xlsx\.gpg is encrypted to a key \(key ID [0-9A-F]{16}\), not with a password: give --key instead of --password-file\.\n$/,
    );
  });
});

describe("--phone-region", () => {
  const xml = sheetXml(
    row(1, ["E-mailadres", "Voornaam", "Tussenvoegsel", "Achternaam", "Client ID", "Telefoonnummer"]) +
      row(2, ["kim@voorbeeld.nl", "Kim", "", "Berg", "K-1", "0151 23456789"]),
  );
  const run = (...more: string[]) => {
    const dir = tempDir();
    writeFileSync(join(dir, "in.xlsx"), buildXlsx({ sheets: [{ name: "Blad1", xml }] }));
    const result = runCli([
      "validate",
      join(dir, "in.xlsx"),
      "--script",
      "new-clients",
      "--out",
      join(dir, "out"),
      ...more,
    ]);
    return { result, report: () => readJson<Report>(join(dir, "out", "report.json")) };
  };

  it("reads a German mobile number in a Dutch sheet as German when told, in any case", () => {
    const dutch = run();
    expect(dutch.result.code, dutch.result.stderr).toBe(1);
    expect(dutch.report().rows[0]?.reasons.map((r) => r.code)).toEqual(["invalid_phone"]);
    const german = run("--phone-region", "de");
    expect(german.result.code).toBe(0);
  });

  it("refuses a region that is no country code as a usage error", () => {
    const wrong = run("--phone-region", "XX");
    expect(wrong.result.code).toBe(2);
    expect(wrong.result.stderr).toMatch(/--phone-region "XX" is not a country code/);
  });
});
