import { readFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { cellText } from "../input/cells.js";
import { mapHeaders } from "../input/headers.js";
import { readSheet } from "../../test/support/xlsx.js";
import { langs, scripts } from "../scripts/index.js";
import { type HeaderRecognition, recogniseHeader, recogniseScript } from "../scripts/recognise.js";
import { onboardingSheetNames } from "../report/messages/template.js";
import { buildOnboardingTemplate, buildTemplate } from "../report/template-xlsx.js";
import { ONBOARDING, templateFileName } from "./template.js";

const templatesDir = join(import.meta.dirname, "..", "..", "templates");

describe("templates", () => {
  for (const script of Object.values(scripts)) {
    for (const lang of langs) {
      it(`templates/${templateFileName(script.name, lang)} is what the code makes now (else: npm run templates)`, async () => {
        const made = unzipSync(await buildTemplate(script, lang));
        const committed = unzipSync(readFileSync(join(templatesDir, templateFileName(script.name, lang))));
        expect(Object.keys(committed).sort()).toEqual(Object.keys(made).sort());
        for (const [name, bytes] of Object.entries(made))
          expect(strFromU8(committed[name] as Uint8Array), name).toBe(strFromU8(bytes));
      });
    }
  }

  it("has the canonical headers, which the reader maps back to every column", async () => {
    for (const script of Object.values(scripts)) {
      const { workbook, rows } = await readSheet(await buildTemplate(script, "de"));
      const header = rows[0]!;
      expect(Array.from(header.cells, cellText)).toEqual(script.columns.map((c) => c.headers.de));
      expect([...mapHeaders(script, 1, header.cells).columns.values()].map((c) => c.field)).toEqual(
        script.columns.map((c) => c.field),
      );
      expect(workbook.sheets.map((s) => s.name)).toEqual(["Daten", "Erläuterung"]);
    }
  });

  it("offers dropdowns for gender and role, text columns for IDs, BSN and phone, and a frozen header", async () => {
    const sheet = strFromU8(
      unzipSync(await buildTemplate(scripts["new-clients"], "nl"))["xl/worksheets/sheet1.xml"] as Uint8Array,
    );
    expect(sheet).toContain('sqref="G2:G5000"><formula1>&quot;m,v,a,o&quot;</formula1>');
    expect(sheet).toContain('state="frozen"');
    const styles = strFromU8(
      unzipSync(await buildTemplate(scripts["new-clients"], "nl"))["xl/styles.xml"] as Uint8Array,
    );
    // Columns E (ID), H (phone) and I (BSN) carry a style whose number format is text (49, "@").
    const xfs = (/<cellXfs[^>]*>(.*?)<\/cellXfs>/.exec(styles)?.[1] ?? "").split("<xf ").slice(1);
    const formatOfColumn = (column: number) => {
      const style = new RegExp(`<col min="${column}" max="${column}"[^>]*style="(\\d+)"`).exec(sheet)?.[1];
      return style === undefined ? undefined : /numFmtId="(\d+)"/.exec(xfs[Number(style)] ?? "")?.[1];
    };
    expect([5, 8, 9].map(formatOfColumn)).toEqual(["49", "49", "49"]);
    expect(formatOfColumn(1)).toBeUndefined();
    const professionals = strFromU8(
      unzipSync(await buildTemplate(scripts["new-professionals"], "en"))["xl/worksheets/sheet1.xml"] as Uint8Array,
    );
    expect(professionals).toContain(
      "&quot;Professional,Application manager,Data analyst,Data officer,Supervisor,Secretary&quot;",
    );
  });

  it("explains every column on its second sheet", async () => {
    const rows = (
      await readSheet(await buildTemplate(scripts["new-clients"], "en"), { sheet: "Explanation" })
    ).rows.map((r) => Array.from(r.cells, cellText));
    expect(rows[0]).toEqual(["Column", "Required", "Format", "Allowed values"]);
    expect(rows.find((r) => r[0] === "BSN")?.[1]).toBe("optional, unless the platform requires this field");
    expect(rows.find((r) => r[0] === "Gender")?.[3]).toBe("m, f, other, unknown");
  });
});

describe("template onboarding", () => {
  for (const lang of langs) {
    it(`templates/${templateFileName(ONBOARDING, lang)} is what the code makes now (else: npm run templates)`, async () => {
      const made = unzipSync(await buildOnboardingTemplate(lang));
      const committed = unzipSync(readFileSync(join(templatesDir, templateFileName(ONBOARDING, lang))));
      expect(Object.keys(committed).sort()).toEqual(Object.keys(made).sort());
      for (const [name, bytes] of Object.entries(made))
        expect(strFromU8(committed[name] as Uint8Array), name).toBe(strFromU8(bytes));
    });

    it(`in ${lang}: the sheets of new clients, new professionals and relations, with their templates' headers and formats, and an explanation sheet that fits no script`, async () => {
      const bytes = await buildOnboardingTemplate(lang);
      const names = onboardingSheetNames[lang];
      const expected = [
        [names.clients, scripts["new-clients"]],
        [names.professionals, scripts["new-professionals"]],
        [names.relations, scripts.relations],
      ] as const;
      const { workbook } = await readSheet(bytes);
      expect(workbook.sheets.map((s) => s.name)).toEqual([...expected.map(([name]) => name), TEMPLATE_HELP[lang]]);
      for (const [name, script] of expected) {
        const header = (await readSheet(bytes, { sheet: name })).rows[0]!;
        expect(Array.from(header.cells, cellText)).toEqual(script.columns.map((c) => c.headers[lang]));
        const found: HeaderRecognition = recogniseHeader(header.cells);
        expect(found.kind === "script" ? found.script.name : found.kind).toBe(script.name);
      }
      const help = (await readSheet(bytes, { sheet: TEMPLATE_HELP[lang] })).rows;
      expect(recogniseScript(help.slice(0, 20), true)?.kind).toBe("none");
      // The dropdowns and text columns are the single templates' own.
      const files = unzipSync(bytes);
      const single = unzipSync(await buildTemplate(scripts["new-clients"], lang));
      const dropdowns = (xml: string) => xml.slice(xml.indexOf("<dataValidations"), xml.indexOf("</dataValidations>"));
      expect(dropdowns(strFromU8(files["xl/worksheets/sheet1.xml"]!))).toBe(
        dropdowns(strFromU8(single["xl/worksheets/sheet1.xml"]!)),
      );
      const cols = (xml: string) => xml.slice(xml.indexOf("<cols>"), xml.indexOf("</cols>"));
      expect(cols(strFromU8(files["xl/worksheets/sheet2.xml"]!))).toBe(
        cols(
          strFromU8(unzipSync(await buildTemplate(scripts["new-professionals"], lang))["xl/worksheets/sheet1.xml"]!),
        ),
      );
    });
  }
});

const TEMPLATE_HELP = { nl: "Toelichting", en: "Explanation", de: "Erläuterung" } as const;
