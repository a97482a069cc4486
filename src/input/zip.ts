import { createInflateRaw } from "node:zlib";
import { InputError } from "../shared/errors.js";
import type { ReadLimits } from "./limits.js";

/** One entry of a zip archive held in memory; the data is not inflated until asked. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  dataOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const SLICE = 64 * 1024;

const broken = (why: string) =>
  new InputError(`The workbook is damaged and cannot be read (${why}); save it again from the spreadsheet program.`);

/**
 * Reads the central directory of a zip archive held in memory. Nothing is inflated
 * here and nothing is copied: entries point into `bytes`.
 */
export function openZip(bytes: Uint8Array, limits: ReadLimits): Map<string, ZipEntry> {
  try {
    return readDirectory(bytes, limits);
  } catch (error) {
    // A number in the table of contents that points outside the file.
    if (error instanceof RangeError) throw broken("its table of contents points outside the file");
    throw error;
  }
}

function readDirectory(bytes: Uint8Array, limits: ReadLimits): Map<string, ZipEntry> {
  if (bytes.length < 22) throw broken("it is too short to be a zip archive");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === 0xffffffff) {
    ({ count, offset } = readZip64End(view, eocd));
  }
  if (count > limits.maxEntries) throw broken(`it has ${count} parts, more than ${limits.maxEntries}`);
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    if (offset + 46 > view.byteLength || view.getUint32(offset, true) !== CENTRAL_SIGNATURE) {
      throw broken("its table of contents is cut short");
    }
    const entry = readCentralEntry(bytes, view, offset);
    entries.set(entry.entry.name, entry.entry);
    offset = entry.next;
  }
  return entries;
}

function findEndOfCentralDirectory(view: DataView): number {
  const last = view.byteLength - 22;
  const first = Math.max(0, last - 0xffff);
  for (let at = last; at >= first; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) return at;
  }
  throw broken("the end of its table of contents is missing");
}

function readZip64End(view: DataView, eocd: number): { count: number; offset: number } {
  const locator = eocd - 20;
  if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR_SIGNATURE) {
    throw broken("its large-archive record is missing");
  }
  const end = Number(view.getBigUint64(locator + 8, true));
  if (end + 56 > view.byteLength) throw broken("its large-archive record points outside the file");
  return { count: Number(view.getBigUint64(end + 32, true)), offset: Number(view.getBigUint64(end + 48, true)) };
}

function readCentralEntry(bytes: Uint8Array, view: DataView, at: number): { entry: ZipEntry; next: number } {
  const flags = view.getUint16(at + 8, true);
  const method = view.getUint16(at + 10, true);
  let compressedSize = view.getUint32(at + 20, true);
  let size = view.getUint32(at + 24, true);
  const nameLength = view.getUint16(at + 28, true);
  const extraLength = view.getUint16(at + 30, true);
  const commentLength = view.getUint16(at + 32, true);
  let localOffset = view.getUint32(at + 42, true);
  if (at + 46 + nameLength + extraLength + commentLength > view.byteLength)
    throw broken("its table of contents is cut short");
  const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
  if (flags & 1) throw broken(`part ${name} is encrypted by the zip program`);
  // Zip64: the 0xffffffff fields are found, in order, in the extra field with id 1.
  const extraStart = at + 46 + nameLength;
  for (let e = extraStart; e + 4 <= extraStart + extraLength;) {
    const id = view.getUint16(e, true);
    const length = view.getUint16(e + 2, true);
    if (id === 1) {
      let p = e + 4;
      const take = () => {
        if (p + 8 > e + 4 + length) throw broken("a large-archive field is cut short");
        const value = Number(view.getBigUint64(p, true));
        p += 8;
        return value;
      };
      if (size === 0xffffffff) size = take();
      if (compressedSize === 0xffffffff) compressedSize = take();
      if (localOffset === 0xffffffff) localOffset = take();
    }
    e += 4 + length;
  }
  if (extraStart + extraLength > view.byteLength) throw broken("its table of contents is cut short");
  if (localOffset + 30 > view.byteLength || view.getUint32(localOffset, true) !== LOCAL_SIGNATURE) {
    throw broken(`part ${name} is missing`);
  }
  const dataOffset = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
  if (dataOffset + compressedSize > view.byteLength) throw broken(`part ${name} is cut short`);
  return {
    entry: { name, method, compressedSize, size, dataOffset },
    next: extraStart + extraLength + commentLength,
  };
}

/** Counts inflated bytes across all parts read from one workbook. */
export class InflateBudget {
  private total = 0;
  constructor(private readonly limits: ReadLimits) {}

  /** Called for every inflated chunk; throws once a limit is passed. */
  charge(entry: ZipEntry, entrySoFar: number, chunk: number): void {
    this.total += chunk;
    const { maxEntryBytes, maxTotalBytes, maxCompressionRatio } = this.limits;
    if (entrySoFar > maxEntryBytes || this.total > maxTotalBytes) {
      throw new InputError(
        `The workbook part ${entry.name} inflates to more than ${formatBytes(Math.min(maxEntryBytes, maxTotalBytes))}; it is refused as a possible zip bomb (if the workbook is genuine, raise --max-size).`,
      );
    }
    if (entrySoFar > 1024 ** 2 && entrySoFar > maxCompressionRatio * Math.max(entry.compressedSize, 1)) {
      throw new InputError(
        `The workbook part ${entry.name} inflates more than ${maxCompressionRatio} times its packed size; it is refused as a possible zip bomb (if the workbook is genuine, raise --max-ratio).`,
      );
    }
  }
}

const formatBytes = (n: number) => `${Math.round(n / 1024 ** 2)} MiB`;

/**
 * Inflates one entry piece by piece, so that a large sheet never sits in memory whole.
 * NOTE: zlib's stream inflates on its own thread, so the next piece is being inflated
 * while this one is scanned; the limits are checked on what really comes out.
 */
export async function* inflateEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  budget: InflateBudget,
): AsyncGenerator<Uint8Array> {
  const data = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  let produced = 0;
  if (entry.method === 0) {
    for (let at = 0; at < data.length; at += SLICE) {
      const chunk = data.subarray(at, at + SLICE);
      produced += chunk.length;
      budget.charge(entry, produced, chunk.length);
      yield chunk;
    }
    return;
  }
  if (entry.method !== 8) throw broken(`part ${entry.name} uses an unknown packing method`);
  const inflater = createInflateRaw({ chunkSize: SLICE * 4 });
  inflater.on("error", () => {}); // reported through the iterator below
  const feed = async () => {
    for (let at = 0; at < data.length; at += SLICE) {
      if (inflater.destroyed) return;
      if (!inflater.write(data.subarray(at, at + SLICE)))
        await new Promise((resolve) => inflater.once("drain", resolve));
    }
    inflater.end();
  };
  void feed().catch(() => inflater.destroy());
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      produced += chunk.length;
      budget.charge(entry, produced, chunk.length);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw broken(`part ${entry.name} cannot be unpacked`);
  } finally {
    inflater.destroy();
  }
}
