import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fixture, runCli, runCliAsync, tempDir } from "../support/cli.js";

const input = fixture("new-clients.xlsx");
const MiB = 1024 * 1024;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A tiny misbehaving platform on 127.0.0.1, port 0, in this process. */
async function serve(answer: (res: ServerResponse) => void): Promise<{ url: string; host: string }> {
  const server = createServer((_req, res) => answer(res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` };
}

const testRun = (url: string, dir: string, ...more: string[]) => [
  "test-run",
  input,
  "--script",
  "new-clients",
  "--platform",
  url,
  "--out",
  join(dir, "out"),
  ...more,
];
const env = { MDIMPORT_TOKEN: "e2e-token-answers" };

describe("mdimport against a platform whose answers misbehave", () => {
  it("ends a body trickled byte by byte with the timeout error (exit 4), within --timeout and its retries", async () => {
    const s = await serve((res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write("{");
      const timer = setInterval(() => res.write(" "), 1000);
      res.on("close", () => clearInterval(timer));
    });
    // Frequent garbage collections, as a busy process has: fetch held AbortSignal.timeout() only
    // weakly, and once collected it never fired, so the body read hung past any --timeout.
    const run = await runCliAsync(testRun(s.url, tempDir(), "--timeout", "3"), {
      env,
      nodeArgs: ["--gc-interval=2000"],
      limitMs: 45_000,
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toBe(`mdimport: Cannot reach the platform at ${s.host}: ${s.host} did not answer in time.\n`);
    // Three tries of 3 s and their backoff, with a wide margin: not the 90 s of a hung read.
    expect(run.ms).toBeLessThan(40_000);
  });

  it("stops reading an endless answer at its cap: exit 4 naming host and route, not a V8 crash", async () => {
    const s = await serve((res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      const chunk = Buffer.alloc(MiB, 0x20);
      let written = 0;
      const pump = () => {
        // Bounded, so a client that reads on for ever fails this test instead of the machine.
        while (written < 512 * MiB) {
          written += chunk.length;
          if (!res.write(chunk)) return;
        }
        res.end();
      };
      res.on("drain", pump);
      res.on("close", () => res.off("drain", pump));
      res.write("{");
      pump();
    });
    const run = await runCliAsync(testRun(s.url, tempDir()), { env, limitMs: 45_000 });
    expect(run.code).toBe(4);
    expect(run.stderr).toBe(
      `mdimport: The platform at ${s.host} sent an answer larger than 4 MiB to GET /api/2 (the most mdimport reads of one object), so it stopped reading.\n`,
    );
  });

  it("says where a redirect points (exit 4), without its query string", async () => {
    const s = await serve((res) => {
      res.writeHead(301, { Location: "https://elders.example.com/api/2?session=5ecret" });
      res.end();
    });
    const run = await runCliAsync(testRun(s.url, tempDir()), { env, limitMs: 45_000 });
    expect(run.code).toBe(4);
    expect(run.stderr).toBe(
      `mdimport: The platform at ${s.host} answered with a redirect to https://elders.example.com/api/2; give the platform's own https address.\n`,
    );
  });
});

describe("the token file", () => {
  // Read before any connection is made: no platform needs to answer here.
  const url = "http://127.0.0.1:1";
  const withTokenFile = (dir: string, file: string) =>
    runCli([...testRun(url, dir), "--token-file", file], { env: { MDIMPORT_TOKEN: "" } });

  it("that does not exist, or is a folder, is an input error in one sentence (exit 3)", () => {
    const dir = tempDir();
    const missing = withTokenFile(dir, join(dir, "token.txt"));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe("mdimport: Cannot read the token file token.txt: it does not exist.\n");
    mkdirSync(join(dir, "tokens"));
    const folder = withTokenFile(dir, join(dir, "tokens"));
    expect(folder.code).toBe(3);
    expect(folder.stderr).toBe("mdimport: Cannot read the token file tokens: it is a folder.\n");
  });

  it("that is empty, or holds more than a token, says so without showing it (exit 3)", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "empty.txt"), "\n");
    const empty = withTokenFile(dir, join(dir, "empty.txt"));
    expect(empty.code).toBe(3);
    expect(empty.stderr).toBe("mdimport: The token file empty.txt is empty.\n");
    writeFileSync(join(dir, "two-lines.txt"), "s3cr3t-token\nsecond-line\n");
    const twoLines = withTokenFile(dir, join(dir, "two-lines.txt"));
    expect(twoLines.code).toBe(3);
    expect(twoLines.stderr).toBe(
      "mdimport: The token file two-lines.txt holds more than a token: it has a line break or a space inside.\n",
    );
    writeFileSync(join(dir, "utf16.txt"), Buffer.from("\ufefftoken", "utf16le"));
    const utf16 = withTokenFile(dir, join(dir, "utf16.txt"));
    expect(utf16.code).toBe(3);
    expect(utf16.stderr).toBe(
      "mdimport: The token file utf16.txt holds more than a token: it has characters other than ASCII letters, digits and punctuation.\n",
    );
    for (const run of [empty, twoLines, utf16]) expect(run.stderr).not.toMatch(/s3cr3t|second-line|broke off/);
  });
});
