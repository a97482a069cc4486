import { checkPlatform, checkRequestLimit, type PlatformCheck } from "../platform/http/check.js";
import { HttpPlatform } from "../platform/http/http-platform.js";
import type { RouteTable } from "../platform/http/api.js";
import type { RequestSummary } from "../platform/http/request-log.js";
import { defaultRate, defaultTimeoutSeconds, openLocalPlatform, platformName } from "../platform/open.js";
import { UsageError } from "../shared/errors.js";

export interface PlatformCheckOptions {
  platform?: string;
  db?: string;
  cwd: string;
  token?: string;
  rate?: number;
  timeoutSeconds?: number;
  routes?: RouteTable;
  /** Hears the request summary at the end (`--verbose`); over HTTP only. */
  onRequestSummary?: (summary: RequestSummary) => void;
}

export { checkRequestLimit };

/**
 * `mdimport platform check [platform]`: which of the API assumptions hold, read-only. Over
 * HTTP every route of the table that a read can check is tried (at most `checkRequestLimit`
 * requests, retries aside); the local store is checked by opening it, since its rules are
 * the facts by construction.
 */
export async function platformCheckCommand(options: PlatformCheckOptions): Promise<PlatformCheck> {
  const choice = options.platform ?? "local";
  const name = platformName(options);
  if (choice === "local") {
    const store = openLocalPlatform(options.db, options.cwd);
    try {
      return {
        platform: name,
        mode: undefined,
        checks: [
          {
            fact: "local store",
            basis: "known",
            status: "confirmed",
            seen: `the store opens (platform ID ${store.id}): every fact holds by construction, since its rules are the platform's`,
            needed_by: [],
          },
        ],
        requests: { requests: 0, by_route: {}, retries: 0, throttled: 0, retry_after_ms: 0, pacer_wait_ms: 0 },
        exitCode: 0,
      };
    } finally {
      await store.close();
    }
  }
  if (!options.token)
    throw new UsageError(
      `--platform ${HttpPlatform.nameFor(choice)} needs the API token: set MDIMPORT_TOKEN or give --token-file.`,
    );
  const result = await checkPlatform({
    url: choice,
    token: options.token,
    rate: options.rate ?? defaultRate,
    timeoutMs: (options.timeoutSeconds ?? defaultTimeoutSeconds) * 1000,
    ...(options.routes ? { routes: options.routes } : {}),
  });
  options.onRequestSummary?.(result.requests);
  return result;
}

const words = {
  confirmed: "confirmed",
  contradicted: "CONTRADICTED",
  not_checkable: "not checkable without writing",
} as const;

/** The table `platform check` prints: fact, status, what was seen (and for what a read cannot show, how run shows it). */
export function renderPlatformCheck(result: PlatformCheck): string {
  const width = Math.max(...result.checks.map((c) => c.fact.length + c.basis.length + 3));
  const lines = [
    `mdimport platform check · ${result.platform}${result.mode === undefined ? "" : ` · mode ${result.mode ?? "null (production)"}`}`,
  ];
  for (const check of result.checks) {
    lines.push(`  ${`${check.fact} (${check.basis})`.padEnd(width)}  ${words[check.status]}: ${check.seen}`);
    if (check.run) lines.push(`  ${"".padEnd(width)}  in a run: ${check.run}`);
    if (check.status === "contradicted" && check.needed_by.length > 0)
      lines.push(`  ${"".padEnd(width)}  needed by: ${check.needed_by.join(", ")}`);
  }
  const contradicted = result.checks.filter((c) => c.status === "contradicted");
  lines.push(
    `${result.requests.requests} requests, nothing written; ${contradicted.length === 0 ? "nothing contradicted" : `${contradicted.length} contradicted${result.exitCode === 4 ? ", of which a script needs some (exit 4)" : ", none that a script needs"}`}`,
  );
  return `${lines.join("\n")}\n`;
}

/** The same, for machines (`--json`). */
export function platformCheckJson(result: PlatformCheck): string {
  return `${JSON.stringify({ format: "mdimport-platform-check/1", platform: result.platform, mode: result.mode ?? null, exit_code: result.exitCode, checks: result.checks, requests: result.requests }, null, 2)}\n`;
}
