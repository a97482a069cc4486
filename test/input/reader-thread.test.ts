// The workbook reader on its own thread, as the built CLI runs it (dist/, so that the worker
// script exists): the same rows as the reader on this thread, errors as InputError, and the
// workbook's bytes handed over.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildXlsx, sheetXml, sstXml } from "../support/xlsx.js";

const dist = join(import.meta.dirname, "..", "..", "dist");
const { openWorkbookOffThread, openWorkbookWhile } = (await import(
  join(dist, "input", "workbook-thread.js")
)) as typeof import("../../src/input/workbook-thread.js");
const { openWorkbook } = (await import(
  join(dist, "input", "workbook.js")
)) as typeof import("../../src/input/workbook.js");
const { InputError } = (await import(join(dist, "shared", "errors.js"))) as typeof import("../../src/shared/errors.js");
type Workbook = import("../../src/input/workbook.js").Workbook;
type SheetRow = import("../../src/input/cells.js").SheetRow;

const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, "..", "..", "fixtures", name)));
const read = async (workbook: Workbook) => {
  const rows: SheetRow[] = [];
  for await (const batch of workbook.batches()) rows.push(...batch);
  return rows;
};

/** A workbook of `count` rows with shared strings, numbers and dates: over 1 MiB from about 30,000 rows. */
function bigWorkbook(count: number): Uint8Array {
  const strings = Array.from({ length: count }, (_, i) => `client${i}@voorbeeld.nl`);
  const rows = strings.map(
    (_, i) =>
      `<row r="${i + 1}"><c r="A${i + 1}" t="s"><v>${i}</v></c><c r="B${i + 1}"><v>${30000 + i}</v></c><c r="D${i + 1}" t="inlineStr"><is><t>x${i}</t></is></c></row>`,
  );
  return buildXlsx({
    sheets: [{ name: "Blad1", xml: sheetXml(rows.join("")) }],
    sharedStrings: sstXml(strings),
    level: 0,
  });
}

describe("the workbook reader's own thread", () => {
  for (const name of ["new-clients.xlsx", "libreoffice/new-clients.xlsx", "new-clients.american.xlsx"]) {
    it(`reads ${name} exactly as the reader on this thread does`, async () => {
      const here = await openWorkbook(fixture(name));
      const there = await openWorkbookOffThread(fixture(name));
      expect({ ...there, batches: null, close: null }).toEqual({ ...here, batches: null, close: null });
      expect(await read(there)).toEqual(await read(here));
      expect(there.merged).toEqual(here.merged);
    });
  }

  it("reads a large workbook in many batches, may read it again, and takes the caller's bytes", async () => {
    const bytes = bigWorkbook(40_000);
    expect(bytes.byteLength).toBeGreaterThan(1024 * 1024);
    const expected = await read(await openWorkbook(new Uint8Array(bytes)));
    const workbook = await openWorkbookOffThread(bytes);
    expect(bytes.byteLength).toBe(0); // moved, not copied
    let batches = 0;
    const rows: SheetRow[] = [];
    for await (const batch of workbook.batches()) {
      batches++;
      rows.push(...batch);
    }
    expect(batches).toBeGreaterThan(4);
    expect(rows).toEqual(expected);
    expect(await read(workbook)).toEqual(expected);
  });

  it("gives the reader's errors as InputError with the same sentence", async () => {
    const damaged = buildXlsx({
      sheets: [{ name: "Blad1", xml: sheetXml(`<row r="2"/><row r="1"><c r="A1"><v>1</v></c></row>`) }],
    });
    const here = await read(await openWorkbook(new Uint8Array(damaged))).catch((error: unknown) => error);
    const there = await read(await openWorkbookOffThread(damaged)).catch((error: unknown) => error);
    expect(here).toBeInstanceOf(InputError);
    expect(there).toBeInstanceOf(InputError);
    expect((there as Error).message).toBe((here as Error).message);
    const notAWorkbook = await openWorkbookOffThread(new TextEncoder().encode("PK\u0003\u0004 not really")).catch(
      (error: unknown) => error,
    );
    expect(notAWorkbook).toBeInstanceOf(InputError);
  });

  it("stops its thread when the caller stops reading half-way", async () => {
    const workbook = await openWorkbookOffThread(bigWorkbook(40_000));
    for await (const batch of workbook.batches()) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    // The thread was ended, not left reading: another read finds it gone.
    await expect(read(workbook)).rejects.toThrow(/stopped/);
  });

  it("opens a workbook while other work runs, and reports each failure in its turn", async () => {
    const { workbook, result } = await openWorkbookWhile(fixture("new-clients.xlsx"), {}, () => "snapshot");
    expect(result).toBe("snapshot");
    expect((await read(workbook)).length).toBeGreaterThan(1);

    // The workbook fails while the other work is still going: no unhandled rejection (vitest
    // fails a test that has one), and the workbook's error comes once the work is done.
    const notAWorkbook = new TextEncoder().encode("PK\u0003\u0004 not really");
    let done = false;
    const slow = () =>
      new Promise<string>((resolve) => setTimeout(() => resolve("late"), 300)).finally(() => (done = true));
    await expect(openWorkbookWhile(notAWorkbook, {}, slow)).rejects.toBeInstanceOf(InputError);
    expect(done).toBe(true);

    // The other work fails: its error is the one given.
    await expect(
      openWorkbookWhile(fixture("new-clients.xlsx"), {}, () => Promise.reject(new Error("platform down"))),
    ).rejects.toThrow("platform down");
  });

  it("lets go of the workbook when it will not be read", async () => {
    const workbook = await openWorkbookOffThread(bigWorkbook(40_000));
    await workbook.close();
    await expect(read(workbook)).rejects.toThrow(/stopped/);
  });
});
