import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { text } from "../../test/support/cells.js";
import { repoRoot } from "../../test/support/cli.js";
import { readSheet } from "../../test/support/xlsx.js";
import type { SheetRow } from "../input/cells.js";
import { recogniseHeader, recogniseScript } from "./recognise.js";
import { scriptNames } from "./script.js";

const row = (n: number, headers: string[]): SheetRow => ({ row: n, cells: headers.map(text), hidden: false });
const chosen = (headers: string[]) => {
  const found = recogniseHeader(headers.map(text));
  return found.kind === "script"
    ? found.script.name
    : found.kind === "ambiguous"
      ? found.candidates.map((s) => s.name)
      : "none";
};

// The onboarding workbook's sheets are recognised one by one in src/commands/template.test.ts and test/e2e/onboarding.test.ts.
const templates = readdirSync(join(repoRoot, "templates")).filter(
  (name) => name.endsWith(".xlsx") && !name.startsWith("onboarding."),
);

describe("recognising the script from a template's headers", () => {
  it("covers every script in every language", () => {
    expect(templates).toHaveLength(scriptNames.length * 3);
  });

  it.each(templates)("%s", async (name) => {
    const { rows } = await readSheet(readFileSync(join(repoRoot, "templates", name)));
    const found = recogniseScript(rows, true);
    expect(found?.kind).toBe("script");
    expect(found?.kind === "script" && found.script.name).toBe(name.split(".")[0]);
    expect(found?.kind === "script" && found.row.row).toBe(1);
  });
});

describe("recognising the script from headers without hints", () => {
  it.each([
    // Plain words, in each language and in other orders, with extra unknown columns.
    [["Email", "First name", "Infix", "Last name", "Client ID", "Date of birth"], "new-clients"],
    [["Achternaam", "Voornaam", "Tussenvoegsel", "E-mail", "Clientnummer", "Opmerking"], "new-clients"],
    [["Klienten-ID", "Nachname", "Namenszusatz", "Vorname", "E-Mail", "Geburtsdatum", "Notiz"], "new-clients"],
    [["Email", "First name", "Infix", "Last name", "Professional ID", "Role"], "new-professionals"],
    [["Rol", "Medewerker ID", "Achternaam", "Tussenvoegsel", "Voornaam", "E-mailadres"], "new-professionals"],
    [["E-Mail-Adresse", "Vorname", "Namenszusatz", "Nachname", "Mitarbeiter-ID", "Rolle"], "new-professionals"],
    [["Professional ID", "Client ID"], "relations"],
    [["Cliënt ID", "Medewerker ID", "Opmerking"], "relations"],
    [["Minddistrict client ID", "Minddistrict professional ID"], "relations"],
    // A Minddistrict-ID column tells an update from a create.
    [["Minddistrict client ID", "Email", "First name", "Infix", "Last name", "Client ID"], "update-clients"],
    [["Client ID (Minddistrict)", "Telefoonnummer"], "update-clients"],
    [["Minddistrict Klienten-ID", "Nachname"], "update-clients"],
    [
      ["Minddistrict professional ID", "Email", "First name", "Infix", "Last name", "Professional ID", "Role"],
      "update-professionals",
    ],
    [["Professional ID (Minddistrict)", "Rol"], "update-professionals"],
    // Two scripts explain different columns of the sheet, and neither explains all the other does.
    [
      ["Minddistrict client ID", "Voornaam", "Professional ID"],
      ["relations", "update-clients"],
    ],
    [
      ["Email", "First name", "Infix", "Last name", "Client ID", "Professional ID"],
      ["new-clients", "relations"],
    ],
    // Nothing fits.
    [["Email", "First name", "Last name", "Client ID"], "none"],
    [["Naam", "Adres"], "none"],
  ])("%j → %j", (headers, expected) => {
    expect(chosen(headers)).toEqual(expected);
  });

  it("finds the header below a title row and an instruction line", () => {
    const rows = [
      row(1, ["Nieuwe cliënten, januari"]),
      row(2, ["Vul alle kolommen in", "", "zie toelichting"]),
      row(3, ["Client ID", "E-mail", "Voornaam", "Tussenvoegsel", "Achternaam"]),
      row(4, ["C-1", "a@example.org", "An", "", "Vries"]),
    ];
    expect(recogniseScript(rows.slice(0, 2), false)).toBeUndefined();
    const found = recogniseScript(rows.slice(0, 3), false);
    expect(found?.kind === "script" && [found.script.name, found.row.row]).toEqual(["new-clients", 3]);
  });

  it("names the closest script and what it lacks when none fits", () => {
    const found = recogniseScript(
      [row(1, ["Sheet of clients"]), row(2, ["Email", "First name", "Last name", "Client ID"])],
      true,
    );
    expect(found?.kind).toBe("none");
    expect(found?.kind === "none" && [found.closest.name, found.row.row, found.missing]).toEqual([
      "new-clients",
      2,
      ['"Tussenvoegsel"'],
    ]);
  });

  it("waits for more rows while none fits and fewer than 20 have come", () => {
    expect(recogniseScript([row(1, ["Naam"])], false)).toBeUndefined();
    const twenty = Array.from({ length: 20 }, (_, i) => row(i + 1, ["Naam"]));
    expect(recogniseScript(twenty, false)?.kind).toBe("none");
  });
});
