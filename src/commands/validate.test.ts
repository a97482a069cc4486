import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/cli.js";
import { expandInputs, reportFolderNames } from "./validate.js";

describe("reportFolderNames", () => {
  it.each([
    [
      ["a.xlsx", "b.xlsx"],
      ["a", "b"],
    ],
    [
      ["one/a.xlsx", "two/a.xlsx", "a.xlsx.gpg", "A.XLSX"],
      ["a", "a-2", "a-3", "A-4"],
    ],
    [
      ["sheet.xlsx.asc", "x.pgp"],
      ["sheet", "x"],
    ],
    [
      [".xlsx", "..hidden.xlsx", `odd <&"'>/name.xlsx`, `odd <&"'> name.xlsx`],
      ["_xlsx", "_hidden", "name", "odd_name"],
    ],
  ])("%j → %j", (files, names) => {
    expect(reportFolderNames(files)).toEqual(names);
  });
});

describe("expandInputs", () => {
  it("takes a folder's regular sheet files in name order, not its subfolders, hidden files or Excel's lock files", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "in", "sub"), { recursive: true });
    for (const name of [
      "b.xlsx",
      "a.XLSX",
      "c.xlsx.gpg",
      "d.asc",
      "e.pgp",
      "f.txt",
      ".g.xlsx",
      "~$b.xlsx",
      "sub/h.xlsx",
    ]) {
      writeFileSync(join(dir, "in", name), "");
    }
    mkdirSync(join(dir, "in", "folder.xlsx"));
    symlinkSync(join(dir, "in", "b.xlsx"), join(dir, "in", "link.xlsx"));
    const { entries, many } = expandInputs(["in"], dir);
    expect(entries.map((e) => e.file)).toEqual(
      ["a.XLSX", "b.xlsx", "c.xlsx.gpg", "d.asc", "e.pgp", "link.xlsx"].map((n) => join("in", n)),
    );
    expect(many).toBe(true);
  });

  it("passes files through as given (reading them says what is wrong), and reports a folder without sheets", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "empty"));
    expect(expandInputs(["missing.xlsx"], dir)).toEqual({ entries: [{ file: "missing.xlsx" }], many: false });
    const { entries, many } = expandInputs(["missing.xlsx", "empty"], dir);
    expect(many).toBe(true);
    expect(entries[1]?.error?.message).toBe("The folder empty holds no .xlsx, .gpg, .pgp or .asc file.");
  });
});
