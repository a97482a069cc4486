import { describe, expect, it } from "vitest";
import { generateBsns } from "../../test/support/sheets.mjs";
import { num, text } from "../../test/support/cells.js";
import type { Cell } from "../input/cells.js";
import { mapHeaders } from "../input/headers.js";
import { scripts } from "../scripts/index.js";
import { defaultPlatformConfig, platformConfigSchema } from "../platform/config.js";
import { buildRowValidator } from "./validate.js";

const context = { today: "2026-11-23" };
const headerRow = (...headers: string[]) => headers.map((h) => text(h));
const cells = (...values: (string | Cell | undefined)[]) =>
  values.map((v) => (typeof v === "string" ? (v === "" ? undefined : text(v)) : v));

const newClientHeaders = headerRow(
  "E-mailadres",
  "Voornaam",
  "Tussenvoegsel",
  "Achternaam",
  "Client ID",
  "Geboortedatum",
  "Geslacht",
  "Telefoonnummer",
  "BSN",
);

describe("buildRowValidator", () => {
  it("normalises a valid new client", () => {
    const validator = buildRowValidator(
      scripts["new-clients"],
      mapHeaders(scripts["new-clients"], 1, newClientHeaders),
      defaultPlatformConfig,
      context,
    );
    expect(
      validator.validate(
        cells("An@Voorbeeld.NL", "An", "", "Vries", num(17), "1-4-1990", "v", "0612345678", "111222333"),
      ),
    ).toEqual({
      values: {
        email: "an@voorbeeld.nl",
        first_name: "An",
        infix: null,
        last_name: "Vries",
        id: "17",
        date_of_birth: "1990-04-01",
        gender: "f",
        phone_number: "+31612345678",
        bsn: "111222333",
      },
      reasons: [],
      notes: [],
    });
  });

  it("collects every problem of a row, each with its field", () => {
    const validator = buildRowValidator(
      scripts["new-clients"],
      mapHeaders(scripts["new-clients"], 1, newClientHeaders),
      defaultPlatformConfig,
      context,
    );
    const result = validator.validate(cells("geen-mail", "", "", "Vries", "", "31/02/1990", "z", "12", "123456789"));
    expect(result.reasons).toEqual([
      { code: "invalid_email", field: "email" },
      { code: "required", field: "first_name" },
      { code: "required", field: "id" },
      { code: "invalid_date", field: "date_of_birth" },
      { code: "invalid_gender", field: "gender" },
      { code: "invalid_phone", field: "phone_number" },
      { code: "invalid_bsn", field: "bsn", detail: "checksum" },
    ]);
    expect(result.values.last_name).toBe("Vries");
  });

  it("requires the optional client fields that the platform requires, and ignores absent ones", () => {
    const config = platformConfigSchema.parse({
      client_fields: { date_of_birth: "required", bsn: "required", phone_number: "absent" },
    });
    const validator = buildRowValidator(
      scripts["new-clients"],
      mapHeaders(scripts["new-clients"], 1, newClientHeaders),
      config,
      context,
    );
    expect(validator.ignored.map((c) => c.field)).toEqual(["phone_number"]);
    expect(validator.validate(cells("a@b.nl", "A", "", "B", "1", "", "", "bel mij", "")).reasons).toEqual([
      { code: "required", field: "date_of_birth" },
      { code: "required", field: "bsn" },
    ]);
  });

  it("leaves fields of an update alone where the cell is empty", () => {
    const script = scripts["update-clients"];
    const validator = buildRowValidator(
      script,
      mapHeaders(script, 1, headerRow("Client database ID (van Minddistrict)", "E-mailadres", "Client ID", "Geslacht")),
      defaultPlatformConfig,
      context,
    );
    const id = "169a5b27fb204d15bd9d3fa6387713d7";
    expect(validator.validate(cells(id, "", "NEW-1", "")).values).toEqual({
      md_id: id,
      email: null,
      id: "NEW-1",
      gender: null,
    });
    expect(validator.validate(cells("", "a@b.nl", "NEW-1", "")).reasons).toEqual([
      { code: "required", field: "md_id" },
    ]);
  });

  it("asks a relation for a professional and a client, by either kind of ID", () => {
    const script = scripts.relations;
    const validator = buildRowValidator(
      script,
      mapHeaders(
        script,
        1,
        headerRow(
          "Professional ID",
          "Client ID",
          "Professional database ID (van Minddistrict)",
          "Client database ID (van Minddistrict)",
        ),
      ),
      defaultPlatformConfig,
      context,
    );
    expect(validator.validate(cells("P1", "C1")).reasons).toEqual([]);
    expect(
      validator.validate(cells("", "", "cb7bae66c0104b15ac661931811fe365", "169a5b27fb204d15bd9d3fa6387713d7")).reasons,
    ).toEqual([]);
    expect(validator.validate(cells("P1", "")).reasons).toEqual([{ code: "required", field: "client_id" }]);
  });

  it("notes a BSN that only passes with its leading zero back", () => {
    const validator = buildRowValidator(
      scripts["new-clients"],
      mapHeaders(scripts["new-clients"], 1, newClientHeaders),
      defaultPlatformConfig,
      context,
    );
    const bsn = generateBsns(1_000_000, "0").next().value;
    const result = validator.validate(cells("a@b.nl", "A", "", "B", "1", "", "", "", num(Number(bsn))));
    expect(result).toMatchObject({ reasons: [], notes: ["bsn_padded"], values: { bsn } });
  });
});
