import type { PlatformConfig } from "./config.js";
import { UsageError } from "../shared/errors.js";
import { HttpPlatform } from "./http/http-platform.js";
import type { RequestSummary } from "./http/request-log.js";
import { LocalPlatform } from "./local/local-platform.js";
import type { Platform } from "./platform.js";

export const defaultDb = ".mdimport/platform.sqlite";

/**
 * A conservative default towards a real platform: Minddistrict's own example waits 0.3 s
 * between requests; no rate limit is documented.
 */
export const defaultRate = 3;
export const defaultConcurrency = 4;
export const defaultTimeoutSeconds = 30;

export interface PlatformOptions {
  platform?: string;
  db?: string;
  cwd: string;
  /** For an HTTP platform: the API token (from MDIMPORT_TOKEN or --token-file, never an argument). */
  token?: string;
  rate?: number;
  concurrency?: number;
  timeoutSeconds?: number;
  /** For an HTTP platform: its settings, which API 2 cannot be asked for. */
  config?: PlatformConfig;
  /** For an HTTP platform: hears the request summary when it is closed (`--verbose`). */
  onRequestSummary?: (summary: RequestSummary) => void;
}

const isHttp = (choice: string) => /^https?:\/\//i.test(choice);

/**
 * How reports name the platform the options point at, without opening it (so that a run
 * refused for the wrong platform touches nothing); refuses platforms this version cannot use.
 */
export function platformName(options: Omit<PlatformOptions, "cwd">): string {
  const choice = options.platform ?? "local";
  if (choice === "local") return LocalPlatform.nameFor(options.db ?? defaultDb);
  if (isHttp(choice)) return HttpPlatform.nameFor(choice);
  throw new UsageError(`--platform must be "local" or https://HOST, not "${choice}".`);
}

/** The platform a command works on: the embedded local one (default) or the API 2 over HTTP. */
export async function openPlatform(options: PlatformOptions): Promise<Platform> {
  const choice = options.platform ?? "local";
  platformName(options);
  if (!isHttp(choice)) {
    if (options.config)
      throw new UsageError("--config is for a platform over HTTP; the local platform keeps its own configuration.");
    return LocalPlatform.open(options.db ?? defaultDb, options.cwd);
  }
  if (!options.token) {
    throw new UsageError(
      `--platform ${HttpPlatform.nameFor(choice)} needs the API token: set MDIMPORT_TOKEN or give --token-file.`,
    );
  }
  return HttpPlatform.connect({
    url: choice,
    token: options.token,
    rate: options.rate ?? defaultRate,
    concurrency: options.concurrency ?? defaultConcurrency,
    timeoutMs: (options.timeoutSeconds ?? defaultTimeoutSeconds) * 1000,
    ...(options.config ? { config: options.config } : {}),
    ...(options.onRequestSummary ? { onRequestSummary: options.onRequestSummary } : {}),
  });
}

/** The local store itself, for `platform load`, `dump` and `serve`. */
export const openLocalPlatform = (
  db: string | undefined,
  cwd: string,
  options: { create?: boolean } = {},
): LocalPlatform => LocalPlatform.open(db ?? defaultDb, cwd, options);
