/** Where log lines go: the command's file logger (pino's `info(object, message)`). */
export interface LogSink {
  info(object: object, message: string): void;
}

/** How a request went when no status came back. */
export type FailureKind = "timeout" | "dropped" | "connection_refused" | "host_not_found" | "too_large" | "other";

/**
 * One exchange with the platform, as mdimport.log shows it: never a URL's query, a header, a
 * body or an ID (the route has {id} for every Minddistrict ID and source ID: routeOf).
 */
export interface RequestEntry {
  method: string;
  route: string;
  /** The route's name in api.ts `routes` (`listClients`, `activateClient`, …), where the request is one of them. */
  name?: string;
  /** The HTTP status, or null when no (usable) answer came: then `failure` says why. */
  status: number | null;
  failure?: FailureKind;
  /** Milliseconds from sending to the whole answer (or the failure). */
  ms: number;
  /** The try of this request, 1 for the first. */
  try: number;
  /** Milliseconds the pacer held the request back before it was sent (rate and 429 pauses). */
  wait_ms: number;
}

/** What the summary line at the end says: requests by route and status, retries, 429 pauses. */
export interface RequestSummary {
  requests: number;
  by_route: Record<string, Record<string, number>>;
  retries: number;
  throttled: number;
  /** Milliseconds waited on Retry-After over all 429 and 503 answers. */
  retry_after_ms: number;
  pacer_wait_ms: number;
}

/** Entries kept until the command's log exists; beyond that only the summary counts them. */
const EARLY_LIMIT = 10_000;

/**
 * The request log of an HTTP platform. The platform is opened before the command's output
 * folder (and so its mdimport.log) exists, so entries are kept until a sink is attached, then
 * written as they come; the summary is kept throughout and written once at the end.
 */
export class RequestLog {
  private sink: LogSink | null = null;
  private early: RequestEntry[] = [];
  private notKept = 0;
  private readonly summary: RequestSummary = {
    requests: 0,
    by_route: {},
    retries: 0,
    throttled: 0,
    retry_after_ms: 0,
    pacer_wait_ms: 0,
  };
  private unsureCount = 0;

  /** `lookUps`: the names of the routes a create's answer sends the adapter to when it does not say what it made. */
  constructor(private readonly lookUps: ReadonlySet<string> = new Set()) {}

  /**
   * How many exchanges so far were retries, failed (no answer, throttled, the platform down) or
   * looked up what a create made: a write during which this grows is one whose outcome the
   * adapter had to find out, and `run` reads it back.
   */
  get unsure(): number {
    return this.unsureCount;
  }

  record(entry: RequestEntry): void {
    const s = this.summary;
    s.requests++;
    const failed = entry.status === null || entry.status === 429 || entry.status >= 500;
    if (entry.try > 1 || failed || (entry.name !== undefined && this.lookUps.has(entry.name))) this.unsureCount++;
    if (entry.try > 1) s.retries++;
    if (entry.status === 429) s.throttled++;
    s.pacer_wait_ms += entry.wait_ms;
    // By the table's route name (one method each), else method and path.
    const route = entry.name ?? `${entry.method} ${entry.route}`;
    const outcome = entry.status === null ? (entry.failure ?? "other") : String(entry.status);
    const counts = (s.by_route[route] ??= {});
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    if (this.sink) this.sink.info({ request: entry }, "request");
    else if (this.early.length < EARLY_LIMIT) this.early.push(entry);
    else this.notKept++;
  }

  /** A Retry-After the client waited out. */
  waitedRetryAfter(ms: number): void {
    this.summary.retry_after_ms += ms;
  }

  /** From now on, entries go to `sink`; those kept so far go first. */
  attach(sink: LogSink): void {
    this.sink = sink;
    for (const entry of this.early) sink.info({ request: entry }, "request");
    if (this.notKept > 0)
      sink.info({ requests_not_logged: this.notKept }, "earlier requests counted in the summary only");
    this.early = [];
  }

  /** The counts so far. */
  totals(): RequestSummary {
    return structuredClone(this.summary);
  }

  /** Writes the summary line, once there is a sink. */
  writeSummary(): void {
    this.sink?.info({ requests: this.totals() }, "requests summary");
  }
}

/** A network error code (client.ts networkCode) as the log names the failure. */
export function failureOf(code: string): FailureKind {
  if (code === "TIMEOUT") return "timeout";
  if (code === "ECONNREFUSED") return "connection_refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host_not_found";
  if (code === "BAD_PORT" || code === "UNKNOWN") return "other";
  return "dropped";
}

/** The summary as `--verbose` prints it on the terminal: requests by route and status, retries, 429 pauses. */
export function renderRequestSummary(summary: RequestSummary): string {
  const lines = [
    `requests: ${summary.requests} (retries ${summary.retries}, 429s ${summary.throttled}, waited ${summary.retry_after_ms} ms on Retry-After, ${summary.pacer_wait_ms} ms by the pacer)`,
  ];
  const width = Math.max(0, ...Object.keys(summary.by_route).map((route) => route.length));
  for (const [route, counts] of Object.entries(summary.by_route).sort(([a], [b]) => a.localeCompare(b))) {
    const outcomes = Object.entries(counts).map(([outcome, count]) => `${outcome} ×${count}`);
    lines.push(`  ${route.padEnd(width)}  ${outcomes.join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}
