import { describe, expect, it } from "vitest";
import { text } from "../../test/support/cells.js";
import { scripts } from "../scripts/index.js";
import { InputError } from "../shared/errors.js";
import { closestColumn, columnLetter, editDistance, isTypo, mapHeaders, matchHeader, splitHeader } from "./headers.js";

const fieldOf = (script: keyof typeof scripts, header: string) =>
  matchHeader(scripts[script], header).map((c) => c.field);

describe("matchHeader", () => {
  it.each([
    ["E-mailadres", "email"],
    ["Email address", "email"],
    ["E-Mail-Adresse", "email"],
    ["  e-mail adres ", "email"],
    ["\ufeffE-mailadres", "email"],
    ["Voornaam", "first_name"],
    ["First name", "first_name"],
    ["Vorname", "first_name"],
    ["VOORNAAM", "first_name"],
    ["Tussenvoegsel", "infix"],
    ["Infix", "infix"],
    ["Namenszusatz", "infix"],
    ["Achternaam", "last_name"],
    ["Last name", "last_name"],
    ["Nachname", "last_name"],
    ["Client database ID (van te koppelen systeem)", "id"],
    ["Client ID", "id"],
    ["Klienten-ID", "id"],
    ["Cliënt ID", "id"],
    ["client-id", "id"],
    ["Geboortedatum", "date_of_birth"],
    ["Geboortedatum [dd/mm/yyyy]", "date_of_birth"],
    ["Date of birth", "date_of_birth"],
    ["Geburtsdatum", "date_of_birth"],
    ["Geslacht [m/v/a/o]", "gender"],
    ["Gender", "gender"],
    ["Geschlecht", "gender"],
    ["Telefoonnummer", "phone_number"],
    ["Phone number", "phone_number"],
    ["Telefonnummer", "phone_number"],
    ["BSN", "bsn"],
    ["bsn", "bsn"],
  ])("new-clients: %j → %s", (header, field) => expect(fieldOf("new-clients", header)).toEqual([field]));

  it.each([
    ["MD-platform groep", "role"],
    ["Role", "role"],
    ["Rolle", "role"],
    ["Groep", "role"],
    ["Professional database ID (van te koppelen systeem)", "id"],
    ["Professional ID", "id"],
    ["Professional-ID", "id"],
  ])("new-professionals: %j → %s", (header, field) => expect(fieldOf("new-professionals", header)).toEqual([field]));

  it.each([
    ["Client database ID (van Minddistrict)", "md_id"],
    ["Client database ID (van Minddistrict: dat lange nummer uit de URL)", "md_id"],
    ["Minddistrict client ID", "md_id"],
    ["Minddistrict Klienten-ID", "md_id"],
    ["Klienten-Datenbank-ID (Minddistrict-ID: diese lange Nummer in der URL)", "md_id"],
    ["Client database ID (van te koppelen systeem)", "id"],
    ["Klienten-Datenbank-ID (des zu integrierenden Systems)", "id"],
    ["Client ID", "id"],
  ])("update-clients tells a Minddistrict ID from a source ID: %j → %s", (header, field) =>
    expect(fieldOf("update-clients", header)).toEqual([field]),
  );

  it.each([
    ["Professional ID", "professional_id"],
    ["Professional database ID (van Minddistrict)", "professional_md_id"],
    ["Client ID", "client_id"],
    ["Client database ID (van Minddistrict)", "client_md_id"],
  ])("relations: %j → %s", (header, field) => expect(fieldOf("relations", header)).toEqual([field]));

  it("does not take a Minddistrict ID for a source ID where the script has no Minddistrict ID column", () => {
    expect(fieldOf("new-clients", "Client database ID (van Minddistrict)")).toEqual([]);
  });

  it("matches the templates' own headers in every language, for every script", () => {
    for (const script of Object.values(scripts)) {
      for (const column of script.columns) {
        for (const lang of ["nl", "en", "de"] as const)
          expect(fieldOf(script.name, column.headers[lang])).toEqual([column.field]);
      }
    }
  });

  it("splits hints off a header", () => {
    expect(splitHeader(" Client database ID (van Minddistrict) ")).toEqual({
      name: "clientdatabaseid",
      hint: "vanminddistrict",
    });
  });
});

describe("mapHeaders", () => {
  const row = (...headers: string[]) => headers.map((h) => (h === "" ? undefined : text(h)));

  it("maps columns, and lists unknown ones", () => {
    const map = mapHeaders(
      scripts["new-professionals"],
      1,
      row("Email", "Voornaam", "Tussenvoegsel", "Achternaam", "Professional ID", "Rol", "Opmerking", ""),
    );
    expect([...map.columns].map(([i, c]) => [i, c.field])).toEqual([
      [0, "email"],
      [1, "first_name"],
      [2, "infix"],
      [3, "last_name"],
      [4, "id"],
      [5, "role"],
    ]);
    expect(map.unknown).toEqual([{ column: 6, header: "Opmerking" }]);
  });

  it("stops on a missing required column, naming it and the expected columns", () => {
    expect(() =>
      mapHeaders(scripts["new-clients"], 1, row("E-mailadres", "Voornaam", "Achternaam", "Client ID")),
    ).toThrow(
      /no column "Tussenvoegsel" \(or "Infix", "Namenszusatz"\), which new-clients needs; the columns it expects are "E-mailadres"/,
    );
  });

  it("stops when a script's group has no column", () => {
    expect(() => mapHeaders(scripts.relations, 1, row("Professional ID"))).toThrow(InputError);
    expect(() =>
      mapHeaders(scripts["update-clients"], 1, row("Client database ID (van Minddistrict)", "E-mailadres")),
    ).toThrow(/a field to update/);
  });

  it("refuses two columns for one field", () => {
    expect(() => mapHeaders(scripts["new-professionals"], 1, row("Email", "E-mailadres"))).toThrow(
      /Columns A \("Email"\) and B \("E-mailadres"\) both hold E-mailadres/,
    );
  });
});

describe("misspelt headers", () => {
  const row = (...headers: string[]) => headers.map((h) => (h === "" ? undefined : text(h)));
  const clients = (...extra: string[]) =>
    row("E-mailadres", "Voornaam", "Tussenvoegsel", "Achternaam", "Client ID", ...extra);
  const typoOf = (header: string, ...others: string[]) => {
    try {
      mapHeaders(scripts["new-clients"], 1, clients(...others, header));
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as Error).message;
    }
  };

  it.each([
    ["", "", 0],
    ["abc", "abc", 0],
    ["geboortedatun", "geboortedatum", 1],
    ["dateofbrith", "dateofbirth", 2],
    ["kitten", "sitting", 3],
    ["", "bsn", 3],
    ["bsn", "", 3],
  ])("editDistance(%j, %j) = %d", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  it.each([
    // three letters: only an exact name counts
    ["bsn", "bsn", true],
    ["bsm", "bsn", false],
    ["bon", "dob", false],
    // four to six letters: one edit
    ["mal", "mail", true],
    ["mial", "mail", false],
    ["gendr", "gender", true],
    ["gnedr", "gender", false],
    // seven letters and more: two edits, with the first letter right; never three
    ["geslahct", "geslacht", true],
    ["voornaaam", "voornaam", true],
    ["boornam", "voornaam", false],
    ["username", "surname", false],
    ["geboortdatn", "geboortedatum", false],
  ])("isTypo(%j, %j) is %s", (text, name, typo) => expect(isTypo(text, name)).toBe(typo));

  it("stops on a header close to a column the sheet lacks, naming the column letter and the right name", () => {
    expect(() => mapHeaders(scripts["new-clients"], 1, clients("Geboortedatun"))).toThrow(InputError);
    expect(typoOf("Geboortedatun")).toBe(
      'column F "Geboortedatun" looks like "Geboortedatum"; correct the header or remove the column',
    );
    expect(typoOf("geboorte datun", "BSN")).toBe(
      'column G "geboorte datun" looks like "Geboortedatum"; correct the header or remove the column',
    );
  });

  it("suggests the name in the language of the misspelt header, else in the sheet's language, else the first name", () => {
    expect(typoOf("Date of brith")).toContain('looks like "Date of birth"');
    expect(typoOf("Geburtsdatun")).toContain('looks like "Geburtsdatum"');
    expect(typoOf("Geslahct")).toContain('looks like "Geslacht"');
    // closest to an alias ("Birth date"): the sheet's language decides
    const english = row("Email address", "First name", "Infix", "Last name", "Client ID", "Brith date");
    expect(() => mapHeaders(scripts["new-clients"], 1, english)).toThrow(
      'column F "Brith date" looks like "Date of birth"',
    );
    expect(typoOf("Brith date")).toContain('looks like "Geboortedatum"');
  });

  it("reads the name before a hint in brackets or after a separator", () => {
    expect(typoOf("Geboortedatun (dd-mm-jjjj)")).toContain('"Geboortedatun (dd-mm-jjjj)" looks like "Geboortedatum"');
    expect(typoOf("Geboortedatun [dd/mm/jjjj]")).toContain('looks like "Geboortedatum"');
    expect(typoOf("Geboortedatum: dd-mm-jjjj")).toContain('looks like "Geboortedatum"');
    expect(typoOf("Telefoonnumer - 06")).toContain('looks like "Telefoonnummer"');
    expect(typoOf("BSN / burgerservicenummer (9 cijfers")).toContain('looks like "BSN"');
  });

  it("keeps other unknown columns as warnings: no typo, too short to tell, or a column of another script", () => {
    for (const header of [
      "Opmerking",
      "Naam",
      "BSM",
      "Bon",
      "Mial",
      "Male",
      "Taal",
      "Rol",
      "Rolle",
      "MD-platform groep",
      "Client database ID (van Minddistrict)",
    ]) {
      const map = mapHeaders(scripts["new-clients"], 1, clients(header));
      expect(map.unknown).toEqual([{ column: 5, header }]);
    }
  });

  it("does not suggest a column the sheet already has", () => {
    const map = mapHeaders(scripts["new-clients"], 1, clients("Geboortedatum", "Geboortedatun"));
    expect(map.unknown).toEqual([{ column: 6, header: "Geboortedatun" }]);
  });

  it("tells a misspelt required column rather than a missing one", () => {
    expect(() =>
      mapHeaders(scripts["new-clients"], 1, row("E-mailadres", "Voornam", "Tussenvoegsel", "Achternaam", "Client ID")),
    ).toThrow('column B "Voornam" looks like "Voornaam"; correct the header or remove the column');
  });

  it("suggests the Minddistrict ID or the source ID as the misspelt header says", () => {
    const update =
      (...headers: string[]) =>
      () =>
        mapHeaders(scripts["update-clients"], 1, row(...headers));
    expect(update("Client databse ID (van Minddistrict)", "E-mailadres", "Voornaam")).toThrow(
      'looks like "Client database ID (van Minddistrict)"',
    );
    expect(
      update("Client database ID (van Minddistrict)", "Client databse ID (van te koppelen systeem)", "Voornaam"),
    ).toThrow('looks like "Client database ID (van te koppelen systeem)"');
    expect(update("Minddistict client ID", "Voornaam")).toThrow('looks like "Minddistrict client ID"');
    const candidates = scripts["update-clients"].columns;
    expect(closestColumn(candidates, "Clent ID")?.column.field).toBe("id");
    expect(closestColumn(candidates, "Minddistrict Clent ID")?.column.field).toBe("md_id");
  });
});

describe("columnLetter", () => {
  it.each([
    [0, "A"],
    [25, "Z"],
    [26, "AA"],
    [701, "ZZ"],
    [702, "AAA"],
    [16383, "XFD"],
  ])("%d → %s", (index, letters) => expect(columnLetter(index)).toBe(letters));
});
