import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * The folder a command writes into: the one given, or a new one under mdimport-out/ named
 * after the script and the time. Created with mode 0700; files in it get mode 0600.
 */
export function makeOutDir(cwd: string, given: string | undefined, script: string, now: Date): string {
  const dir = given ? resolve(cwd, given) : resolve(cwd, "mdimport-out", `${script}-${stamp(now)}`);
  // A folder that already exists is the user's: its mode is left alone (the files still get 0600).
  if (existsSync(dir)) return dir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

const stamp = (now: Date) => now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);

/** A file in the output folder, opened for writing with mode 0600, written in pieces. */
export class OutFile {
  private readonly fd: number;

  constructor(
    dir: string,
    readonly name: string,
  ) {
    // Output names are fixed by the tool, never taken from the input.
    this.fd = openSync(join(dir, name), "w", 0o600);
    chmodSync(join(dir, name), 0o600);
  }

  write(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    for (let at = 0; at < bytes.length;) at += writeSync(this.fd, bytes, at, bytes.length - at);
  }

  close(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

/** Writes a whole file with mode 0600. */
export function writeOutFile(dir: string, name: string, content: string | Uint8Array): void {
  const file = new OutFile(dir, name);
  file.write(content);
  file.close();
}
