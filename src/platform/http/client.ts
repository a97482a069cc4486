import { PlatformError } from "../../shared/errors.js";
import { PlatformUnavailable } from "../platform.js";
import { failureOf, type RequestEntry, type RequestLog } from "./request-log.js";
import type { RouteName } from "./api.js";
import { Pacer, sleep } from "./pacer.js";
import {
  answerKindWords,
  answerLimits,
  mebibytes,
  readLimited,
  redirectTarget,
  routeOf,
  type AnswerKind,
} from "./answer-body.js";

/** A whole answer of the API: status, parsed JSON body (or null), and the headers we read. */
export interface ApiAnswer {
  status: number;
  body: unknown;
  retryAfter: number | null;
  /** Where it points: for a redirect (3xx), or a created account's URL (201, 204). */
  location?: string | null;
}

/**
 * The platform answered with a status that is not success and not worth retrying (4xx but
 * 429). Its message holds only the status: the platform's words may repeat the row's personal
 * data, so they are kept apart in `messages`, and only report.xlsx shows them.
 */
export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    /** The messages of the answer's `extra` (or its `message`), in the platform's words. */
    readonly messages: string[],
  ) {
    super(`the platform answered ${status}`);
    this.name = "ApiRefusal";
  }
}

/**
 * No answer worth having came back: a dropped connection, a timeout, or 429/5xx until the
 * retries ran out. `sent` tells whether the platform may have carried the request out. The
 * HTTP form of the platform-neutral PlatformUnavailable, which is all a run looks at.
 */
export class ApiUnavailable extends PlatformUnavailable {
  constructor(message: string, sent: boolean) {
    super(message, sent);
    this.name = "ApiUnavailable";
  }
}

export interface HttpClientOptions {
  token: string;
  /** Requests per second, over all requests, retries included. */
  rate: number;
  /** Milliseconds before a request counts as timed out. */
  timeoutMs: number;
  /** Tries of one request before it counts as failed (1 = no retry). */
  attempts: number;
  /** For tests: the random source of the jitter, and the clock. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called for every request sent, with its method and status (0 when no answer came). */
  onRequest?: (method: string, status: number) => void;
  /** Hears every exchange (request-log.ts): route, status or failure, duration, try, pacer wait. */
  log?: RequestLog;
}

/** Statuses worth trying again: throttling and a gateway or platform that is briefly down. */
const RETRY_STATUS = new Set([429, 502, 503, 504]);

/** Redirect statuses: followed, the token would go to another address, so none is followed. */
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

/** What fetch can put in an Authorization header, and a token is made of: visible ASCII. */
const TOKEN_CHARACTERS = /^[\x21-\x7e]+$/;

/** A success answer whose body went over its cap (answer-body.ts `answerLimits`). */
class AnswerTooLarge extends Error {
  constructor(
    readonly status: number,
    readonly limit: number,
  ) {
    super(`the answer is larger than ${mebibytes(limit)}`);
  }
}

/** Network errors where the request certainly did not reach the platform. */
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** The code of a network error, from fetch's `cause` chain. */
function networkCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const { code, name, message, errors } = current as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      errors?: unknown;
    };
    if (name === "TimeoutError") return "TIMEOUT";
    if (typeof code === "string") return code;
    // fetch refuses the ports of the Fetch standard's block list (6000, 6667, ...) itself.
    if (message === "bad port") return "BAD_PORT";
    // Several addresses tried (IPv4 and IPv6): the first one's reason.
    current =
      Array.isArray(errors) && errors.length > 0 ? (errors[0] as unknown) : (current as { cause?: unknown }).cause;
  }
  return "UNKNOWN";
}

/** The messages of an error body: `{code, extra: [{message}]}` (assumed) or `{message}`. */
function messagesOf(body: unknown): string[] {
  if (!body || typeof body !== "object") return [];
  const { extra, message } = body as { extra?: unknown; message?: unknown };
  const messages = Array.isArray(extra)
    ? (extra as unknown[])
        .map((e): unknown => (e && typeof e === "object" ? (e as { message?: unknown }).message : e))
        .filter((m): m is string => typeof m === "string")
    : [];
  if (typeof message === "string") messages.push(message);
  return messages;
}

/** Retry-After in milliseconds: seconds or an HTTP date. */
function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/**
 * The HTTP side of the adapter: md-token auth, JSON, the rate, a timeout per request, and
 * retries with exponential backoff and full jitter that honour Retry-After. A request that
 * changes something and may not be repeated (`once`) is never sent twice here: when its
 * outcome is unknown, the caller finds out by looking, then decides.
 */
export class HttpClient {
  readonly pacer: Pacer;
  private readonly random: () => number;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly options: HttpClientOptions) {
    // fetch would refuse the header with the token in its message; say so without the token.
    if (!TOKEN_CHARACTERS.test(options.token)) {
      throw new PlatformError(
        "The API token holds characters that cannot be sent in an HTTP header (a line break, a space or a non-ASCII character): check MDIMPORT_TOKEN or --token-file.",
      );
    }
    this.wait = options.sleep ?? sleep;
    this.pacer = new Pacer(options.rate, this.wait);
    this.random = options.random ?? Math.random;
  }

  /** Tries of one request before it counts as failed. */
  get attempts(): number {
    return this.options.attempts;
  }

  /** The wait after try `attempt` (1-based) went unanswered, in ms: full jitter over 250 ms × 2^attempt, at most 10 s. */
  private backoffMs(attempt: number): number {
    return this.random() * Math.min(10_000, 250 * 2 ** attempt);
  }

  /** Waits the backoff before another try of something the caller repeats itself. */
  waitBackoff(attempt: number): Promise<void> {
    return this.wait(this.backoffMs(attempt));
  }

  /**
   * Sends a request and returns a success answer (2xx). Throws ApiRefusal for a 4xx (but
   * 429) and ApiUnavailable when no answer came after the tries (a timeout counts as a dropped
   * connection). A 401, a redirect and a success answer over its size cap (`answer`: what it
   * holds, default one object) are PlatformErrors: they stop the command.
   */
  async request(
    method: string,
    url: string,
    body?: unknown,
    options: {
      once?: boolean;
      attempts?: number;
      answer?: AnswerKind;
      route?: RouteName;
      /** Statuses returned as answers rather than thrown (`platform check` looks at a 401, 404 or 405 itself). */
      accept?: readonly number[];
    } = {},
  ): Promise<ApiAnswer> {
    const kind = options.answer ?? "object";
    const attempts = options.attempts ?? this.options.attempts;
    let last: ApiUnavailable | null = null;
    let waited = false;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1 && !waited) await this.waitBackoff(attempt - 1);
      waited = false;
      const queued = performance.now();
      await this.pacer.take();
      const sent = performance.now();
      const entry = (status: number | null, failure?: RequestEntry["failure"]): RequestEntry => ({
        method,
        route: routeOf(url),
        ...(options.route ? { name: options.route } : {}),
        status,
        ...(failure ? { failure } : {}),
        ms: Math.round(performance.now() - sent),
        try: attempt,
        wait_ms: Math.round(sent - queued),
      });
      let answer: ApiAnswer;
      try {
        answer = await this.send(method, url, body, answerLimits[kind]);
      } catch (error) {
        if (error instanceof AnswerTooLarge) {
          this.options.log?.record(entry(error.status, "too_large"));
          this.options.onRequest?.(method, error.status);
          throw new PlatformError(
            `The platform at ${new URL(url).host} sent an answer larger than ${mebibytes(error.limit)} to ${method} ${routeOf(url)} (the most mdimport reads of ${answerKindWords[kind]}), so it stopped reading.`,
            { cause: error },
          );
        }
        const code = networkCode(error);
        const reached = !NOT_SENT.has(code);
        this.options.log?.record(entry(null, failureOf(code)));
        this.options.onRequest?.(method, 0);
        last = new ApiUnavailable(describeNetworkError(code, url), reached);
        if (options.once && reached) throw last;
        continue;
      }
      this.options.log?.record(entry(answer.status));
      this.options.onRequest?.(method, answer.status);
      if (answer.status !== 429) this.pacer.answered();
      if ((answer.status >= 200 && answer.status < 300) || options.accept?.includes(answer.status)) return answer;
      if (answer.status === 401) {
        throw new PlatformError(
          `The platform at ${new URL(url).host} refused the token (401): check MDIMPORT_TOKEN or --token-file.`,
        );
      }
      if (REDIRECT_STATUS.has(answer.status)) {
        throw new PlatformError(
          `The platform at ${new URL(url).host} answered with a redirect to ${redirectTarget(answer.location ?? null, url)}; give the platform's own https address.`,
        );
      }
      if (RETRY_STATUS.has(answer.status)) {
        last = new ApiUnavailable(`the platform answered ${answer.status}`, answer.status !== 429);
        if (answer.status === 429) {
          if (answer.retryAfter !== null && answer.retryAfter > 1000)
            this.pacer.pauseFor(Math.min(answer.retryAfter, 60_000));
          else this.pacer.throttled();
        }
        if (answer.retryAfter !== null) {
          this.options.log?.waitedRetryAfter(Math.min(answer.retryAfter, 60_000));
          await this.wait(Math.min(answer.retryAfter, 60_000));
          waited = true;
        }
        // 429 means not carried out (assumed: notProcessed); a 5xx from a gateway may hide one that was.
        if (options.once && answer.status !== 429) throw last;
        continue;
      }
      throw new ApiRefusal(answer.status, messagesOf(answer.body));
    }
    throw last ?? new ApiUnavailable("no answer", false);
  }

  /**
   * One exchange, headers and body, within the timeout. The body is read as a stream up to
   * `limit` bytes; beyond it the connection is cut. A redirect is not followed.
   */
  private async send(method: string, url: string, body: unknown, limit: number): Promise<ApiAnswer> {
    const headers: Record<string, string> = {
      Accept: "application/json",
      Authorization: `md-token ${this.options.token}`,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    // NOTE: our own timer, not AbortSignal.timeout(): fetch keeps that signal only weakly, so a
    // garbage collection while a body trickles in lets the request hang for ever; and the
    // timeout must cover the body read, where a slow platform hangs, not only the headers.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    try {
      const response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: controller.signal,
        redirect: "manual",
      });
      const retryAfter = retryAfterMs(response.headers.get("retry-after"));
      if (REDIRECT_STATUS.has(response.status)) {
        controller.abort();
        return { status: response.status, body: null, retryAfter, location: response.headers.get("location") };
      }
      // The whole body is read (within its cap), or the connection is not given back to the pool.
      const text = await readLimited(response, limit);
      if (text === null) {
        controller.abort();
        // An error answer's words are not worth that much; its status says enough.
        if (response.ok) throw new AnswerTooLarge(response.status, limit);
        return { status: response.status, body: null, retryAfter };
      }
      return { status: response.status, body: parseJson(text), retryAfter, location: response.headers.get("location") };
    } catch (error) {
      if (timedOut) throw Object.assign(new Error("the exchange timed out"), { name: "TimeoutError" });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The JSON of a body, or null for an empty or non-JSON one. */
function parseJson(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function describeNetworkError(code: string, url: string): string {
  const { host, hostname, port, protocol } = new URL(url);
  switch (code) {
    case "ECONNREFUSED":
      return `${hostname} refused the connection on port ${port || (protocol === "https:" ? "443" : "80")} (is the platform running there?)`;
    case "BAD_PORT":
      return `fetch does not connect to port ${port}, a port browsers block; use another port`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `the host ${host} cannot be found`;
    case "TIMEOUT":
      return `${host} did not answer in time`;
    default:
      return `the connection to ${host} broke off (${code})`;
  }
}
