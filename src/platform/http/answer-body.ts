const MiB = 1024 * 1024;

/**
 * The most bytes mdimport reads of one answer, by what the answer holds. An answer is read
 * whole into memory before it is parsed, so without a cap a platform (or anything posing as
 * one) that sends an endless body ends the process in a V8 fatal error instead of exit 4.
 */
export const answerLimits = {
  /** One object: the application, an account, a created account, an error. Accounts are a few KiB. */
  object: 4 * MiB,
  /**
   * One page of a list: 1,000 accounts of about 1 KiB each at most (api.ts `pageSize`); also
   * room for a platform that ignores paging and sends some 50,000 accounts at once.
   */
  page: 64 * MiB,
} as const;

export type AnswerKind = keyof typeof answerLimits;

/** How a message names what an answer of a kind holds. */
export const answerKindWords: Record<AnswerKind, string> = { object: "one object", page: "one page of a list" };

/** A size in the words of a message: "4 MiB". */
export const mebibytes = (bytes: number): string => `${Math.round((bytes / MiB) * 10) / 10} MiB`;

/**
 * Reads an answer's body as text, at most `limit` bytes of it. Returns null, having stopped
 * reading, once the body (or its declared Content-Length) is over the limit; the caller then
 * cuts the connection, so the rest is never received.
 */
export async function readLimited(response: Response, limit: number): Promise<string | null> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return null;
  if (!response.body) return "";
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) return null;
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/**
 * The route of a URL as a message may name it: its path with Minddistrict IDs and source IDs
 * replaced by {id}, and no query string, so that no account is named in an error.
 */
export function routeOf(url: string): string {
  const segments = new URL(url).pathname.split("/");
  return segments
    .map((segment, i) => (/^[0-9a-f]{32}$/i.test(segment) || segments[i - 1] === "id" ? "{id}" : segment))
    .join("/");
}

/** Where a redirect points, as a message may show it: origin and path, never a query string or fragment. */
export function redirectTarget(location: string | null, from: string): string {
  if (!location) return "another address";
  try {
    const target = new URL(location, from);
    return `${target.origin}${target.pathname}`;
  } catch {
    return "another address";
  }
}
