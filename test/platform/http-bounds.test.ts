import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { ApiUnavailable, HttpClient } from "../../src/platform/http/client.js";
import { HttpPlatform } from "../../src/platform/http/http-platform.js";
import { PlatformUnavailable } from "../../src/platform/platform.js";
import { refusal } from "../../src/pipeline/refusal.js";
import { PlatformError } from "../../src/shared/errors.js";

const MiB = 1024 * 1024;

// The garbage collector, to prove a timeout holds when the collector runs mid-request (a
// collected AbortSignal.timeout never fires). Exposed at run time, as vitest's forks lack it.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

interface Served {
  url: string;
  host: string;
  /** Requests seen, and for each the bytes written before the answer ended or the client left. */
  requests: { method: string; path: string; written: number; finished: boolean }[];
}

const servers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of servers.splice(0)) await close();
});

/** A tiny HTTP server on 127.0.0.1, port 0; `answer` writes the answer and returns the bytes it wrote. */
async function serve(
  answer: (req: IncomingMessage, res: ServerResponse, seen: Served["requests"][number]) => void,
): Promise<Served> {
  const requests: Served["requests"] = [];
  const server = createServer((req, res) => {
    const seen = { method: req.method ?? "", path: req.url ?? "", written: 0, finished: false };
    requests.push(seen);
    res.on("finish", () => (seen.finished = true));
    answer(req, res, seen);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  servers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, requests };
}

/** Streams `total` bytes of JSON whitespace after a `{`, minding back-pressure; never allocates the whole. */
function streamBody(
  res: ServerResponse,
  seen: { written: number },
  total: number,
  headers: Record<string, string> = {},
): void {
  res.writeHead(200, { "Content-Type": "application/json", ...headers });
  const chunk = Buffer.alloc(MiB, 0x20);
  res.write("{");
  const pump = () => {
    while (seen.written < total) {
      seen.written += chunk.length;
      if (!res.write(chunk)) return;
    }
    res.end("}");
  };
  res.on("drain", pump);
  res.on("close", () => res.off("drain", pump));
  pump();
}

/** A body trickled one byte every `everyMs`, for ever (until the client leaves). */
function trickle(res: ServerResponse, everyMs: number): void {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.write("{");
  const timer = setInterval(() => res.write(" "), everyMs);
  res.on("close", () => clearInterval(timer));
}

const connect = (url: string, timeoutMs = 5000) =>
  HttpPlatform.connect({ url, token: "t0k3n", rate: 1000, concurrency: 1, timeoutMs, attempts: 1 });

/** What a promise ends in, or "still waiting" after `ms` (a generous bound, not a timing claim). */
async function within(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("still waiting"), ms)));
  try {
    return await Promise.race([promise.catch((error: unknown) => error), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe("bounded answers", () => {
  it("stops reading an oversized object answer at its cap: a platform error naming the host and route", async () => {
    const s = await serve((_req, res, seen) => streamBody(res, seen, 200 * MiB));
    const error = await within(connect(s.url), 30_000);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).exitCode).toBe(4);
    expect((error as Error).message).toBe(
      `The platform at ${s.host} sent an answer larger than 4 MiB to GET /api/2 (the most mdimport reads of one object), so it stopped reading.`,
    );
    // The connection was cut, not read to its end.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.requests[0]!.finished).toBe(false);
    expect(s.requests[0]!.written).toBeLessThan(100 * MiB);
  });

  it("refuses an answer whose Content-Length is over the cap without waiting for the body", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(2 * 1024 * MiB) });
      res.write("{");
    });
    const error = await within(connect(s.url, 60_000), 20_000);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as Error).message).toMatch(/larger than 4 MiB to GET \/api\/2 /);
  });

  it("reads a list page up to the page cap, larger than an object's, and names the route without IDs", async () => {
    const s = await serve((req, res, seen) => {
      if (req.url === "/api/2") return res.end("{}");
      if (req.url?.startsWith("/api/2/c/items")) {
        // 6 MiB: more than an object may hold, well within a page; the items' shape is not the point.
        res.end(JSON.stringify({ "@items": [], padding: "x".repeat(6 * MiB) }));
        return;
      }
      if (req.url?.startsWith("/api/2/p/items")) return streamBody(res, seen, 80 * MiB);
      res.end("{}");
    });
    const platform = await connect(s.url);
    await expect(platform.snapshot({ clients: true, professionals: false, relations: false })).resolves.toMatchObject({
      clients: [],
    });
    const error = await within(platform.snapshot({ clients: false, professionals: true, relations: false }), 30_000);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as Error).message).toBe(
      `The platform at ${s.host} sent an answer larger than 64 MiB to GET /api/2/p/items (the most mdimport reads of one page of a list), so it stopped reading.`,
    );
  });

  it("names an account's route with {id}, never the ID itself", async () => {
    const s = await serve((_req, res, seen) => streamBody(res, seen, 8 * MiB));
    const client = new HttpClient({ token: "t", rate: 1000, timeoutMs: 5000, attempts: 1 });
    const error = await client.request("GET", `${s.url}/api/2/aux/client/id/EXT-secret-7`).catch((e: unknown) => e);
    expect((error as Error).message).toContain("GET /api/2/aux/client/id/{id} ");
    expect((error as Error).message).not.toContain("EXT-secret-7");
  });
});

describe("the timeout covers the whole exchange", () => {
  it("ends a trickled body with the timeout error, even when the garbage collector runs meanwhile", async () => {
    const s = await serve((_req, res) => trickle(res, 100));
    const client = new HttpClient({ token: "t", rate: 1000, timeoutMs: 400, attempts: 1 });
    const collector = setInterval(gc, 50);
    try {
      const error = await within(client.request("GET", `${s.url}/api/2`), 15_000);
      expect(error).toBeInstanceOf(ApiUnavailable);
      expect((error as Error).message).toBe(`${s.host} did not answer in time`);
      expect((error as ApiUnavailable).sent).toBe(true);
    } finally {
      clearInterval(collector);
    }
  });

  it("retries a timed-out read like a dropped connection, and a once-only write not at all", async () => {
    const s = await serve((_req, res) => trickle(res, 100));
    const client = new HttpClient({
      token: "t",
      rate: 1000,
      timeoutMs: 300,
      attempts: 3,
      sleep: () => Promise.resolve(),
    });
    const read = await within(client.request("GET", `${s.url}/api/2`), 15_000);
    expect(read).toBeInstanceOf(ApiUnavailable);
    expect(s.requests).toHaveLength(3);
    const write = await within(client.request("POST", `${s.url}/api/2/c`, { a: 1 }, { once: true }), 15_000);
    expect(write).toBeInstanceOf(ApiUnavailable);
    expect((write as ApiUnavailable).sent).toBe(true);
    expect(s.requests).toHaveLength(4);
  });
});

describe("errors of their own", () => {
  it("gives up on a platform that stays unavailable with the platform-neutral error, which a run reports as api_error unavailable", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(503);
      res.end();
    });
    const client = new HttpClient({
      token: "t",
      rate: 1000,
      timeoutMs: 5000,
      attempts: 2,
      sleep: () => Promise.resolve(),
    });
    const error = await client.request("POST", `${s.url}/api/2/c`, { a: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiUnavailable);
    expect(error).toBeInstanceOf(PlatformUnavailable);
    expect(error).toMatchObject({ name: "ApiUnavailable", sent: true });
    expect(refusal(error)).toEqual({
      code: "api_error",
      detail: "unavailable",
      platform_text: "the platform answered 503",
    });
  });

  it("says where a redirect points, without its query string, and asks for the platform's own address", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(302, { Location: "https://login.example.org/sso/start?token=abc123&next=%2F#frag" });
      res.end();
    });
    const error = await connect(s.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as Error).message).toBe(
      `The platform at ${s.host} answered with a redirect to https://login.example.org/sso/start; give the platform's own https address.`,
    );
    expect((error as Error).message).not.toMatch(/abc123|token=|frag/);
    expect(s.requests).toHaveLength(1);
  });

  it("turns a 401 in the middle of the work into the platform error that stops the command", async () => {
    let refuse = false;
    const s = await serve((_req, res) => {
      if (refuse) {
        res.writeHead(401);
        return res.end();
      }
      res.end("{}");
    });
    const platform = await connect(s.url);
    refuse = true;
    const error = await platform
      .snapshot({ clients: true, professionals: false, relations: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as Error).message).toBe(
      `The platform at ${s.host} refused the token (401): check MDIMPORT_TOKEN or --token-file.`,
    );
  });

  it("does not call a token that cannot be sent a broken connection", async () => {
    const s = await serve((_req, res) => res.end("{}"));
    const error = await HttpPlatform.connect({
      url: s.url,
      token: "abc\ndef",
      rate: 1000,
      concurrency: 1,
      timeoutMs: 5000,
      attempts: 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as Error).message).toBe(
      "The API token holds characters that cannot be sent in an HTTP header (a line break, a space or a non-ASCII character): check MDIMPORT_TOKEN or --token-file.",
    );
    expect(s.requests).toHaveLength(0);
  });
});
