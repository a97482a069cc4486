// The types of sheets.mjs, the one generator of synthetic sheets (see there).

/** A cell as exceljs takes it, or a value with a number format. */
export type SheetCell = unknown;
/** A row: its cells, its cells and whether it is hidden, or null for an empty row. */
export type SheetRow = readonly SheetCell[] | { cells: readonly SheetCell[]; hidden?: boolean } | null;

export interface SheetSpec {
  name: string;
  header: readonly SheetCell[];
  /** The row the header is on; 1 unless told (in-memory workbooks only). */
  headerRow?: number;
  /** Streamed workbooks take arrays of cells only. */
  rows: Iterable<SheetRow>;
}

export interface WriteOptions {
  stream?: boolean;
  sharedStrings?: boolean;
  styles?: boolean;
  creator?: string;
  created?: Date;
  date1904?: boolean;
}

export interface PlatformState {
  clients: { md_id: string; id: string; email: string; first_name: string; last_name: string }[];
  professionals: {
    md_id: string;
    id: string;
    email: string;
    first_name: string;
    last_name: string;
    role: "professional";
  }[];
}

export function random(seed: number): () => number;
export function elevenTest(bsn: string): boolean;
export function generateBsns(start?: number, prefix?: string): Generator<string, never, unknown>;
export function randomBsn(next: () => number, prefix?: string): string;
export function randomMdId(next: () => number): string;
export function countedMdId(n: number): string;
export const newClientHeaders: readonly string[];
export function fullClientRow(i: number, bsn: string): SheetCell[];
export function shortClientHeaders(...extra: string[]): string[];
export function shortClientRow(i: number, prefix: string, idPrefix?: string, ...extra: SheetCell[]): SheetCell[];
export function counted<T>(n: number, row: (i: number) => T): Generator<T, void, unknown>;
export function onboardingSheets(counts: { clients: number; professionals: number; relations: number }): SheetSpec[];
export function platformState(clients: number, professionals: number): PlatformState;
export function writeWorkbook(path: string, sheets: readonly SheetSpec[], options?: WriteOptions): Promise<void>;
