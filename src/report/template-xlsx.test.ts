import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { getScript } from "../scripts/index.js";
import { buildTemplateSheets } from "./template-xlsx.js";

describe("buildTemplateSheets", () => {
  it("names every sheet once, also where the input's sheets are named as the explanation sheet or alike", async () => {
    const bytes = await buildTemplateSheets(
      [
        { script: getScript("new-clients"), name: "Toelichting" },
        { script: getScript("new-professionals"), name: "toelichting" },
      ],
      "nl",
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["Toelichting", "toelichting (2)", "Toelichting (3)"]);
    // The explanation sheet names each data sheet as it is called in this workbook.
    const help = workbook.worksheets[2] as ExcelJS.Worksheet;
    const titles: string[] = [];
    help.eachRow((row) => titles.push(row.getCell(1).text));
    expect(titles.some((t) => t.startsWith("toelichting (2): "))).toBe(true);
  });
});
