import { UsageError } from "../shared/errors.js";
import { LocalPlatform } from "./local/local-platform.js";
import type { Platform } from "./platform.js";

export const defaultDb = ".mdimport/platform.sqlite";

export interface PlatformOptions {
  platform?: string;
  db?: string;
  cwd: string;
}

/**
 * How reports name the platform the options point at, without opening it (so that a run
 * refused for the wrong platform touches nothing); refuses platforms this version cannot use.
 */
export function platformName(options: Omit<PlatformOptions, "cwd">): string {
  const choice = options.platform ?? "local";
  if (choice === "local") return LocalPlatform.nameFor(options.db ?? defaultDb);
  if (/^https?:\/\//.test(choice)) {
    // NOTE: the Minddistrict API 2 adapter is another issue's work.
    throw new UsageError(`--platform ${choice}: the Minddistrict API 2 adapter is not available in this version yet; use --platform local.`);
  }
  throw new UsageError(`--platform must be "local" or https://HOST, not "${choice}".`);
}

/** The platform a command works on: the embedded local one (default) or, later, API 2 over HTTP. */
export function openPlatform(options: PlatformOptions): Platform {
  platformName(options);
  return LocalPlatform.open(options.db ?? defaultDb, options.cwd);
}

/** The local store itself, for `platform load` and `platform dump`. */
export const openLocalPlatform = (db: string | undefined, cwd: string): LocalPlatform => LocalPlatform.open(db ?? defaultDb, cwd);
