// The workbook reader's own thread: inflates and scans the sheet while the main thread
// checks the rows already read. See workbook-thread.ts for the other side.
import { parentPort, workerData } from "node:worker_threads";
import { encodeBatch, transferablesOf } from "./row-batch.js";
import { openWorkbook, type OpenWorkbookOptions, type Workbook } from "./workbook.js";
import type { FromReader, ToReader } from "./workbook-thread.js";

/** Batches sent but not yet taken by the main thread; beyond this the reader waits. */
const AHEAD = 4;

const port = parentPort;
if (!port) throw new Error("workbook-worker.js runs only as a worker thread");
const { buffer, offset, length, options } = workerData as {
  buffer: ArrayBuffer;
  offset: number;
  length: number;
  options: OpenWorkbookOptions;
};
const bytes = new Uint8Array(buffer, offset, length);
const send = (message: FromReader, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let ahead = 0;
let wake: (() => void) | null = null;
let workbook: Workbook | null = null;

port.on("message", (message: ToReader) => {
  if (message.type === "taken") {
    ahead--;
    wake?.();
    wake = null;
  } else if (message.type === "read") {
    void read();
  }
});

async function read(): Promise<void> {
  try {
    if (!workbook) throw new Error("the workbook is not open");
    for await (const batch of workbook.batches()) {
      const encoded = encodeBatch(batch);
      send({ type: "batch", batch: encoded }, transferablesOf(encoded));
      if (++ahead >= AHEAD) await new Promise<void>((resolve) => (wake = resolve));
    }
    send({ type: "end", merged: workbook.merged });
  } catch (error) {
    send(failure(error));
  }
}

function failure(error: unknown): FromReader {
  const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
  return { type: "error", name, message, ...(stack ? { stack } : {}) };
}

try {
  workbook = await openWorkbook(bytes, options);
  const { sheets, sheet, skipped, date1904, macros } = workbook;
  send({ type: "opened", info: { sheets, sheet, skipped, date1904, macros } });
} catch (error) {
  send(failure(error));
}
